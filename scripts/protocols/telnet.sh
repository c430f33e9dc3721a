# shellcheck shell=bash
# telnet.sh: golden snippet for internal/dissect/telnet. One message per
# Telnet command (telnet.cmd occurrences: IAC and a command byte; a
# subnegotiation is SB and SE), code the command in decimal; Telnet has no
# error replies.
count() {
	{ tshark -r "$1" -n -T fields -E occurrence=a -E aggregator=' ' \
		-e telnet.cmd 2>/dev/null || true; } |
		awk '
		{ for (i = 1; i <= NF; i++) { msgs++; code[$i]++ } }
		END {
			printf "messages %d\nerrors 0\n", msgs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

# shellcheck shell=bash
# cifsbrowser.sh: golden snippet for internal/dissect/cifsbrowser. One
# message per browser protocol datagram (an SMB mailslot write to
# \MAILSLOT\BROWSE over a NetBIOS datagram); code = browser.command in
# decimal. The browser protocol has no error responses.
count() {
	{ tshark -r "$1" -n -Y 'browser && !icmp' -T fields -E occurrence=f -e browser.command 2>/dev/null || true; } |
		awk '
		function hex(s,   i, v) {
			v = 0
			s = tolower(s)
			sub(/^0x/, "", s)
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		$1 != "" { msgs++; code[hex($1)]++ }
		END {
			printf "messages %d\nerrors 0\n", msgs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

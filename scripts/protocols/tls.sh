# shellcheck shell=bash
# tls.sh: golden snippet for internal/dissect/tls. One message per clear-text
# handshake message (every tls.handshake.type occurrence: tshark reassembles
# messages across records and segments as the dissector does), code = the
# handshake type in decimal; plus one per clear-text alert
# (tls.alert_message.level occurrences; encrypted alerts have none), code
# "alert", an error when the level is 2 (fatal).
count() {
	{ tshark -r "$1" -n -T fields -E occurrence=a -E aggregator=' ' \
		-e tls.handshake.type -e tls.alert_message.level 2>/dev/null || true; } |
		awk -F'\t' '
		{
			n = split($1, h, " ")
			for (i = 1; i <= n; i++) { msgs++; code[h[i]]++ }
			n = split($2, a, " ")
			for (i = 1; i <= n; i++) { msgs++; code["alert"]++; if (a[i] == 2) errs++ }
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

# shellcheck shell=bash
# ssh.sh: golden snippet for internal/dissect/ssh. One message per
# identification string (ssh.protocol occurrences), code "banner", and one per
# clear-text binary packet (ssh.message_code occurrences: tshark decodes none
# after NEWKEYS), code the message number in decimal; DISCONNECT (1) is an
# error.
count() {
	{ tshark -r "$1" -n -T fields -E occurrence=a -E aggregator='|' \
		-e ssh.protocol -e ssh.message_code 2>/dev/null || true; } |
		awk -F'\t' '
		{
			if ($1 != "") { n = split($1, b, "|"); msgs += n; code["banner"] += n }
			n = split($2, c, "|")
			for (i = 1; i <= n; i++) { msgs++; code[c[i]]++; if (c[i] == 1) errs++ }
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (k in code) printf "code %s %d\n", k, code[k]
		}'
}

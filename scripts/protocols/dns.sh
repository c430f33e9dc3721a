# shellcheck shell=bash
# dns.sh: golden snippet for internal/dissect/dns, which serves four
# DNS-shaped protocols: dns, mdns, llmnr and nbns. One message per DNS
# message (a TCP frame may hold several). Codes are "<protocol>:<opcode>" so
# that one golden holds all four; the test merges our four summaries the same
# way. tshark's dns.flags / nbns.flags (the 16-bit flags word, one per
# message) give QR (bit 15), opcode (bits 11-14) and rcode (bits 0-3); an
# error is a response with rcode != 0. DNS quoted inside ICMP errors is not a
# message (the sensor never dissects ICMP payloads), so such frames are left
# out.
count() {
	{ tshark -r "$1" -n -Y '(dns || mdns || llmnr || nbns) && !icmp && !icmpv6' \
		-T fields -E occurrence=a -E aggregator=' ' \
		-e frame.protocols -e dns.flags -e nbns.flags 2>/dev/null || true; } |
		awk -F'\t' '
		function hex(s,   i, v) {
			v = 0
			s = tolower(s)
			sub(/^0x/, "", s)
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		function tally(proto, list,   n, i, f, v) {
			n = split(list, f, " ")
			for (i = 1; i <= n; i++) {
				v = hex(f[i])
				msgs++
				code[proto ":" int(v / 2048) % 16]++
				if (v >= 32768 && v % 16 != 0) errs++
			}
		}
		{
			p = $1
			proto = "dns"
			if (p ~ /:mdns/) proto = "mdns"
			else if (p ~ /:llmnr/) proto = "llmnr"
			if ($2 != "") tally(proto, $2)
			if ($3 != "") tally("nbns", $3)
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

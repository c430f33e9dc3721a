# shellcheck shell=bash
# ssdp.sh: golden snippet for internal/dissect/ssdp. One message per SSDP
# datagram; code = the request method (NOTIFY, M-SEARCH, …) or RESPONSE for
# a status line; a response whose status is not 2xx is an error, and a
# datagram with neither a request nor a status line counts as "malformed"
# (an error).
count() {
	{ tshark -r "$1" -n -Y 'ssdp && !icmp && !icmpv6' -T fields -E occurrence=f \
		-e http.request.method -e http.response.code 2>/dev/null || true; } |
		awk -F'\t' '
		{
			msgs++
			if ($1 != "") code[$1]++
			else if ($2 != "") { code["RESPONSE"]++; if ($2 < 200 || $2 > 299) errs++ }
			else { code["malformed"]++; errs++ }
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

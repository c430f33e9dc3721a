# shellcheck shell=bash
# http.sh: golden snippet for internal/dissect/http. One message per HTTP/1.x
# request and per response (interim 1xx included); code = the request method
# or the response's status code; a status of 400 or more is an error. Only
# TCP: tshark also decodes SSDP/UPnP datagrams (UDP 1900) as http, which the
# ssdp dissector counts. A frame may carry several pipelined messages, so
# every occurrence of the fields is counted.
count() {
	{ tshark -r "$1" -n -Y 'http && tcp' -T fields -E occurrence=a -E aggregator=' ' \
		-e http.request.method -e http.response.code 2>/dev/null || true; } |
		awk -F'\t' '
		{
			n = split($1, m, " ")
			for (i = 1; i <= n; i++) { msgs++; code[m[i]]++ }
			n = split($2, r, " ")
			for (i = 1; i <= n; i++) { msgs++; code[r[i]]++; if (r[i] >= 400) errs++ }
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

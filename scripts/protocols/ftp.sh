# shellcheck shell=bash
# ftp.sh: golden snippet for internal/dissect/ftp. tshark reports one
# ftp.request.command / ftp.response.code per TCP segment, while the
# dissector counts one message per command line and one per reply, a
# multi-line reply (RFC 959 §4.2: "230-" … "230 ") being one reply. So this
# snippet takes the segments tshark decodes as FTP (its port 21 and
# reassembly) and splits their payload into lines itself: a client line is a
# command (code: its verb in upper case), a server line "ddd " or "ddd"
# ends a reply (code: ddd; 4xx and 5xx are errors) unless it is inside a
# multi-line reply started by "ddd-", which ends at the next line that
# starts with the same "ddd ".
count() {
	{ tshark -r "$1" -n -Y 'ftp && !tcp.analysis.retransmission' -T fields \
		-e tcp.stream -e tcp.srcport -e tcp.dstport -e tcp.payload 2>/dev/null || true; } |
		awk -F'\t' '
		BEGIN { for (i = 1; i < 256; i++) hex[sprintf("%02x", i)] = sprintf("%c", i) }
		function line(s, srv, l,   v, c) {
			sub(/\r$/, "", l)
			if (!srv) {
				if (l == "") return
				v = l; sub(/ .*/, "", v); v = toupper(v)
				msgs++
				if (v ~ /^[A-Z][A-Z][A-Z][A-Z]?$/) code[v]++; else { code["malformed"]++; errs++ }
				return
			}
			if (multi[s] != "") {
				if (substr(l, 1, 4) == multi[s] " ") { multi[s] = ""; reply(substr(l, 1, 3)) }
				return
			}
			if (l == "") return
			c = substr(l, 1, 3)
			if (c !~ /^[1-5][0-9][0-9]$/ || (length(l) > 3 && substr(l, 4, 1) != " " && substr(l, 4, 1) != "-")) {
				msgs++; errs++; code["malformed"]++; return
			}
			if (substr(l, 4, 1) == "-") { multi[s] = c; return }
			reply(c)
		}
		function reply(c) { msgs++; code[c]++; if (c >= 400) errs++ }
		{
			srv = ($2 == 21)
			k = $1 " " srv
			p = $4; t = ""
			for (i = 1; i < length(p); i += 2) t = t hex[substr(p, i, 2)]
			buf[k] = buf[k] t
			while ((j = index(buf[k], "\n")) > 0) {
				line($1, srv, substr(buf[k], 1, j - 1))
				buf[k] = substr(buf[k], j + 1)
			}
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

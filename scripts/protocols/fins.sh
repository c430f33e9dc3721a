# fins: OMRON FINS frames from tshark's omron dissector (UDP and TCP 9600).
# Every omron.command occurrence is one FINS frame (code = MRC/SRC in 4 hex
# digits); FINS/TCP messages whose omron.tcp.command is not 2 (frame send)
# are messages of their own, code tcp/<command>. Errors: responses (ICF bit
# 0x40) whose end code has a main or sub code (omron.response.code & 0x7F3F
# != 0), FINS/TCP messages with a non-zero error code or command 3.
count() {
	{ tshark -r "$1" -n -T fields -E separator='|' -E occurrence=a -E aggregator=' ' \
		-e omron.icf -e omron.command -e omron.response.code -e omron.tcp.command -e omron.tcp.error_code \
		-Y omron 2>/dev/null || true; } |
		awk -F'|' '
		function hexval(h,   i, v) { v = 0; h = tolower(h); sub(/^0x/, "", h); for (i = 1; i <= length(h); i++) v = v*16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
		{
			ni = split($1, icf, " "); nc = split($2, cmd, " "); nr = split($3, rc, " ")
			nt = split($4, tc, " "); split($5, te, " ")
			for (i = 1; i <= nt; i++) {
				t = hexval(tc[i])
				if (t != 2) { n++; c["tcp/" t]++ }
				if (t == 3 || hexval(te[i]) != 0) e++
			}
			r = 0
			for (i = 1; i <= nc; i++) {
				n++; c[substr(cmd[i], 3)]++
				if (hexval(icf[i]) % 128 >= 64) {
					r++
					v = hexval(rc[r])
					if ((int(v / 256) % 128) != 0 || (v % 64) != 0) e++
				}
			}
		}
		END { print "messages", n + 0; print "errors", e + 0; for (k in c) print "code", k, c[k] }'
}

# scripts/protocols/ethercat.sh: tshark's count of EtherCAT datagrams for
# internal/dissect/ethercat. One message per datagram (one ecat.cmd value
# each), coded by the command number in decimal. Errors: datagrams other
# than NOP of a returning frame (the first slave flips the
# locally-administered bit of the source MAC, eth.src[0] & 0x02) whose
# working counter (ecat.cnt) is still 0. (The dissector learns returning
# MACs from non-zero working counters instead; both agree on the shared
# captures.)
count() {
	{ tshark -r "$1" -Y 'ecat' -T fields -E separator='|' \
		-E occurrence=a -E aggregator=' ' \
		-e eth.src -e ecat.cmd -e ecat.cnt 2>/dev/null || true; } |
		awk -F'|' '
		function hex(s,   i, v, d) {
			s = tolower(s); sub(/^0x/, "", s); v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		{
			ret = (int(hex(substr($1, 1, 2)) / 2) % 2 == 1)
			n = split($2, c, " "); split($3, w, " ")
			for (i = 1; i <= n; i++) {
				cmd = hex(c[i]); m++
				if (ret && cmd != 0 && w[i] + 0 == 0) e++
				k[cmd <= 14 ? cmd : "reserved"]++
			}
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (x in k) print "code", x, k[x]
		}'
}

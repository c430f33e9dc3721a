# shellcheck shell=bash
# IEC 60870-5-104: one message per APCI frame (one iec60870_104.type value per
# APDU). Codes: "S" for S frames, "U/<first control octet in hex>" for U
# frames (tshark's iec60870_104.utype is that octet shifted right by 2), the
# decimal ASDU type id (iec60870_asdu.typeid) for I frames. An error is an
# ASDU with the P/N (negative confirmation) bit or a cause of transmission
# 44-47 (unknown type, cause, common address or object address).
count() {
	# A damaged capture makes tshark exit non-zero after what it could read.
	{ tshark -r "$1" -Y iec60870_104 -T fields -e iec60870_104.type -e iec60870_104.utype \
		-e iec60870_asdu.typeid -e iec60870_asdu.nega -e iec60870_asdu.causetx \
		-E occurrence=a -E aggregator=' ' 2>/dev/null || true; } |
		awk -F'\t' '
		function hex(s,   v, i, c) {
			sub(/^0x/, "", s)
			v = 0
			for (i = 1; i <= length(s); i++) {
				c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
				v = v * 16 + c
			}
			return v
		}
		{
			n = split($1, t, " ")
			split($2, u, " ")
			ni = split($3, id, " ")
			nn = split($4, neg, " ")
			split($5, cot, " ")
			ui = 0; ii = 0
			for (i = 1; i <= n; i++) {
				m++
				ty = hex(t[i])
				if (ty == 1) c["S"]++
				else if (ty == 3) c[sprintf("U/%02x", hex(u[++ui]) * 4 + 3)]++
				else if (ii < ni) c[id[++ii]]++
			}
			for (i = 1; i <= nn; i++)
				if (neg[i] == "1" || (cot[i] >= 44 && cot[i] <= 47)) e++
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (k in c) print "code", k, c[k]
		}'
}

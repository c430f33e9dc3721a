# cclink: CC-Link IE TSN (cclink_ie_tsn) messages, the part of the cclink
# package that spans three transports. tshark 4.0 has no CC-Link dissector, so
# tshark only reads the frames and awk applies the CC-Link layout to its bytes:
#   - Ethertype 0x890F frames (data.data): types c0–c5, and 11/12 whose
#     protocol version type (byte 8) is 02 or 03 (TSN test data);
#   - Ethertype 0x88F7 (tshark's ptp dissector): code ptp/<messageType hex>;
#   - UDP 45238/45239 payloads with subheader 6800/e800 whose length field
#     (14–15, LE) equals the payload length - 16: code <command>/<subcommand>
#     from 18–21 (LE), both in hex.
# No error is counted (TSN SLMP end codes are not decoded).
count() {
	# A truncated capture makes tshark exit non-zero after reading what it can.
	{ tshark -r "$1" -n -T fields -E separator='|' -E occurrence=f \
		-e eth.type -e data.data -e ptp.v2.messagetype -e udp.port -e udp.payload \
		-Y 'eth.type==0x890f || eth.type==0x88f7 || udp.port==45238 || udp.port==45239' 2>/dev/null || true; } |
		awk -F'|' '
		function le16(h, off) { return substr(h, off*2+3, 2) substr(h, off*2+1, 2) }
		function hexval(h,   i, v) { v = 0; h = tolower(h); sub(/^0x/, "", h); for (i = 1; i <= length(h); i++) v = v*16 + index("0123456789abcdef", substr(h, i, 1)) - 1; return v }
		$1 == "0x890f" {
			t = substr($2, 1, 2); v = substr($2, 17, 2)
			if (t ~ /^c[0-5]$/ || ((t == "11" || t == "12") && (v == "02" || v == "03"))) { n++; c[t]++ }
			next
		}
		$1 == "0x88f7" { n++; c[sprintf("ptp/%02x", hexval($3))]++; next }
		$4 == "45238" || $4 == "45239" {
			p = $5; s = substr(p, 1, 4)
			if ((s == "6800" || s == "e800") && length(p) >= 44 && hexval(le16(p, 14)) == length(p)/2 - 16) {
				n++; c[le16(p, 18) "/" le16(p, 20)]++
			}
		}
		END { print "messages", n + 0; print "errors 0"; for (k in c) print "code", k, c[k] }'
}

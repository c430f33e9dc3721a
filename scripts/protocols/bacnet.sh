# BACnet/IP: one message per BVLC message (tshark's bvlc layer, one per
# datagram). Code: APDU type/service in decimal ("0/12": bacapp.type, then
# bacapp.confirmed_service for types 0, 2, 3, 5 or
# bacapp.unconfirmed_service for type 1; types 4, 6, 7 alone), else
# "npdu/NN" for a network layer message (bacnet.mesgtyp, hex), else
# "bvlc/NN" (bvlc.function, hex). Errors: APDU types 5 (Error), 6 (Reject)
# and 7 (Abort). A damaged capture makes tshark exit non-zero after printing
# what it read: that part still counts.
count() {
	{ tshark -r "$1" -Y bvlc -T fields -e bvlc.function -e bacnet.mesgtyp -e bacapp.type \
		-e bacapp.confirmed_service -e bacapp.unconfirmed_service -E occurrence=f 2>/dev/null || true; } |
		awk -F'\t' '
		function hex2(v) { v = tolower(v); sub(/^0x/, "", v); while (length(v) < 2) v = "0" v; return v }
		{
			messages++
			if ($2 != "") code = "npdu/" hex2(sprintf("%x", $2 + 0))
			else if ($3 != "") {
				t = $3
				if ((t == 0 || t == 2 || t == 3 || t == 5) && $4 != "") code = t "/" $4
				else if (t == 1 && $5 != "") code = t "/" $5
				else code = t
				if (t == 5 || t == 6 || t == 7) errors++
			} else code = "bvlc/" hex2($1)
			codes[code]++
		}
		END {
			printf "messages %d\nerrors %d\n", messages, errors
			for (c in codes) printf "code %s %d\n", c, codes[c]
		}'
}

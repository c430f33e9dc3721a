# EtherNet/IP: one message per encapsulation message (tshark's enip layer with
# enip.command) or per class-0/1 I/O datagram (enip layer with a sequenced
# address item, enip.cpf.sai.seq). tshark puts each CIP layer after the enip
# layer that carries it, so the PDML is walked layer by layer: the code is
# the command in hex, then "/" and the first cip.sc of the message in hex —
# the second one when the first is Unconnected_Send (0x52) wrapping another
# request, as the dissector reports the embedded request. Errors: enip.status
# != 0 or a first cip.genstat != 0. A damaged capture makes tshark exit
# non-zero after printing what it read: that part still counts.
count() {
	{ tshark -r "$1" -T pdml 2>/dev/null || true; } | awk '
		function flush() {
			if (!open) return
			if (cmd != "") {
				code = substr(cmd, 5, 2)
				if ((code == "6f" || code == "70") && nsc > 0) {
					sc = sc1
					if (sc1 == "52" && nsc > 1) sc = sc2
					code = code "/" sc
				}
			} else if (io) {
				code = "io"
			} else {
				open = 0
				return
			}
			messages++
			codes[code]++
			if ((st != "" && st != "0x00000000") || (gs != "" && gs != "0x00")) errors++
			open = 0
		}
		/<proto name="enip"/ { flush(); open = 1; cmd = ""; st = ""; io = 0; nsc = 0; sc1 = ""; sc2 = ""; gs = ""; next }
		/<proto name="(eth|ip|ipv6|tcp|udp|frame|geninfo)"/ { flush(); next }
		!open { next }
		/name="enip.command"/ { match($0, /show="[^"]*"/); cmd = tolower(substr($0, RSTART + 6, RLENGTH - 7)) }
		/name="enip.status"/ { match($0, /show="[^"]*"/); st = substr($0, RSTART + 6, RLENGTH - 7) }
		/name="enip.cpf.sai.seq"/ { io = 1 }
		/name="cip.sc"/ { match($0, /show="[^"]*"/); v = tolower(substr($0, RSTART + 8, RLENGTH - 9)); nsc++; if (nsc == 1) sc1 = v; if (nsc == 2) sc2 = v }
		/name="cip.genstat"/ { if (gs == "") { match($0, /show="[^"]*"/); gs = substr($0, RSTART + 6, RLENGTH - 7) } }
		END {
			flush()
			printf "messages %d\nerrors %d\n", messages, errors
			for (c in codes) printf "code %s %d\n", c, codes[c]
		}'
}

# OPC UA Binary: one message per chunk (tshark's opcua layers, one per
# chunk). Code: opcua.transport.type for HEL/ACK/ERR/RHE; for MSG/OPN/CLO the
# type, "/" and the first opcua.servicenodeid.numeric of the chunk, or
# "/encrypted" when tshark finds no service id (an encrypted body). Errors:
# ERR messages and ServiceFault (397). Captures on non-standard ports are
# not decoded by tshark (no decode-as here): see the known differences in
# golden_test.go. A damaged capture makes tshark exit non-zero after printing
# what it read: that part still counts.
count() {
	{ tshark -r "$1" -T pdml 2>/dev/null || true; } | awk '
		function flush() {
			if (!open) return
			open = 0
			if (typ == "") return
			code = typ
			if (typ == "MSG" || typ == "OPN" || typ == "CLO") code = typ "/" (id == "" ? "encrypted" : id)
			messages++
			codes[code]++
			if (typ == "ERR" || id == "397") errors++
		}
		/<proto name="opcua"/ { flush(); open = 1; typ = ""; id = ""; next }
		/<proto name=/ { flush(); next }
		!open { next }
		/name="opcua.transport.type"/ { match($0, /show="[^"]*"/); typ = substr($0, RSTART + 6, RLENGTH - 7) }
		/name="opcua.servicenodeid.numeric"/ { if (id == "") { match($0, /show="[^"]*"/); id = substr($0, RSTART + 6, RLENGTH - 7) } }
		END {
			flush()
			printf "messages %d\nerrors %d\n", messages, errors
			for (c in codes) printf "code %s %d\n", c, codes[c]
		}'
}

# scripts/protocols/profinet.sh: tshark's count of PROFINET messages for
# internal/dissect/profinet (profinet_dcp, profinet_rt and profinet_cm in one
# golden). Codes carry the protocol as a prefix ("profinet_dcp:5/1"), so the
# per-protocol totals follow from the codes; the test merges the three
# protocols of the summary the same way.
#
# Units: every Ethertype 0x8892 frame (tshark's pn_rt) is one message:
# profinet_dcp for FrameIDs 0xFEFC–0xFEFF, coded "serviceID/serviceType" in
# hex, an error when the service type says "not supported" (bit 2) or a
# Control/Response block carries a non-zero BlockError; profinet_rt for the
# rest, coded by FrameID class, an error for an ERR-RTA alarm PDU. Every
# connectionless DCE/RPC PDU over UDP whose interface UUID is a PROFINET IO
# interface (DEA0000[1-4]-6C97-11D1-8271-00A02442DF7D) is one profinet_cm
# message coded by opnum; fault and reject PDUs and responses whose first
# PNIOStatus is not zero are errors.
count() {
	# A damaged capture makes tshark exit non-zero after printing what it
	# read; count that part, as the sensor does.
	{ tshark -r "$1" -Y 'pn_rt || (udp && dcerpc)' -T fields -E separator='|' \
		-E occurrence=a -E aggregator=' ' \
		-e pn_rt.frame_id -e pn_dcp.service_id -e pn_dcp.service_type \
		-e pn_dcp.block_error -e pn_io.pdu_type.type -e dcerpc.dg_if_id \
		-e dcerpc.pkt_type -e dcerpc.opnum -e pn_io.error_code \
		-e pn_io.error_decode -e pn_io.error_code1 -e pn_io.error_code2 2>/dev/null || true; } |
		awk -F'|' '
		function first(s) { split(s, a, " "); return a[1] }
		function class(id) {
			if (id <= 255) return "ptcp"
			if (id <= 32767) return "rt_class3"
			if (id <= 49151) return "rt_class2"
			if (id <= 64511) return "rt_class1"
			if (id == 64513) return "alarm_high"
			if (id == 65025) return "alarm_low"
			if ((id >= 64512 && id <= 64767) || (id >= 65024 && id <= 65275)) return "acyclic"
			if (id >= 65280 && id <= 65407) return "ptcp"
			if (id >= 65408 && id <= 65423) return "fragment"
			return "reserved"
		}
		{
			fid = first($1)
			if (fid != "") {
				fid += 0
				if (fid >= 65276 && fid <= 65279) {
					id = $2 + 0; t = $3 + 0
					err = (int(t / 4) % 2 == 1)
					n = split($4, be, " ")
					for (i = 1; i <= n; i++) if (be[i] + 0 != 0) err = 1
					m++; e += err
					c["profinet_dcp:" sprintf("%x/%x", id, t)]++
					next
				}
				k = class(fid)
				m++
				if ((k == "alarm_high" || k == "alarm_low") && first($5) + 0 == 4) e++
				c["profinet_rt:" k]++
				next
			}
			if (first($6) !~ /^dea0000[1-4]-6c97-11d1-8271-00a02442df7d$/) next
			pt = first($7) + 0
			m++
			if (pt == 3 || pt == 6) e++
			if (pt == 2) {
				bad = 0
				for (i = 9; i <= 12; i++) if (first($i) !~ /^(0x)?0+$/) bad = 1
				if (first($9) != "" && bad) e++
			}
			op = first($8) + 0
			c["profinet_cm:" (op < 16 ? op : "reserved")]++
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (k in c) print "code", k, c[k]
		}'
}

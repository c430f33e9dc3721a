# scripts/protocols/hartip.sh: tshark's count of HART-IP messages for
# internal/dissect/hartip. One message per HART-IP message; code: the
# message ID in decimal, or "3/<HART command in hex>" for a Token-Passing
# PDU with a HART frame. Errors: message type 3 (Error) or 15 (NAK); a
# non-request whose HART-IP status is an error; a HART reply whose
# response code has bit 7 set or is an error. HCF_SPEC-307 classes 8, 14,
# 24–27 and 96–111 as warnings, not errors.
#
# tshark 4.0 does not know the HART-IP version 2 message IDs 4 (Direct PDU)
# and 5 (Read Audit Log) and shows those segments on port 5094 as "data";
# for them the header (type, ID, status) is read from data.data, one
# message per segment (each such segment holds exactly one message in the
# shared captures). HART-IP quoted inside ICMP errors is not a message.
count() {
	{ tshark -r "$1" -Y '(hart_ip || ((tcp.port == 5094 || udp.port == 5094) && data)) && !icmp' \
		-T fields -E separator='|' -E occurrence=a -E aggregator=' ' \
		-e hart_ip.message_type -e hart_ip.message_id -e hart_ip.status \
		-e hart_ip.pt.command -e hart_ip.pt.response_code -e data.data 2>/dev/null || true; } |
		awk -F'|' '
		function hex(s,   i, v) {
			s = tolower(s); v = 0
			for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
			return v
		}
		function iserr(rc) {
			rc += 0
			if (rc == 0 || rc == 8 || rc == 14 || (rc >= 24 && rc <= 27) || (rc >= 96 && rc <= 111)) return 0
			return 1
		}
		function msg(t, id, st, cmd, rc,   err, code) {
			m++; err = 0
			if (t == 3 || t == 15) err = 1
			if (t != 0 && iserr(st)) err = 1
			code = id
			if (id == 3 && cmd != "") {
				code = sprintf("3/%x", cmd + 0)
				if (rc != "" && (rc + 0 >= 128 || iserr(rc))) err = 1
			}
			e += err
			c[code]++
		}
		$1 == "" && length($6) >= 16 {
			msg(hex(substr($6, 3, 2)), hex(substr($6, 5, 2)), hex(substr($6, 7, 2)), "", "")
			next
		}
		$1 != "" {
			n = split($1, t, " "); split($2, id, " "); split($3, st, " ")
			for (i = 1; i <= n; i++) msg(t[i], id[i], st[i], $4, $5)
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (k in c) print "code", k, c[k]
		}'
}

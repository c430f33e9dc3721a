# shellcheck shell=bash
# S7comm (protocol id 0x32): one message per S7 PDU (tshark's s7comm tree;
# several PDUs in one frame are aggregated per field and walked in order).
# Codes as the dissector reports them (internal/dissect/s7comm/tables.go):
# job/ack-data "ROSCTR/function" ("1/04"), ack "2", userdata
# "7/group/subfunction" ("7/4/01"), all hex. errors: PDUs whose combined
# error (header error class/code of ack and ack-data, userdata parameter
# error code; tshark field s7comm.param.errcod) is non-zero.
count() {
	{ tshark -r "$1" -Y s7comm -T fields -E occurrence=a -E aggregator=' ' -E separator='|' \
		-e s7comm.header.rosctr -e s7comm.param.func \
		-e s7comm.param.userdata.funcgroup -e s7comm.param.userdata.subfunc \
		-e s7comm.param.errcod 2>/dev/null || true; } |
		awk -F'|' '
		function hexval(s,   v, i, c) {
			s = tolower(s); sub(/^0x/, "", s); v = 0
			for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); if (c == 0) return -1; v = v * 16 + c - 1 }
			return v
		}
		{
			nr = split($1, ros, " "); split($2, fn, " "); split($3, grp, " "); split($4, sub_, " ")
			ne = split($5, ec, " ")
			fi = 0; ui = 0
			for (i = 1; i <= nr; i++) {
				m++
				r = ros[i] + 0
				if (r == 1 || r == 3) {
					f = fn[++fi]
					if (f == "") { code[sprintf("%x", r)]++; continue }
					code[sprintf("%x/%02x", r, hexval(f))]++
				} else if (r == 7) {
					ui++
					code[sprintf("7/%x/%02x", grp[ui] + 0, sub_[ui] + 0)]++
				} else {
					code[sprintf("%x", r)]++
				}
			}
			for (i = 1; i <= ne; i++) if (hexval(ec[i]) != 0) e++
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (c in code) print "code", c, code[c]
		}'
}

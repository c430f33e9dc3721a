# shellcheck shell=bash
# Modbus/TCP: one message per ADU (one mbtcp.trans_id value per MBAP header
# tshark decodes); the code is the function code without the exception bit
# (modbus.func_code), an error is an exception response
# (modbus.exception_code).
count() {
	# A damaged capture makes tshark exit non-zero after what it could read.
	{ tshark -r "$1" -Y mbtcp -T fields -e mbtcp.trans_id -e modbus.func_code -e modbus.exception_code \
		-E occurrence=a -E aggregator=' ' 2>/dev/null || true; } |
		awk -F'\t' '{
			m += split($1, t, " ")
			n = split($2, f, " ")
			for (i = 1; i <= n; i++) c[f[i]]++
			e += split($3, x, " ")
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (k in c) print "code", k, c[k]
		}'
}

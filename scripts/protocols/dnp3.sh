# shellcheck shell=bash
# DNP3: one message per reassembled application fragment (one dnp3.al.func
# value), coded by its decimal function code, plus one per link frame without
# user data (dnp3.len 5), coded "link/<hex>" from the control octet's PRM bit
# (0x40) and link function (dnp3.ctl.prifunc / dnp3.ctl.secfunc). Errors: a
# response whose IIN has function-not-supported, object-unknown or
# parameter-error set (dnp3.al.iin & 0x0007), and link NACK / NOT_SUPPORTED.
count() {
	# A damaged capture makes tshark exit non-zero after what it could read.
	{ tshark -r "$1" -Y dnp3 -T fields -e dnp3.al.func -e dnp3.al.iin -e dnp3.len -e dnp3.ctl.prm \
		-e dnp3.ctl.prifunc -e dnp3.ctl.secfunc \
		-E occurrence=a -E aggregator=' ' 2>/dev/null || true; } |
		awk -F'\t' '
		{
			n = split($1, f, " ")
			for (i = 1; i <= n; i++) { m++; c[f[i]]++ }
			n = split($2, iin, " ")
			for (i = 1; i <= n; i++)
				if (index("1234567", substr(iin[i], length(iin[i]), 1)) > 0) e++
			n = split($3, l, " ")
			split($4, prm, " ")
			split($5, pf, " ")
			split($6, sf, " ")
			pi = 0; si = 0
			for (i = 1; i <= n; i++) {
				if (prm[i] == "1") fn = 64 + pf[++pi]
				else fn = sf[++si]
				if (l[i] != 5) continue
				m++
				c[sprintf("link/%02x", fn)]++
				if (fn == 1 || fn == 15) e++
			}
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (k in c) print "code", k, c[k]
		}'
}

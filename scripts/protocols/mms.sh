# shellcheck shell=bash
# MMS: one message per MMS PDU in tshark's packet details (-O mms). Codes as
# internal/dissect/mms reports them: MMSpdu type number, then "/" and the
# service number for confirmed requests/responses and unconfirmed PDUs
# ("0/4" read request, "1/4" read response, "3/0" informationReport,
# "8" initiate-Request), decimal. errors: confirmed-, cancel-, initiate- and
# conclude-Error PDUs and reject PDUs.
count() {
	{ tshark -r "$1" -Y mms -O mms 2>/dev/null || true; } |
		awk '
		function flush() { if (pdu != "") { m++; code[svc == "" ? pdu : pdu "/" svc]++ } pdu = ""; svc = "" }
		BEGIN {
			split("confirmed-RequestPDU confirmed-ResponsePDU confirmed-ErrorPDU unconfirmed-PDU rejectPDU cancel-RequestPDU cancel-ResponsePDU cancel-ErrorPDU initiate-RequestPDU initiate-ResponsePDU initiate-ErrorPDU conclude-RequestPDU conclude-ResponsePDU conclude-ErrorPDU", names, " ")
			for (i in names) num[names[i]] = i - 1
		}
		/^MMS$/ { flush(); inmms = 1; next }
		/^[^ ]/ { flush(); inmms = 0; next }
		inmms && /^    [a-zA-Z-]+PDU/ {
			flush()
			t = $1; sub(/:.*/, "", t)
			if (t in num) {
				pdu = num[t]
				if (t ~ /Error|reject/) e++
			}
			next
		}
		inmms && pdu != "" && svc == "" && /^        (confirmedServiceRequest|confirmedServiceResponse|unconfirmedService): / {
			s = $NF; gsub(/[()]/, "", s); svc = s
		}
		END {
			flush()
			print "messages", m + 0
			print "errors", e + 0
			for (c in code) print "code", c, code[c]
		}'
}

# shellcheck shell=bash
# GOOSE (Ethertype 0x88B8): one message per frame (tshark's goose layer).
# Codes as internal/dissect/goose reports them: "state_change" when a
# publisher's (source MAC + gocbRef) stNum differs from the last one seen,
# "publish" otherwise (the first frame of a publisher included), "malformed"
# for frames tshark marks malformed or that hold no goosePdu (these are the
# errors).
count() {
	{ tshark -r "$1" -Y 'goose' -T fields -E separator='|' -E occurrence=f \
		-e eth.src -e goose.gocbRef -e goose.stNum -e goose.gseMngtPdu_element -e _ws.malformed \
		2>/dev/null || true; } |
		awk -F'|' '
		{
			m++
			if ($5 != "") { e++; code["malformed"]++; next }
			if ($4 != "") { e++; code["malformed"]++; next }
			k = $1 "|" $2
			if ((k in last) && last[k] != $3) code["state_change"]++
			else code["publish"]++
			last[k] = $3
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (c in code) print "code", c, code[c]
		}'
}

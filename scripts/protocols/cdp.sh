# shellcheck shell=bash
# CDP (802.3 SNAP, OUI 00:00:0c PID 0x2000): one message per frame (tshark's cdp layer).
# Code "cdp" for every CDP PDU, "malformed" for frames tshark marks
# malformed (these are the errors), as internal/dissect/cdp reports them.
count() {
	{ tshark -r "$1" -Y 'cdp' -T fields -E occurrence=f -e _ws.malformed \
		2>/dev/null || true; } |
		awk '
		{
			m++
			if ($1 != "") { e++; code["malformed"]++ } else code["cdp"]++
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (c in code) print "code", c, code[c]
		}'
}

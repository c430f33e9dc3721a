# shellcheck shell=bash
# LLDP (Ethertype 0x88CC): one message per frame (tshark's lldp layer).
# Code "lldp" for every LLDPDU, "malformed" for frames tshark marks
# malformed (these are the errors), as internal/dissect/lldp reports them.
count() {
	{ tshark -r "$1" -Y 'lldp' -T fields -E occurrence=f -e _ws.malformed \
		2>/dev/null || true; } |
		awk '
		{
			m++
			if ($1 != "") { e++; code["malformed"]++ } else code["lldp"]++
		}
		END {
			print "messages", m + 0
			print "errors", e + 0
			for (c in code) print "code", c, code[c]
		}'
}

# shellcheck shell=bash
# smb.sh: golden snippet for internal/dissect/smb. One message per SMB1
# header (code = its first command, "0x73" for a Session Setup AndX chain
# whatever follows; tshark lists the chained commands in smb.cmd too, so
# the first occurrence is taken: no shared capture has two SMB1 headers in
# one frame) and one per SMB2 header (each command of a compound; code
# "0x%04x"). A response is an error when its NT status is neither 0 nor
# STATUS_MORE_PROCESSING_REQUIRED (0xc0000016), or its DOS error class is
# not 0. tshark gives SMB2 NT status for responses only, in header order.
# Encrypted SMB3 messages have no command and are not counted. Only TCP:
# SMB over UDP 138 is the CIFS browser's (mailslot) datagrams.
count() {
	{ tshark -r "$1" -n -Y '(smb || smb2) && tcp' -T fields -E occurrence=a -E aggregator=' ' \
		-e smb.flags.response -e smb.cmd -e smb.nt_status -e smb.error_class \
		-e smb2.flags.response -e smb2.cmd -e smb2.nt_status 2>/dev/null || true; } |
		awk -F'\t' '
		function bad(s) { return s != "" && s != "0x00000000" && s != "0xc0000016" }
		{
			n = split($1, resp, " "); split($2, cmd, " "); split($3, st, " "); split($4, cls, " ")
			for (i = 1; i <= n; i++) {
				msgs++; code[cmd[i == 1 ? 1 : i]]++
				if (resp[i] == 1 && (bad(st[i]) || (cls[i] != "" && cls[i] != "0x00"))) errs++
			}
			n = split($5, resp, " "); split($6, cmd, " "); split($7, st, " ")
			k = 0
			for (i = 1; i <= n; i++) {
				msgs++; code[sprintf("0x%04x", cmd[i])]++
				if (resp[i] == 1 && bad(st[++k])) errs++
			}
		}
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

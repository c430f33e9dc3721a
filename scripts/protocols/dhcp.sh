# shellcheck shell=bash
# dhcp.sh: golden snippet for internal/dissect/dhcp. One message per
# DHCP/BOOTP message; code = the DHCP message type (option 53, decimal), or
# "bootp" for a BOOTP message without one; DHCPNAK (6) is the error.
count() {
	{ tshark -r "$1" -n -Y 'dhcp && !icmp && !icmpv6' -T fields -E occurrence=f -e dhcp.option.dhcp 2>/dev/null || true; } |
		awk '
		{ msgs++; c = ($1 == "" ? "bootp" : $1); code[c]++; if (c == 6) errs++ }
		END {
			printf "messages %d\nerrors %d\n", msgs, errs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

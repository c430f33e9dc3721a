# shellcheck shell=bash
# dhcpv6.sh: golden snippet for internal/dissect/dhcpv6. One message per
# DHCPv6 datagram; code = the outer message type (dhcpv6.msgtype's first
# occurrence: a relay message counts once, as its relay type). No DHCPv6
# message counts as an error: failures are status code options, often nested
# inside IA options, which the record carries instead.
count() {
	{ tshark -r "$1" -n -Y 'dhcpv6 && !icmp && !icmpv6' -T fields -E occurrence=f -e dhcpv6.msgtype 2>/dev/null || true; } |
		awk '
		$1 != "" { msgs++; code[$1]++ }
		END {
			printf "messages %d\nerrors 0\n", msgs
			for (c in code) printf "code %s %d\n", c, code[c]
		}'
}

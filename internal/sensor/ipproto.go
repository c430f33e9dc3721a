package sensor

import "strconv"

// ipProtoNames holds IANA keywords (lower case) of IP protocols that appear on
// plant networks; others are named "proto-N".
var ipProtoNames = map[uint8]string{
	0: "hopopt", 1: "icmp", 2: "igmp", 4: "ipv4", 6: "tcp", 8: "egp", 9: "igp",
	17: "udp", 41: "ipv6", 43: "ipv6-route", 44: "ipv6-frag", 46: "rsvp", 47: "gre",
	50: "esp", 51: "ah", 58: "ipv6-icmp", 59: "ipv6-nonxt", 60: "ipv6-opts",
	88: "eigrp", 89: "ospf", 94: "ipip", 103: "pim", 108: "ipcomp", 112: "vrrp",
	115: "l2tp", 118: "stp", 124: "isis", 132: "sctp", 136: "udplite", 137: "mpls-in-ip",
}

func ipProtoName(p uint8) string {
	if n, ok := ipProtoNames[p]; ok {
		return n
	}
	return "proto-" + strconv.Itoa(int(p))
}

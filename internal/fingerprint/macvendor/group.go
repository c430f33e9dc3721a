package macvendor

// Names of well-known multicast groups reported in Info.Group.
const (
	GroupBroadcast     = "broadcast"
	GroupIPv4Multicast = "IPv4 multicast"
	GroupIPv6Multicast = "IPv6 multicast"
	GroupSTP           = "STP (IEEE 802.1D bridge group)"
	GroupPause         = "IEEE 802.3 MAC control (PAUSE)"
	GroupSlowProtocols = "IEEE 802.3 slow protocols (LACP, OAM)"
	GroupPAE           = "IEEE 802.1X PAE"
	GroupLLDP          = "LLDP"
	GroupBridgeReserve = "IEEE 802.1 reserved bridge group"
	GroupCiscoCDP      = "Cisco CDP/VTP/DTP"
	GroupCiscoPVST     = "Cisco PVST+"
	GroupPROFINET      = "PROFINET"
	GroupPTP           = "PTP (IEEE 1588)"
)

// groupName names the well-known group a multicast address belongs to, or
// returns "" for other groups. These matter on plant networks because they
// reveal which discovery and redundancy protocols a segment runs.
func groupName(m [6]byte) string {
	switch {
	case m == [6]byte{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}:
		return GroupBroadcast
	case m[0] == 0x01 && m[1] == 0x00 && m[2] == 0x5E && m[3]&0x80 == 0:
		// RFC 1112 maps IPv4 groups onto the lower half of 01:00:5E only.
		return GroupIPv4Multicast
	case m[0] == 0x33 && m[1] == 0x33:
		return GroupIPv6Multicast
	case m[0] == 0x01 && m[1] == 0x80 && m[2] == 0xC2 && m[3] == 0 && m[4] == 0 && m[5] <= 0x0F:
		switch m[5] {
		case 0x00:
			return GroupSTP
		case 0x01:
			return GroupPause
		case 0x02:
			return GroupSlowProtocols
		case 0x03:
			return GroupPAE
		case 0x0E:
			// Also used by PTP peer-delay; LLDP is by far the common user.
			return GroupLLDP
		}
		return GroupBridgeReserve
	case m == [6]byte{0x01, 0x00, 0x0C, 0xCC, 0xCC, 0xCC}:
		return GroupCiscoCDP
	case m == [6]byte{0x01, 0x00, 0x0C, 0xCC, 0xCC, 0xCD}:
		return GroupCiscoPVST
	case m[0] == 0x01 && m[1] == 0x0E && m[2] == 0xCF:
		return GroupPROFINET
	case m == [6]byte{0x01, 0x1B, 0x19, 0x00, 0x00, 0x00}:
		return GroupPTP
	}
	return ""
}

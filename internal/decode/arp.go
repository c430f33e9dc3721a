package decode

import (
	"encoding/binary"
	"net/netip"
)

// ARP header values of the only variant decoded further: Ethernet hardware
// addresses and IPv4 protocol addresses.
const (
	arpHeaderLen  = 8
	arpEtherIPLen = 28
	arpHTEthernet = 1
)

// decodeARP fills the ARP fields for Ethernet/IPv4 ARP. Other hardware or
// protocol types are delivered as L3Other with the ARP bytes as Payload.
func decodeARP(p *Packet, b []byte) Status {
	if len(b) < arpHeaderLen {
		return errStatus(CauseARPTruncated)
	}
	if binary.BigEndian.Uint16(b) != arpHTEthernet || binary.BigEndian.Uint16(b[2:]) != etherTypeIPv4 ||
		b[4] != 6 || b[5] != 4 {
		p.L3 = L3Other
		p.Payload = b
		return OK
	}
	if len(b) < arpEtherIPLen {
		return errStatus(CauseARPTruncated)
	}
	p.L3 = L3ARP
	p.ARPOp = binary.BigEndian.Uint16(b[6:])
	copy(p.ARPSHA[:], b[8:14])
	p.ARPSPA = netip.AddrFrom4([4]byte(b[14:18]))
	copy(p.ARPTHA[:], b[18:24])
	p.ARPTPA = netip.AddrFrom4([4]byte(b[24:28]))
	return OK
}

package dns

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is unicast DNS on UDP and TCP 53.
var Spec = &dissect.Spec{
	Name: dissect.NameDNS, TCPPorts: []uint16{53}, UDPPorts: []uint16{53},
	Detect: detectDNS, New: newFor(dissect.NameDNS),
}

// SpecMDNS is multicast DNS (RFC 6762) on UDP 5353.
var SpecMDNS = &dissect.Spec{
	Name: dissect.NameMDNS, UDPPorts: []uint16{5353},
	Detect: detectDNS, New: newFor(dissect.NameMDNS),
}

// SpecLLMNR is Link-Local Multicast Name Resolution (RFC 4795) on UDP and
// TCP 5355.
var SpecLLMNR = &dissect.Spec{
	Name: dissect.NameLLMNR, TCPPorts: []uint16{5355}, UDPPorts: []uint16{5355},
	Detect: detectDNS, New: newFor(dissect.NameLLMNR),
}

// SpecNBNS is the NetBIOS name service (RFC 1002) on UDP 137.
var SpecNBNS = &dissect.Spec{
	Name: dissect.NameNBNS, UDPPorts: []uint16{137},
	Detect: detectNBNS, New: newFor(dissect.NameNBNS),
}

// Specs lists the package's dissectors.
var Specs = []*dissect.Spec{Spec, SpecMDNS, SpecLLMNR, SpecNBNS}

// detectDNS confirms that the first payload on a DNS-family port is a DNS
// message. Over TCP the payload starts with the 2-byte length, which must
// announce at least a header; over UDP the section counts must fit the
// datagram (every question takes at least 5 bytes, every record 11), which
// rejects most non-DNS payloads that happen to use these ports.
func detectDNS(_ dissect.Dir, p []byte) bool {
	if len(p) >= 2 && int(binary.BigEndian.Uint16(p)) == len(p)-2 {
		return len(p)-2 >= headerLen // TCP, whole message in the segment
	}
	if len(p) >= 2 && int(binary.BigEndian.Uint16(p)) > len(p)-2 && len(p) >= 2+headerLen {
		// TCP message continued in later segments: check its header only.
		h, _ := parseHeader(p[2:])
		return int(binary.BigEndian.Uint16(p)) >= headerLen && h.qd <= 64
	}
	h, ok := parseHeader(p)
	if !ok {
		return false
	}
	return fits(h, len(p))
}

// detectNBNS confirms a NetBIOS name service packet: a DNS-shaped header with
// an opcode RFC 1002 defines.
func detectNBNS(_ dissect.Dir, p []byte) bool {
	h, ok := parseHeader(p)
	if !ok || nbnsOpcodeName(h.opcode()) == "unassigned" {
		return false
	}
	return fits(h, len(p))
}

func fits(h header, n int) bool {
	min := headerLen + 5*int(h.qd) + 11*(int(h.an)+int(h.ns)+int(h.ar))
	return min <= n
}

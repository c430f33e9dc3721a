package wire

import "encoding/binary"

// IP protocol numbers.
const (
	ProtoTCP = 6
	ProtoUDP = 17
)

// IPHeader is what varies in the IPv4 header of a generated packet; the
// header never carries options.
type IPHeader struct {
	Src, Dst IPv4
	TTL      uint8
	DF       bool
	ID       uint16
	Proto    uint8
}

// IPHeaderLen is the length of the IPv4 headers written here.
const IPHeaderLen = 20

// Mark remembers where a packet's headers start while its payload is
// appended.
type Mark struct {
	ip, l4 int
	proto  uint8
}

func appendIP(b []byte, h *IPHeader) []byte {
	var flags uint16
	if h.DF {
		flags = 0x4000
	}
	b = append(b, 0x45, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, h.ID)
	b = binary.BigEndian.AppendUint16(b, flags)
	b = append(b, h.TTL, h.Proto, 0, 0)
	b = append(b, h.Src[:]...)
	return append(b, h.Dst[:]...)
}

// finishIP fills in the total length and header checksum and returns the
// pseudo-header sum for the transport checksum.
func finishIP(b []byte, m Mark) uint32 {
	ip := b[m.ip:]
	binary.BigEndian.PutUint16(ip[2:], uint16(len(ip)))
	binary.BigEndian.PutUint16(ip[10:], Checksum(ip[:IPHeaderLen]))
	sum := sum16(0, ip[12:20])
	sum += uint32(m.proto)
	sum += uint32(len(ip) - IPHeaderLen)
	return sum
}

// StartUDP appends the IPv4 and UDP headers of a datagram.
func StartUDP(b []byte, h *IPHeader, sport, dport uint16) ([]byte, Mark) {
	m := Mark{ip: len(b), proto: ProtoUDP}
	hh := *h
	hh.Proto = ProtoUDP
	b = appendIP(b, &hh)
	m.l4 = len(b)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	return append(b, 0, 0, 0, 0), m
}

// FinishUDP completes the lengths and checksums of a datagram whose payload
// has been appended after StartUDP.
func FinishUDP(b []byte, m Mark) []byte {
	sum := finishIP(b, m)
	u := b[m.l4:]
	binary.BigEndian.PutUint16(u[4:], uint16(len(u)))
	c := fold(sum16(sum, u))
	if c == 0 {
		c = 0xffff // zero means "no checksum" in UDP
	}
	binary.BigEndian.PutUint16(u[6:], c)
	return b
}

// Package wire encodes the frames of the synthetic plant: Ethernet with an
// optional 802.1Q tag, ARP, IPv4, TCP and UDP with correct checksums, and the
// application payloads of the industrial and office protocols the generator
// speaks. It is written from the protocol specifications and deliberately
// shares no code with the sensor's decoder or dissectors, so that a
// misreading of a specification cannot hide itself in both.
//
// Frames are built in place: a Start function appends the headers with
// placeholder lengths, the caller appends the payload, and the matching
// Finish function fills in lengths and checksums. Nothing allocates once
// the caller's buffer has grown to the largest frame.
package wire

import "encoding/binary"

// MAC is an Ethernet address.
type MAC [6]byte

// IPv4 is an IPv4 address.
type IPv4 [4]byte

// Broadcast is the Ethernet broadcast address.
var Broadcast = MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// Ethertypes used by the generator.
const (
	EtherIPv4     = 0x0800
	EtherARP      = 0x0806
	EtherVLAN     = 0x8100
	EtherLLDP     = 0x88cc
	EtherPROFINET = 0x8892
)

// MinFrame is the shortest Ethernet frame without its FCS; shorter frames
// are padded with zeros, as a transmitting NIC does.
const MinFrame = 60

// AppendEth appends an Ethernet II header, with an 802.1Q tag (priority 0)
// when vlan is not zero.
func AppendEth(b []byte, dst, src MAC, vlan uint16, etherType uint16) []byte {
	b = append(b, dst[:]...)
	b = append(b, src[:]...)
	if vlan != 0 {
		b = binary.BigEndian.AppendUint16(b, EtherVLAN)
		b = binary.BigEndian.AppendUint16(b, vlan&0x0fff)
	}
	return binary.BigEndian.AppendUint16(b, etherType)
}

// EthLen is the length of the Ethernet header AppendEth writes.
func EthLen(vlan uint16) int {
	if vlan != 0 {
		return 18
	}
	return 14
}

// Pad extends a frame to MinFrame bytes.
func Pad(b []byte, start int) []byte {
	for len(b)-start < MinFrame {
		b = append(b, 0)
	}
	return b
}

// FrameLen is the on-wire length (without FCS) of a frame whose Ethernet
// payload is n bytes.
func FrameLen(vlan uint16, n int) int { return max(EthLen(vlan)+n, MinFrame) }

// AppendARP appends an Ethernet/IPv4 ARP packet (28 bytes).
func AppendARP(b []byte, op uint16, sha MAC, spa IPv4, tha MAC, tpa IPv4) []byte {
	b = append(b, 0, 1, 0x08, 0x00, 6, 4)
	b = binary.BigEndian.AppendUint16(b, op)
	b = append(b, sha[:]...)
	b = append(b, spa[:]...)
	b = append(b, tha[:]...)
	return append(b, tpa[:]...)
}

// sum16 adds b as big-endian 16-bit words to a one's complement sum.
func sum16(sum uint32, b []byte) uint32 {
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		sum += uint32(b[i])<<8 | uint32(b[i+1])
	}
	if len(b)&1 != 0 {
		sum += uint32(b[len(b)-1]) << 8
	}
	return sum
}

func fold(sum uint32) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// Checksum is the Internet checksum (RFC 1071) of b.
func Checksum(b []byte) uint16 { return fold(sum16(0, b)) }

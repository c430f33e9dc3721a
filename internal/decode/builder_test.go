package decode

import (
	"encoding/binary"
	"net/netip"
)

// Hand-built frames for the unit tests. Every builder returns a fresh slice
// with lengths filled in; tests corrupt them afterwards where needed.

var (
	macA = [6]byte{0x00, 0x1b, 0x1b, 0x01, 0x02, 0x03} // Siemens OUI
	macB = [6]byte{0x00, 0x80, 0xf4, 0x0a, 0x0b, 0x0c} // Schneider OUI
	ip4A = netip.MustParseAddr("192.168.0.10")
	ip4B = netip.MustParseAddr("192.168.0.20")
	ip6A = netip.MustParseAddr("fe80::21b:1bff:fe01:203")
	ip6B = netip.MustParseAddr("2001:db8::20")
)

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func be16(v uint16) []byte { return binary.BigEndian.AppendUint16(nil, v) }
func be32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// ethHdr is an Ethernet II header from macA to macB.
func ethHdr(etherType uint16) []byte { return cat(macB[:], macA[:], be16(etherType)) }

// eth frames payload in Ethernet II.
func eth(etherType uint16, payload []byte) []byte { return cat(ethHdr(etherType), payload) }

// vlanTag is a tag with the given TPID, priority 5 and VLAN id, followed by
// the inner EtherType.
func vlanTag(tpid, vid, inner uint16) []byte { return cat(be16(tpid), be16(5<<13|vid), be16(inner)) }

// pad extends a frame to the 60-byte Ethernet minimum, as NICs do.
func pad(frame []byte) []byte {
	for len(frame) < 60 {
		frame = append(frame, 0)
	}
	return frame
}

// ipv4Pkt is an IPv4 packet from ip4A to ip4B with ID 0x1234, TTL 64, DF.
func ipv4Pkt(proto uint8, payload []byte) []byte {
	return ipv4WithOpts(proto, nil, payload)
}

func ipv4WithOpts(proto uint8, opts, payload []byte) []byte {
	hl := 20 + len(opts)
	h := make([]byte, 20, hl)
	h[0] = 0x40 | byte(hl/4)
	h[1] = 0xb8 // DSCP EF
	binary.BigEndian.PutUint16(h[2:], uint16(hl+len(payload)))
	binary.BigEndian.PutUint16(h[4:], 0x1234)
	h[6] = 0x40 // DF
	h[8] = 64
	h[9] = proto
	a, b := ip4A.As4(), ip4B.As4()
	copy(h[12:], a[:])
	copy(h[16:], b[:])
	return cat(h, opts, payload)
}

// ipv6Pkt is an IPv6 packet from ip6A to ip6B, hop limit 255, traffic class
// 0x2e, flow label 0x12345, with next header nh over payload (extension
// headers included).
func ipv6Pkt(nh uint8, payload []byte) []byte {
	h := make([]byte, 40)
	binary.BigEndian.PutUint32(h, 6<<28|0x2e<<20|0x12345)
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6] = nh
	h[7] = 255
	a, b := ip6A.As16(), ip6B.As16()
	copy(h[8:], a[:])
	copy(h[24:], b[:])
	return cat(h, payload)
}

// ext6 is an IPv6 extension header in (length+1)*8 form, padded with zeros
// to total bytes (a multiple of 8).
func ext6(nh uint8, total int) []byte {
	h := make([]byte, total)
	h[0] = nh
	h[1] = byte(total/8 - 1)
	return h
}

// fragHdr6 is an IPv6 fragment header.
func fragHdr6(nh uint8, off int, more bool, id uint32) []byte {
	v := uint16(off)
	if more {
		v |= 1
	}
	return cat([]byte{nh, 0}, be16(v), be32(id))
}

// tcpSeg is a TCP segment 502 → 49152 with the given flags, options (padded
// by the caller to a multiple of 4) and payload.
func tcpSeg(flags uint8, opts, payload []byte) []byte {
	hl := 20 + len(opts)
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h, 502)
	binary.BigEndian.PutUint16(h[2:], 49152)
	binary.BigEndian.PutUint32(h[4:], 0x01020304)
	binary.BigEndian.PutUint32(h[8:], 0xa0b0c0d0)
	h[12] = byte(hl/4) << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 8192)
	binary.BigEndian.PutUint16(h[18:], 7)
	return cat(h, opts, payload)
}

// udpDgram is a UDP datagram 44818 → 2222 with a correct length field.
func udpDgram(payload []byte) []byte {
	return cat(be16(44818), be16(2222), be16(uint16(8+len(payload))), be16(0), payload)
}

// icmpMsg is an ICMP(v6) message: type, code, checksum, body.
func icmpMsg(typ, code uint8, body []byte) []byte { return cat([]byte{typ, code, 0, 0}, body) }

// arpPkt is an Ethernet/IPv4 ARP packet.
func arpPkt(op uint16) []byte {
	a, b := ip4A.As4(), ip4B.As4()
	return cat(be16(1), be16(0x0800), []byte{6, 4}, be16(op), macA[:], a[:], make([]byte, 6), b[:])
}

// fragment4 returns an IPv4 fragment of datagram pkt (a whole IPv4 packet
// with a 20-byte header): payload bytes [off, off+n) with MF set when more.
func fragment4(pkt []byte, off, n int, more bool) []byte {
	f := cat(pkt[:20], pkt[20+off:20+off+n])
	binary.BigEndian.PutUint16(f[2:], uint16(len(f)))
	v := uint16(off/8) | 0 // keep DF clear on fragments
	if more {
		v |= 0x2000
	}
	binary.BigEndian.PutUint16(f[6:], v)
	return f
}

// fragment6 returns an IPv6 fragment of datagram pkt (a whole IPv6 packet
// with no extension headers): payload bytes [off, off+n) behind a fragment
// header with identification id.
func fragment6(pkt []byte, off, n int, more bool, id uint32) []byte {
	f := cat(pkt[:40], fragHdr6(pkt[6], off, more, id), pkt[40+off:40+off+n])
	f[6] = nhFragment
	binary.BigEndian.PutUint16(f[4:], uint16(len(f)-40))
	return f
}

// seq returns n bytes counting up from start, so that misplaced bytes show.
func seq(start byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = start + byte(i)
	}
	return b
}

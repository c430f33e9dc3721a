package main

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/decode"
)

// EtherTypes and address families that lead to an IP header.
const (
	etherIPv4 = 0x0800
	etherIPv6 = 0x86dd
	etherVLAN = 0x8100
	etherQinQ = 0x88a8
	ether9100 = 0x9100

	familyINET     = 2
	familyINET6BSD = 24 // NetBSD, OpenBSD
	familyINET6FBS = 28 // FreeBSD
	familyINET6Mac = 30 // macOS
)

var be = binary.BigEndian

// vary rewrites, in place, the outermost IP header's addresses of a frame
// for round r (see the package comment). Frames without an IP header, or
// too short to hold one, are left alone.
func vary(data []byte, link decode.LinkType, r uint8) {
	if r == 0 {
		return
	}
	off, ok := ipOffset(data, link)
	if !ok || off >= len(data) {
		return
	}
	ip := data[off:]
	switch ip[0] >> 4 {
	case 4:
		if len(ip) >= 20 {
			varyIPv4(ip[12:16], r)
			varyIPv4(ip[16:20], r)
		}
	case 6:
		if len(ip) >= 40 {
			varyIPv6(ip[8:24], r)
			varyIPv6(ip[24:40], r)
		}
	}
}

// varyIPv4 changes the third octet of a unicast address: private ranges
// stay private and a /24's broadcast address stays one. 0/8, loopback,
// multicast, reserved and the limited broadcast are kept.
func varyIPv4(a []byte, r uint8) {
	if a[0] == 0 || a[0] == 127 || a[0] >= 224 {
		return
	}
	a[2] ^= r
}

// varyIPv6 changes byte 12, inside the interface identifier but outside
// the low 24 bits that solicited-node multicast addresses repeat, so that
// neighbour discovery still pairs up. Multicast addresses and those whose
// first 96 bits are zero (unspecified, loopback, IPv4-compatible) are kept.
func varyIPv6(a []byte, r uint8) {
	if a[0] == 0xff {
		return
	}
	zero := true
	for _, b := range a[:12] {
		if b != 0 {
			zero = false
			break
		}
	}
	if !zero {
		a[12] ^= r
	}
}

// ipOffset finds where the IP header starts in a frame of the given link
// type: after Ethernet and any VLAN tags, a Linux cooked header, or a BSD
// loopback header; at once for raw IP.
func ipOffset(b []byte, link decode.LinkType) (int, bool) {
	switch link {
	case decode.LinkEthernet:
		if len(b) < 14 {
			return 0, false
		}
		typ, off := be.Uint16(b[12:]), 14
		for (typ == etherVLAN || typ == etherQinQ || typ == ether9100) && len(b) >= off+4 {
			typ, off = be.Uint16(b[off+2:]), off+4
		}
		return off, typ == etherIPv4 || typ == etherIPv6
	case decode.LinkSLL:
		return 16, len(b) >= 16 && isIPEtherType(be.Uint16(b[14:]))
	case decode.LinkSLL2:
		return 20, len(b) >= 20 && isIPEtherType(be.Uint16(b[0:]))
	case decode.LinkNull, decode.LinkLoop:
		if len(b) < 4 {
			return 0, false
		}
		// NULL's family is in the writer's byte order, LOOP's in network
		// order; the families are small numbers, so the order that gives
		// one is the right one.
		fam := binary.LittleEndian.Uint32(b)
		if fam > 0xffff {
			fam = be.Uint32(b)
		}
		switch fam {
		case familyINET, familyINET6BSD, familyINET6FBS, familyINET6Mac:
			return 4, true
		}
		return 0, false
	case decode.LinkRaw, decode.LinkRawBSD, decode.LinkRawOBSD, decode.LinkIPv4, decode.LinkIPv6:
		return 0, true
	}
	return 0, false
}

func isIPEtherType(t uint16) bool { return t == etherIPv4 || t == etherIPv6 }

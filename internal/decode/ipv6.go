package decode

import (
	"encoding/binary"
	"net/netip"
)

// IPv6 header constants and the extension headers walked over.
const (
	ipv6HeaderLen = 40
	nhHopByHop    = 0
	nhRouting     = 43
	nhFragment    = 44
	nhAH          = 51
	nhDestOpts    = 60
)

// ipv6 decodes an IPv6 packet, walks its extension headers (hop-by-hop,
// routing, fragment, destination options, AH) and decodes the transport.
// ESP, "no next header" and unknown headers end the walk with Proto set to
// them and L3Payload holding the rest.
func (d *Decoder) ipv6(p *Packet, b []byte) Status {
	if len(b) < ipv6HeaderLen {
		return errStatus(CauseIPv6Truncated)
	}
	if b[0]>>4 != 6 {
		return errStatus(CauseIPv6BadHeader)
	}
	// Jumbograms (payload length 0 with a hop-by-hop jumbo option) are not
	// supported: the extension-header walk reports them as ipv6_ext_bad.
	total := ipv6HeaderLen + int(binary.BigEndian.Uint16(b[4:]))
	if total < len(b) {
		b = b[:total]
	}
	vtf := binary.BigEndian.Uint32(b)
	p.L3 = L3IPv6
	p.TOS = uint8(vtf >> 20)
	p.FlowLabel = vtf & 0xFFFFF
	p.TTL = b[7]
	p.SrcIP = netip.AddrFrom16([16]byte(b[8:24]))
	p.DstIP = netip.AddrFrom16([16]byte(b[24:40]))
	p.IPLen = total
	if total > len(b)+d.uncaptured {
		return errStatus(CauseIPv6BadLength)
	}

	nh, nhPos, off := b[6], 6, ipv6HeaderLen
	for {
		var hl int
		switch nh {
		case nhHopByHop, nhRouting, nhDestOpts:
			if c := extRoom(b, off, 2, total); c != CauseNone {
				return errStatus(c)
			}
			hl = (int(b[off+1]) + 1) * 8
		case nhAH:
			if c := extRoom(b, off, 2, total); c != CauseNone {
				return errStatus(c)
			}
			hl = (int(b[off+1]) + 2) * 4
		case nhFragment:
			if c := extRoom(b, off, 8, total); c != CauseNone {
				return errStatus(c)
			}
			fo := binary.BigEndian.Uint16(b[off+2:])
			p.IPID = binary.BigEndian.Uint32(b[off+4:])
			if fo != 0 {
				// Offset or M flag set: a real fragment. With neither it is an
				// atomic fragment (RFC 6946), decoded as a whole packet.
				return d.fragment6(p, b, off, nhPos, total)
			}
			hl = 8
		default:
			p.Proto = nh
			p.IPHdrLen = off
			return transport(p, b[off:], total-off)
		}
		if c := extRoom(b, off, hl, total); c != CauseNone {
			return errStatus(c)
		}
		nh, nhPos, off = b[off], off, off+hl
	}
}

// extRoom checks that n header bytes at off lie within the payload length
// (else the header is impossible) and within the capture (else it was cut).
func extRoom(b []byte, off, n, total int) Cause {
	switch {
	case off+n > total:
		return CauseIPv6ExtBad
	case off+n > len(b):
		return CauseIPv6Truncated
	}
	return CauseNone
}

// fragment6 hands an IPv6 fragment (fragment header at off) to the
// reassembler and, when it completes its datagram, decodes the whole
// datagram.
func (d *Decoder) fragment6(p *Packet, b []byte, off, nhPos, total int) Status {
	p.Proto = b[off]
	p.IPHdrLen = off + 8
	if len(b) < total {
		return errStatus(CauseFragTruncated)
	}
	var k fragKey
	copy(k[0:16], b[8:24])
	copy(k[16:32], b[24:40])
	copy(k[32:36], b[off+4:off+8])
	k[37] = 6
	fo := binary.BigEndian.Uint16(b[off+2:])
	f := fragment{
		hdr:     b[:off],
		nhPos:   nhPos,
		nextHdr: b[off],
		data:    b[off+8 : total],
		off:     int(fo &^ 7),
		more:    fo&1 != 0,
		limit:   maxIPLen - (off - ipv6HeaderLen),
	}
	whole, st := d.frag.add(&k, &f, p.TS)
	if whole == nil {
		return st
	}
	id := p.IPID
	st = d.ipv6(p, whole)
	p.IPID = id
	p.Reassembled = true
	return st
}

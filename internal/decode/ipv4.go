package decode

import (
	"encoding/binary"
	"net/netip"
)

// IPv4 header constants.
const (
	ipv4MinHeader = 20
	ipv4FlagMF    = 0x20 // in header byte 6
	ipv4OffMask   = 0x1FFF
)

// ipv4 decodes an IPv4 datagram and what it carries. A total length beyond
// the captured bytes is normal with a short snap length and still delivers,
// but one beyond what the frame carried on the wire is a lie (it would
// inflate byte counts) and an error. A total length below the captured
// bytes means Ethernet padding, which is cut off.
func (d *Decoder) ipv4(p *Packet, b []byte) Status {
	if len(b) < ipv4MinHeader {
		return errStatus(CauseIPv4Truncated)
	}
	hl := int(b[0]&0x0F) * 4
	if b[0]>>4 != 4 || hl < ipv4MinHeader {
		return errStatus(CauseIPv4BadHeader)
	}
	if len(b) < hl {
		return errStatus(CauseIPv4Truncated)
	}
	total := int(binary.BigEndian.Uint16(b[2:]))
	switch {
	case total == 0:
		// Captured on a host with TCP segmentation offload: the stack left
		// the length for the NIC to fill in. The capture is all there is.
		total = len(b)
	case total < hl:
		return errStatus(CauseIPv4BadHeader)
	case total < len(b):
		b = b[:total]
	}
	p.L3 = L3IPv4
	p.TOS = b[1]
	p.IPID = uint32(binary.BigEndian.Uint16(b[4:]))
	p.IPFlags = b[6] >> 5
	p.TTL = b[8]
	p.Proto = b[9]
	p.SrcIP = netip.AddrFrom4([4]byte(b[12:16]))
	p.DstIP = netip.AddrFrom4([4]byte(b[16:20]))
	p.IPLen = total
	p.IPHdrLen = hl
	if hl > ipv4MinHeader {
		p.IPOptions = b[ipv4MinHeader:hl]
	}
	if total > len(b)+d.uncaptured {
		return errStatus(CauseIPv4BadLength)
	}
	if binary.BigEndian.Uint16(b[6:])&(ipv4OffMask|ipv4FlagMF<<8) != 0 {
		return d.fragment4(p, b, hl, total)
	}
	return transport(p, b[hl:], total-hl)
}

// fragment4 hands an IPv4 fragment to the reassembler and, when it completes
// its datagram, decodes the whole datagram.
func (d *Decoder) fragment4(p *Packet, b []byte, hl, total int) Status {
	if len(b) < total {
		return errStatus(CauseFragTruncated)
	}
	var k fragKey
	copy(k[0:4], b[12:16])
	copy(k[16:20], b[16:20])
	copy(k[32:34], b[4:6])
	k[36] = b[9]
	k[37] = 4
	f := fragment{
		hdr:   b[:hl],
		data:  b[hl:total],
		off:   int(binary.BigEndian.Uint16(b[6:])&ipv4OffMask) * 8,
		more:  b[6]&ipv4FlagMF != 0,
		limit: maxIPLen - hl,
	}
	whole, st := d.frag.add(&k, &f, p.TS)
	if whole == nil {
		return st
	}
	p.IPOptions = nil // the first fragment's options describe the datagram
	st = d.ipv4(p, whole)
	p.Reassembled = true
	return st
}

package decode

import "encoding/binary"

// transport decodes the IP payload seg (the captured bytes, already cut to
// the IP length) of a datagram whose IP header announces segLen bytes of
// payload; segLen exceeds len(seg) when the snap length cut the frame.
func transport(p *Packet, seg []byte, segLen int) Status {
	p.L3Payload = seg
	switch p.Proto {
	case ProtoTCP:
		return decodeTCP(p, seg, segLen)
	case ProtoUDP:
		return decodeUDP(p, seg, segLen)
	case ProtoICMP:
		if len(seg) < 4 {
			return errStatus(CauseICMPTruncated)
		}
		p.ICMPType, p.ICMPCode, p.Payload = seg[0], seg[1], seg[4:]
	case ProtoICMPv6:
		if len(seg) < 4 {
			return errStatus(CauseICMPv6Truncated)
		}
		p.ICMPType, p.ICMPCode, p.Payload = seg[0], seg[1], seg[4:]
	}
	return OK
}

// decodeTCP fills the TCP fields. Options cut by the snap length are kept as
// far as captured, with an empty payload: the fixed header is what flow
// tracking needs.
func decodeTCP(p *Packet, seg []byte, segLen int) Status {
	if len(seg) < 20 {
		return errStatus(CauseTCPTruncated)
	}
	hl := int(seg[12]>>4) * 4
	if hl < 20 || hl > segLen {
		return errStatus(CauseTCPBadOffset)
	}
	p.SrcPort = binary.BigEndian.Uint16(seg)
	p.DstPort = binary.BigEndian.Uint16(seg[2:])
	p.Seq = binary.BigEndian.Uint32(seg[4:])
	p.Ack = binary.BigEndian.Uint32(seg[8:])
	p.Flags = seg[13]
	p.Window = binary.BigEndian.Uint16(seg[14:])
	p.Urgent = binary.BigEndian.Uint16(seg[18:])
	p.TCPHdrLen = hl
	if hl > len(seg) {
		p.TCPOpts = seg[20:]
		return OK
	}
	p.TCPOpts = seg[20:hl]
	p.Payload = seg[hl:]
	return OK
}

// decodeUDP fills the UDP fields. The payload ends at the UDP length, the IP
// payload length or the capture, whichever comes first.
func decodeUDP(p *Packet, seg []byte, segLen int) Status {
	if len(seg) < 8 {
		return errStatus(CauseUDPTruncated)
	}
	n := int(binary.BigEndian.Uint16(seg[4:]))
	switch {
	case n == 0 && p.L3 == L3IPv6:
		// RFC 2675 jumbogram: the length is the IP payload's.
		n = segLen
	case n < 8:
		return errStatus(CauseUDPBadLength)
	}
	p.SrcPort = binary.BigEndian.Uint16(seg)
	p.DstPort = binary.BigEndian.Uint16(seg[2:])
	p.Payload = seg[8:min(n, len(seg))]
	return OK
}

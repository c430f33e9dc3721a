package decode

import "encoding/binary"

// EtherTypes the decoder dispatches on.
const (
	etherTypeIPv4   = 0x0800
	etherTypeARP    = 0x0806
	etherTypeIPv6   = 0x86DD
	etherTypeVLAN   = 0x8100 // 802.1Q customer tag
	etherTypeQinQ   = 0x88A8 // 802.1ad service tag
	etherTypeQinQ91 = 0x9100 // pre-standard QinQ service tag
	maxLengthField  = 1500   // 802.3: values up to this are a length, not a type
	minEtherType    = 0x0600 // Ethernet II: values from this are a type
)

// Address families of BSD NULL and LOOP headers. IPv6 has no common number:
// each BSD picked its own.
const (
	afINET       = 2
	afINET6BSD   = 24 // NetBSD, OpenBSD, BSD/OS
	afINET6FBSD  = 28 // FreeBSD, DragonFly
	afINET6apple = 30 // macOS, iOS
)

// PPP protocol numbers for the network layers decoded further.
const (
	pppIPv4 = 0x0021
	pppIPv6 = 0x0057
)

// Linux cooked-capture values.
const (
	sllHeaderLen  = 16
	sll2HeaderLen = 20
	sllProtoLLC   = 0x0004 // payload starts with an 802.2 LLC header
	arphrdNetlink = 824    // protocol field holds a netlink family, not an EtherType
)

// decodeLink parses the link-layer header(s) of data and returns the bytes of
// the network layer, what they are, and a cause when the link layer itself
// is broken. For L3Other the returned bytes are also the final Payload.
func decodeLink(p *Packet, data []byte, link LinkType) ([]byte, L3, Cause) {
	switch link {
	case LinkEthernet:
		return decodeEthernet(p, data)
	case LinkRaw, LinkRawBSD, LinkRawOBSD:
		return rawIP(data)
	case LinkIPv4:
		return data, L3IPv4, CauseNone
	case LinkIPv6:
		return data, L3IPv6, CauseNone
	case LinkSLL:
		return decodeSLL(p, data)
	case LinkSLL2:
		return decodeSLL2(p, data)
	case LinkNull:
		if len(data) < 4 {
			return nil, L3None, CauseNullTruncated
		}
		af := binary.LittleEndian.Uint32(data)
		if af > 0xFFFF {
			// Written in the capturing host's order: a big-endian host.
			af = binary.BigEndian.Uint32(data)
		}
		return addressFamily(af, data[4:])
	case LinkLoop:
		if len(data) < 4 {
			return nil, L3None, CauseNullTruncated
		}
		return addressFamily(binary.BigEndian.Uint32(data), data[4:])
	case LinkPPP, LinkPPPHDLC:
		return decodePPP(data)
	}
	return nil, L3None, CauseLinkUnsupported
}

// decodeEthernet parses an Ethernet II or 802.3 header.
func decodeEthernet(p *Packet, b []byte) ([]byte, L3, Cause) {
	if len(b) < 14 {
		return nil, L3None, CauseEthTruncated
	}
	p.HasEth = true
	copy(p.DstMAC[:], b[0:6])
	copy(p.SrcMAC[:], b[6:12])
	return etherPayload(p, binary.BigEndian.Uint16(b[12:]), b[14:], true)
}

// etherPayload dispatches on an EtherType (or 802.3 length) whose payload is
// b, unwrapping VLAN tags. llcOK says whether a value up to 1500 may be an
// 802.3 length announcing an LLC header; it is false inside SNAP, so that
// nesting stays bounded.
func etherPayload(p *Packet, et uint16, b []byte, llcOK bool) ([]byte, L3, Cause) {
	for et == etherTypeVLAN || et == etherTypeQinQ || et == etherTypeQinQ91 {
		if len(b) < 4 {
			return nil, L3None, CauseVLANTruncated
		}
		if p.NVLAN < len(p.VLANs) {
			p.VLANs[p.NVLAN] = binary.BigEndian.Uint16(b) & 0x0FFF
		}
		p.NVLAN++
		et = binary.BigEndian.Uint16(b[2:])
		b = b[4:]
	}
	if et <= maxLengthField {
		if !llcOK {
			return b, L3Other, CauseNone
		}
		// The length excludes padding up to the 60-byte minimum frame.
		if int(et) < len(b) {
			b = b[:et]
		}
		return decodeLLC(p, b)
	}
	p.EtherType = et
	switch et {
	case etherTypeIPv4:
		return b, L3IPv4, CauseNone
	case etherTypeIPv6:
		return b, L3IPv6, CauseNone
	case etherTypeARP:
		return b, L3ARP, CauseNone
	}
	return b, L3Other, CauseNone
}

// decodeLLC parses an 802.2 LLC header and, for DSAP=SSAP=0xAA, the SNAP
// extension. RFC 1042 SNAP (OUI 0) and 802.1H bridge-tunnel SNAP carry an
// EtherType and are decoded further as that EtherType.
func decodeLLC(p *Packet, b []byte) ([]byte, L3, Cause) {
	if len(b) < 3 {
		return nil, L3None, CauseLLCTruncated
	}
	p.LLC = true
	p.DSAP, p.SSAP = b[0], b[1]
	hdr := 3
	if b[2]&0x03 != 0x03 {
		// I- and S-format PDUs have a two-byte control field.
		hdr = 4
		if len(b) < hdr {
			return nil, L3None, CauseLLCTruncated
		}
	}
	if p.DSAP != 0xAA || p.SSAP != 0xAA || b[2] != 0x03 {
		return b[hdr:], L3Other, CauseNone
	}
	if len(b) < 8 {
		return nil, L3None, CauseLLCTruncated
	}
	p.SNAPOUI = uint32(b[3])<<16 | uint32(b[4])<<8 | uint32(b[5])
	p.SNAPPID = binary.BigEndian.Uint16(b[6:])
	if (p.SNAPOUI == 0 || p.SNAPOUI == 0x0000F8) && p.SNAPPID >= minEtherType {
		return etherPayload(p, p.SNAPPID, b[8:], false)
	}
	return b[8:], L3Other, CauseNone
}

// decodeSLL parses a Linux cooked v1 header: packet type, ARPHRD type,
// address length, 8 address bytes, protocol.
func decodeSLL(p *Packet, b []byte) ([]byte, L3, Cause) {
	if len(b) < sllHeaderLen {
		return nil, L3None, CauseSLLTruncated
	}
	p.SLLType = uint8(binary.BigEndian.Uint16(b))
	hatype := binary.BigEndian.Uint16(b[2:])
	sllAddress(p, b[6:14], int(binary.BigEndian.Uint16(b[4:])))
	return sllPayload(p, hatype, binary.BigEndian.Uint16(b[14:]), b[sllHeaderLen:])
}

// decodeSLL2 parses a Linux cooked v2 header: protocol, reserved, interface
// index, ARPHRD type, packet type, address length, 8 address bytes.
func decodeSLL2(p *Packet, b []byte) ([]byte, L3, Cause) {
	if len(b) < sll2HeaderLen {
		return nil, L3None, CauseSLLTruncated
	}
	p.SLLType = b[10]
	sllAddress(p, b[12:20], int(b[11]))
	return sllPayload(p, binary.BigEndian.Uint16(b[8:]), binary.BigEndian.Uint16(b), b[sll2HeaderLen:])
}

// sllAddress keeps a cooked header's link-layer address when it is a MAC.
func sllAddress(p *Packet, addr []byte, n int) {
	if n == 6 {
		p.HasEth = true
		copy(p.SrcMAC[:], addr[:6])
	}
}

// sllPayload dispatches a cooked header's protocol field.
func sllPayload(p *Packet, hatype, proto uint16, b []byte) ([]byte, L3, Cause) {
	switch {
	case hatype == arphrdNetlink:
		return b, L3Other, CauseNone
	case proto == sllProtoLLC:
		return decodeLLC(p, b)
	case proto >= minEtherType:
		return etherPayload(p, proto, b, true)
	}
	return b, L3Other, CauseNone
}

// addressFamily dispatches a BSD NULL/LOOP address family.
func addressFamily(af uint32, b []byte) ([]byte, L3, Cause) {
	switch af {
	case afINET:
		return b, L3IPv4, CauseNone
	case afINET6BSD, afINET6FBSD, afINET6apple:
		return b, L3IPv6, CauseNone
	}
	return b, L3Other, CauseNone
}

// decodePPP parses a PPP header with optional HDLC address/control bytes
// (FF 03) and a one- or two-byte protocol field.
func decodePPP(b []byte) ([]byte, L3, Cause) {
	if len(b) >= 2 && b[0] == 0xFF && b[1] == 0x03 {
		b = b[2:]
	}
	if len(b) < 1 {
		return nil, L3None, CausePPPTruncated
	}
	var proto uint16
	if b[0]&1 == 1 {
		// Protocol-field compression: an odd first byte is the whole field.
		proto, b = uint16(b[0]), b[1:]
	} else {
		if len(b) < 2 {
			return nil, L3None, CausePPPTruncated
		}
		proto, b = binary.BigEndian.Uint16(b), b[2:]
	}
	switch proto {
	case pppIPv4:
		return b, L3IPv4, CauseNone
	case pppIPv6:
		return b, L3IPv6, CauseNone
	}
	return b, L3Other, CauseNone
}

// rawIP tells IPv4 from IPv6 by the version nibble.
func rawIP(b []byte) ([]byte, L3, Cause) {
	if len(b) > 0 {
		switch b[0] >> 4 {
		case 4:
			return b, L3IPv4, CauseNone
		case 6:
			return b, L3IPv6, CauseNone
		}
	}
	return nil, L3None, CauseIPBadVersion
}

package cdp

import (
	"encoding/binary"
	"net/netip"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Parser is the CDP state shared by all CDP frames: the announcements
// already written in the current minute.
type Parser struct {
	msg     dissect.Message
	repeats dissect.Repeats
}

// NewParser returns a CDP parser.
func NewParser() *Parser {
	return &Parser{}
}

// Parse implements dissect.Parser: one frame payload after the SNAP header.
func (p *Parser) Parse(ctx *dissect.Context, b []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameCDP, Code: CodeCDP, Function: FunctionCDP, Dir: dissect.Indication}
	if !valid(b) {
		m.Code, m.Error = CodeMalformed, true
		ctx.Out.Message(ctx, m)
		return
	}
	ctx.Out.Message(ctx, m)
	if !p.repeats.First(ctx, b) {
		return
	}
	rec := decode(b)
	ep := ctx.Ep
	rec.TS, rec.SrcMAC, rec.DstMAC, rec.VLAN, rec.Iface = ctx.TS, ep.OrigMAC, ep.RespMAC, ep.VLAN, ep.Iface
	ctx.Out.Record(ctx, rec)
	ctx.Out.Record(ctx, identity(rec))
}

// tlv splits the next TLV off b: type, length (header included), value.
func tlv(b []byte) (typ int, val, rest []byte, ok bool) {
	if len(b) < 4 {
		return 0, nil, nil, false
	}
	typ, n := int(binary.BigEndian.Uint16(b)), int(binary.BigEndian.Uint16(b[2:]))
	if n < 4 || len(b) < n {
		return 0, nil, nil, false
	}
	return typ, b[4:n], b[n:], true
}

// valid checks the header version and that the TLVs tile the payload. The
// decoder already cut the frame to the 802.3 length, so no padding follows.
func valid(b []byte) bool {
	if len(b) < headerLen || (b[0] != 1 && b[0] != 2) {
		return false
	}
	for b = b[headerLen:]; len(b) > 0; {
		_, _, rest, ok := tlv(b)
		if !ok {
			return false
		}
		b = rest
	}
	return true
}

// decode reads a valid CDP PDU into a record; the caller fills in time and
// link-layer addressing.
func decode(b []byte) *record.CDP {
	r := &record.CDP{Version: b[0], TTL: b[1]}
	for b = b[headerLen:]; len(b) > 0; {
		typ, v, rest, ok := tlv(b)
		if !ok {
			break
		}
		b = rest
		switch typ {
		case tlvDeviceID:
			r.DeviceID = text(v)
		case tlvAddresses:
			r.Addresses = addresses(v)
		case tlvPortID:
			r.PortID = text(v)
		case tlvCaps:
			if len(v) >= 4 {
				r.Capabilities = caps(binary.BigEndian.Uint32(v))
			}
		case tlvSoftware:
			r.Software = text(v)
		case tlvPlatform:
			r.Platform = text(v)
		case tlvVTPDomain:
			r.VTPDomain = text(v)
		case tlvNativeVLAN:
			if len(v) >= 2 {
				r.NativeVLAN = binary.BigEndian.Uint16(v)
			}
		case tlvDuplex:
			if len(v) >= 1 {
				r.Duplex = "half"
				if v[0] != 0 {
					r.Duplex = "full"
				}
			}
		case tlvMgmtAddrs:
			r.MgmtAddrs = addresses(v)
		}
	}
	return r
}

// snapIPv6 is the 802.2 protocol value that announces an IPv6 address.
var snapIPv6 = [8]byte{0xaa, 0xaa, 0x03, 0, 0, 0, 0x86, 0xdd}

// addresses reads an address list: a 32-bit count, then per address the
// protocol type (1 NLPID, 2 802.2), protocol length, protocol, a 16-bit
// address length and the address. IPv4 is NLPID 0xCC; IPv6 is 802.2 with
// Ethertype 0x86DD. Other protocols are skipped.
func addresses(v []byte) []netip.Addr {
	if len(v) < 4 {
		return nil
	}
	n := binary.BigEndian.Uint32(v)
	v = v[4:]
	var out []netip.Addr
	for ; n > 0 && len(v) >= 2; n-- {
		ptype, plen := v[0], int(v[1])
		if len(v) < 2+plen+2 {
			break
		}
		proto := v[2 : 2+plen]
		alen := int(binary.BigEndian.Uint16(v[2+plen:]))
		v = v[2+plen+2:]
		if len(v) < alen {
			break
		}
		addr := v[:alen]
		v = v[alen:]
		if len(out) >= maxAddrs {
			continue
		}
		switch {
		case ptype == 1 && plen == 1 && proto[0] == 0xcc && alen == 4:
			out = append(out, netip.AddrFrom4([4]byte(addr)))
		case ptype == 2 && plen == 8 && [8]byte(proto) == snapIPv6 && alen == 16:
			out = append(out, netip.AddrFrom16([16]byte(addr)))
		}
	}
	return out
}

// caps names the set bits of the capabilities field.
func caps(bits uint32) []string {
	var out []string
	for i, name := range capNames {
		if bits&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

package lldp

import (
	"encoding/binary"
	"net/netip"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Parser is the LLDP state shared by all frames of the Ethertype: the
// announcements already written in the current minute.
type Parser struct {
	msg     dissect.Message
	repeats dissect.Repeats
}

// NewParser returns an LLDP parser.
func NewParser() *Parser {
	return &Parser{}
}

// Parse implements dissect.Parser: one frame payload after the Ethertype.
func (p *Parser) Parse(ctx *dissect.Context, b []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameLLDP, Code: CodeLLDP, Function: FunctionLLDP, Dir: dissect.Indication}
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

// tlv splits the next TLV off b: 7-bit type, 9-bit length.
func tlv(b []byte) (typ int, val, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	h := binary.BigEndian.Uint16(b)
	typ, n := int(h>>9), int(h&0x1ff)
	if len(b) < 2+n {
		return 0, nil, nil, false
	}
	return typ, b[2 : 2+n], b[2+n:], true
}

// valid checks the LLDPDU's structure: Chassis ID, Port ID and TTL first
// (each with its minimum length) and every TLV inside the frame up to End
// or the frame's end (which may hold Ethernet padding after End).
func valid(b []byte) bool {
	minLen := [...]int{tlvChassisID: 2, tlvPortID: 2, tlvTTL: 2}
	for want := tlvChassisID; want <= tlvTTL; want++ {
		typ, v, rest, ok := tlv(b)
		if !ok || typ != want || len(v) < minLen[want] {
			return false
		}
		b = rest
	}
	for len(b) > 0 {
		typ, _, rest, ok := tlv(b)
		if !ok {
			return false
		}
		if typ == tlvEnd {
			return true
		}
		b = rest
	}
	return true
}

// decode reads a valid LLDPDU into a record; the caller fills in time and
// link-layer addressing.
func decode(b []byte) *record.LLDP {
	r := &record.LLDP{}
	haveTTL := false
	for len(b) > 0 {
		typ, v, rest, ok := tlv(b)
		if !ok || typ == tlvEnd {
			break
		}
		b = rest
		switch typ {
		// valid checked the first Chassis ID, Port ID and TTL; repeats
		// (not allowed, but seen by fuzzing) are ignored.
		case tlvChassisID:
			if r.ChassisIDType == "" {
				r.ChassisIDType, r.ChassisID = idText(&chassisSubtypes, v)
			}
		case tlvPortID:
			if r.PortIDType == "" {
				r.PortIDType, r.PortID = idText(&portSubtypes, v)
			}
		case tlvTTL:
			if len(v) >= 2 && !haveTTL {
				r.TTL, haveTTL = binary.BigEndian.Uint16(v), true
			}
		case tlvPortDesc:
			r.PortDesc = text(v)
		case tlvSystemName:
			r.SystemName = text(v)
		case tlvSystemDesc:
			r.SystemDesc = text(v)
		case tlvCaps:
			if len(v) >= 4 {
				r.SystemCaps = caps(binary.BigEndian.Uint16(v))
				r.EnabledCaps = caps(binary.BigEndian.Uint16(v[2:]))
			}
		case tlvMgmtAddr:
			if a, ok := mgmtAddr(v); ok && len(r.MgmtAddrs) < maxAddrs {
				r.MgmtAddrs = append(r.MgmtAddrs, a)
			}
		}
	}
	return r
}

// mgmtAddr reads the address of a Management Address TLV: string length
// (subtype + address), IANA address family, address.
func mgmtAddr(v []byte) (netip.Addr, bool) {
	if len(v) < 2 {
		return netip.Addr{}, false
	}
	n := int(v[0])
	if n < 1 || len(v) < 1+n {
		return netip.Addr{}, false
	}
	return ianaAddr(v[1 : 1+n])
}

// ianaAddr reads an IANA address family number (1 IPv4, 2 IPv6) and the
// address after it.
func ianaAddr(v []byte) (netip.Addr, bool) {
	if len(v) == 0 {
		return netip.Addr{}, false
	}
	switch {
	case v[0] == 1 && len(v) == 5:
		return netip.AddrFrom4([4]byte(v[1:])), true
	case v[0] == 2 && len(v) == 17:
		return netip.AddrFrom16([16]byte(v[1:])), true
	}
	return netip.Addr{}, false
}

// caps names the set bits of a capabilities field.
func caps(bits uint16) []string {
	var out []string
	for i, name := range capNames {
		if bits&(1<<i) != 0 {
			out = append(out, name)
		}
	}
	return out
}

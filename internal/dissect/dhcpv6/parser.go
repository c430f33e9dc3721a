package dhcpv6

import (
	"encoding/binary"
	"encoding/hex"
	"net/netip"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

type parser struct{ msg dissect.Message }

// Parse implements dissect.Parser: one call per datagram.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameDHCPv6}
	if len(data) < 4 {
		m.Code, m.Function, m.Dir, m.Error = codeMalformed, codeMalformed, dissect.Indication, true
		ctx.Out.Message(ctx, m)
		return
	}
	t := data[0]
	m.Code, m.Function = codes[t], msgTypeName(t)
	m.Dir = dissect.Response
	if clientSide(t) || t == typeReconfigure {
		m.Dir = dissect.Request
	}
	// Requests travel toward port 547; anything else from the originator to
	// the responder is reported the other way round.
	toServer := clientSide(t)
	m.Swap = toServer != (ctx.Dir == dissect.FromOrig)
	ctx.Out.Message(ctx, m)

	r, inner := newRecord(ctx, data)
	if r == nil {
		return
	}
	ctx.Out.Record(ctx, r)
	identity(ctx, r, inner)
}

// newRecord unwraps relay messages and decodes the innermost message's
// options; it returns the innermost message type with the record, and nil
// when a relay message carries no decodable message.
func newRecord(ctx *dissect.Context, b []byte) (*record.DHCPv6, uint8) {
	ep := ctx.Ep
	r := &record.DHCPv6{
		TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
		OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
	}
	for depth := 0; len(b) >= 1 && (b[0] == typeRelayForw || b[0] == typeRelayRepl); depth++ {
		if depth == maxRelayNesting || len(b) < relayHeaderLen {
			return nil, 0
		}
		r.Relayed = true
		r.LinkAddr = netip.AddrFrom16([16]byte(b[2:18]))
		var inner []byte
		eachOption(b[relayHeaderLen:], func(code uint16, v []byte) {
			if code == optRelayMsg {
				inner = v
			}
		})
		b = inner
	}
	if len(b) < 4 {
		return nil, 0
	}
	r.MsgType = msgTypeName(b[0])
	r.TransID = uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
	eachOption(b[4:], func(code uint16, v []byte) { option(r, code, v) })
	return r, b[0]
}

func option(r *record.DHCPv6, code uint16, v []byte) {
	switch code {
	case optClientID:
		r.ClientDUID = hex.EncodeToString(v)
		r.MAC = duidMAC(v)
	case optServerID:
		r.ServerDUID = hex.EncodeToString(v)
	case optIANA, optIATA:
		skip := 12 // IAID, T1, T2
		if code == optIATA {
			skip = 4
		}
		if len(v) < skip {
			return
		}
		eachOption(v[skip:], func(c uint16, a []byte) {
			if c == optIAAddr && len(a) >= 16 && len(r.Addrs) < 8 {
				r.Addrs = append(r.Addrs, netip.AddrFrom16([16]byte(a[:16])))
			}
		})
	case optORO:
		var b strings.Builder
		for i := 0; i+2 <= len(v); i += 2 {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(int(binary.BigEndian.Uint16(v[i:]))))
		}
		r.OptionRequest = b.String()
	case optStatusCode:
		if len(v) >= 2 {
			r.StatusCode = binary.BigEndian.Uint16(v)
		}
	case optUserClass:
		for _, s := range opaqueList(v, 4) {
			r.UserClass = append(r.UserClass, text(s))
		}
	case optVendorClass:
		if len(v) >= 4 {
			r.EnterpriseNumber = binary.BigEndian.Uint32(v)
			parts := opaqueList(v[4:], 4)
			s := make([]string, len(parts))
			for i, p := range parts {
				s[i] = text(p)
			}
			r.VendorClass = strings.Join(s, ",")
		}
	case optClientFQDN:
		if len(v) >= 1 {
			r.ClientFQDN = dnsName(v[1:])
		}
	}
}

// opaqueList splits a list of 2-byte-length-prefixed items (user and vendor
// class data), at most max of them.
func opaqueList(v []byte, max int) [][]byte {
	var out [][]byte
	for len(v) >= 2 && len(out) < max {
		n := int(binary.BigEndian.Uint16(v))
		if 2+n > len(v) {
			break
		}
		out = append(out, v[2:2+n])
		v = v[2+n:]
	}
	return out
}

// duidMAC returns the link-layer address of a DUID-LLT (type 1) or DUID-LL
// (type 3) with Ethernet hardware type, else the zero MAC.
func duidMAC(d []byte) record.MAC {
	if len(d) < 4 || binary.BigEndian.Uint16(d[2:]) != 1 {
		return record.MAC{}
	}
	switch binary.BigEndian.Uint16(d) {
	case 1:
		if len(d) == 14 {
			return record.MAC(d[8:14])
		}
	case 3:
		if len(d) == 10 {
			return record.MAC(d[4:10])
		}
	}
	return record.MAC{}
}

// dnsName decodes an uncompressed DNS wire-format name (a partial name has
// no root label).
func dnsName(v []byte) string {
	var b strings.Builder
	for len(v) > 0 && v[0] != 0 {
		n := int(v[0])
		if n > 63 || 1+n > len(v) {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(text(v[1 : 1+n]))
		v = v[1+n:]
	}
	return b.String()
}

// text keeps printable ASCII.
func text(v []byte) string {
	out := make([]byte, 0, len(v))
	for _, c := range v {
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

// identity binds a client's DUID MAC to its FQDN and the link-local address
// it sends from.
func identity(ctx *dissect.Context, r *record.DHCPv6, t uint8) {
	if r.MAC.IsZero() || r.ClientFQDN == "" || r.Relayed {
		return
	}
	ep := ctx.Ep
	src := ep.OrigH
	if ctx.Dir == dissect.FromResp {
		src = ep.RespH
	}
	id := &record.AssetID{TS: ctx.TS, MAC: r.MAC, Protocol: dissect.NameDHCPv6, Message: "client fqdn",
		Name: r.ClientFQDN, VLAN: ep.VLAN}
	if clientSide(t) {
		id.IP = src
	}
	ctx.Out.Record(ctx, id)
}

package dhcp

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
	*m = dissect.Message{Protocol: dissect.NameDHCP}
	h, ok := parseHeader(data)
	if !ok {
		m.Code, m.Function, m.Dir, m.Error = codeMalformed, codeMalformed, dissect.Indication, true
		ctx.Out.Message(ctx, m)
		return
	}
	opts := options(data)
	t := messageType(opts)
	switch {
	case t != 0:
		m.Code, m.Function = codes[t], msgTypeName(t)
	case h.op == opRequest:
		m.Code, m.Function = codeBOOTP, "BOOTREQUEST"
	default:
		m.Code, m.Function = codeBOOTP, "BOOTREPLY"
	}
	m.Dir = dissect.Request
	if h.op == opReply {
		m.Dir = dissect.Response
	}
	m.Error = t == typeNAK
	// Server replies often start their own flow (server:67 to the client or
	// broadcast), so a response from the originator is common here.
	m.Swap = (m.Dir == dissect.Response) == (ctx.Dir == dissect.FromOrig)
	ctx.Out.Message(ctx, m)

	rec := newRecord(ctx, &h, m.Function, opts)
	ctx.Out.Record(ctx, rec)
	identity(ctx, &h, t, rec)
}

// newRecord decodes the fields of the dhcp record. Options overloaded into
// the sname and file fields (option 52) are not read.
func newRecord(ctx *dissect.Context, h *header, msgType string, opts []byte) *record.DHCP {
	ep := ctx.Ep
	r := &record.DHCP{
		TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
		OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		TransID: h.xid, MsgType: msgType,
		ClientAddr: unlessZero(h.ciaddr), AssignedAddr: unlessZero(h.yiaddr), RelayAddr: unlessZero(h.giaddr),
	}
	if h.htype == 1 && len(h.chaddr) == 6 {
		r.MAC = record.MAC(h.chaddr)
	}
	eachOption(opts, func(code byte, v []byte) {
		switch code {
		case 12:
			r.HostName = text(v)
		case 15:
			r.Domain = text(v)
		case 50:
			r.RequestedAddr = addr4(v)
		case 51:
			if len(v) == 4 {
				r.LeaseTime = record.Micros(binary.BigEndian.Uint32(v)) * 1_000_000
			}
		case 54:
			r.ServerAddr = addr4(v)
		case 55:
			r.ParamList = decimalList(v)
		case 56:
			r.Message = text(v)
		case 60:
			r.VendorClass = text(v)
		case 61:
			r.ClientID = hex.EncodeToString(v)
		case 81:
			r.ClientFQDN = fqdn(v)
		}
	})
	return r
}

// identity binds a client's MAC to its host name (from its own messages) and
// to the address a server acknowledged.
func identity(ctx *dissect.Context, h *header, t uint8, r *record.DHCP) {
	if r.MAC.IsZero() {
		return
	}
	id := &record.AssetID{TS: ctx.TS, MAC: r.MAC, Protocol: dissect.NameDHCP, VLAN: ctx.Ep.VLAN}
	switch {
	case t == typeACK && r.AssignedAddr.IsValid():
		id.IP, id.Name, id.Message = r.AssignedAddr, r.HostName, "ack"
	case h.op == opRequest && r.HostName != "":
		id.Name, id.Message = r.HostName, "host name"
		id.IP = r.ClientAddr
		if !id.IP.IsValid() {
			id.IP = r.RequestedAddr
		}
	default:
		return
	}
	ctx.Out.Record(ctx, id)
}

func unlessZero(a netip.Addr) netip.Addr {
	if a == netip.IPv4Unspecified() {
		return netip.Addr{}
	}
	return a
}

func addr4(v []byte) netip.Addr {
	if len(v) != 4 {
		return netip.Addr{}
	}
	return netip.AddrFrom4([4]byte(v))
}

// decimalList renders option codes as "1,3,6,15".
func decimalList(v []byte) string {
	var b strings.Builder
	for i, c := range v {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(c)))
	}
	return b.String()
}

// text keeps an option's printable ASCII, dropping control bytes and a
// trailing NUL as the public sensor does.
func text(v []byte) string {
	out := make([]byte, 0, len(v))
	for _, c := range v {
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

// fqdn decodes the client FQDN option (RFC 4702): flags, two obsolete rcode
// bytes, then the name, in DNS wire format when the E flag is set, else
// ASCII.
func fqdn(v []byte) string {
	if len(v) < 3 {
		return ""
	}
	flags, name := v[0], v[3:]
	if flags&0x04 == 0 {
		return text(name)
	}
	var b strings.Builder
	for len(name) > 0 && name[0] != 0 {
		n := int(name[0])
		if n > 63 || 1+n > len(name) {
			break
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(text(name[1 : 1+n]))
		name = name[1+n:]
	}
	return b.String()
}

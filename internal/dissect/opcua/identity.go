package opcua

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// appDescription is what an ApplicationDescription (Part 4, 7.1) says
// about a server.
type appDescription struct {
	uri, product, name []byte
	typ                uint32
}

// readAppDescription reads an ApplicationDescription.
func (r *reader) appDescription() appDescription {
	var a appDescription
	a.uri = r.bytes()
	a.product = r.bytes()
	a.name = r.localizedText()
	a.typ = r.u32()
	r.bytes() // gateway server uri
	r.bytes() // discovery profile uri
	n := int32(r.u32())
	for i := int32(0); i < n && !r.bad; i++ {
		r.bytes() // discovery urls
	}
	return a
}

// maxServers bounds the application descriptions reported per response.
const maxServers = 16

// identity reports the server a GetEndpoints response describes: it lists
// endpoints (url, then the server's ApplicationDescription, ...). Only the
// first description of each distinct application is reported. FindServers
// responses are not used: a discovery server lists other hosts' servers
// there, which cannot be tied to an address.
func (p *Parser) identity(id uint32, body []byte) {
	r := reader{b: body}
	r.responseHeader()
	n := int32(r.u32())
	var seen [maxServers][]byte
	k := 0
	for i := int32(0); i < n && i < maxServers && !r.bad; i++ {
		if id == idGetEndpoints {
			r.bytes() // endpoint url
		}
		a := r.appDescription()
		if id == idGetEndpoints {
			r.bytes() // server certificate
			r.u32()   // security mode
			r.bytes() // security policy uri
			m := int32(r.u32())
			for j := int32(0); j < m && !r.bad; j++ { // user identity tokens
				r.bytes() // policy id
				r.u32()   // token type
				r.bytes() // issued token type
				r.bytes() // issuer endpoint url
				r.bytes() // security policy uri
			}
			r.bytes() // transport profile uri
			r.u8()    // security level
		}
		if r.bad {
			return
		}
		dup := false
		for _, s := range seen[:k] {
			if string(s) == string(a.uri) {
				dup = true
			}
		}
		if dup {
			continue
		}
		seen[k] = a.uri
		k++
		p.report(&a, id)
	}
}

func (p *Parser) report(a *appDescription, id uint32) {
	ctx := p.ctx
	mac, ip := ctx.Ep.OrigMAC, ctx.Ep.OrigH
	if ctx.Dir == dissect.FromResp {
		mac, ip = ctx.Ep.RespMAC, ctx.Ep.RespH
	}
	role := ""
	if a.typ < uint32(len(applicationTypes)) {
		role = applicationTypes[a.typ]
	}
	ctx.Out.Record(ctx, &record.AssetID{
		TS: ctx.TS, MAC: mac, IP: ip, Protocol: dissect.NameOPCUA, Message: services[id].name,
		Product: printable(a.name, 96), Model: printable(a.product, 96), Name: printable(a.uri, 96),
		Role: role, VLAN: ctx.Ep.VLAN,
	})
}

// printable returns b as text of at most n bytes with control characters
// replaced by '.'.
func printable(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c == 0x7f {
			c = '.'
		}
		out[i] = c
	}
	return string(out)
}

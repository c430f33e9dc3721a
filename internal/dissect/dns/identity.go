package dns

import (
	"bytes"
	"net/netip"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// identity reports the host names that mDNS and LLMNR responses reveal: an
// A or AAAA record is a host answering for its own name. Unicast DNS
// answers are not identity (a resolver answers for others).
func (p *parser) identity(ctx *dissect.Context, x *rr) {
	if p.proto != dissect.NameMDNS && p.proto != dissect.NameLLMNR {
		return
	}
	a, ok := addrOf(x)
	if !ok {
		return
	}
	name := x.name
	if p.proto == dissect.NameMDNS {
		var cut bool
		if name, cut = bytes.CutSuffix(name, []byte(".local")); !cut {
			return
		}
	}
	if len(name) == 0 {
		return
	}
	msg := "AAAA record"
	if a.Is4() {
		msg = "A record"
	}
	p.hostName(ctx, a, string(name), msg)
}

// hostName emits an asset_id record naming the host at addr. The sender's
// MAC is attached only when the name is for the sender's own address.
func (p *parser) hostName(ctx *dissect.Context, addr netip.Addr, name, msg string) {
	ep := ctx.Ep
	srcH, srcMAC := ep.OrigH, ep.OrigMAC
	if ctx.Dir == dissect.FromResp {
		srcH, srcMAC = ep.RespH, ep.RespMAC
	}
	id := &record.AssetID{TS: ctx.TS, IP: addr, Protocol: p.proto, Message: msg, Name: name, VLAN: ep.VLAN}
	if addr == srcH {
		id.MAC = srcMAC
	}
	ctx.Out.Record(ctx, id)
}

package http

import (
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// identity reports the product a server names in its Server header. RFC
// 9110 section 10.2.4 defines the header as product tokens
// ("name/version") and parenthesised comments, the primary product first:
// the first token is the product and the part after its slash the version
// ("Apache/2.4.3 (Fedora)" is Apache 2.4.3). dir is the direction the
// response travelled in, which names the server's addresses.
func identity(ctx *dissect.Context, server string, dir dissect.Dir) {
	first, _, _ := strings.Cut(strings.TrimSpace(server), " ")
	if first == "" || first[0] == '(' {
		return
	}
	product, version, _ := strings.Cut(first, "/")
	if product == "" {
		return
	}
	ep := ctx.Ep
	mac, ip := ep.RespMAC, ep.RespH
	if dir == dissect.FromOrig {
		mac, ip = ep.OrigMAC, ep.OrigH
	}
	ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, IP: ip, Protocol: dissect.NameHTTP,
		Message: "server header", Product: product, Firmware: version, VLAN: ep.VLAN})
}

package ssdp

import (
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// identity reports the product a device names in its SERVER header. UPnP
// defines the header as "OS/version UPnP/2.0 product/version": the token
// after the UPnP token is the product and its version. Headers that do not
// follow that form are left out (they are in the ssdp record).
func identity(ctx *dissect.Context, r *record.SSDP) {
	if r.Server == "" || r.Method == "M-SEARCH" {
		return
	}
	fields := strings.Fields(r.Server)
	for i, f := range fields {
		if !strings.HasPrefix(strings.ToUpper(f), "UPNP/") || i+1 >= len(fields) {
			continue
		}
		// The product token may contain spaces ("UPnP Stack/7.14"): it
		// runs to the end, its version after the last slash.
		rest := strings.Join(fields[i+1:], " ")
		product, version := rest, ""
		if j := strings.LastIndexByte(rest, '/'); j >= 0 {
			product, version = rest[:j], rest[j+1:]
		}
		if product == "" {
			return
		}
		ep := ctx.Ep
		mac := ep.OrigMAC
		if ctx.Dir == dissect.FromResp {
			mac = ep.RespMAC
		}
		ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, IP: r.Sender, Protocol: dissect.NameSSDP,
			Message: "server header", Product: product, Firmware: version, VLAN: ep.VLAN})
		return
	}
}

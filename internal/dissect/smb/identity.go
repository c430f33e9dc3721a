package smb

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// identity reports what a record reveals about each side's software: the
// SMB1 NativeOS strings, and the NTLM VERSION fields, which carry the
// Windows version (major.minor.build, [MS-NLMP] 2.2.2.10; other
// implementations such as Samba imitate it) with the NetBIOS name each side
// gave. serverIsOrig tells which side of the connection answers.
func identity(ctx *dissect.Context, r *record.SMB, serverIsOrig bool) {
	if r.ClientNativeOS != "" {
		asset(ctx, r, !serverIsOrig, "smb native os", r.ClientNativeOS, "", "")
	}
	if r.ServerNativeOS != "" {
		asset(ctx, r, serverIsOrig, "smb native os", r.ServerNativeOS, "", "")
	}
	if r.ClientNTLMVersion != "" {
		asset(ctx, r, !serverIsOrig, "ntlm version", "Windows", r.ClientNTLMVersion, r.HostName)
	}
	if r.ServerNTLMVersion != "" {
		asset(ctx, r, serverIsOrig, "ntlm version", "Windows", r.ServerNTLMVersion, r.ServerNBComputerName)
	}
}

// asset writes one asset_id for the connection's originator (orig) or
// responder.
func asset(ctx *dissect.Context, r *record.SMB, orig bool, msg, product, version, name string) {
	ep := ctx.Ep
	mac, ip := ep.RespMAC, ep.RespH
	if orig {
		mac, ip = ep.OrigMAC, ep.OrigH
	}
	ctx.Out.Record(ctx, &record.AssetID{TS: r.TS, MAC: mac, IP: ip, Protocol: dissect.NameSMB,
		Message: msg, Product: product, Firmware: version, Name: name, VLAN: ep.VLAN})
}

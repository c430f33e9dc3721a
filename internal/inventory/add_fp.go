package inventory

import (
	"net/netip"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

// osfpConfidence maps an os_fp record's confidence grade to the weight the
// estimator gives a TCP fingerprint (it caps TCP evidence at 0.7 anyway: a
// NAT or proxy may stand in front of the host).
var osfpConfidence = map[string]string{"high": "0.7", "medium": "0.6", "low": "0.4"}

// osfp records the TCP stack fingerprint a host showed as OS evidence; an
// unmatched signature says nothing about the OS and is skipped.
func (b *batch) osfp(r *record.OSFP) {
	if !r.Matched {
		return
	}
	d := b.senderDevice(r.VLAN, r.Iface, r.Sender, r.SendMAC, r.TS)
	if d == nil {
		return
	}
	prefix := "s:"
	if r.Generic {
		prefix = "g:"
	}
	label := prefix + r.OSClass + ":" + r.OSName + ":" + r.OSFlavor
	flags := ""
	switch {
	case r.Generic && r.Fuzzy:
		flags = "generic,fuzzy"
	case r.Generic:
		flags = "generic"
	case r.Fuzzy:
		flags = "fuzzy"
	}
	conf, ok := osfpConfidence[r.Confidence]
	if !ok {
		conf = "0.6"
	}
	src := osguess.SourceTCPSYN
	if r.Kind == "syn+ack" {
		src = osguess.SourceTCPSYNACK
	}
	d.addOS(string(src), r.TS, r.TS, label, flags, conf)
}

// http records the client's User-Agent and the server's Server header as
// OS evidence of each side.
func (b *batch) http(r *record.HTTP) {
	if r.UserAgent != "" {
		if d := b.senderDevice(r.VLAN, r.Iface, r.OrigH, r.OrigMAC, r.TS); d != nil {
			d.addOS(string(osguess.SourceHTTPUserAgent), r.TS, r.TS, r.UserAgent)
		}
	}
	if r.Server != "" {
		if d := b.senderDevice(r.VLAN, r.Iface, r.RespH, r.RespMAC, r.TS); d != nil {
			d.addOS(string(osguess.SourceHTTPServer), r.TS, r.TS, r.Server)
		}
	}
}

// smb records what each side of an SMB session says of its software: the
// SMB1 native OS and LAN manager strings and the NTLM version (with the
// server's NetBIOS name as a host name).
func (b *batch) smb(r *record.SMB) {
	if r.ClientNativeOS != "" || r.ClientNativeLanMan != "" || r.ClientNTLMVersion != "" {
		if d := b.senderDevice(r.VLAN, r.Iface, r.OrigH, r.OrigMAC, r.TS); d != nil {
			if r.ClientNativeOS != "" || r.ClientNativeLanMan != "" {
				d.addOS(string(osguess.SourceSMB), r.TS, r.TS, r.ClientNativeOS, r.ClientNativeLanMan)
			}
			d.addOS(string(osguess.SourceNTLM), r.TS, r.TS, r.ClientNTLMVersion)
		}
	}
	if r.ServerNativeOS != "" || r.ServerNativeLanMan != "" || r.ServerNTLMVersion != "" || r.ServerNBComputerName != "" {
		if d := b.senderDevice(r.VLAN, r.Iface, r.RespH, r.RespMAC, r.TS); d != nil {
			if r.ServerNativeOS != "" || r.ServerNativeLanMan != "" {
				d.addOS(string(osguess.SourceSMB), r.TS, r.TS, r.ServerNativeOS, r.ServerNativeLanMan)
			}
			d.addOS(string(osguess.SourceNTLM), r.TS, r.TS, r.ServerNTLMVersion)
			d.addName(r.ServerNBComputerName, "smb", r.TS, r.TS, 1)
		}
	}
}

// senderDevice returns the device of a host that sent what a record
// reports, observing its MAC binding, or nil for an address that is not a
// device of its own (multicast, folded Internet, over the limit).
func (b *batch) senderDevice(vlan uint16, iface string, ip netip.Addr, mac record.MAC, ts record.Micros) *dev {
	seg, lab := segmentOf(vlan, iface), vlan != 0 || iface != ""
	p, ok := b.endpoint(seg, lab, ip)
	if !ok {
		return nil
	}
	d := b.get(p, ts, ts)
	b.observe(seg, mac, ip, d, false, ts, ts)
	if d == nil || p == internetRef {
		return nil
	}
	return d
}

package inventory

import (
	"strings"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

func (b *batch) ot(r *record.OT) {
	t0, t1 := r.TSFirst, r.TSLast
	if t0 == 0 {
		t0, t1 = r.TS, r.TS
	}
	var req, resp *dev
	if r.Transport == "eth" {
		seg := segmentOf(r.VLAN, r.Iface)
		req = b.l2(seg, r.ReqMAC, t0, t1)
		resp = b.l2(seg, r.RespMAC, t0, t1)
	} else {
		seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
		if p, ok := b.endpoint(seg, lab, r.ReqH); ok {
			req = b.get(p, t0, t1)
		}
		if p, ok := b.endpoint(seg, lab, r.RespH); ok {
			resp = b.get(p, t0, t1)
		}
		b.observe(seg, r.ReqMAC, r.ReqH, req, false, t0, t1)
		b.observe(seg, r.RespMAC, r.RespH, resp, false, t0, t1)
	}
	class := b.inv.classes.classify(r.Protocol, r.Function, r.Code)
	// Protocol counts are connections for IP (the Conn record counts
	// them) and messages for Ethernet protocols.
	var msgs uint64
	if r.Transport == "eth" {
		msgs = r.Count
	}
	switch r.Direction {
	case "response":
		if resp == nil {
			return
		}
		resp.addOp(opKey{r.Protocol, r.Function, class, true}, r.Count)
		addCount(&resp.Serves, r.Protocol, msgs)
		if req != nil {
			addRefBits(&resp.OTIn, req.Ref, uint8(class))
		}
	default: // request, indication: the requester or sender acts
		if req == nil {
			return
		}
		req.addOp(opKey{r.Protocol, r.Function, class, false}, r.Count)
		addCount(&req.Speaks, r.Protocol, msgs)
		if resp != nil {
			addRefBits(&req.OTOut, resp.Ref, uint8(class))
		}
	}
	b.link(req, resp, class.weight(), r.Count)
}

func (d *dev) addOp(k opKey, n uint64) {
	if d.Ops == nil {
		d.Ops = make(map[opKey]uint64)
	}
	if _, ok := d.Ops[k]; !ok && len(d.Ops) >= maxOps {
		return
	}
	d.Ops[k] += n
}

// selfReported are protocols whose own records the inventory reads: their
// asset_id reports add nothing, and the address of a DHCP report is the
// one the client asked for, not one it has.
var selfReported = map[string]bool{"dhcp": true, "dhcpv6": true}

// assetID attaches what a device says about itself to its address, or to
// its MAC when the protocol has no IP.
func (b *batch) assetID(r *record.AssetID) {
	if selfReported[r.Protocol] {
		return
	}
	var d *dev
	seg := segmentOf(r.VLAN, "")
	if p, ok := b.endpoint(seg, r.VLAN != 0, r.IP); ok && p.Seg != InternetSegment {
		// The device states its own address and MAC (a DCP or LLDP
		// management address): a claimed binding.
		d = b.get(p, r.TS, r.TS)
		b.observe(p.Seg, r.MAC, r.IP, d, true, r.TS, r.TS)
	} else {
		d = b.l2(seg, r.MAC, r.TS, r.TS)
	}
	if d == nil {
		return
	}
	n := max(r.Count, 1)
	name := strings.TrimSpace(r.Name)
	// CIP names the modules of a chassis by backplane route ("route
	// 1/2"): a slot, not a host name; it stays with the identity.
	if !strings.HasPrefix(name, "route ") {
		d.addName(name, r.Protocol, r.TS, r.TS, n)
	}
	d.addOS(string(osguess.SourceAssetID), r.TS, r.TS, r.Vendor, r.Product, r.Firmware)
	k := idKey{r.Protocol, r.Vendor, r.Product, r.Model, r.Firmware, r.Serial, name, r.Role}
	if k != (idKey{Protocol: r.Protocol}) {
		addSeen(&d.IDs, k, maxIdentities, r.TS, r.TS, n)
	}
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

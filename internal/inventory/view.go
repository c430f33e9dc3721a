package inventory

import (
	"net/netip"
	"sort"
	"time"

	"github.com/otsight/otsight/internal/fingerprint/macvendor"
	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

// sensorView returns the devices of a sensor, building them when stale.
// Callers hold inv.mu.
func (inv *Inventory) sensorView(name string) []Device {
	if v, ok := inv.view[name]; ok {
		return v
	}
	v := buildView(name, inv.sensors[name])
	inv.view[name] = v
	return v
}

// viewCtx is the state of one view build.
type viewCtx struct {
	s      *sensorState
	alias  map[ref]ref          // merged MAC-only device → its address's device
	macs   map[ref][]record.MAC // effective MACs of address devices
	owners map[macKey][]ref     // address devices of each effective MAC
	agg    map[ref]*dev         // final devices with merged data
}

// effective reports whether a binding holds: claimed by the station, or
// read off frames of a MAC that is not a router's.
func (c *viewCtx) effective(seg string, mac record.MAC, b *binding) bool {
	if b.Claimed {
		return true
	}
	ms := c.s.MACs[macKey{seg, mac}]
	return ms == nil || !ms.Router
}

func (c *viewCtx) router(seg string, mac record.MAC) (bool, int) {
	ms := c.s.MACs[macKey{seg, mac}]
	if ms == nil || !ms.Router {
		return false, 0
	}
	return true, len(ms.Addrs)
}

// betterOwner reports whether address device a has a stronger claim on
// mac than b: claimed beats observed, then the later binding wins.
func (c *viewCtx) betterOwner(a, b ref, mac record.MAC) bool {
	ba, bb := c.s.Devs[a].Bind[mac], c.s.Devs[b].Bind[mac]
	if ba.Claimed != bb.Claimed {
		return ba.Claimed
	}
	la, lb := lastOf(ba.Intervals, 0), lastOf(bb.Intervals, 0)
	if la != lb {
		return la > lb
	}
	return refLess(a, b)
}

func (c *viewCtx) aliasOf(p ref) ref {
	if a, ok := c.alias[p]; ok {
		return a
	}
	return p
}

// refLess orders references: IPv4 before IPv6, then by address and MAC.
func refLess(a, b ref) bool {
	if a.Seg != b.Seg {
		return a.Seg < b.Seg
	}
	if c := a.Addr.Compare(b.Addr); c != 0 {
		return c < 0
	}
	return string(a.MAC[:]) < string(b.MAC[:])
}

func buildView(sensor string, s *sensorState) []Device {
	c := &viewCtx{
		s:      s,
		alias:  make(map[ref]ref),
		macs:   make(map[ref][]record.MAC),
		owners: make(map[macKey][]ref),
		agg:    make(map[ref]*dev),
	}
	refs := make([]ref, 0, len(s.Devs))
	for p := range s.Devs {
		refs = append(refs, p)
	}
	sort.Slice(refs, func(i, j int) bool { return refLess(refs[i], refs[j]) })
	for _, p := range refs {
		d := s.Devs[p]
		if !p.MAC.IsZero() {
			continue
		}
		for mac, b := range d.Bind {
			if c.effective(p.Seg, mac, b) {
				c.macs[p] = append(c.macs[p], mac)
				k := macKey{p.Seg, mac}
				c.owners[k] = append(c.owners[k], p) // refs are sorted
			}
		}
		sort.Slice(c.macs[p], func(i, j int) bool {
			return string(c.macs[p][i][:]) < string(c.macs[p][j][:])
		})
	}
	// A MAC-only device whose MAC an address is bound to is that address's
	// device; with several addresses, the one the station claimed, then
	// the most recently bound, then the first (IPv4 before IPv6).
	for _, p := range refs {
		if p.MAC.IsZero() {
			continue
		}
		own := c.owners[macKey{p.Seg, p.MAC}]
		if len(own) == 0 {
			continue
		}
		best := own[0]
		for _, o := range own[1:] {
			if c.betterOwner(o, best, p.MAC) {
				best = o
			}
		}
		c.alias[p] = best
	}
	for _, p := range refs {
		t := c.aliasOf(p)
		a := c.agg[t]
		if a == nil {
			a = &dev{Ref: t}
			c.agg[t] = a
		}
		a.merge(s.Devs[p], c.aliasOf)
	}
	for p, a := range c.agg {
		if p.MAC.IsZero() {
			for k, v := range s.Pending[p.Addr] {
				addSeen(&a.Names, k, maxNames, v.First, v.Last, v.Count)
			}
		}
	}
	out := make([]Device, 0, len(c.agg))
	for _, p := range refs {
		if a := c.agg[p]; a != nil {
			out = append(out, c.device(sensor, a))
		}
	}
	assignImportance(out, c)
	return out
}

// merge adds the data of d to a, renaming references through alias.
func (a *dev) merge(d *dev, alias func(ref) ref) {
	if d.First != 0 || d.Last != 0 {
		a.touch(d.First, d.Last)
	}
	for mac, b := range d.Bind {
		if a.Bind == nil {
			a.Bind = make(map[record.MAC]*binding)
		}
		a.Bind[mac] = b
	}
	for k, v := range d.Names {
		addSeen(&a.Names, k, maxNames, v.First, v.Last, v.Count)
	}
	for k, v := range d.IDs {
		addSeen(&a.IDs, k, maxIdentities, v.First, v.Last, v.Count)
	}
	for k, v := range d.OS {
		addSeen(&a.OS, k, maxOSEvidence, v.First, v.Last, v.Count)
	}
	for k, v := range d.Speaks {
		addCount(&a.Speaks, k, v)
	}
	for k, v := range d.Serves {
		addCount(&a.Serves, k, v)
	}
	for k, v := range d.Ops {
		a.addOp(k, v)
	}
	for p := range d.Peers {
		a.addPeer(alias(p))
	}
	for p, v := range d.OTOut {
		addRefBits(&a.OTOut, alias(p), v)
	}
	for p, v := range d.OTIn {
		addRefBits(&a.OTIn, alias(p), v)
	}
	for p := range d.DBClients {
		if a.DBClients == nil {
			a.DBClients = make(map[ref]bool)
		}
		a.DBClients[alias(p)] = true
	}
	for k := range d.Caps {
		if a.Caps == nil {
			a.Caps = make(map[string]bool)
		}
		a.Caps[k] = true
	}
	a.STP = a.STP || d.STP
	a.DHCPServer = a.DHCPServer || d.DHCPServer
	a.BytesSent += d.BytesSent
	a.BytesRecv += d.BytesRecv
}

// device builds the exported view of one final device.
func (c *viewCtx) device(sensor string, a *dev) Device {
	p := a.Ref
	d := Device{
		Key:       p.key(sensor),
		Internet:  p.Seg == InternetSegment,
		First:     a.First,
		Last:      a.Last,
		Peers:     len(a.Peers),
		BytesSent: a.BytesSent,
		BytesRecv: a.BytesRecv,
	}
	var latest record.Micros
	addMAC := func(mac record.MAC, b *binding) {
		info := macvendor.Lookup(mac)
		mb := MACBinding{MAC: mac, Vendor: info.Vendor}
		if b != nil {
			mb.Claimed = b.Claimed
			mb.Intervals = append([]Interval(nil), b.Intervals...)
		}
		if last := lastOf(mb.Intervals, a.Last); last >= latest {
			latest, d.Vendor = last, info.Vendor
		}
		d.MACs = append(d.MACs, mb)
	}
	if p.MAC.IsZero() {
		for _, mac := range c.macs[p] {
			addMAC(mac, a.Bind[mac])
			for _, o := range c.owners[macKey{p.Seg, mac}] {
				if o != p {
					d.OtherAddrs = append(d.OtherAddrs, o.Addr)
				}
			}
		}
		d.OtherAddrs = uniqueAddrs(d.OtherAddrs)
	} else {
		addMAC(p.MAC, &binding{Intervals: []Interval{{a.First, a.Last}}})
	}
	d.Names = names(a.Names)
	d.Identities = identities(a.IDs)
	d.OS = osEvidence(a.OS)
	if len(d.OS) > 0 {
		ev := make([]osguess.Evidence, len(d.OS))
		for i, o := range d.OS {
			ev[i] = osguess.Evidence{Source: osguess.Source(o.Source), Raw: o.Value,
				Seen: time.UnixMicro(int64(o.Last)).UTC(), Count: o.Count}
		}
		d.OSGuess = osguess.Combine(ev)
	}
	d.Speaks = protoCounts(a.Speaks)
	d.Serves = protoCounts(a.Serves)
	d.Operations = operations(a.Ops)
	switch {
	case len(d.Speaks) > 0 && len(d.Serves) > 0:
		d.Type = "both"
	case len(d.Serves) > 0:
		d.Type = "server"
	case len(d.Speaks) > 0:
		d.Type = "client"
	}
	d.Roles = c.roles(a, &d)
	if len(d.Roles) > 0 {
		d.Role = d.Roles[0].Name
	}
	return d
}

func lastOf(ivs []Interval, def record.Micros) record.Micros {
	if len(ivs) == 0 {
		return def
	}
	return ivs[len(ivs)-1].Last
}

func uniqueAddrs(as []netip.Addr) []netip.Addr {
	sort.Slice(as, func(i, j int) bool { return as[i].Less(as[j]) })
	out := as[:0]
	for i, a := range as {
		if i == 0 || a != as[i-1] {
			out = append(out, a)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func names(m map[nameKey]*seen) []Name {
	out := make([]Name, 0, len(m))
	for k, v := range m {
		out = append(out, Name{Name: k.Name, Source: k.Source, First: v.First, Last: v.Last, Count: v.Count})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return out[i].Name < out[j].Name
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

func identities(m map[idKey]*seen) []Identity {
	out := make([]Identity, 0, len(m))
	for k, v := range m {
		out = append(out, Identity{Protocol: k.Protocol, Vendor: k.Vendor, Product: k.Product, Model: k.Model,
			Firmware: k.Firmware, Serial: k.Serial, Name: k.Name, Role: k.Role, First: v.First, Last: v.Last, Count: v.Count})
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		return idKey{x.Protocol, x.Vendor, x.Product, x.Model, x.Firmware, x.Serial, x.Name, x.Role}.less(
			idKey{y.Protocol, y.Vendor, y.Product, y.Model, y.Firmware, y.Serial, y.Name, y.Role})
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

func (k idKey) less(o idKey) bool {
	a := [...]string{k.Protocol, k.Vendor, k.Product, k.Model, k.Firmware, k.Serial, k.Name, k.Role}
	b := [...]string{o.Protocol, o.Vendor, o.Product, o.Model, o.Firmware, o.Serial, o.Name, o.Role}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func osEvidence(m map[osKey]*seen) []OSEvidence {
	out := make([]OSEvidence, 0, len(m))
	for k, v := range m {
		out = append(out, OSEvidence{Source: k.Source, Value: k.value(), First: v.First, Last: v.Last, Count: v.Count})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Source != out[j].Source {
			return out[i].Source < out[j].Source
		}
		return out[i].Value < out[j].Value
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

func protoCounts(m map[string]uint64) []ProtoCount {
	out := make([]ProtoCount, 0, len(m))
	for k, v := range m {
		out = append(out, ProtoCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Protocol < out[j].Protocol })
	if len(out) == 0 {
		return nil
	}
	return out
}

func operations(m map[opKey]uint64) []Operation {
	out := make([]Operation, 0, len(m))
	for k, v := range m {
		as := "requester"
		if k.Responder {
			as = "responder"
		}
		out = append(out, Operation{Protocol: k.Protocol, Function: k.Function,
			Class: k.Class.String(), As: as, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Protocol != y.Protocol {
			return x.Protocol < y.Protocol
		}
		if x.Function != y.Function {
			return x.Function < y.Function
		}
		return x.As < y.As
	})
	if len(out) == 0 {
		return nil
	}
	return out
}

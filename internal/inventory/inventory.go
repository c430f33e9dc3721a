package inventory

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"

	"github.com/otsight/otsight/internal/record"
)

// LimitLogInterval is how often, in record time, a sensor that stays at its
// device limit is reported again.
const LimitLogInterval = record.Micros(3600 * 1e6)

// Inventory builds devices incrementally from the records of every sensor.
// It is safe for concurrent use.
type Inventory struct {
	mu      sync.Mutex
	cfg     Config
	sensors map[string]*sensorState
	view    map[string][]Device // per sensor, nil when stale
	classes classCache
	svcs    map[svcKey]string
}

// New returns an empty inventory.
func New(cfg Config) *Inventory {
	return &Inventory{cfg: cfg, sensors: make(map[string]*sensorState), view: make(map[string][]Device),
		classes: make(classCache), svcs: make(map[svcKey]string)}
}

// SetFoldInternet changes Config.FoldInternet (the tenant's S1-1 setting)
// for the batches added from now on; devices made before stay as they are.
func (inv *Inventory) SetFoldInternet(fold bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	inv.cfg.FoldInternet = fold
}

// batch is the state of one Add call.
type batch struct {
	inv     *Inventory
	cfg     *Config
	s       *sensorState
	refused uint64
	maxTS   record.Micros
}

// Add ingests one batch of a sensor's records, in time order per sensor
// (order within a batch does not matter). It returns events for the
// server's system log: the device limit being reached.
func (inv *Inventory) Add(sensor string, recs []record.Record) []Event {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	s := inv.sensors[sensor]
	if s == nil {
		s = newSensorState()
		inv.sensors[sensor] = s
	}
	delete(inv.view, sensor)
	b := &batch{inv: inv, cfg: &inv.cfg, s: s}
	// Self-stated bindings, broadcast addresses and the interfaces of
	// untagged addresses first: the records without an interface label
	// (conn_interval, asset_id) and the order of the rest must not matter.
	for _, r := range recs {
		switch r := r.(type) {
		case *record.ARP:
			b.arp(r)
		case *record.NDP:
			b.ndp(r)
		case *record.Conn:
			b.broadcast(r.RespMAC, r.RespH)
			b.noteSeg(r.VLAN, r.Iface, r.OrigH)
			b.noteSeg(r.VLAN, r.Iface, r.RespH)
		case *record.Flow:
			b.broadcast(r.DstMAC, r.DstH)
			b.noteSeg(r.VLAN, r.Iface, r.SrcH)
		case *record.OT:
			b.noteSeg(r.VLAN, r.Iface, r.ReqH)
			b.noteSeg(r.VLAN, r.Iface, r.RespH)
		case *record.DNS:
			b.broadcast(r.RespMAC, r.RespH)
		case *record.NBNS:
			b.broadcast(r.RespMAC, r.RespH)
		case *record.CIFSBrowser:
			b.broadcast(r.RespMAC, r.RespH)
			b.noteSeg(r.VLAN, r.Iface, r.OrigH)
		}
	}
	for _, r := range recs {
		b.record(r)
	}
	if b.refused == 0 {
		return nil
	}
	s.Refused += b.refused
	if s.LimitHit && b.maxTS-s.LimitLogged < LimitLogInterval {
		return nil
	}
	s.LimitHit, s.LimitLogged = true, b.maxTS
	lim := inv.cfg.limit()
	return []Event{{
		Kind: "device_limit", Sensor: sensor, TS: b.maxTS, Limit: lim, Refused: s.Refused,
		Message: fmt.Sprintf("sensor %s reached %d devices: %d new devices not created; known devices keep updating",
			sensor, lim, s.Refused),
	}}
}

func (b *batch) record(r record.Record) {
	switch r := r.(type) {
	case *record.Conn:
		b.conn(r)
	case *record.ConnInterval:
		b.connInterval(r)
	case *record.Flow:
		b.flow(r)
	case *record.Eth:
		b.eth(r)
	case *record.OT:
		b.ot(r)
	case *record.AssetID:
		b.assetID(r)
	case *record.DHCP:
		b.dhcp(r)
	case *record.DHCPv6:
		b.dhcpv6(r)
	case *record.DNS:
		b.dns(r)
	case *record.NBNS:
		b.nbns(r)
	case *record.CIFSBrowser:
		b.cifsBrowser(r)
	case *record.SSDP:
		b.ssdp(r)
	case *record.LLDP:
		b.lldp(r)
	case *record.CDP:
		b.cdp(r)
	case *record.OSFP:
		b.osfp(r)
	case *record.HTTP:
		b.http(r)
	case *record.SMB:
		b.smb(r)
	}
}

// get returns the device of p, creating it unless the sensor is at its
// limit (then it counts a refusal and returns nil).
func (b *batch) get(p ref, t0, t1 record.Micros) *dev {
	b.maxTS = max(b.maxTS, t1)
	d := b.s.Devs[p]
	if d == nil {
		if len(b.s.Devs) >= b.cfg.limit() {
			b.refuse(p)
			return nil
		}
		d = &dev{Ref: p}
		b.s.Devs[p] = d
	}
	d.touch(t0, t1)
	return d
}

// refuse counts a device not created, once per device (up to
// maxPendingAddr remembered, then every attempt).
func (b *batch) refuse(p ref) {
	if b.s.RefusedSet[p] {
		return
	}
	if b.s.RefusedSet == nil {
		b.s.RefusedSet = make(map[ref]bool)
	}
	if len(b.s.RefusedSet) < maxPendingAddr {
		b.s.RefusedSet[p] = true
	}
	b.refused++
}

// endpoint maps an address of a record to its device reference. seg is the
// record's segment and labelled whether it had a VLAN or interface label.
func (b *batch) endpoint(seg string, labelled bool, a netip.Addr) (ref, bool) {
	switch b.class(a) {
	case addrLocal:
		a = a.Unmap()
		if b.s.Bcast[a] {
			return ref{}, false
		}
		if !labelled {
			if s, ok := b.s.AddrSegs[a]; ok {
				seg = s
			}
		}
		return ref{Seg: seg, Addr: a}, true
	case addrGlobal:
		if b.cfg.FoldInternet {
			return internetRef, true
		}
		return ref{Seg: InternetSegment, Addr: a.Unmap()}, true
	}
	return ref{}, false
}

// class classifies an address for this sensor: a global address that a
// station claimed on the link (ARP, NDP) is local, its device in the
// segment rather than on the Internet.
func (b *batch) class(a netip.Addr) addrClass {
	c := b.cfg.classify(a)
	if c == addrGlobal && b.s.OnLink[a.Unmap()] {
		return addrLocal
	}
	return c
}

// broadcast notes a subnet broadcast address (sent to the broadcast MAC):
// never a device.
func (b *batch) broadcast(mac record.MAC, a netip.Addr) {
	if mac != (record.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) || !a.Is4() || b.class(a) != addrLocal {
		return
	}
	if b.s.Bcast == nil {
		b.s.Bcast = make(map[netip.Addr]bool)
	}
	if len(b.s.Bcast) < maxPendingAddr {
		b.s.Bcast[a] = true
	}
}

// noteSeg records the interface of an untagged local address; when two
// interfaces see it, the smaller label wins so the choice is order-free.
func (b *batch) noteSeg(vlan uint16, iface string, a netip.Addr) {
	if vlan != 0 || iface == "" || b.class(a) != addrLocal {
		return
	}
	a = a.Unmap()
	if s, ok := b.s.AddrSegs[a]; ok && s <= iface {
		return
	}
	if len(b.s.AddrSegs) < 4*b.cfg.limit() {
		b.s.AddrSegs[a] = iface
	}
}

// l2 returns the MAC-only device of mac in seg, creating it.
func (b *batch) l2(seg string, mac record.MAC, t0, t1 record.Micros) *dev {
	if !unicastMAC(mac) {
		return nil
	}
	return b.get(ref{Seg: seg, Addr: macOnlyAddr, MAC: mac}, t0, t1)
}

// Router detection: a MAC seen as the link address of this many distinct
// IPv4 (or IPv6) addresses is a router's or a gateway's, and the addresses
// are not bound to it unless they claimed it themselves (ARP, NDP, DHCP,
// link-local traffic).
const (
	RouterMinIPv4 = 4
	RouterMinIPv6 = 8
)

// observe notes that mac carried traffic of address a (seen in frames,
// claimed when the station stated it or the address is link-local) and
// binds them when a is local.
func (b *batch) observe(seg string, mac record.MAC, a netip.Addr, d *dev, claimed bool, t0, t1 record.Micros) {
	if !unicastMAC(mac) {
		return
	}
	cls := b.class(a)
	if cls == addrNone {
		return
	}
	a = a.Unmap()
	claimed = claimed || a.IsLinkLocalUnicast()
	mk := macKey{seg, mac}
	if cls == addrLocal && d != nil {
		mk.Seg = d.Ref.Seg
	}
	ms := b.s.MACs[mk]
	if ms == nil {
		ms = &macState{Addrs: make(map[netip.Addr]bool)}
		b.s.MACs[mk] = ms
	}
	ms.Seen.add(t0, t1, 1)
	if !claimed && len(ms.Addrs) < maxMACAddrs {
		ms.Addrs[a] = true
		if !ms.Router && isRouter(ms.Addrs) {
			ms.Router = true
		}
	}
	if ms.Router {
		// A router is a device even when no frame of its own was seen.
		b.l2(mk.Seg, mac, ms.Seen.First, ms.Seen.Last)
	}
	if cls == addrLocal && d != nil {
		d.bind(mac, claimed, t0, t1)
	}
}

func isRouter(addrs map[netip.Addr]bool) bool {
	var v4, v6 int
	for a := range addrs {
		if a.Is4() {
			v4++
		} else {
			v6++
		}
	}
	return v4 >= RouterMinIPv4 || v6 >= RouterMinIPv6
}

// link records communication from requester or client from to to.
func (b *batch) link(from, to *dev, weight float64, n uint64) {
	if from == nil || to == nil || from == to {
		return
	}
	from.addPeer(to.Ref)
	to.addPeer(from.Ref)
	k := edgeKey{from.Ref, to.Ref}
	e := b.s.Edges[k]
	if e == nil {
		e = &edge{}
		b.s.Edges[k] = e
	}
	e.Weight = max(e.Weight, weight)
	e.Count += n
}

// sortedSensors returns the sensor names in order.
func (inv *Inventory) sortedSensors() []string {
	out := make([]string, 0, len(inv.sensors))
	for k := range inv.sensors {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Devices returns every device of every sensor, ordered by sensor, segment,
// address and MAC. The view is computed once per change and shared: callers
// must not modify the devices' slices.
func (inv *Inventory) Devices() []Device {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	var out []Device
	for _, name := range inv.sortedSensors() {
		out = append(out, inv.sensorView(name)...)
	}
	return out
}

// Device returns the device of key, if known. A MAC-only device that has
// been merged into the device of its address is found under that address.
func (inv *Inventory) Device(key DeviceKey) (Device, bool) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.sensors[key.Sensor] == nil {
		return Device{}, false
	}
	v := inv.sensorView(key.Sensor)
	i := sort.Search(len(v), func(i int) bool { return !keyLess(v[i].Key, key) })
	if i < len(v) && v[i].Key == key {
		return v[i], true
	}
	return Device{}, false
}

// Refused returns how many devices of sensor were not created because of
// the device limit.
func (inv *Inventory) Refused(sensor string) uint64 {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if s := inv.sensors[sensor]; s != nil {
		return s.Refused
	}
	return 0
}

func keyLess(a, b DeviceKey) bool {
	if a.Sensor != b.Sensor {
		return a.Sensor < b.Sensor
	}
	if a.Segment != b.Segment {
		return a.Segment < b.Segment
	}
	if c := a.Addr.Compare(b.Addr); c != 0 {
		return c < 0
	}
	for i := range a.MAC {
		if a.MAC[i] != b.MAC[i] {
			return a.MAC[i] < b.MAC[i]
		}
	}
	return false
}

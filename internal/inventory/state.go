package inventory

import (
	"net/netip"
	"strings"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

// Bounds on what one device keeps, so that a noisy or hostile host cannot
// grow the inventory without limit.
const (
	maxNames       = 16   // names per device
	maxIdentities  = 16   // identities per device
	maxOSEvidence  = 32   // OS evidence values per device
	maxProtocols   = 64   // protocols spoken or served per device
	maxOps         = 128  // distinct OT operations per device
	maxPeers       = 4096 // peers tracked per device
	maxMACs        = 16   // MACs bound to one address
	maxIntervals   = 32   // binding intervals kept per MAC (oldest dropped)
	maxMACAddrs    = 64   // addresses remembered per MAC for router detection
	maxPendingAddr = 8192 // addresses with names from name resolution
)

// BindingGap is the longest silence that still continues an IP↔MAC binding
// interval: a binding unseen for longer starts a new interval.
const BindingGap = record.Micros(3600 * 1e6)

// seen counts observations of something.
type seen struct {
	First, Last record.Micros
	Count       uint64
}

func (s *seen) add(t0, t1 record.Micros, n uint64) {
	if s.Count == 0 && s.First == 0 && s.Last == 0 {
		s.First, s.Last = t0, t1
	} else {
		s.First = min(s.First, t0)
		s.Last = max(s.Last, t1)
	}
	s.Count += n
}

type nameKey struct{ Name, Source string }

// osKey is one OS evidence value, kept in parts so that recording a seen
// value does not build a string: the parts are joined into the
// osguess.Evidence Raw form when the view is built.
type osKey struct {
	Source string
	Parts  [3]string
	N      uint8 // parts used
}

// value renders the Raw form: asset_id reports are their non-empty parts
// joined by spaces, the other sources their parts joined by '|'.
func (k osKey) value() string {
	if k.Source == string(osguess.SourceAssetID) {
		return joinNonEmpty(k.Parts[:k.N]...)
	}
	return strings.Join(k.Parts[:k.N], "|")
}

type idKey struct {
	Protocol, Vendor, Product, Model, Firmware, Serial, Name, Role string
}

type opKey struct {
	Protocol, Function string
	Class              opClass
	Responder          bool
}

// binding is one MAC of an address.
type binding struct {
	Claimed   bool
	Intervals []Interval
}

// add widens the intervals by [t0, t1]: every interval within BindingGap
// of it is merged, so the result does not depend on arrival order.
func (b *binding) add(t0, t1 record.Micros) {
	lo, hi := t0, t1
	out := b.Intervals[:0]
	for _, iv := range b.Intervals {
		if iv.Last+BindingGap >= t0 && iv.First <= t1+BindingGap {
			lo, hi = min(lo, iv.First), max(hi, iv.Last)
			continue
		}
		out = append(out, iv)
	}
	// keep sorted by First
	i := len(out)
	for i > 0 && out[i-1].First > lo {
		i--
	}
	out = append(out, Interval{})
	copy(out[i+1:], out[i:])
	out[i] = Interval{First: lo, Last: hi}
	if len(out) > maxIntervals {
		out = append(out[:0], out[len(out)-maxIntervals:]...)
	}
	b.Intervals = out
}

// dev is what the inventory knows about one device key. Its fields are
// exported for the snapshot encoder only.
type dev struct {
	Ref         ref
	First, Last record.Micros
	Bind        map[record.MAC]*binding
	Names       map[nameKey]*seen
	IDs         map[idKey]*seen
	OS          map[osKey]*seen
	Speaks      map[string]uint64
	Serves      map[string]uint64
	Ops         map[opKey]uint64
	Peers       map[ref]bool
	OTOut       map[ref]uint8 // responders it sent OT requests to: class bits
	OTIn        map[ref]uint8 // requesters it answered: class bits
	DBClients   map[ref]bool
	Caps        map[string]bool // LLDP/CDP enabled capabilities
	STP         bool
	DHCPServer  bool
	BytesSent   uint64
	BytesRecv   uint64
}

func (d *dev) touch(t0, t1 record.Micros) {
	if t0 == 0 && t1 == 0 {
		return
	}
	if d.First == 0 || t0 < d.First {
		d.First = t0
	}
	d.Last = max(d.Last, t1)
}

func (d *dev) addName(name, source string, t0, t1 record.Micros, n uint64) {
	if name == "" {
		return
	}
	addSeen(&d.Names, nameKey{name, source}, maxNames, t0, t1, n)
}

// addOS records an OS evidence value of up to three parts; nothing when
// every part is empty.
func (d *dev) addOS(source string, t0, t1 record.Micros, parts ...string) {
	k := osKey{Source: source, N: uint8(min(len(parts), 3))}
	empty := true
	for i := range int(k.N) {
		k.Parts[i] = parts[i]
		empty = empty && parts[i] == ""
	}
	if empty {
		return
	}
	addSeen(&d.OS, k, maxOSEvidence, t0, t1, 1)
}

func addSeen[K comparable](m *map[K]*seen, k K, limit int, t0, t1 record.Micros, n uint64) {
	if *m == nil {
		*m = make(map[K]*seen)
	}
	s := (*m)[k]
	if s == nil {
		if len(*m) >= limit {
			return
		}
		s = new(seen)
		(*m)[k] = s
	}
	s.add(t0, t1, n)
}

func addCount(m *map[string]uint64, k string, n uint64) {
	if *m == nil {
		*m = make(map[string]uint64)
	}
	if _, ok := (*m)[k]; !ok && len(*m) >= maxProtocols {
		return
	}
	(*m)[k] += n
}

func (d *dev) addPeer(p ref) {
	if p == d.Ref {
		return
	}
	if d.Peers == nil {
		d.Peers = make(map[ref]bool)
	}
	if len(d.Peers) < maxPeers {
		d.Peers[p] = true
	}
}

func addRefBits(m *map[ref]uint8, p ref, bits uint8) {
	if *m == nil {
		*m = make(map[ref]uint8)
	}
	if _, ok := (*m)[p]; !ok && len(*m) >= maxPeers {
		return
	}
	(*m)[p] |= bits
}

func (d *dev) bind(mac record.MAC, claimed bool, t0, t1 record.Micros) {
	if d.Bind == nil {
		d.Bind = make(map[record.MAC]*binding)
	}
	b := d.Bind[mac]
	if b == nil {
		if len(d.Bind) >= maxMACs {
			return
		}
		b = new(binding)
		d.Bind[mac] = b
	}
	b.Claimed = b.Claimed || claimed
	b.add(t0, t1)
}

// macKey is a MAC within a segment.
type macKey struct {
	Seg string
	MAC record.MAC
}

// macState is what is known about a MAC across addresses: which addresses
// it was seen with (to detect routers).
type macState struct {
	Addrs  map[netip.Addr]bool
	Router bool
	// Seen spans the observations of the MAC, so a router's device gets
	// the same first/last seen whichever observation revealed it.
	Seen seen
}

// edge is communication from a requester (or client) to a responder.
type edge struct {
	Weight float64 // highest criticality seen
	Count  uint64
}

type edgeKey struct{ From, To ref }

// sensorState is the inventory of one sensor.
type sensorState struct {
	Devs  map[ref]*dev
	MACs  map[macKey]*macState
	Edges map[edgeKey]*edge
	// AddrSegs remembers the interface segment of untagged local
	// addresses, for records that carry no interface label.
	AddrSegs map[netip.Addr]string
	// Pending are names from name resolution, by address: they are
	// attached to the devices of that address when the view is built.
	Pending map[netip.Addr]map[nameKey]*seen
	// OnLink are global addresses stations claimed on the link (ARP,
	// NDP): local devices from then on.
	OnLink map[netip.Addr]bool
	// Bcast are subnet broadcast addresses.
	Bcast       map[netip.Addr]bool
	Refused     uint64
	RefusedSet  map[ref]bool
	LimitLogged record.Micros
	LimitHit    bool
}

func newSensorState() *sensorState {
	return &sensorState{
		Devs:     make(map[ref]*dev),
		MACs:     make(map[macKey]*macState),
		Edges:    make(map[edgeKey]*edge),
		AddrSegs: make(map[netip.Addr]string),
		Pending:  make(map[netip.Addr]map[nameKey]*seen),
	}
}

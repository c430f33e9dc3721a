package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/fingerprint/eos"
	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// findDevice returns the device a key string names.
func (p *Portal) findDevice(ctx context.Context, s store.Scope, key string) (InventoryDevice, bool, error) {
	d, _, ok, err := p.findDeviceIn(ctx, s, key)
	return d, ok, err
}

// findDeviceIn is findDevice that also returns every device of the tenant.
func (p *Portal) findDeviceIn(ctx context.Context, s store.Scope, key string) (InventoryDevice, []InventoryDevice, bool, error) {
	k, err := parseDeviceKey(key)
	if err != nil {
		return InventoryDevice{}, nil, false, nil
	}
	inv, err := p.deps.Device.inventory()
	if err != nil {
		return InventoryDevice{}, nil, false, err
	}
	all, err := inv.InventoryDevices(ctx, s)
	if err != nil {
		return InventoryDevice{}, nil, false, fmt.Errorf("inventory: %w", err)
	}
	for _, d := range all {
		if d.Device.Key == k {
			return d, all, true, nil
		}
	}
	return InventoryDevice{}, all, false, nil
}

// deviceDetail is V1-3 (and GET /api/v1/devices/{key}). Times are in the
// tenant's zone; the *Text fields are the page's.
type deviceDetail struct {
	Key        string                 `json:"key"`
	Sensor     string                 `json:"sensor"`
	SensorID   store.SensorID         `json:"sensor_id"`
	Segment    string                 `json:"segment"`
	IP         string                 `json:"ip"` // "" for a device known only by MAC
	Internet   bool                   `json:"internet"`
	MAC        string                 `json:"mac"` // the most recent binding
	Vendor     string                 `json:"vendor"`
	Name       string                 `json:"name"` // the edited name, else the name seen most
	Note       DeviceNote             `json:"note"`
	OtherAddrs []string               `json:"other_addrs"`
	Names      []detailName           `json:"names"`
	MACs       []detailMAC            `json:"macs"`
	Identities []detailIdentity       `json:"identities"`
	OS         detailOS               `json:"os"`
	EOS        detailEOS              `json:"end_of_support"`
	Type       string                 `json:"type"`
	Role       string                 `json:"role"`
	Roles      []inventory.Role       `json:"roles"`
	Importance int                    `json:"importance"`
	Peers      int                    `json:"peers"`
	BytesSent  uint64                 `json:"bytes_sent"`
	BytesRecv  uint64                 `json:"bytes_recv"`
	FirstSeen  time.Time              `json:"first_seen"`
	LastSeen   time.Time              `json:"last_seen"`
	Speaks     []inventory.ProtoCount `json:"speaks"`
	Serves     []inventory.ProtoCount `json:"serves"`
	Operations []inventory.Operation  `json:"operations"`
	// PeerList are the devices it exchanged most bytes with over the last
	// peerDays days, one row per direction.
	PeerList []detailPeer `json:"peer_list"`
	// Traffic is the API query of the device's traffic chart, "" when the
	// device has no IP traffic to show.
	Traffic string `json:"traffic"`

	// For the page.
	FirstText string `json:"-"`
	LastText  string `json:"-"`
}

type detailName struct {
	Name      string    `json:"name"`
	Source    string    `json:"source"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Count     uint64    `json:"count"`
	FirstText string    `json:"-"`
	LastText  string    `json:"-"`
}

type detailMAC struct {
	MAC       string           `json:"mac"`
	Vendor    string           `json:"vendor"`
	Claimed   bool             `json:"claimed"`
	Intervals []detailInterval `json:"intervals"`
}

type detailInterval struct {
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	FirstText string    `json:"-"`
	LastText  string    `json:"-"`
}

type detailIdentity struct {
	Protocol  string    `json:"protocol"`
	Vendor    string    `json:"vendor"`
	Product   string    `json:"product"`
	Model     string    `json:"model"`
	Firmware  string    `json:"firmware"`
	Serial    string    `json:"serial"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	First     time.Time `json:"first"`
	Last      time.Time `json:"last"`
	Count     uint64    `json:"count"`
	FirstText string    `json:"-"`
	LastText  string    `json:"-"`
}

type detailOS struct {
	Family     string           `json:"family"`
	Name       string           `json:"name"`
	Version    string           `json:"version"`
	Confidence float64          `json:"confidence"` // 0..1
	Percent    int              `json:"-"`
	Evidence   []detailEvidence `json:"evidence"`
	Conflicts  []string         `json:"conflicts"`
}

type detailEvidence struct {
	Source     string  `json:"source"`
	Value      string  `json:"value"`
	Role       string  `json:"role"` // family and product, family, conflict, repeat, none
	Family     string  `json:"family"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
	Percent    int     `json:"-"`
}

type detailEOS struct {
	State      string         `json:"state"` // supported, unsupported, ambiguous, unknown
	Sentence   string         `json:"sentence"`
	Candidates []eosCandidate `json:"candidates"`
	Unmatched  []string       `json:"unmatched"`
}

type eosCandidate struct {
	Name       string `json:"name"`
	Phase      string `json:"phase"`
	Supported  bool   `json:"supported"`
	Mainstream string `json:"mainstream"` // YYYY-MM-DD, "" when none
	Extended   string `json:"extended"`
	ESU        string `json:"esu"`
	Source     string `json:"source"`
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}

func (p *Portal) deviceDetail(r *http.Request, rq *request) (deviceDetail, bool, error) {
	ctx := r.Context()
	scope := store.ForTenant(rq.user.Tenant)
	key := r.PathValue("key")
	d, all, ok, err := p.findDeviceIn(ctx, scope, key)
	if err != nil || !ok {
		return deviceDetail{}, ok, err
	}
	notes, err := p.deviceNotes(ctx, scope)
	if err != nil {
		return deviceDetail{}, true, err
	}
	dev := d.Device
	loc := rq.loc
	t := func(m record.Micros) time.Time {
		if m == 0 {
			return time.Time{}
		}
		return microsTime(m).In(loc)
	}
	row := DeviceRowOf(dev, d.SensorName)
	m := deviceDetail{
		Key: key, Sensor: d.SensorName, SensorID: d.SensorID, Segment: dev.Key.Segment, IP: ipText(row.IP),
		Internet: dev.Internet, MAC: row.MAC, Vendor: dev.Vendor, Name: row.Name, Note: notes[key],
		OtherAddrs: []string{}, Names: []detailName{}, MACs: []detailMAC{}, Identities: []detailIdentity{},
		Type: dev.Type, Role: dev.Role, Roles: dev.Roles, Importance: dev.Importance, Peers: dev.Peers,
		BytesSent: dev.BytesSent, BytesRecv: dev.BytesRecv, FirstSeen: t(dev.First), LastSeen: t(dev.Last),
		Speaks: dev.Speaks, Serves: dev.Serves, Operations: dev.Operations,
	}
	if m.Note.Name != "" {
		m.Name = m.Note.Name
	}
	m.FirstText, m.LastText = localTime(m.FirstSeen, loc, layoutSecond), localTime(m.LastSeen, loc, layoutSecond)
	for _, a := range dev.OtherAddrs {
		m.OtherAddrs = append(m.OtherAddrs, a.String())
	}
	for _, n := range dev.Names {
		m.Names = append(m.Names, detailName{Name: n.Name, Source: n.Source, First: t(n.First), Last: t(n.Last), Count: n.Count,
			FirstText: localTime(t(n.First), loc, layoutMinute), LastText: localTime(t(n.Last), loc, layoutMinute)})
	}
	slices.SortStableFunc(m.Names, func(a, b detailName) int { return b.Last.Compare(a.Last) })
	for _, b := range dev.MACs {
		dm := detailMAC{MAC: b.MAC.String(), Vendor: b.Vendor, Claimed: b.Claimed, Intervals: []detailInterval{}}
		for _, iv := range b.Intervals {
			dm.Intervals = append(dm.Intervals, detailInterval{First: t(iv.First), Last: t(iv.Last),
				FirstText: localTime(t(iv.First), loc, layoutMinute), LastText: localTime(t(iv.Last), loc, layoutMinute)})
		}
		m.MACs = append(m.MACs, dm)
	}
	for _, id := range dev.Identities {
		m.Identities = append(m.Identities, detailIdentity{Protocol: id.Protocol, Vendor: id.Vendor, Product: id.Product,
			Model: id.Model, Firmware: id.Firmware, Serial: id.Serial, Name: id.Name, Role: id.Role,
			First: t(id.First), Last: t(id.Last), Count: id.Count,
			FirstText: localTime(t(id.First), loc, layoutMinute), LastText: localTime(t(id.Last), loc, layoutMinute)})
	}
	g := dev.OSGuess
	m.OS = detailOS{Family: string(g.Family), Name: g.Name, Version: g.Version, Confidence: g.Confidence,
		Percent: percent(g.Confidence), Evidence: []detailEvidence{}, Conflicts: g.Conflicts}
	if m.OS.Conflicts == nil {
		m.OS.Conflicts = []string{}
	}
	for _, c := range g.Evidence {
		m.OS.Evidence = append(m.OS.Evidence, detailEvidence{Source: string(c.Source), Value: c.Raw, Role: c.Role,
			Family: string(c.Candidate.Family), Confidence: c.Candidate.Confidence, Reason: c.Candidate.Reason,
			Percent: percent(c.Candidate.Confidence)})
	}
	st := eos.Lookup(g, p.cfg.Now())
	m.EOS = detailEOS{State: string(st.State), Sentence: st.Sentence, Candidates: []eosCandidate{}, Unmatched: st.Unmatched}
	if m.EOS.Unmatched == nil {
		m.EOS.Unmatched = []string{}
	}
	for _, c := range st.Candidates {
		m.EOS.Candidates = append(m.EOS.Candidates, eosCandidate{Name: c.Name(), Phase: string(c.Phase), Supported: c.Supported,
			Mainstream: day(c.Mainstream), Extended: day(c.Extended), ESU: day(c.ESU), Source: c.Source})
	}
	for _, s := range []*[]inventory.ProtoCount{&m.Speaks, &m.Serves} {
		if *s == nil {
			*s = []inventory.ProtoCount{}
		}
	}
	if m.Operations == nil {
		m.Operations = []inventory.Operation{}
	}
	if m.Roles == nil {
		m.Roles = []inventory.Role{}
	}
	m.PeerList = []detailPeer{}
	if row.IP.IsValid() && !dev.Internet {
		m.Traffic = "/api/v1/devices/" + url.PathEscape(key) + "/traffic"
		if m.PeerList, err = p.devicePeers(ctx, scope, d, all); err != nil {
			return m, true, err
		}
		for i, pr := range m.PeerList {
			if n := notes[pr.Key].Name; n != "" && pr.Key != "" {
				m.PeerList[i].Name = n
			}
		}
	}
	return m, true, nil
}

func percent(f float64) int { return int(f*100 + 0.5) }

// devicePageModel is deviceDetail with the page's labels and links.
type devicePageModel struct {
	deviceDetail
	TypeText      string
	RoleText      string
	EOSText       string
	CritText      string
	Evidence      []evidenceView
	EOSCands      []eosCandidateView
	Ops           []operationView
	RoleList      []roleView
	CanEdit       bool
	Saved         bool
	Criticalities []critOption
	RangeLinks    []rangeLink
	TrafficSrc    string
	NotesURL      string
}

type evidenceView struct {
	detailEvidence
	RoleText string
}

type eosCandidateView struct {
	eosCandidate
	PhaseText string
}

type operationView struct {
	inventory.Operation
	ClassText string
	AsText    string
}

type roleView struct {
	Label   string
	Reasons []string
}

type critOption struct {
	Value, Label string
	Selected     bool
}

func (p *Portal) devicePage(w http.ResponseWriter, r *http.Request, rq *request) {
	d, ok, err := p.deviceDetail(r, rq)
	switch {
	case err != nil:
		p.internalError(w, r, err)
		return
	case !ok:
		p.errorPage(w, r, http.StatusNotFound)
		return
	}
	c := p.pages.cats[rq.lang]
	m := devicePageModel{deviceDetail: d, TypeText: c.deviceTypeLabel(d.Type), RoleText: c.roleLabel(d.Role),
		EOSText: c.eosStateLabel(d.EOS.State), CritText: c.criticalityLabel(d.Note.Criticality),
		CanEdit: rq.user.Role == store.RoleAdmin, Saved: r.URL.Query().Get("saved") == "1", NotesURL: deviceURL(d.Key) + "/notes"}
	for _, e := range d.OS.Evidence {
		m.Evidence = append(m.Evidence, evidenceView{detailEvidence: e, RoleText: c.evidenceRoleLabel(e.Role)})
	}
	for _, e := range d.EOS.Candidates {
		m.EOSCands = append(m.EOSCands, eosCandidateView{eosCandidate: e, PhaseText: c.eosPhaseLabel(e.Phase)})
	}
	for _, o := range d.Operations {
		m.Ops = append(m.Ops, operationView{Operation: o, ClassText: c.opClassLabel(o.Class), AsText: c.opAsLabel(o.As)})
	}
	for _, ro := range d.Roles {
		m.RoleList = append(m.RoleList, roleView{Label: c.roleLabel(ro.Name), Reasons: ro.Reasons})
	}
	for _, v := range append([]string{""}, criticalities...) {
		m.Criticalities = append(m.Criticalities, critOption{Value: v, Label: c.criticalityLabel(v), Selected: v == d.Note.Criticality})
	}
	if d.Traffic != "" {
		rng := r.URL.Query().Get("range")
		if !slices.ContainsFunc(trafficRanges, func(tr struct {
			Name string
			D    time.Duration
		}) bool {
			return tr.Name == rng
		}) {
			rng = defaultTrafficRange
		}
		m.TrafficSrc = d.Traffic + "?range=" + rng
		for _, tr := range trafficRanges {
			m.RangeLinks = append(m.RangeLinks, rangeLink{Name: tr.Name, URL: deviceURL(d.Key) + "?range=" + tr.Name,
				Current: tr.Name == rng})
		}
	}
	p.render(w, r, http.StatusOK, "device", "devices", m)
}

func (p *Portal) deviceAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, ok, err := p.deviceDetail(r, rq)
	switch {
	case err != nil:
		p.internalAPIError(w, r, err)
		return
	case !ok:
		writeJSONError(w, http.StatusNotFound, noteNotFound)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// segmentVLAN is the VLAN of an inventory segment ("vlan 10"), 0 for none.
func segmentVLAN(seg string) uint16 {
	v, ok := strings.CutPrefix(seg, "vlan ")
	if !ok {
		return 0
	}
	n, err := strconv.ParseUint(v, 10, 16)
	if err != nil {
		return 0
	}
	return uint16(n)
}

// deviceTrafficAPI is the traffic of one device over a range (the
// detail page's chart): one series of bytes per step, both directions,
// in the shape of GET /api/v1/traffic.
func (p *Portal) deviceTrafficAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	scope := store.ForTenant(rq.user.Tenant)
	d, ok, err := p.findDevice(r.Context(), scope, r.PathValue("key"))
	switch {
	case err != nil:
		p.internalAPIError(w, r, err)
		return
	case !ok || d.Device.Key.MACOnly() || d.Device.Internet:
		writeJSONError(w, http.StatusNotFound, noteNotFound)
		return
	}
	v := r.URL.Query()
	v.Del("by")
	v.Del("sensor")
	q, err := parseTrafficQuery(v, p.cfg.Now(), rq.loc)
	if err != nil {
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	}
	q.Sensor = d.SensorID
	res, err := p.deps.Traffic.TrafficSeries(r.Context(), scope, store.TrafficQuery{
		Sensor: d.SensorID, From: q.From, To: q.To, Step: q.Step, GroupBy: store.GroupTotal, Limit: 1,
		Device: &store.Device{VLAN: segmentVLAN(d.Device.Key.Segment), IP: d.Device.Key.Addr},
	})
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, trafficModelOf(q, res, rq.loc))
}

// trafficModelOf lays a store answer out on every step of the query's
// range, steps without traffic as zero, as GET /api/v1/traffic does.
func trafficModelOf(q trafficQuery, res store.TrafficResult, loc *time.Location) trafficModel {
	step := q.Step
	if res.Step > 0 {
		step = res.Step
	}
	q.From, q.To = q.From.In(loc), q.To.In(loc)
	m := trafficModel{Query: q, StepSeconds: int64(step / time.Second), Points: []trafficPoint{}, Series: []trafficSeries{}}
	index := map[int64]int{}
	for t := q.From.Truncate(step); t.Before(q.To); t = t.Add(step) {
		index[t.Unix()] = len(m.Points)
		m.Points = append(m.Points, trafficPoint{Time: t.In(loc), Label: localTime(t, loc, layoutShort)})
	}
	for _, s := range res.Series {
		ts := trafficSeries{Name: seriesName(store.GroupTotal, s.Key), Key: s.Key, Bytes: s.Total.Bytes(), Values: make([]uint64, len(m.Points))}
		for _, pt := range s.Points {
			if i, ok := index[pt.Time.Truncate(step).Unix()]; ok {
				ts.Values[i] += pt.Bytes()
			}
		}
		m.Series = append(m.Series, ts)
	}
	return m
}

// peerDays is the span of a device's peer list; peerLimit its length.
const (
	peerDays  = 7
	peerLimit = 20
)

// detailPeer is one peer of a device in one direction.
type detailPeer struct {
	IP        string `json:"ip"`
	VLAN      uint16 `json:"vlan"`
	Direction string `json:"direction"` // out: the device initiated; in: the peer did
	Bytes     uint64 `json:"bytes"`
	Packets   uint64 `json:"packets"`
	Conns     uint64 `json:"conns"`
	Key       string `json:"key"` // the peer's device key, "" when the inventory has none
	Name      string `json:"name"`
	URL       string `json:"-"`
}

// devicePeers asks the traffic rollups for the device's pairs over the
// last peerDays days and names each peer the inventory knows (same sensor
// and VLAN).
func (p *Portal) devicePeers(ctx context.Context, s store.Scope, d InventoryDevice, all []InventoryDevice) ([]detailPeer, error) {
	to := p.cfg.Now().Truncate(time.Hour).Add(time.Hour)
	vlan := segmentVLAN(d.Device.Key.Segment)
	res, err := p.deps.Traffic.TrafficSeries(ctx, s, store.TrafficQuery{
		Sensor: d.SensorID, From: to.Add(-peerDays * 24 * time.Hour), To: to, Step: store.StepHour,
		GroupBy: store.GroupPair, Device: &store.Device{VLAN: vlan, IP: d.Device.Key.Addr}, Limit: peerLimit,
	})
	if err != nil {
		return nil, fmt.Errorf("peers: %w", err)
	}
	known := map[netip.Addr]InventoryDevice{}
	for _, o := range all {
		if o.SensorID == d.SensorID && segmentVLAN(o.Device.Key.Segment) == vlan && !o.Device.Key.MACOnly() {
			known[o.Device.Key.Addr] = o
		}
	}
	me := d.Device.Key.Addr
	out := []detailPeer{}
	for _, ser := range res.Series {
		k := ser.Key
		var peer netip.Addr
		dir := ""
		switch {
		case k.Orig == me && k.Resp.IsValid():
			peer, dir = k.Resp, "out"
		case k.Resp == me && k.Orig.IsValid():
			peer, dir = k.Orig, "in"
		default:
			continue // not a pair of this device
		}
		dp := detailPeer{IP: peer.String(), VLAN: k.VLAN, Direction: dir, Bytes: ser.Total.Bytes(),
			Packets: ser.Total.Packets(), Conns: ser.Total.Conns}
		if o, ok := known[peer]; ok {
			dp.Key = DeviceKeyString(o.Device.Key)
			dp.Name = bestName(o.Device.Names)
			dp.URL = deviceURL(dp.Key)
		}
		out = append(out, dp)
	}
	return out, nil
}

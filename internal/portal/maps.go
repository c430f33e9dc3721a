package portal

import (
	"cmp"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// serviceGroup is the group of the service nodes on the service map.
const serviceGroup = "services"

// mapModel is V2-1 and V2-2 (and their JSON twins): nodes with positions,
// links, and the frames of the groups.
type mapModel struct {
	Kind      string     `json:"kind"` // devices, services
	Query     viewFilter `json:"query"`
	Layout    string     `json:"layout"` // none: positions given; force (measurements only)
	Truncated bool       `json:"truncated"`
	Protocols []string   `json:"protocols"` // seen in the range, for the filter
	Groups    []mapGroup `json:"groups"`
	Nodes     []mapNode  `json:"nodes"`
	Links     []mapLink  `json:"links"`
	// For the page.
	Bar      filterBar `json:"-"`
	API      string    `json:"-"`
	OTLinks  int       `json:"-"`
	TopNodes []mapNode `json:"-"`
}

type mapGroup struct {
	Name  string  `json:"name"`
	X     float64 `json:"x"` // where its label goes
	Y     float64 `json:"y"`
	Nodes int     `json:"nodes"`
}

type mapNode struct {
	ID    string  `json:"id"`
	Label string  `json:"label"`
	Kind  string  `json:"kind"` // device, service
	Key   string  `json:"key,omitempty"`
	URL   string  `json:"url,omitempty"` // the device's page
	Role  string  `json:"role,omitempty"`
	Group string  `json:"group"`
	OT    bool    `json:"ot"` // takes part in OT traffic
	Bytes uint64  `json:"bytes"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	ip    netip.Addr
}

type mapLink struct {
	Source    int      `json:"source"` // index into nodes
	Target    int      `json:"target"`
	Bytes     uint64   `json:"bytes"`
	Conns     uint64   `json:"conns"`
	OT        bool     `json:"ot"`
	Protocols []string `json:"protocols,omitempty"`
}

// mapBuilder collects nodes and links by identity.
type mapBuilder struct {
	m     *mapModel
	nodes map[string]int
	links map[[2]int]int
}

func newMapBuilder(m *mapModel) *mapBuilder {
	return &mapBuilder{m: m, nodes: map[string]int{}, links: map[[2]int]int{}}
}

func (b *mapBuilder) node(n mapNode) int {
	if i, ok := b.nodes[n.ID]; ok {
		return i
	}
	b.nodes[n.ID] = len(b.m.Nodes)
	b.m.Nodes = append(b.m.Nodes, n)
	return len(b.m.Nodes) - 1
}

func (b *mapBuilder) link(from, to int) *mapLink {
	k := [2]int{from, to}
	if i, ok := b.links[k]; ok {
		return &b.m.Links[i]
	}
	b.links[k] = len(b.m.Links)
	b.m.Links = append(b.m.Links, mapLink{Source: from, Target: to})
	return &b.m.Links[len(b.m.Links)-1]
}

// subnetGroup names the group of an address: the sensor and its /24 (IPv4)
// or /64 (IPv6).
func subnetGroup(sensor string, a netip.Addr) string {
	bits := 64
	if a.Is4() {
		bits = 24
	}
	pf, err := a.Prefix(bits)
	if err != nil {
		return sensor
	}
	if sensor == "" {
		return pf.String()
	}
	return sensor + " " + pf.String()
}

// deviceNode is the node of a device row, or of an address the inventory
// does not know.
func deviceNode(sensor string, vlan uint16, a netip.Addr, d *DeviceRow) mapNode {
	if d != nil {
		label := ipText(d.IP)
		if d.Name != "" {
			label += " " + d.Name
		}
		id := d.Key
		if id == "" { // rows of a server that gives no keys
			id = d.Sensor + "," + d.Segment + "," + d.IP.String() + "," + d.MAC
		}
		return mapNode{ID: "d:" + id, Label: label, Kind: "device", Key: d.Key, URL: rowURL(d.Key), Role: d.Role,
			Group: subnetGroup(d.Sensor, d.IP), ip: d.IP}
	}
	return mapNode{ID: "a:" + sensor + "," + strconv.Itoa(int(vlan)) + "," + a.String(), Label: a.String(), Kind: "device",
		Group: subnetGroup(sensor, a), ip: a}
}

// otPair is an OT conversation of the range, by VLAN and addresses.
type otPair struct {
	vlan      uint16
	req, resp netip.Addr
}

// otPairs reads the range's OT records over IP: the protocols of each
// pair and every protocol seen.
func (p *Portal) otPairs(r *http.Request, scope store.Scope, f viewFilter) (map[otPair][]string, []string, bool, error) {
	pairs := map[otPair][]string{}
	seen := map[string]bool{}
	truncated, err := p.scanRecords(r.Context(), scope, record.KindOT, f.Sensor, f.From, f.To, func(rec record.Record) {
		o, ok := rec.(*record.OT)
		if !ok || !otIP.has(o.Transport) {
			return
		}
		seen[o.Protocol] = true
		k := otPair{o.VLAN, o.ReqH, o.RespH}
		if !slices.Contains(pairs[k], o.Protocol) {
			pairs[k] = append(pairs[k], o.Protocol)
		}
	})
	protocols := make([]string, 0, len(seen))
	for pr := range seen {
		protocols = append(protocols, pr)
	}
	slices.Sort(protocols)
	return pairs, protocols, truncated, err
}

// deviceMap is V2-1: every device of the filter, links from the pair
// rollup, OT links from the OT records. A protocol filter keeps the links
// that carried that OT protocol and the devices on them.
func (p *Portal) deviceMap(r *http.Request, rq *request) (mapModel, error) {
	f, err := parseViewFilter(r.URL.Query(), p.cfg.Now(), rq.loc)
	if err != nil {
		return mapModel{}, err
	}
	scope := store.ForTenant(rq.user.Tenant)
	m := mapModel{Kind: "devices", Query: f, Layout: mapLayout(r), Protocols: []string{}, Nodes: []mapNode{}, Links: []mapLink{}}
	names, err := p.sensorNames(r, scope)
	if err != nil {
		return m, err
	}
	devs, err := p.deps.Devices.Devices(r.Context(), scope)
	if err != nil {
		return m, fmt.Errorf("devices: %w", err)
	}
	if devs, err = p.withNoteNames(r.Context(), scope, devs); err != nil {
		return m, err
	}
	pairsDep, err := p.deps.Maps.pairs()
	if err != nil {
		return m, err
	}
	hours, err := pairsDep.PairHourly(r.Context(), scope, store.PairQuery{Sensor: f.Sensor, From: f.From.Truncate(store.StepHour), To: f.To})
	if err != nil {
		return m, fmt.Errorf("pair volumes: %w", err)
	}
	ot, protocols, truncated, err := p.otPairs(r, scope, f)
	if err != nil {
		return m, err
	}
	m.Protocols, m.Truncated = protocols, truncated
	ix := newDeviceIndex(devs)
	b := newMapBuilder(&m)
	if f.Protocol == "" {
		wanted := ""
		if f.Sensor != 0 {
			wanted = names[f.Sensor]
		}
		for i := range devs {
			d := &devs[i]
			if (wanted == "" || d.Sensor == wanted) && d.IP.IsValid() && !d.IP.IsUnspecified() && f.inSubnet(d.IP) {
				b.node(deviceNode(d.Sensor, 0, d.IP, d))
			}
		}
	}
	for _, h := range hours {
		protos := ot[otPair{h.VLAN, h.Orig, h.Resp}]
		if f.Protocol != "" && !slices.Contains(protos, f.Protocol) {
			continue
		}
		if !f.inSubnet(h.Orig) && !f.inSubnet(h.Resp) {
			continue
		}
		sensor := names[h.Sensor]
		from := b.node(deviceNode(sensor, h.VLAN, h.Orig, ix.find(sensor, h.VLAN, h.Orig)))
		to := b.node(deviceNode(sensor, h.VLAN, h.Resp, ix.find(sensor, h.VLAN, h.Resp)))
		if from == to {
			continue
		}
		l := b.link(from, to)
		l.Bytes += h.Bytes()
		l.Conns += h.Conns
		b.m.Nodes[from].Bytes += h.Bytes()
		b.m.Nodes[to].Bytes += h.Bytes()
		if len(protos) > 0 {
			l.OT = true
			b.m.Nodes[from].OT, b.m.Nodes[to].OT = true, true
			for _, pr := range protos {
				if !slices.Contains(l.Protocols, pr) {
					l.Protocols = append(l.Protocols, pr)
				}
			}
			slices.Sort(l.Protocols)
		}
	}
	return p.finishMap(m), nil
}

// serviceMap is V2-2: services (transport, port and name) as nodes between
// the devices that use them and the devices that offer them, from the
// range's connection records.
func (p *Portal) serviceMap(r *http.Request, rq *request) (mapModel, error) {
	f, err := parseViewFilter(r.URL.Query(), p.cfg.Now(), rq.loc)
	if err != nil {
		return mapModel{}, err
	}
	scope := store.ForTenant(rq.user.Tenant)
	m := mapModel{Kind: "services", Query: f, Layout: mapLayout(r), Protocols: []string{}, Nodes: []mapNode{}, Links: []mapLink{}}
	names, err := p.sensorNames(r, scope)
	if err != nil {
		return m, err
	}
	devs, err := p.deps.Devices.Devices(r.Context(), scope)
	if err != nil {
		return m, fmt.Errorf("devices: %w", err)
	}
	if devs, err = p.withNoteNames(r.Context(), scope, devs); err != nil {
		return m, err
	}
	ot, _, otTrunc, err := p.otPairs(r, scope, f)
	if err != nil {
		return m, err
	}
	sensor := names[f.Sensor] // "" for every sensor: links by address alone
	ix := newDeviceIndex(devs)
	b := newMapBuilder(&m)
	seen := map[string]bool{}
	truncated, err := p.scanRecords(r.Context(), scope, record.KindConn, f.Sensor, f.From, f.To, func(rec record.Record) {
		c, ok := rec.(*record.Conn)
		if !ok {
			return
		}
		svc := serviceLabel(c.Proto, c.RespP, c.Service)
		seen[serviceName(c.Proto, c.RespP, c.Service)] = true
		if f.Protocol != "" && !serviceMatches(f.Protocol, c.Proto, c.RespP, c.Service) {
			return
		}
		if !f.inSubnet(c.OrigH) && !f.inSubnet(c.RespH) {
			return
		}
		bytes := c.OrigIPBytes + c.RespIPBytes
		protos := ot[otPair{c.VLAN, c.OrigH, c.RespH}]
		s := b.node(mapNode{ID: "s:" + svc, Label: svc, Kind: "service", Group: serviceGroup})
		client := b.node(deviceNode(sensor, c.VLAN, c.OrigH, ix.find(sensor, c.VLAN, c.OrigH)))
		server := b.node(deviceNode(sensor, c.VLAN, c.RespH, ix.find(sensor, c.VLAN, c.RespH)))
		for _, ends := range [][2]int{{client, s}, {s, server}} {
			l := b.link(ends[0], ends[1]) // valid until the next link is added
			l.Bytes += bytes
			l.Conns++
			if len(protos) > 0 {
				l.OT = true
			}
		}
		for _, i := range []int{s, client, server} {
			b.m.Nodes[i].Bytes += bytes
			if len(protos) > 0 {
				b.m.Nodes[i].OT = true
			}
		}
	})
	if err != nil {
		return m, err
	}
	m.Truncated = truncated || otTrunc
	for s := range seen {
		m.Protocols = append(m.Protocols, s)
	}
	slices.Sort(m.Protocols)
	return p.finishMap(m), nil
}

// serviceLabel names a service node: "tcp/502 modbus".
func serviceLabel(proto string, port uint16, service string) string {
	s := proto + "/" + strconv.Itoa(int(port))
	if service != "" {
		s += " " + service
	}
	return s
}

// serviceName is what the protocol filter offers for a service: its name,
// else transport and port.
func serviceName(proto string, port uint16, service string) string {
	if service != "" {
		return service
	}
	return proto + "/" + strconv.Itoa(int(port))
}

// serviceMatches reports whether a connection is of the protocol asked
// for: a service name ("modbus") or transport/port ("tcp/502").
func serviceMatches(want, proto string, port uint16, service string) bool {
	if strings.Contains(want, "/") {
		return want == proto+"/"+strconv.Itoa(int(port))
	}
	for _, s := range strings.Split(service, ",") {
		if s == want {
			return true
		}
	}
	return false
}

// mapLayout is "none" (positions computed here) unless ?layout=force asks
// the browser to simulate, which exists for measuring the two.
func mapLayout(r *http.Request) string {
	if r.URL.Query().Get("layout") == "force" {
		return "force"
	}
	return "none"
}

// finishMap lays the nodes out and sorts the links so the JSON is the same
// on every load.
func (p *Portal) finishMap(m mapModel) mapModel {
	m.Groups = layoutGroups(m.Nodes)
	slices.SortFunc(m.Links, func(a, b mapLink) int {
		return cmp.Or(cmp.Compare(a.Source, b.Source), cmp.Compare(a.Target, b.Target))
	})
	for _, l := range m.Links {
		if l.OT {
			m.OTLinks++
		}
	}
	return m
}

func mapBase(kind string) string { return "/maps/" + kind }

func (p *Portal) mapPage(kind string, build func(*http.Request, *request) (mapModel, error)) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		m, err := build(r, rq)
		if isInputError(err) {
			p.errorPage(w, r, http.StatusBadRequest)
			return
		}
		if err == nil {
			m.Bar, err = p.filterBar(r.Context(), rq, m.Query, mapBase(kind))
		}
		if err != nil {
			p.internalError(w, r, err)
			return
		}
		m.API = "/api/v1/maps/" + kind + "?" + m.Query.values().Encode()
		if m.Layout == "force" {
			m.API += "&layout=force"
		}
		top := slices.Clone(m.Nodes)
		slices.SortStableFunc(top, func(a, b mapNode) int { return cmp.Compare(b.Bytes, a.Bytes) })
		m.TopNodes = top[:min(len(top), 20)]
		p.render(w, r, http.StatusOK, "map", "map_"+kind, m)
	}
}

func (p *Portal) mapAPI(build func(*http.Request, *request) (mapModel, error)) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		m, err := build(r, rq)
		if isInputError(err) {
			writeJSONError(w, http.StatusBadRequest, err.Error())
			return
		}
		if err != nil {
			p.internalAPIError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, m)
	}
}

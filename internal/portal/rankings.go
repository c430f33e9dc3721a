package portal

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Rankings (SPEC V4). Traffic rankings come from the rollups over a time
// range; the others from the inventory's current devices.
const (
	rankDeviceTraffic    = "device_traffic"    // V4-1
	rankDevicePeers      = "device_peers"      // V4-2
	rankDeviceImportance = "device_importance" // V4-3
	rankServiceTraffic   = "service_traffic"   // V4-4
	rankServiceDevices   = "service_devices"   // V4-5
	rankVendorDevices    = "vendor_devices"    // V4-6
)

// rankKinds in the order the page offers them.
var rankKinds = []string{rankDeviceTraffic, rankDevicePeers, rankDeviceImportance, rankServiceTraffic, rankServiceDevices, rankVendorDevices}

const (
	defaultRankLimit = 20
	maxRankLimit     = 100
)

func rankUsesRange(kind string) bool { return kind == rankDeviceTraffic || kind == rankServiceTraffic }

// rankQuery is a ranking's query from the URL.
type rankQuery struct {
	Kind  string    `json:"kind"`
	Range string    `json:"range,omitempty"`
	From  time.Time `json:"from,omitzero"`
	To    time.Time `json:"to,omitzero"`
	Limit int       `json:"limit"`
}

func parseRankQuery(v url.Values, now time.Time, loc *time.Location) (rankQuery, error) {
	q := rankQuery{Kind: v.Get("kind"), Limit: defaultRankLimit}
	if q.Kind == "" {
		q.Kind = rankDeviceTraffic
	}
	if !slices.Contains(rankKinds, q.Kind) {
		return q, fmt.Errorf("kind: unknown ranking %q", q.Kind)
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxRankLimit {
			return q, fmt.Errorf("limit: %q is not 1 to %d", s, maxRankLimit)
		}
		q.Limit = n
	}
	if rankUsesRange(q.Kind) {
		from, to, preset, err := parseRange(v, now, loc)
		if err != nil {
			return q, err
		}
		q.From, q.To, q.Range = from.In(loc), to.In(loc), preset
	}
	return q, nil
}

// rankRow is one row of any ranking; fields that do not apply are empty.
type rankRow struct {
	Rank   int    `json:"rank"`
	Label  string `json:"label"` // device address, service or vendor
	Sensor string `json:"sensor,omitempty"`
	Name   string `json:"name,omitempty"` // device name
	// Value is what the ranking sorts by: bytes, peers, importance or
	// device count.
	Value     uint64   `json:"value"`
	BytesSent uint64   `json:"bytes_sent,omitempty"` // devices: sent; services: by the clients
	BytesRecv uint64   `json:"bytes_recv,omitempty"`
	Packets   uint64   `json:"packets,omitempty"`
	Conns     uint64   `json:"conns,omitempty"`
	Addresses []string `json:"addresses,omitempty"` // vendor: its devices' IPs
}

// rankModel is the rankings page (and GET /api/v1/rankings).
type rankModel struct {
	Query rankQuery `json:"query"`
	Rows  []rankRow `json:"rows"`
	// For the page.
	KindLinks  []rangeLink `json:"-"`
	RangeLinks []rangeLink `json:"-"`
	CSV        string      `json:"-"`
}

func (p *Portal) rankings(r *http.Request, rq *request) (rankModel, int, error) {
	q, err := parseRankQuery(r.URL.Query(), p.cfg.Now(), rq.loc)
	if err != nil {
		return rankModel{}, http.StatusBadRequest, err
	}
	ctx := r.Context()
	scope := store.ForTenant(rq.user.Tenant)
	m := rankModel{Query: q}
	switch q.Kind {
	case rankDeviceTraffic, rankServiceTraffic:
		names, err := p.sensorNames(r, scope)
		if err != nil {
			return m, http.StatusInternalServerError, err
		}
		tq := store.TopQuery{From: q.From, To: q.To, By: store.ByBytes, Limit: q.Limit}
		top := p.deps.Traffic.TopDevices
		if q.Kind == rankServiceTraffic {
			top = p.deps.Traffic.TopServices
		}
		ranked, err := top(ctx, scope, tq)
		if err != nil {
			return m, http.StatusInternalServerError, err
		}
		for _, rk := range ranked {
			row := rankRow{Value: rk.Bytes(), BytesSent: rk.OrigBytes, BytesRecv: rk.RespBytes, Packets: rk.Packets(), Conns: rk.Conns}
			if q.Kind == rankDeviceTraffic {
				row.Label, row.Sensor = seriesName(store.GroupDevice, rk.Key), names[rk.Key.Sensor]
			} else {
				row.Label = seriesName(store.GroupService, rk.Key)
			}
			m.Rows = append(m.Rows, row)
		}
	case rankServiceDevices:
		inv, err := p.deps.Device.inventory()
		if err != nil {
			return m, http.StatusInternalServerError, err
		}
		devs, err := inv.InventoryDevices(ctx, scope)
		if err != nil {
			return m, http.StatusInternalServerError, err
		}
		m.Rows = rankServices(devs)
	default:
		devs, err := p.deps.Devices.Devices(ctx, scope)
		if err != nil {
			return m, http.StatusInternalServerError, err
		}
		m.Rows = rankDevices(devs, q.Kind)
	}
	if len(m.Rows) > q.Limit {
		m.Rows = m.Rows[:q.Limit]
	}
	for i := range m.Rows {
		m.Rows[i].Rank = i + 1
	}
	if m.Rows == nil {
		m.Rows = []rankRow{}
	}
	return m, http.StatusOK, nil
}

// rankDevices ranks the inventory's devices by peers or importance, or
// vendors by device count; ties in address (or vendor name) order.
func rankDevices(devs []DeviceRow, kind string) []rankRow {
	var rows []rankRow
	if kind == rankVendorDevices {
		by := map[string][]DeviceRow{}
		for _, d := range devs {
			if d.Vendor != "" {
				by[d.Vendor] = append(by[d.Vendor], d)
			}
		}
		for v, ds := range by {
			slices.SortFunc(ds, func(a, b DeviceRow) int { return a.IP.Compare(b.IP) })
			row := rankRow{Label: v, Value: uint64(len(ds))}
			for _, d := range ds {
				if ip := ipText(d.IP); ip != "" {
					row.Addresses = append(row.Addresses, ip)
				}
			}
			rows = append(rows, row)
		}
		slices.SortFunc(rows, func(a, b rankRow) int {
			return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.Label, b.Label))
		})
		return rows
	}
	sorted := slices.Clone(devs)
	value := func(d DeviceRow) uint64 { return uint64(d.Peers) }
	if kind == rankDeviceImportance {
		value = func(d DeviceRow) uint64 { return uint64(d.Importance) }
	}
	slices.SortFunc(sorted, func(a, b DeviceRow) int {
		return cmp.Or(cmp.Compare(value(b), value(a)), strings.Compare(a.Sensor, b.Sensor), a.IP.Compare(b.IP), strings.Compare(a.MAC, b.MAC))
	})
	for _, d := range sorted {
		label := ipText(d.IP)
		if label == "" {
			label = d.MAC
		}
		rows = append(rows, rankRow{Label: label, Sensor: d.Sensor, Name: d.Name, Value: value(d)})
	}
	return rows
}

// rankServices ranks the services (protocols) devices answer by how many
// devices serve each, with those devices' addresses (V4-5); ties in
// service name order.
func rankServices(devs []InventoryDevice) []rankRow {
	by := map[string][]string{}
	for _, d := range devs {
		label := ipText(d.Device.Key.Addr)
		if label == "" {
			label = d.Device.Key.MAC.String()
		}
		for _, pc := range d.Device.Serves {
			by[pc.Protocol] = append(by[pc.Protocol], label)
		}
	}
	rows := make([]rankRow, 0, len(by))
	for svc, addrs := range by {
		slices.Sort(addrs)
		rows = append(rows, rankRow{Label: svc, Value: uint64(len(addrs)), Addresses: addrs})
	}
	slices.SortFunc(rows, func(a, b rankRow) int {
		return cmp.Or(cmp.Compare(b.Value, a.Value), strings.Compare(a.Label, b.Label))
	})
	return rows
}

// sensorNames maps the tenant's sensor IDs to their names.
func (p *Portal) sensorNames(r *http.Request, scope store.Scope) (map[store.SensorID]string, error) {
	ss, err := p.deps.Tenants.Sensors(r.Context(), scope)
	if err != nil {
		return nil, err
	}
	names := make(map[store.SensorID]string, len(ss))
	for _, s := range ss {
		names[s.ID] = s.Name
	}
	return names, nil
}

func (p *Portal) rankingsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.rankings(r, rq)
	if status == http.StatusBadRequest {
		p.errorPage(w, r, status)
		return
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	q := m.Query
	for _, k := range rankKinds {
		m.KindLinks = append(m.KindLinks, rangeLink{Name: k, URL: "/rankings?" + url.Values{"kind": {k}}.Encode(), Current: k == q.Kind})
	}
	if rankUsesRange(q.Kind) {
		for _, tr := range trafficRanges {
			m.RangeLinks = append(m.RangeLinks, rangeLink{Name: tr.Name,
				URL: "/rankings?" + url.Values{"kind": {q.Kind}, "range": {tr.Name}}.Encode(), Current: tr.Name == q.Range})
		}
	}
	csvq := r.URL.Query()
	csvq.Del("lang")
	csvq.Set("kind", q.Kind)
	m.CSV = "/rankings.csv?" + csvq.Encode()
	p.render(w, r, http.StatusOK, "rankings", "rankings", m)
}

func (p *Portal) rankingsAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.rankings(r, rq)
	if status == http.StatusBadRequest {
		writeJSONError(w, status, err.Error())
		return
	}
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// rankingsCSV writes a ranking as CSV (UTF-8 with BOM), header in the
// request's language.
func (p *Portal) rankingsCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.rankings(r, rq)
	if status == http.StatusBadRequest {
		http.Error(w, err.Error(), status)
		return
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	c := p.pages.cats[rq.lang]
	header := []string{c.text("rank.col.rank"), c.text("rank.col.label"), c.text("devices.col.sensor"), c.text("devices.col.name"),
		c.text("rank.col.value"), c.text("devices.col.bytes_sent"), c.text("devices.col.bytes_recv"),
		c.text("rank.col.packets"), c.text("rank.col.conns"), c.text("rank.col.addresses")}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	name := fmt.Sprintf("ranking-%s-%s.csv", m.Query.Kind, p.cfg.Now().In(rq.loc).Format("20060102-1504"))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write([]byte(utf8BOM))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(header)
	u := func(n uint64) string { return strconv.FormatUint(n, 10) }
	for _, row := range m.Rows {
		cw.Write([]string{strconv.Itoa(row.Rank), csvSafe(row.Label), csvSafe(row.Sensor), csvSafe(row.Name), u(row.Value),
			u(row.BytesSent), u(row.BytesRecv), u(row.Packets), u(row.Conns), strings.Join(row.Addresses, " ")})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		p.cfg.Logger.Error("portal: ranking CSV", "err", err)
	}
}

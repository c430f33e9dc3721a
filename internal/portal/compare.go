package portal

import (
	"cmp"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// compareQuery is "compare two periods": period A (before) and period B
// (after), each from/to in the tenant's zone or RFC 3339. Without them B is
// the last 24 hours and A the 24 hours before.
type compareQuery struct {
	AFrom  time.Time      `json:"a_from"`
	ATo    time.Time      `json:"a_to"`
	BFrom  time.Time      `json:"b_from"`
	BTo    time.Time      `json:"b_to"`
	Sensor store.SensorID `json:"sensor,omitempty"`
}

func parseCompareQuery(r *http.Request, now time.Time, loc *time.Location) (compareQuery, error) {
	v := r.URL.Query()
	var q compareQuery
	if s := v.Get("sensor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return q, badInput("sensor: %q is not a sensor id", s)
		}
		q.Sensor = store.SensorID(n)
	}
	end := now.Truncate(time.Minute).Add(time.Minute)
	q.BTo, q.BFrom = end, end.Add(-24*time.Hour)
	q.ATo, q.AFrom = q.BFrom, q.BFrom.Add(-24*time.Hour)
	for _, f := range []struct {
		name string
		t    *time.Time
	}{{"a_from", &q.AFrom}, {"a_to", &q.ATo}, {"b_from", &q.BFrom}, {"b_to", &q.BTo}} {
		if s := v.Get(f.name); s != "" {
			t, err := parseTime(s, loc)
			if err != nil {
				return q, badInput("%s: %s", f.name, err.Error())
			}
			*f.t = t
		}
	}
	for _, pr := range [][2]time.Time{{q.AFrom, q.ATo}, {q.BFrom, q.BTo}} {
		if !pr[0].Before(pr[1]) || pr[1].Sub(pr[0]) > maxTrafficSpan {
			return q, badInput("periods: need from before to and at most %d days each", int(maxTrafficSpan.Hours()/24))
		}
	}
	q.AFrom, q.ATo, q.BFrom, q.BTo = q.AFrom.In(loc), q.ATo.In(loc), q.BFrom.In(loc), q.BTo.In(loc)
	return q, nil
}

// compareDevice is an address on a VLAN, with its inventory device if any.
type compareDevice struct {
	IP   string `json:"ip"`
	VLAN uint16 `json:"vlan,omitempty"`
	Key  string `json:"key,omitempty"`
	Name string `json:"name,omitempty"`
	URL  string `json:"-"`
}

// compareConn is a device pair with transport and responder port.
type compareConn struct {
	Orig    string `json:"orig_h"`
	Resp    string `json:"resp_h"`
	Proto   string `json:"proto"`
	RespP   uint16 `json:"resp_p"`
	Service string `json:"service,omitempty"`
	VLAN    uint16 `json:"vlan,omitempty"`
	Conns   uint64 `json:"conns"` // in the period where it was seen
}

type compareModel struct {
	Query              compareQuery    `json:"query"`
	Truncated          bool            `json:"truncated"`
	DevicesA, DevicesB int             `json:"-"`
	NewDevices         []compareDevice `json:"new_devices"`  // in B, not in A
	GoneDevices        []compareDevice `json:"gone_devices"` // in A, not in B
	NewConns           []compareConn   `json:"new_connections"`
	GoneConns          []compareConn   `json:"gone_connections"`
	// For the page.
	Inputs  map[string]string `json:"-"`
	CSV     string            `json:"-"`
	Sensors []sensorOption    `json:"-"`
}

type connKey struct {
	vlan       uint16
	orig, resp netip.Addr
	proto      string
	port       uint16
}

type devKey struct {
	vlan uint16
	ip   netip.Addr
}

// period is what one period saw.
type period struct {
	devices map[devKey]bool
	conns   map[connKey]*compareConn
}

func (p *Portal) readPeriod(r *http.Request, scope store.Scope, sensor store.SensorID, from, to time.Time) (period, bool, error) {
	pd := period{devices: map[devKey]bool{}, conns: map[connKey]*compareConn{}}
	truncated, err := p.scanRecords(r.Context(), scope, record.KindConn, sensor, from, to, func(rec record.Record) {
		c, ok := rec.(*record.Conn)
		if !ok {
			return
		}
		pd.devices[devKey{c.VLAN, c.OrigH}] = true
		pd.devices[devKey{c.VLAN, c.RespH}] = true
		k := connKey{c.VLAN, c.OrigH, c.RespH, c.Proto, c.RespP}
		cc := pd.conns[k]
		if cc == nil {
			cc = &compareConn{Orig: ipText(c.OrigH), Resp: ipText(c.RespH), Proto: c.Proto, RespP: c.RespP, Service: c.Service, VLAN: c.VLAN}
			pd.conns[k] = cc
		}
		cc.Conns++
	})
	return pd, truncated, err
}

func (p *Portal) compare(r *http.Request, rq *request) (compareModel, error) {
	q, err := parseCompareQuery(r, p.cfg.Now(), rq.loc)
	if err != nil {
		return compareModel{}, err
	}
	scope := store.ForTenant(rq.user.Tenant)
	a, truncA, err := p.readPeriod(r, scope, q.Sensor, q.AFrom, q.ATo)
	if err != nil {
		return compareModel{}, fmt.Errorf("period A: %w", err)
	}
	b, truncB, err := p.readPeriod(r, scope, q.Sensor, q.BFrom, q.BTo)
	if err != nil {
		return compareModel{}, fmt.Errorf("period B: %w", err)
	}
	devs, err := p.deps.Devices.Devices(r.Context(), scope)
	if err != nil {
		return compareModel{}, fmt.Errorf("devices: %w", err)
	}
	if devs, err = p.withNoteNames(r.Context(), scope, devs); err != nil {
		return compareModel{}, err
	}
	ix := newDeviceIndex(devs)
	m := compareModel{Query: q, Truncated: truncA || truncB, DevicesA: len(a.devices), DevicesB: len(b.devices)}
	m.NewDevices, m.GoneDevices = deviceDiff(b, a, ix), deviceDiff(a, b, ix)
	m.NewConns, m.GoneConns = connDiff(b, a), connDiff(a, b)
	return m, nil
}

// deviceDiff lists the devices of x that y lacks, by VLAN and address.
func deviceDiff(x, y period, ix *deviceIndex) []compareDevice {
	out := []compareDevice{}
	for k := range x.devices {
		if y.devices[k] {
			continue
		}
		d := compareDevice{IP: ipText(k.ip), VLAN: k.vlan}
		if row := ix.find("", k.vlan, k.ip); row != nil {
			d.Key, d.Name, d.URL = row.Key, row.Name, rowURL(row.Key)
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b compareDevice) int {
		aa, _ := netip.ParseAddr(a.IP)
		ba, _ := netip.ParseAddr(b.IP)
		return cmp.Or(aa.Compare(ba), cmp.Compare(a.VLAN, b.VLAN))
	})
	return out
}

// connDiff lists the connections of x that y lacks.
func connDiff(x, y period) []compareConn {
	out := []compareConn{}
	for k, c := range x.conns {
		if y.conns[k] == nil {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b compareConn) int {
		ao, _ := netip.ParseAddr(a.Orig)
		bo, _ := netip.ParseAddr(b.Orig)
		ar, _ := netip.ParseAddr(a.Resp)
		br, _ := netip.ParseAddr(b.Resp)
		return cmp.Or(ao.Compare(bo), ar.Compare(br), strings.Compare(a.Proto, b.Proto), cmp.Compare(a.RespP, b.RespP), cmp.Compare(a.VLAN, b.VLAN))
	})
	return out
}

func (q compareQuery) values() string {
	v := make([]string, 0, 5)
	for _, f := range []struct {
		n string
		t time.Time
	}{{"a_from", q.AFrom}, {"a_to", q.ATo}, {"b_from", q.BFrom}, {"b_to", q.BTo}} {
		v = append(v, f.n+"="+url.QueryEscape(f.t.Format(time.RFC3339)))
	}
	if q.Sensor != 0 {
		v = append(v, "sensor="+strconv.FormatInt(int64(q.Sensor), 10))
	}
	return strings.Join(v, "&")
}

func (p *Portal) comparePage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.compare(r, rq)
	if isInputError(err) {
		p.errorPage(w, r, http.StatusBadRequest)
		return
	}
	var bar filterBar
	if err == nil {
		bar, err = p.filterBar(r.Context(), rq, viewFilter{Sensor: m.Query.Sensor}, "/compare")
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	m.Sensors = bar.Sensors
	m.CSV = "/compare.csv?" + m.Query.values()
	m.Inputs = map[string]string{
		"a_from": localTime(m.Query.AFrom, rq.loc, layoutInput), "a_to": localTime(m.Query.ATo, rq.loc, layoutInput),
		"b_from": localTime(m.Query.BFrom, rq.loc, layoutInput), "b_to": localTime(m.Query.BTo, rq.loc, layoutInput),
	}
	p.render(w, r, http.StatusOK, "compare", "compare", m)
}

func (p *Portal) compareAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.compare(r, rq)
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

// compareCSV writes one line per change: what changed (device or
// connection, appeared or disappeared) and its fields.
func (p *Portal) compareCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.compare(r, rq)
	if isInputError(err) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	c := p.pages.cats[rq.lang]
	cw := startCSV(w, fmt.Sprintf("compare-%s.csv", p.cfg.Now().In(rq.loc).Format("20060102-1504")))
	cw.Write([]string{c.text("compare.col.change"), c.text("compare.col.what"), c.text("ot.col.source"),
		c.text("ot.col.destination"), c.text("ot.col.transport"), c.text("ot.col.port"), c.text("ot.col.vlan"),
		c.text("compare.col.service"), c.text("compare.col.name"), c.text("compare.col.conns")})
	vlan := func(v uint16) string {
		if v == 0 {
			return ""
		}
		return strconv.Itoa(int(v))
	}
	for _, s := range []struct {
		change string
		devs   []compareDevice
		conns  []compareConn
	}{{c.text("compare.appeared"), m.NewDevices, m.NewConns}, {c.text("compare.disappeared"), m.GoneDevices, m.GoneConns}} {
		for _, d := range s.devs {
			cw.Write([]string{s.change, c.text("compare.device"), d.IP, "", "", "", vlan(d.VLAN), "", csvSafe(d.Name), ""})
		}
		for _, cc := range s.conns {
			cw.Write([]string{s.change, c.text("compare.connection"), cc.Orig, cc.Resp, cc.Proto,
				strconv.Itoa(int(cc.RespP)), vlan(cc.VLAN), csvSafe(cc.Service), "", strconv.FormatUint(cc.Conns, 10)})
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		p.cfg.Logger.Error("portal: compare CSV", "err", err)
	}
}

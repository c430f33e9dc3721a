package portal

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// otPageRows bounds the rows drawn on a page; the JSON and the CSV have all.
const otPageRows = 1000

// otLayer is V5-1 (OT protocols over IP) or V5-2 (over Ethernet).
type otLayer string

const (
	otIP       otLayer = "ip"
	otEthernet otLayer = "ethernet"
)

// has reports whether a record's transport belongs to the layer.
func (l otLayer) has(transport string) bool {
	if l == otEthernet {
		return transport == "eth"
	}
	return transport == "tcp" || transport == "udp"
}

// otQuery is the filter of V5-1/V5-2: the shared bar plus a function and
// a device (words matched against address, MAC and name).
type otQuery struct {
	viewFilter
	Function string `json:"function,omitempty"`
	Device   string `json:"device,omitempty"`
}

// otRow is one aggregated line: requester, responder, protocol and
// function over the range.
type otRow struct {
	Source      string    `json:"source"` // IP address (V5-1) or MAC (V5-2)
	SourceMAC   string    `json:"source_mac,omitempty"`
	SourceKey   string    `json:"source_key,omitempty"` // device key when the inventory knows it
	SourceName  string    `json:"source_name,omitempty"`
	Dest        string    `json:"destination"`
	DestMAC     string    `json:"destination_mac,omitempty"`
	DestKey     string    `json:"destination_key,omitempty"`
	DestName    string    `json:"destination_name,omitempty"`
	Transport   string    `json:"transport"` // tcp, udp, eth
	Port        uint16    `json:"port,omitempty"`
	VLAN        uint16    `json:"vlan,omitempty"`
	Protocol    string    `json:"protocol"`
	Function    string    `json:"function"`
	Count       uint64    `json:"count"`
	Errors      uint64    `json:"errors"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	SourceURL   string    `json:"-"`
	DestURL     string    `json:"-"`
	FirstText   string    `json:"-"`
	LastText    string    `json:"-"`
	ErrorsClass string    `json:"-"`
}

type otModel struct {
	Layer     otLayer  `json:"layer"`
	Query     otQuery  `json:"query"`
	Total     int      `json:"total"` // rows before the page cut
	Truncated bool     `json:"truncated"`
	Protocols []string `json:"protocols"` // seen in the range, for the filter
	Rows      []otRow  `json:"rows"`
	// For the page.
	Bar     filterBar `json:"-"`
	CSV     string    `json:"-"`
	Cut     bool      `json:"-"`
	Heading string    `json:"-"`
}

type otKey struct {
	req, resp, reqMAC, respMAC string
	transport, protocol, fn    string
	port, vlan                 uint16
}

func (p *Portal) otTable(r *http.Request, rq *request, layer otLayer) (otModel, error) {
	v := r.URL.Query()
	f, err := parseViewFilter(v, p.cfg.Now(), rq.loc)
	if err != nil {
		return otModel{}, err
	}
	q := otQuery{viewFilter: f, Function: strings.ToLower(strings.TrimSpace(v.Get("function"))), Device: strings.TrimSpace(v.Get("device"))}
	scope := store.ForTenant(rq.user.Tenant)
	devs, err := p.deps.Devices.Devices(r.Context(), scope)
	if err != nil {
		return otModel{}, fmt.Errorf("devices: %w", err)
	}
	ix := newDeviceIndex(devs)
	rows := map[otKey]*otRow{}
	protocols := map[string]bool{}
	truncated, err := p.scanRecords(r.Context(), scope, record.KindOT, q.Sensor, q.From, q.To, func(rec record.Record) {
		o, ok := rec.(*record.OT)
		if !ok || !layer.has(o.Transport) {
			return
		}
		protocols[o.Protocol] = true
		if q.Protocol != "" && !strings.EqualFold(o.Protocol, q.Protocol) {
			return
		}
		if q.Function != "" && !strings.Contains(strings.ToLower(o.Function), q.Function) {
			return
		}
		if !q.inSubnet(o.ReqH) && !q.inSubnet(o.RespH) {
			return
		}
		k := otKey{transport: o.Transport, protocol: o.Protocol, fn: o.Function, port: o.RespP, vlan: o.VLAN}
		if !o.ReqMAC.IsZero() {
			k.reqMAC = o.ReqMAC.String()
		}
		if !o.RespMAC.IsZero() {
			k.respMAC = o.RespMAC.String()
		}
		if layer == otIP {
			k.req, k.resp = ipText(o.ReqH), ipText(o.RespH)
		} else {
			k.req, k.resp = k.reqMAC, k.respMAC
		}
		row := rows[k]
		first, last := time.UnixMicro(int64(o.TSFirst)), time.UnixMicro(int64(o.TSLast))
		if row == nil {
			row = &otRow{Source: k.req, Dest: k.resp, Transport: o.Transport, Port: o.RespP, VLAN: o.VLAN,
				Protocol: o.Protocol, Function: o.Function, FirstSeen: first, LastSeen: last}
			if layer == otIP {
				row.SourceMAC, row.DestMAC = k.reqMAC, k.respMAC
			}
			rows[k] = row
		}
		row.Count += o.Count
		row.Errors += o.Errors
		if first.Before(row.FirstSeen) {
			row.FirstSeen = first
		}
		if last.After(row.LastSeen) {
			row.LastSeen = last
		}
	})
	if err != nil {
		return otModel{}, err
	}
	m := otModel{Layer: layer, Query: q, Truncated: truncated, Protocols: []string{}, Rows: []otRow{}}
	for pr := range protocols {
		m.Protocols = append(m.Protocols, pr)
	}
	slices.Sort(m.Protocols)
	words := strings.Fields(strings.ToLower(q.Device))
	for _, row := range rows {
		link := func(addr, mac string) *DeviceRow {
			if a, err := netip.ParseAddr(addr); err == nil {
				return ix.find("", row.VLAN, a)
			}
			return ix.mac[mac]
		}
		if d := link(row.Source, row.Source); d != nil {
			row.SourceKey, row.SourceName = d.Key, d.Name
		}
		if d := link(row.Dest, row.Dest); d != nil {
			row.DestKey, row.DestName = d.Key, d.Name
		}
		if !matchesWords(words, row.Source, row.SourceMAC, row.SourceName, row.Dest, row.DestMAC, row.DestName) {
			continue
		}
		row.FirstSeen, row.LastSeen = row.FirstSeen.In(rq.loc), row.LastSeen.In(rq.loc)
		m.Rows = append(m.Rows, *row)
	}
	slices.SortFunc(m.Rows, func(a, b otRow) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Protocol, b.Protocol), strings.Compare(a.Function, b.Function),
			strings.Compare(a.Source, b.Source), strings.Compare(a.Dest, b.Dest), cmp.Compare(a.Port, b.Port), cmp.Compare(a.VLAN, b.VLAN))
	})
	m.Total = len(m.Rows)
	return m, nil
}

// matchesWords reports whether every word occurs in one of the fields.
func matchesWords(words []string, fields ...string) bool {
	if len(words) == 0 {
		return true
	}
	hay := strings.ToLower(strings.Join(fields, "\x00"))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

func (q otQuery) values() string {
	v := q.viewFilter.values()
	if q.Function != "" {
		v.Set("function", q.Function)
	}
	if q.Device != "" {
		v.Set("device", q.Device)
	}
	return v.Encode()
}

func otBase(layer otLayer) string { return "/ot/" + string(layer) }

func (p *Portal) otPage(layer otLayer) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		m, err := p.otTable(r, rq, layer)
		if isInputError(err) {
			p.errorPage(w, r, http.StatusBadRequest)
			return
		}
		if err == nil {
			m.Bar, err = p.filterBar(r.Context(), rq, m.Query.viewFilter, otBase(layer))
		}
		if err != nil {
			p.internalError(w, r, err)
			return
		}
		m.CSV = otBase(layer) + ".csv?" + m.Query.values()
		if len(m.Rows) > otPageRows {
			m.Rows, m.Cut = m.Rows[:otPageRows], true
		}
		for i := range m.Rows {
			row := &m.Rows[i]
			row.SourceURL, row.DestURL = rowURL(row.SourceKey), rowURL(row.DestKey)
			row.FirstText, row.LastText = localTime(row.FirstSeen, rq.loc, layoutSecond), localTime(row.LastSeen, rq.loc, layoutSecond)
			if row.Errors > 0 {
				row.ErrorsClass = "status-down"
			}
		}
		p.render(w, r, http.StatusOK, "ot", "ot_"+string(layer), m)
	}
}

func (p *Portal) otAPI(layer otLayer) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		m, err := p.otTable(r, rq, layer)
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

// otCSV writes every row of the table (no page cut), header in the
// request's language, times in the tenant's zone.
func (p *Portal) otCSV(layer otLayer) func(http.ResponseWriter, *http.Request, *request) {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		m, err := p.otTable(r, rq, layer)
		if isInputError(err) {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err != nil {
			p.internalError(w, r, err)
			return
		}
		c := p.pages.cats[rq.lang]
		header := []string{c.text("ot.col.source"), c.text("ot.col.destination"), c.text("ot.col.transport"),
			c.text("ot.col.port"), c.text("ot.col.vlan"), c.text("ot.col.protocol"), c.text("ot.col.function"),
			c.text("ot.col.count"), c.text("ot.col.errors"), c.text("ot.col.first_seen"), c.text("ot.col.last_seen")}
		cw := startCSV(w, fmt.Sprintf("ot-%s-%s.csv", layer, p.cfg.Now().In(rq.loc).Format("20060102-1504")))
		cw.Write(header)
		for _, row := range m.Rows {
			port, vlan := "", ""
			if row.Port != 0 {
				port = strconv.Itoa(int(row.Port))
			}
			if row.VLAN != 0 {
				vlan = strconv.Itoa(int(row.VLAN))
			}
			cw.Write([]string{row.Source, row.Dest, row.Transport, port, vlan, csvSafe(row.Protocol), csvSafe(row.Function),
				strconv.FormatUint(row.Count, 10), strconv.FormatUint(row.Errors, 10),
				localTime(row.FirstSeen, rq.loc, layoutSecond), localTime(row.LastSeen, rq.loc, layoutSecond)})
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			p.cfg.Logger.Error("portal: OT CSV", "err", err)
		}
	}
}

// startCSV sets the headers of a CSV download and writes the BOM (Excel on
// Japanese Windows reads UTF-8 only with it).
func startCSV(w http.ResponseWriter, name string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write([]byte(utf8BOM))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	return cw
}

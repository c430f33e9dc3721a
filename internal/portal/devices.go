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

	"github.com/otsight/otsight/internal/store"
)

// Device list paging.
const (
	defaultPerPage = 50
	maxPerPage     = 500
)

// deviceSorts are the sortable columns of V1-1 and how each compares.
var deviceSorts = map[string]func(a, b *DeviceRow) int{
	"ip":         func(a, b *DeviceRow) int { return a.IP.Compare(b.IP) },
	"name":       func(a, b *DeviceRow) int { return strings.Compare(a.Name, b.Name) },
	"vendor":     func(a, b *DeviceRow) int { return strings.Compare(a.Vendor, b.Vendor) },
	"os":         func(a, b *DeviceRow) int { return strings.Compare(a.OS, b.OS) },
	"role":       func(a, b *DeviceRow) int { return strings.Compare(a.Role, b.Role) },
	"sensor":     func(a, b *DeviceRow) int { return strings.Compare(a.Sensor, b.Sensor) },
	"first_seen": func(a, b *DeviceRow) int { return a.FirstSeen.Compare(b.FirstSeen) },
	"last_seen":  func(a, b *DeviceRow) int { return a.LastSeen.Compare(b.LastSeen) },
	"bytes": func(a, b *DeviceRow) int {
		return cmp.Compare(a.BytesSent+a.BytesRecv, b.BytesSent+b.BytesRecv)
	},
}

// deviceQuery is a V1-1 query from the URL.
type deviceQuery struct {
	Q    string `json:"q"`
	Sort string `json:"sort"`
	Dir  string `json:"dir"` // asc, desc
	Page int    `json:"page"`
	Per  int    `json:"per"`
}

func parseDeviceQuery(v url.Values) deviceQuery {
	q := deviceQuery{Q: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Dir: v.Get("dir"), Page: 1, Per: defaultPerPage}
	if _, ok := deviceSorts[q.Sort]; !ok {
		q.Sort = "ip"
	}
	if q.Dir != "desc" {
		q.Dir = "asc"
	}
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 0 {
		q.Page = n
	}
	if n, err := strconv.Atoi(v.Get("per")); err == nil && n > 0 {
		q.Per = min(n, maxPerPage)
	}
	return q
}

func (q deviceQuery) values() url.Values {
	v := url.Values{}
	if q.Q != "" {
		v.Set("q", q.Q)
	}
	v.Set("sort", q.Sort)
	v.Set("dir", q.Dir)
	if q.Per != defaultPerPage {
		v.Set("per", strconv.Itoa(q.Per))
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	return v
}

// matches reports whether a device matches every word of the search,
// case-insensitively, in any of the columns shown.
func (q deviceQuery) matches(d *DeviceRow) bool {
	if q.Q == "" {
		return true
	}
	hay := strings.ToLower(strings.Join([]string{
		ipText(d.IP), d.MAC, d.Name, d.Vendor, d.OS, d.Role, d.Type, d.Sensor, d.Segment,
	}, "\x00"))
	for _, w := range strings.Fields(strings.ToLower(q.Q)) {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}

// selectDevices filters and sorts; ties fall back to sensor, segment, IP
// and MAC so pages are stable.
func selectDevices(all []DeviceRow, q deviceQuery) []DeviceRow {
	out := make([]DeviceRow, 0, len(all))
	for i := range all {
		if q.matches(&all[i]) {
			out = append(out, all[i])
		}
	}
	by := deviceSorts[q.Sort]
	slices.SortStableFunc(out, func(a, b DeviceRow) int {
		c := by(&a, &b)
		if q.Dir == "desc" {
			c = -c
		}
		if c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(a.Sensor, b.Sensor), strings.Compare(a.Segment, b.Segment),
			a.IP.Compare(b.IP), strings.Compare(a.MAC, b.MAC))
	})
	return out
}

// devicesModel is the V1-1 page (and GET /api/v1/devices).
type devicesModel struct {
	Query deviceQuery  `json:"query"`
	Total int          `json:"total"` // matching devices
	Pages int          `json:"pages"`
	Rows  []deviceView `json:"devices"`
	// Links of the page, not in the JSON.
	Prev, Next, CSV string            `json:"-"`
	SortURL         map[string]string `json:"-"`
	SortState       map[string]string `json:"-"` // column → ascending/descending
	First, Last     int               `json:"-"` // 1-based row numbers shown
}

type deviceView struct {
	DeviceRow
	FirstText string `json:"-"`
	LastText  string `json:"-"`
	Bytes     uint64 `json:"-"`
	URL       string `json:"-"` // the detail page, "" without a key
}

func (p *Portal) devices(r *http.Request, rq *request, base string) (devicesModel, error) {
	q := parseDeviceQuery(r.URL.Query())
	all, err := p.deps.Devices.Devices(r.Context(), store.ForTenant(rq.user.Tenant))
	if err != nil {
		return devicesModel{}, err
	}
	if all, err = p.withNoteNames(r.Context(), store.ForTenant(rq.user.Tenant), all); err != nil {
		return devicesModel{}, err
	}
	sel := selectDevices(all, q)
	m := devicesModel{Query: q, Total: len(sel), Pages: max(1, (len(sel)+q.Per-1)/q.Per)}
	if q.Page > m.Pages {
		q.Page = m.Pages
		m.Query.Page = q.Page
	}
	lo := min((q.Page-1)*q.Per, len(sel))
	hi := min(lo+q.Per, len(sel))
	m.Rows = make([]deviceView, 0, hi-lo)
	for _, d := range sel[lo:hi] {
		m.Rows = append(m.Rows, deviceView{DeviceRow: d, FirstText: localTime(d.FirstSeen, rq.loc, layoutMinute),
			LastText: localTime(d.LastSeen, rq.loc, layoutMinute), Bytes: d.BytesSent + d.BytesRecv, URL: rowURL(d.Key)})
	}
	if hi > lo {
		m.First, m.Last = lo+1, hi
	}
	link := func(mod func(*deviceQuery)) string {
		c := q
		mod(&c)
		return base + "?" + c.values().Encode()
	}
	if q.Page > 1 {
		m.Prev = link(func(c *deviceQuery) { c.Page-- })
	}
	if q.Page < m.Pages {
		m.Next = link(func(c *deviceQuery) { c.Page++ })
	}
	m.CSV = "/devices.csv?" + (deviceQuery{Q: q.Q, Sort: q.Sort, Dir: q.Dir, Per: defaultPerPage}).values().Encode()
	m.SortURL, m.SortState = map[string]string{}, map[string]string{}
	for col := range deviceSorts {
		m.SortURL[col] = link(func(c *deviceQuery) {
			c.Page = 1
			if c.Sort == col && c.Dir == "asc" {
				c.Dir = "desc"
			} else {
				c.Sort, c.Dir = col, "asc"
			}
		})
	}
	m.SortState[q.Sort] = map[string]string{"asc": "ascending", "desc": "descending"}[q.Dir]
	return m, nil
}

func (p *Portal) devicesPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.devices(r, rq, "/devices")
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "devices", "devices", m)
}

func (p *Portal) devicesAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.devices(r, rq, "/api/v1/devices")
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// utf8BOM lets Excel (Japanese Windows defaults to Shift_JIS) read the CSV
// as UTF-8.
const utf8BOM = "\ufeff"

// devicesCSV writes every device matching the search (no paging), in the
// list's order, with a header in the request's language.
func (p *Portal) devicesCSV(w http.ResponseWriter, r *http.Request, rq *request) {
	q := parseDeviceQuery(r.URL.Query())
	all, err := p.deps.Devices.Devices(r.Context(), store.ForTenant(rq.user.Tenant))
	if err == nil {
		all, err = p.withNoteNames(r.Context(), store.ForTenant(rq.user.Tenant), all)
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	c := p.pages.cats[rq.lang]
	header := []string{
		c.text("devices.col.sensor"), c.text("devices.col.segment"), c.text("devices.col.ip"),
		c.text("devices.col.mac"), c.text("devices.col.vendor"), c.text("devices.col.name"),
		c.text("devices.col.os"), c.text("devices.col.role"), c.text("devices.col.type"),
		c.text("devices.col.first_seen"), c.text("devices.col.last_seen"),
		c.text("devices.col.bytes_sent"), c.text("devices.col.bytes_recv"),
		c.text("devices.col.peers"), c.text("devices.col.importance"),
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	name := fmt.Sprintf("devices-%s.csv", p.cfg.Now().In(rq.loc).Format("20060102-1504"))
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Write([]byte(utf8BOM))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel writes and expects
	cw.Write(header)
	for _, d := range selectDevices(all, q) {
		cw.Write([]string{
			csvSafe(d.Sensor), csvSafe(d.Segment), ipText(d.IP), d.MAC, csvSafe(d.Vendor), csvSafe(d.Name), csvSafe(d.OS),
			csvSafe(d.Role), csvSafe(d.Type),
			localTime(d.FirstSeen, rq.loc, layoutSecond), localTime(d.LastSeen, rq.loc, layoutSecond),
			strconv.FormatUint(d.BytesSent, 10), strconv.FormatUint(d.BytesRecv, 10),
			strconv.Itoa(d.Peers), strconv.Itoa(d.Importance),
		})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		p.cfg.Logger.Error("portal: devices CSV", "err", err)
	}
}

// csvSafe defuses spreadsheet formulas in text learnt from the network or
// typed by users (a host name of "=cmd|..." must not run when the CSV is
// opened): such a cell gets a leading apostrophe, as Excel itself writes.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

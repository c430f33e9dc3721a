package portal

import (
	"cmp"

	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/store"
)

// matrixKinds are the matrices: V1-4 by vendor, V1-5 by OS family, V1-6
// by role.
var matrixKinds = []string{"vendor", "os", "role"}

// matrixColours is how many categories get a colour of their own; the rest
// share "other" (the palette is in app.css, .mx-c0 … .mx-c9).
const matrixColours = 10

// matrixModel is V1-4/5/6 (and GET /api/v1/devices/matrix): the 256
// addresses of a /24, each with its devices and category.
type matrixModel struct {
	Kind   string         `json:"kind"`
	Net    string         `json:"net"` // "192.168.1.0/24", "" when no IPv4 device exists
	Nets   []matrixNet    `json:"nets"`
	Legend []matrixLegend `json:"legend"`
	Cells  []matrixCell   `json:"cells"` // occupied addresses only, by host number
	// For the page: all 256 cells in rows of 16.
	Rows [][]matrixCell `json:"-"`
}

type matrixNet struct {
	Net     string `json:"net"`
	Devices int    `json:"devices"`
	URL     string `json:"-"`
	Current bool   `json:"-"`
}

type matrixLegend struct {
	Category string `json:"category"` // vendor, OS family or role; "" for unknown
	Devices  int    `json:"devices"`
	Class    string `json:"class"` // mx-c0 … mx-c9, mx-other, mx-unknown
}

type matrixCell struct {
	Host     int         `json:"host"` // 0 … 255
	IP       string      `json:"ip"`
	Category string      `json:"category"`
	Class    string      `json:"class"`
	Devices  []deviceRef `json:"devices"`
	Title    string      `json:"-"`
}

// category is what a matrix colours a device by.
func category(kind string, d InventoryDevice) string {
	switch kind {
	case "vendor":
		return d.Device.Vendor
	case "os":
		return string(d.Device.OSGuess.Family)
	}
	return d.Device.Role
}

// matrixAddr is the IPv4 address a device takes in the matrices; devices
// known only by MAC and Internet devices take none.
func matrixAddr(d InventoryDevice) (netip.Addr, bool) {
	a := d.Device.Key.Addr
	if d.Device.Key.MACOnly() || d.Device.Internet || !a.Is4() || a.IsUnspecified() {
		return netip.Addr{}, false
	}
	return a, true
}

func (p *Portal) matrix(r *http.Request, rq *request, base string) (matrixModel, int, error) {
	v := r.URL.Query()
	m := matrixModel{Kind: v.Get("kind"), Nets: []matrixNet{}, Legend: []matrixLegend{}, Cells: []matrixCell{}}
	if m.Kind == "" {
		m.Kind = "vendor"
	}
	if !slices.Contains(matrixKinds, m.Kind) {
		return m, http.StatusBadRequest, badInput("kind: %q is not vendor, os or role", m.Kind)
	}
	var want netip.Prefix
	if s := v.Get("net"); s != "" {
		pf, err := netip.ParsePrefix(s)
		if err != nil {
			pf, err = netip.ParsePrefix(s + "/24") // a bare network address
		}
		if err != nil || !pf.Addr().Is4() || pf.Bits() != 24 || pf.Masked() != pf {
			return m, http.StatusBadRequest, badInput("net: %q is not an IPv4 /24 network such as 192.168.1.0/24", s)
		}
		want = pf
	}
	scope := store.ForTenant(rq.user.Tenant)
	inv, err := p.deps.Device.inventory()
	if err != nil {
		return m, http.StatusInternalServerError, err
	}
	all, err := inv.InventoryDevices(r.Context(), scope)
	if err != nil {
		return m, http.StatusInternalServerError, err
	}
	notes, err := p.deviceNotes(r.Context(), scope)
	if err != nil {
		return m, http.StatusInternalServerError, err
	}
	nets := map[netip.Prefix]int{}
	for _, d := range all {
		if a, ok := matrixAddr(d); ok {
			nets[netip.PrefixFrom(a, 24).Masked()]++
		}
	}
	order := make([]netip.Prefix, 0, len(nets))
	for n := range nets {
		order = append(order, n)
	}
	slices.SortFunc(order, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	if !want.IsValid() && len(order) > 0 {
		want = order[0] // the first network by address
	}
	if want.IsValid() {
		m.Net = want.String()
	}
	for _, n := range order {
		m.Nets = append(m.Nets, matrixNet{Net: n.String(), Devices: nets[n], Current: n == want,
			URL: base + "?kind=" + m.Kind + "&net=" + n.String()})
	}
	// The devices of the network by host number, and the categories' sizes.
	cells := map[int]*matrixCell{}
	counts := map[string]int{}
	for _, d := range all {
		a, ok := matrixAddr(d)
		if !ok || !want.Contains(a) {
			continue
		}
		host := int(a.As4()[3])
		c := cells[host]
		if c == nil {
			c = &matrixCell{Host: host, IP: a.String(), Category: category(m.Kind, d)}
			cells[host] = c
		}
		c.Devices = append(c.Devices, refOf(d, notes))
		counts[category(m.Kind, d)]++
	}
	// Colours go to the largest categories; unknown has its own.
	cats := make([]string, 0, len(counts))
	for c := range counts {
		cats = append(cats, c)
	}
	slices.SortFunc(cats, func(a, b string) int {
		if (a == "") != (b == "") {
			if a == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	class := map[string]string{}
	other := 0
	for i, c := range cats {
		switch {
		case c == "":
			class[c] = "mx-unknown"
		case i < matrixColours:
			class[c] = "mx-c" + strconv.Itoa(i)
		default:
			class[c] = "mx-other"
			other += counts[c]
			continue
		}
		m.Legend = append(m.Legend, matrixLegend{Category: c, Devices: counts[c], Class: class[c]})
	}
	if other > 0 {
		// Keep unknown last.
		l := matrixLegend{Category: "*", Devices: other, Class: "mx-other"}
		if n := len(m.Legend); n > 0 && m.Legend[n-1].Class == "mx-unknown" {
			m.Legend = slices.Insert(m.Legend, n-1, l)
		} else {
			m.Legend = append(m.Legend, l)
		}
	}
	for host := range 256 {
		if c := cells[host]; c != nil {
			c.Class = class[c.Category]
			m.Cells = append(m.Cells, *c)
		}
	}
	return m, http.StatusOK, nil
}

// matrixRows lays out every address of the network, 16 to a row, for the
// page; a cell's title is its hover text.
func matrixRows(m *matrixModel, label func(string) string) {
	pf, err := netip.ParsePrefix(m.Net)
	if err != nil {
		return
	}
	occupied := map[int]matrixCell{}
	for _, c := range m.Cells {
		occupied[c.Host] = c
	}
	base := pf.Addr().As4()
	for row := range 16 {
		var cells []matrixCell
		for col := range 16 {
			host := row*16 + col
			c, ok := occupied[host]
			if !ok {
				a := base
				a[3] = byte(host)
				c = matrixCell{Host: host, IP: netip.AddrFrom4(a).String(), Class: "mx-empty"}
			}
			c.Title = cellTitle(c, label)
			cells = append(cells, c)
		}
		m.Rows = append(m.Rows, cells)
	}
}

func cellTitle(c matrixCell, label func(string) string) string {
	if len(c.Devices) == 0 {
		return c.IP
	}
	lines := []string{c.IP + " — " + label(c.Category)}
	for _, d := range c.Devices {
		s := d.Sensor
		for _, f := range []string{d.Name, d.MAC, d.Vendor, d.OS} {
			if f != "" {
				s += " · " + f
			}
		}
		lines = append(lines, s)
	}
	return strings.Join(lines, "\n")
}

// matrixLabel names a category on the page: roles in the page's language,
// the unknown and the rest as the catalogue says.
func matrixLabel(c catalogue, kind string) func(string) string {
	return func(cat string) string {
		switch {
		case cat == "":
			return c.text("matrix.unknown")
		case cat == "*":
			return c.text("matrix.other")
		case kind == "role":
			return c.roleLabel(cat)
		}
		return cat
	}
}

// matrixPageModel is what the matrix template shows.
type matrixPageModel struct {
	matrixModel
	Kinds  []matrixKindLink
	Labels map[string]string // category → label
}

type matrixKindLink struct {
	Kind    string
	URL     string
	Current bool
}

func (p *Portal) matrixPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.matrix(r, rq, "/devices/matrix")
	switch {
	case status == http.StatusBadRequest:
		p.errorPage(w, r, status)
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	label := matrixLabel(p.pages.cats[rq.lang], m.Kind)
	matrixRows(&m, label)
	pm := matrixPageModel{matrixModel: m, Labels: map[string]string{}}
	for _, l := range m.Legend {
		pm.Labels[l.Category] = label(l.Category)
	}
	for _, k := range matrixKinds {
		u := "/devices/matrix?kind=" + k
		if m.Net != "" {
			u += "&net=" + m.Net
		}
		pm.Kinds = append(pm.Kinds, matrixKindLink{Kind: k, URL: u, Current: k == m.Kind})
	}
	p.render(w, r, http.StatusOK, "device_matrix", "device_matrix", pm)
}

func (p *Portal) matrixAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.matrix(r, rq, "/api/v1/devices/matrix")
	switch {
	case status == http.StatusBadRequest:
		writeJSONError(w, status, err.Error())
		return
	case err != nil:
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

package portal

import (
	"cmp"
	"net/http"
	"net/netip"
	"slices"
	"strings"

	"github.com/otsight/otsight/internal/store"
)

// maxGroupRowsOnPage bounds the devices each group lists on the page (the
// JSON lists them all): a protocol every device speaks would otherwise
// repeat the whole inventory.
const maxGroupRowsOnPage = 200

// deviceRef is a device as the lists by group, the matrices and the
// reconciliation name it.
type deviceRef struct {
	Key    string `json:"key"`
	Sensor string `json:"sensor"`
	IP     string `json:"ip"`
	MAC    string `json:"mac"`
	Name   string `json:"name"`
	Vendor string `json:"vendor"`
	OS     string `json:"os"`
	Role   string `json:"role"`
	URL    string `json:"-"`
}

func refOf(d InventoryDevice, notes map[string]DeviceNote) deviceRef {
	row := DeviceRowOf(d.Device, d.SensorName)
	key := DeviceKeyString(d.Device.Key)
	r := deviceRef{Key: key, Sensor: d.SensorName, IP: ipText(row.IP), MAC: row.MAC, Name: row.Name,
		Vendor: row.Vendor, OS: row.OS, Role: row.Role, URL: deviceURL(key)}
	if n := notes[key].Name; n != "" {
		r.Name = n
	}
	return r
}

// deviceGroup is one protocol (V1-2 by log type) or role (by device
// type) and the devices in it.
type deviceGroup struct {
	Key     string      `json:"key"` // protocol, or role ("" for none)
	Count   int         `json:"count"`
	Devices []deviceRef `json:"devices"`
	More    int         `json:"-"` // devices left off the page
}

type deviceGroupsModel struct {
	By     string        `json:"by"` // protocol or role
	Groups []deviceGroup `json:"groups"`
}

// groupKeys are the groups a device belongs to: every protocol it spoke,
// served, identified itself in or ran OT operations of; or its role.
func groupKeys(d InventoryDevice, by string) []string {
	if by == "role" {
		return []string{d.Device.Role}
	}
	var ks []string
	for _, p := range d.Device.Speaks {
		ks = append(ks, p.Protocol)
	}
	for _, p := range d.Device.Serves {
		ks = append(ks, p.Protocol)
	}
	for _, o := range d.Device.Operations {
		ks = append(ks, o.Protocol)
	}
	for _, id := range d.Device.Identities {
		ks = append(ks, id.Protocol)
	}
	slices.Sort(ks)
	return slices.Compact(ks)
}

func (p *Portal) deviceGroups(r *http.Request, rq *request) (deviceGroupsModel, int, error) {
	by := r.URL.Query().Get("by")
	switch by {
	case "":
		by = "protocol"
	case "protocol", "role":
	default:
		return deviceGroupsModel{}, http.StatusBadRequest, badInput("by: %q is not protocol or role", by)
	}
	scope := store.ForTenant(rq.user.Tenant)
	inv, err := p.deps.Device.inventory()
	if err != nil {
		return deviceGroupsModel{}, http.StatusInternalServerError, err
	}
	all, err := inv.InventoryDevices(r.Context(), scope)
	if err != nil {
		return deviceGroupsModel{}, http.StatusInternalServerError, err
	}
	notes, err := p.deviceNotes(r.Context(), scope)
	if err != nil {
		return deviceGroupsModel{}, http.StatusInternalServerError, err
	}
	groups := map[string]*deviceGroup{}
	for _, d := range all {
		ref := refOf(d, notes)
		for _, k := range groupKeys(d, by) {
			g := groups[k]
			if g == nil {
				g = &deviceGroup{Key: k}
				groups[k] = g
			}
			g.Count++
			g.Devices = append(g.Devices, ref)
		}
	}
	m := deviceGroupsModel{By: by, Groups: make([]deviceGroup, 0, len(groups))}
	for _, g := range groups {
		slices.SortFunc(g.Devices, func(a, b deviceRef) int {
			return cmp.Or(strings.Compare(a.Sensor, b.Sensor), compareIPText(a.IP, b.IP), strings.Compare(a.MAC, b.MAC))
		})
		m.Groups = append(m.Groups, *g)
	}
	// Largest group first; the devices without a role last.
	slices.SortFunc(m.Groups, func(a, b deviceGroup) int {
		if (a.Key == "") != (b.Key == "") {
			if a.Key == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(b.Count, a.Count), strings.Compare(a.Key, b.Key))
	})
	return m, http.StatusOK, nil
}

// compareIPText orders addresses numerically, "" (no address) last.
func compareIPText(a, b string) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	pa, _ := netip.ParseAddr(a)
	pb, _ := netip.ParseAddr(b)
	return pa.Compare(pb)
}

func (p *Portal) deviceGroupsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.deviceGroups(r, rq)
	switch {
	case status == http.StatusBadRequest:
		p.errorPage(w, r, status)
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	for i := range m.Groups {
		g := &m.Groups[i]
		if len(g.Devices) > maxGroupRowsOnPage {
			g.More = len(g.Devices) - maxGroupRowsOnPage
			g.Devices = g.Devices[:maxGroupRowsOnPage]
		}
	}
	p.render(w, r, http.StatusOK, "device_groups", "device_groups", m)
}

func (p *Portal) deviceGroupsAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.deviceGroups(r, rq)
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

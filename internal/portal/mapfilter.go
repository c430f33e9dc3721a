package portal

import (
	"context"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// maxScanRecords bounds the raw records one page reads per query: the
// rollups do not keep protocols per device pair, so the service map, the
// OT tables and the comparison aggregate raw records, and a view that would
// need more says so (Truncated) rather than holding the store for long.
const maxScanRecords = 200_000

// viewFilter is the filter bar shared by the maps, the OT tables and the
// comparison: a time range, a sensor, a subnet and a protocol, all in the
// URL so a view can be shared.
type viewFilter struct {
	Range    string         `json:"range,omitempty"` // preset, "" for from/to
	From     time.Time      `json:"from"`
	To       time.Time      `json:"to"`
	Sensor   store.SensorID `json:"sensor,omitempty"`
	Subnet   string         `json:"subnet,omitempty"`
	Protocol string         `json:"protocol,omitempty"`
	subnet   netip.Prefix
}

func parseViewFilter(v url.Values, now time.Time, loc *time.Location) (viewFilter, error) {
	var f viewFilter
	if s := v.Get("sensor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return f, badInput("sensor: %q is not a sensor id", s)
		}
		f.Sensor = store.SensorID(n)
	}
	if s := strings.TrimSpace(v.Get("subnet")); s != "" {
		pf, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return f, badInput("subnet: %q is not a network such as 192.168.1.0/24", s)
			}
			pf = netip.PrefixFrom(a, a.BitLen())
		}
		f.subnet = pf.Masked()
		f.Subnet = f.subnet.String()
	}
	f.Protocol = strings.ToLower(strings.TrimSpace(v.Get("protocol")))
	var err error
	if f.From, f.To, f.Range, err = parseRange(v, now, loc); err != nil {
		return f, badInput("%s", err.Error())
	}
	f.From, f.To = f.From.In(loc), f.To.In(loc)
	return f, nil
}

// inSubnet reports whether a is in the filter's subnet (always without one).
func (f viewFilter) inSubnet(a netip.Addr) bool {
	return !f.subnet.IsValid() || (a.IsValid() && f.subnet.Contains(a.Unmap()))
}

// values is the filter as URL parameters, for links and the JSON twin.
func (f viewFilter) values() url.Values {
	v := url.Values{}
	if f.Range != "" {
		v.Set("range", f.Range)
	} else {
		v.Set("from", f.From.Format(time.RFC3339))
		v.Set("to", f.To.Format(time.RFC3339))
	}
	if f.Sensor != 0 {
		v.Set("sensor", strconv.FormatInt(int64(f.Sensor), 10))
	}
	if f.Subnet != "" {
		v.Set("subnet", f.Subnet)
	}
	if f.Protocol != "" {
		v.Set("protocol", f.Protocol)
	}
	return v
}

// filterBar is what the page templates need to draw the filter form.
type filterBar struct {
	FromInput, ToInput string
	Sensors            []sensorOption
	RangeLinks         []rangeLink
}

type sensorOption struct {
	ID      store.SensorID
	Name    string
	Current bool
}

func (p *Portal) filterBar(ctx context.Context, rq *request, f viewFilter, base string) (filterBar, error) {
	b := filterBar{FromInput: localTime(f.From, rq.loc, layoutInput), ToInput: localTime(f.To, rq.loc, layoutInput)}
	sensors, err := p.deps.Tenants.Sensors(ctx, store.ForTenant(rq.user.Tenant))
	if err != nil {
		return b, fmt.Errorf("sensors: %w", err)
	}
	for _, s := range sensors {
		b.Sensors = append(b.Sensors, sensorOption{ID: s.ID, Name: s.Name, Current: s.ID == f.Sensor})
	}
	for _, tr := range trafficRanges {
		c := f
		c.Range = tr.Name
		b.RangeLinks = append(b.RangeLinks, rangeLink{Name: tr.Name, URL: base + "?" + c.values().Encode(), Current: tr.Name == f.Range})
	}
	return b, nil
}

// scanRecords calls fn for each record of one kind in the filter's range
// and sensor, at most maxScanRecords; it reports whether it stopped early.
func (p *Portal) scanRecords(ctx context.Context, s store.Scope, kind record.Kind, sensor store.SensorID,
	from, to time.Time, fn func(record.Record)) (truncated bool, err error) {
	recs, err := p.deps.Maps.records()
	if err != nil {
		return false, err
	}
	n := 0
	for rec, err := range recs.Records(ctx, s, store.RecordQuery{Sensor: sensor, Kind: kind, From: from, To: to, Limit: maxScanRecords + 1}) {
		if err != nil {
			return false, fmt.Errorf("%s records: %w", kind, err)
		}
		if n++; n > maxScanRecords {
			return true, nil
		}
		fn(rec)
	}
	return false, nil
}

// deviceIndex finds the device row of an address seen by a sensor, for the
// links to the device pages: by sensor name, VLAN segment and address,
// else by sensor and address, else by address alone.
type deviceIndex struct {
	exact  map[string]*DeviceRow
	sensor map[string]*DeviceRow
	addr   map[netip.Addr]*DeviceRow
	mac    map[string]*DeviceRow
}

func newDeviceIndex(rows []DeviceRow) *deviceIndex {
	ix := &deviceIndex{exact: map[string]*DeviceRow{}, sensor: map[string]*DeviceRow{},
		addr: map[netip.Addr]*DeviceRow{}, mac: map[string]*DeviceRow{}}
	for i := range rows {
		d := &rows[i]
		if d.IP.IsValid() && !d.IP.IsUnspecified() {
			ix.exact[d.Sensor+"\x00"+d.Segment+"\x00"+d.IP.String()] = d
			if _, ok := ix.sensor[d.Sensor+"\x00"+d.IP.String()]; !ok {
				ix.sensor[d.Sensor+"\x00"+d.IP.String()] = d
			}
			if _, ok := ix.addr[d.IP]; !ok {
				ix.addr[d.IP] = d
			}
		}
		if d.MAC != "" {
			if _, ok := ix.mac[d.MAC]; !ok {
				ix.mac[d.MAC] = d
			}
		}
	}
	return ix
}

// find returns the row of an address, nil when the inventory has none.
func (ix *deviceIndex) find(sensor string, vlan uint16, a netip.Addr) *DeviceRow {
	if vlan != 0 {
		if d := ix.exact[sensor+"\x00vlan "+strconv.Itoa(int(vlan))+"\x00"+a.String()]; d != nil {
			return d
		}
	}
	if d := ix.sensor[sensor+"\x00"+a.String()]; d != nil {
		return d
	}
	return ix.addr[a]
}

package portal

import (
	"net/netip"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
)

// DeviceRowOf turns an inventory device into a row of the device list; the
// server calls it in its Devices adapter, with sensor the display name of
// the sensor d.Key.Sensor names. A device known only by MAC has no IP.
func DeviceRowOf(d inventory.Device, sensor string) DeviceRow {
	row := DeviceRow{
		Key:        DeviceKeyString(d.Key),
		Sensor:     sensor,
		Segment:    d.Key.Segment,
		IP:         d.Key.Addr,
		Vendor:     d.Vendor,
		Name:       bestName(d.Names),
		OS:         d.OSGuess.Name,
		Role:       d.Role,
		Type:       d.Type,
		FirstSeen:  microsTime(d.First),
		LastSeen:   microsTime(d.Last),
		BytesSent:  d.BytesSent,
		BytesRecv:  d.BytesRecv,
		Peers:      d.Peers,
		Importance: d.Importance,
	}
	if d.Key.MACOnly() {
		row.IP = netip.Addr{}
	}
	if m, ok := latestMAC(d.MACs); ok {
		row.MAC = m.String()
	} else if !d.Key.MAC.IsZero() {
		row.MAC = d.Key.MAC.String()
	}
	return row
}

func microsTime(m record.Micros) time.Time {
	if m == 0 {
		return time.Time{}
	}
	return time.UnixMicro(int64(m)).UTC()
}

// bestName is the name seen most often; ties go to the most recent, then
// to the alphabetically first, so the choice is stable.
func bestName(names []inventory.Name) string {
	var best *inventory.Name
	for i := range names {
		n := &names[i]
		switch {
		case best == nil, n.Count > best.Count,
			n.Count == best.Count && n.Last > best.Last,
			n.Count == best.Count && n.Last == best.Last && n.Name < best.Name:
			best = n
		}
	}
	if best == nil {
		return ""
	}
	return best.Name
}

// latestMAC is the MAC whose binding was seen last (a DHCP lease that moved
// shows the current holder).
func latestMAC(bs []inventory.MACBinding) (record.MAC, bool) {
	var mac record.MAC
	var last record.Micros = -1
	for _, b := range bs {
		for _, iv := range b.Intervals {
			if iv.Last > last {
				mac, last = b.MAC, iv.Last
			}
		}
	}
	return mac, last >= 0
}

// ipText is an address as the list shows it: empty for none.
func ipText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

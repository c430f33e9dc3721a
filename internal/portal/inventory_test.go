package portal

import (
	"net/netip"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
)

func TestDeviceRowOf(t *testing.T) {
	us := func(s string) record.Micros {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return record.Micros(tm.UnixMicro())
	}
	old, cur := record.MAC{0, 0x80, 0xf4, 1, 2, 3}, record.MAC{0, 0x1b, 0x1b, 4, 5, 6}
	d := inventory.Device{
		Key:    inventory.DeviceKey{Sensor: "11", Segment: "vlan 10", Addr: netip.MustParseAddr("192.168.0.7")},
		Vendor: "Siemens AG",
		MACs: []inventory.MACBinding{
			{MAC: old, Intervals: []inventory.Interval{{First: us("2026-11-01T00:00:00Z"), Last: us("2026-11-20T00:00:00Z")}}},
			{MAC: cur, Intervals: []inventory.Interval{{First: us("2026-11-21T00:00:00Z"), Last: us("2026-11-27T00:00:00Z")}}},
		},
		Names: []inventory.Name{
			{Name: "plc7.local", Source: "mdns", Count: 4, Last: us("2026-11-26T00:00:00Z")},
			{Name: "PLC7", Source: "nbns", Count: 9, Last: us("2026-11-02T00:00:00Z")},
			{Name: "AAA", Source: "dhcp", Count: 9, Last: us("2026-11-02T00:00:00Z")},
		},
		OSGuess:   osguess.Estimate{Name: "Windows 10 1809"},
		First:     us("2026-11-01T00:00:00Z"),
		Last:      us("2026-11-27T01:02:03Z"),
		BytesSent: 10, BytesRecv: 20, Peers: 3, Role: "plc", Type: "server", Importance: 88,
	}
	r := DeviceRowOf(d, "line-1")
	want := DeviceRow{Key: "11,vlan+10,192.168.0.7", Sensor: "line-1", Segment: "vlan 10", IP: netip.MustParseAddr("192.168.0.7"), MAC: "00:1b:1b:04:05:06",
		Vendor: "Siemens AG", Name: "AAA", OS: "Windows 10 1809", Role: "plc", Type: "server",
		FirstSeen: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), LastSeen: time.Date(2026, 11, 27, 1, 2, 3, 0, time.UTC),
		BytesSent: 10, BytesRecv: 20, Peers: 3, Importance: 88}
	if r != want {
		t.Fatalf("row\n%+v\nwant\n%+v", r, want)
	}
	// A station known only by MAC: no IP, its own MAC.
	m := DeviceRowOf(inventory.Device{Key: inventory.DeviceKey{Sensor: "11", Addr: netip.IPv4Unspecified(), MAC: old}}, "line-1")
	if m.IP.IsValid() || m.MAC != "00:80:f4:01:02:03" || ipText(m.IP) != "" || !m.FirstSeen.IsZero() {
		t.Fatalf("MAC-only row: %+v", m)
	}
}

package portal

import (
	"context"
	"encoding/json"
	"net/netip"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// devFakes is the device pages' edge: tenant 1's inventory (tenant 2 has
// none), per-tenant settings and the audit entries written.
type devFakes struct {
	mu       sync.Mutex
	devices  []InventoryDevice
	settings map[store.TenantID]map[string]json.RawMessage
	audits   []store.AuditEntry
}

func newDevFakes() *devFakes {
	return &devFakes{devices: testInventory(), settings: map[store.TenantID]map[string]json.RawMessage{}}
}

func (f *devFakes) InventoryDevices(ctx context.Context, s store.Scope) ([]InventoryDevice, error) {
	if s.Tenant() != 1 {
		return nil, nil
	}
	return f.devices, nil
}

func (f *devFakes) Setting(ctx context.Context, s store.Scope, key string) (json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.settings[s.Tenant()][key]
	if !ok {
		return nil, store.ErrNotFound
	}
	return v, nil
}

func (f *devFakes) PutSetting(ctx context.Context, s store.Scope, key string, value json.RawMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settings[s.Tenant()] == nil {
		f.settings[s.Tenant()] = map[string]json.RawMessage{}
	}
	f.settings[s.Tenant()][key] = append(json.RawMessage(nil), value...)
	return nil
}

func (f *devFakes) Audit(ctx context.Context, s store.Scope, e store.AuditEntry) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.audits = append(f.audits, e)
	return nil
}

func (f *devFakes) setting(tenant store.TenantID, key string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return string(f.settings[tenant][key])
}

func (f *devFakes) lastAudit() store.AuditEntry {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.audits) == 0 {
		return store.AuditEntry{}
	}
	return f.audits[len(f.audits)-1]
}

func micros(t time.Time) record.Micros { return record.Micros(t.UnixMicro()) }

func mustMAC(s string) record.MAC {
	m, err := parseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// testInventory: five devices of tenant 1 on sensors line-1 (id 11) and
// line-2 (id 12), times relative to testNow.
//
//	192.168.1.10  Siemens S7 PLC, serves s7comm
//	192.168.1.2   engineering workstation, Windows 7, two MACs over time
//	10.0.0.5      Mitsubishi PLC in vlan 10 of line-2
//	MAC only      PROFINET station 00:0e:8c:00:00:01 on line-2
//	192.168.1.200 a device with no vendor and no role, asks DNS
func testInventory() []InventoryDevice {
	ago := func(d time.Duration) record.Micros { return micros(testNow.Add(-d)) }
	plc := inventory.Device{
		Key:    inventory.DeviceKey{Sensor: "line-1", Addr: netip.MustParseAddr("192.168.1.10")},
		Vendor: "Siemens AG",
		MACs: []inventory.MACBinding{{MAC: mustMAC("00:1b:1b:00:00:0a"), Vendor: "Siemens AG", Claimed: true,
			Intervals: []inventory.Interval{{First: ago(72 * time.Hour), Last: ago(time.Minute)}}}},
		Names: []inventory.Name{{Name: "PLC-A", Source: "nbns", First: ago(72 * time.Hour), Last: ago(time.Hour), Count: 5}},
		Identities: []inventory.Identity{{Protocol: "s7comm", Vendor: "Siemens", Product: "S7-1500", Model: "6ES7 515-2AM01-0AB0",
			Firmware: "V2.9.4", Serial: "S C-X4U421302021", First: ago(70 * time.Hour), Last: ago(2 * time.Hour), Count: 3}},
		First: ago(72 * time.Hour), Last: ago(time.Minute),
		Serves:     []inventory.ProtoCount{{Protocol: "s7comm", Count: 40}},
		Operations: []inventory.Operation{{Protocol: "s7comm", Function: "read_var", Class: "read", As: "responder", Count: 30}},
		Peers:      2, BytesSent: 5000, BytesRecv: 7000, Type: "server", Role: "plc",
		Roles:      []inventory.Role{{Name: "plc", Reasons: []string{"answers s7comm as a server"}}},
		Importance: 90,
	}
	ws := inventory.Device{
		Key:    inventory.DeviceKey{Sensor: "line-1", Addr: netip.MustParseAddr("192.168.1.2")},
		Vendor: "VMware, Inc.",
		MACs: []inventory.MACBinding{
			{MAC: mustMAC("00:0c:29:00:00:02"), Vendor: "VMware, Inc.", Claimed: true,
				Intervals: []inventory.Interval{{First: ago(2 * time.Hour), Last: ago(0)}}},
			{MAC: mustMAC("00:0c:29:00:00:99"), Vendor: "VMware, Inc.",
				Intervals: []inventory.Interval{{First: ago(30 * time.Hour), Last: ago(26 * time.Hour)}}},
		},
		Names: []inventory.Name{
			{Name: "eng-ws.plant.local", Source: "dns", First: ago(20 * time.Hour), Last: ago(3 * time.Hour), Count: 3},
			{Name: "ENG-WS", Source: "nbns", First: ago(30 * time.Hour), Last: ago(10 * time.Minute), Count: 10},
		},
		OSGuess: osguess.Estimate{Family: osguess.Windows, Name: "Windows 7", Version: "6.1",
			Products: []osguess.Product{{Name: "Windows 7"}}, Confidence: 0.85,
			Evidence: []osguess.Contribution{
				{Evidence: osguess.Evidence{Source: "cifs_browser", Raw: "6.1|0x1003"},
					Candidate: osguess.Candidate{Family: osguess.Windows, Confidence: 0.85, Reason: "browser announcement OS 6.1"}, Role: "family and product"},
				{Evidence: osguess.Evidence{Source: "dhcp", Raw: "1,15,3,6,44,46,47,31,33,121,249,43|MSFT 5.0"},
					Candidate: osguess.Candidate{Family: osguess.Windows, Confidence: 0.6, Reason: "MSFT 5.0 vendor class"}, Role: "family"},
			},
			Conflicts: []string{"ttl 64 suggests Linux"}},
		First: ago(30 * time.Hour), Last: ago(0),
		Speaks:     []inventory.ProtoCount{{Protocol: "dns", Count: 30}, {Protocol: "s7comm", Count: 12}},
		Operations: []inventory.Operation{{Protocol: "s7comm", Function: "download_block", Class: "program", As: "requester", Count: 2}},
		Peers:      4, BytesSent: 90000, BytesRecv: 10000, Type: "client", Role: "engineering_workstation",
		Roles: []inventory.Role{{Name: "engineering_workstation", Reasons: []string{"downloads PLC programs (s7comm download_block)"}},
			{Name: "hmi_scada", Reasons: []string{"reads PLC variables"}}},
		Importance: 100,
	}
	qplc := inventory.Device{
		Key:    inventory.DeviceKey{Sensor: "line-2", Segment: "vlan 10", Addr: netip.MustParseAddr("10.0.0.5")},
		Vendor: "Mitsubishi Electric",
		MACs: []inventory.MACBinding{{MAC: mustMAC("00:80:f4:00:00:05"), Vendor: "Mitsubishi Electric",
			Intervals: []inventory.Interval{{First: ago(23 * time.Hour), Last: ago(0)}}}},
		First: ago(23 * time.Hour), Last: ago(0),
		Serves: []inventory.ProtoCount{{Protocol: "melsec", Count: 100}},
		Type:   "server", Role: "plc", Roles: []inventory.Role{{Name: "plc", Reasons: []string{"answers melsec"}}}, Importance: 60,
	}
	io := inventory.Device{
		Key:    inventory.DeviceKey{Sensor: "line-2", Addr: netip.IPv4Unspecified(), MAC: mustMAC("00:0e:8c:00:00:01")},
		Vendor: "Siemens AG", First: ago(5 * time.Hour), Last: ago(0),
		Speaks: []inventory.ProtoCount{{Protocol: "profinet_rt", Count: 5000}},
	}
	unknown := inventory.Device{
		Key:   inventory.DeviceKey{Sensor: "line-1", Addr: netip.MustParseAddr("192.168.1.200")},
		First: ago(4 * time.Hour), Last: ago(3 * time.Hour),
		Speaks: []inventory.ProtoCount{{Protocol: "dns", Count: 3}},
	}
	return []InventoryDevice{
		{SensorID: 11, SensorName: "line-1", Device: ws},
		{SensorID: 11, SensorName: "line-1", Device: plc},
		{SensorID: 11, SensorName: "line-1", Device: unknown},
		{SensorID: 12, SensorName: "line-2", Device: qplc},
		{SensorID: 12, SensorName: "line-2", Device: io},
	}
}

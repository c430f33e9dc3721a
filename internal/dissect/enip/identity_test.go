package enip_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/enip"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// identities returns the distinct asset identities (without time and count)
// the pipeline reports for one shared capture, with their summed counts.
func identities(t *testing.T, rel string) map[record.AssetID]uint64 {
	t.Helper()
	reg, err := dissect.NewRegistry(enip.Spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, filepath.Join(pcaptest.Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	out := map[record.AssetID]uint64{}
	for _, r := range res.Records {
		if a, ok := r.(*record.AssetID); ok && a.Protocol == dissect.NameENIP {
			k := *a
			k.TS, k.Count = 0, 0
			out[k] += a.Count
		}
	}
	return out
}

// TestIdentityListIdentity checks the ListIdentity reply of
// enip_cip_example.pcap against tshark's reading (enip.lir.*: vendor 0x0001,
// device type 12, product code 58, serial 0x00524d8e, "1756-ENBT/A"; the
// revision bytes are 04 03: major 4, minor 3).
func TestIdentityListIdentity(t *testing.T) {
	got := identities(t, "enip-cip/enip_cip_example.pcap")
	want := record.AssetID{MAC: record.MAC{0x00, 0x19, 0x07, 0x24, 0x3c, 0xca}, IP: mustAddr("10.1.1.164"),
		Protocol: "enip", Message: "ListIdentity", Vendor: "Rockwell Automation/Allen-Bradley",
		Product: "1756-ENBT/A", Model: "Communications Adapter, product code 58", Firmware: "4.3",
		Serial: "0x00524d8e", Role: "communications adapter"}
	if len(got) != 1 || got[want] != 1 {
		t.Errorf("got %v, want one %+v", got, want)
	}
}

// TestIdentityBackplane checks the IP address change capture: a scanner
// reads the Identity object (Get_Attributes_All, class 1 instance 1) of the
// modules in slots 0–3 behind a 1756-ENBT through Unconnected_Send, and
// broadcasts ListIdentity; tshark's cip.id.* fields show the same modules.
func TestIdentityBackplane(t *testing.T) {
	got := identities(t, "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap")
	mac := record.MAC{0x00, 0x00, 0xbc, 0x3e, 0xeb, 0xe4}
	ab, prosoft := "Rockwell Automation/Allen-Bradley", "ProSoft Technology"
	enbt := record.AssetID{Vendor: ab, Product: "1756-ENBT/A", Model: "Communications Adapter, product code 58",
		Firmware: "4.7", Serial: "0x0051aec3", Role: "communications adapter"}
	modules := []record.AssetID{
		{Vendor: ab, Product: "1756-L61/B LOGIX5561", Model: "Programmable Logic Controller, product code 54",
			Firmware: "16.20", Serial: "0x0051823f", Role: "PLC", Name: "route 1/0"},
		{Vendor: enbt.Vendor, Product: enbt.Product, Model: enbt.Model, Firmware: enbt.Firmware, Serial: enbt.Serial,
			Role: enbt.Role, Name: "route 1/1"},
		{Vendor: prosoft, Product: "MVI56 ProSoft Technology, Inc.", Model: "Communications Adapter, product code 83",
			Firmware: "1.2", Serial: "0x0000ad77", Role: "communications adapter", Name: "route 1/2"},
		{Vendor: prosoft, Product: "MVI56 ProSoft Technology, Inc.", Model: "Communications Adapter, product code 83",
			Firmware: "1.2", Serial: "0x0000ad5e", Role: "communications adapter", Name: "route 1/3"},
	}
	want := map[record.AssetID]uint64{}
	add := func(a record.AssetID, ip, msg string, n uint64) {
		a.MAC, a.IP, a.Protocol, a.Message = mac, mustAddr(ip), "enip", msg
		want[a] = n
	}
	// Counts as tshark shows them (tshark -Y 'cip.id.serial_number ||
	// enip.lir.serial' -T fields -e tcp.stream -e ip.src
	// -e cip.linkaddress.byte -e cip.id.serial_number, pairing each reply
	// with the link address of its Unconnected_Send request). The ENBT's
	// address changes from .125 to .120 during the capture (the attack), so
	// the modules appear under both; the ENBT also answers for itself,
	// unrouted.
	for _, m := range modules {
		add(m, "192.168.10.125", "Get_Attributes_All", 37)
		add(m, "192.168.10.120", "Get_Attributes_All", 6)
	}
	add(enbt, "192.168.10.125", "Get_Attributes_All", 1)
	add(enbt, "192.168.10.120", "Get_Attributes_All", 13)
	add(enbt, "192.168.10.120", "ListIdentity", 37)
	if len(got) != len(want) {
		t.Errorf("got %d identities, want %d", len(got), len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%+v: count %d, want %d", k, got[k], n)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected identity %+v", k)
		}
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

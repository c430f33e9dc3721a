package bacnet_test

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/bacnet"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// identities returns the distinct asset identities (without time and count)
// the pipeline reports for one shared capture, with their summed counts.
func identities(t *testing.T, rel string) map[record.AssetID]uint64 {
	t.Helper()
	reg, err := dissect.NewRegistry(bacnet.Spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, filepath.Join(pcaptest.Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	out := map[record.AssetID]uint64{}
	for _, r := range res.Records {
		if a, ok := r.(*record.AssetID); ok && a.Protocol == dissect.NameBACnet {
			k := *a
			k.TS, k.Count = 0, 0
			out[k] += a.Count
		}
	}
	return out
}

// TestIdentityReadProperty checks bacnet_test.pcap, where a client reads the
// device object of a Johnson Controls NAE: tshark -V shows vendor-name
// 'JCI', firmware-revision '5.1.0.4400', model-name 'MS-NAE4510-2' (all
// UCS-2) and an empty application-software-version, which is not reported.
// The client addresses the device by the wildcard instance 4194303, so the
// records carry no device name.
func TestIdentityReadProperty(t *testing.T) {
	got := identities(t, "bacnet/bacnet_test.pcap")
	base := record.AssetID{MAC: record.MAC{0x00, 0x19, 0x07, 0x24, 0x3c, 0xca}, IP: netip.MustParseAddr("10.1.1.165"),
		Protocol: "bacnet"}
	v, f, m := base, base, base
	v.Message, v.Vendor = "ReadProperty vendor-name", "JCI"
	f.Message, f.Firmware = "ReadProperty firmware-revision", "5.1.0.4400"
	m.Message, m.Model = "ReadProperty model-name", "MS-NAE4510-2"
	want := map[record.AssetID]uint64{v: 1, f: 1, m: 1}
	if len(got) != len(want) {
		t.Errorf("got %d identities %v, want %d", len(got), got, len(want))
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%+v: count %d, want %d (all: %v)", k, got[k], n, got)
		}
	}
}

// TestIdentityIAm checks the I-Am broadcasts of nttcom_bacnet_test.pcap:
// device 61 of vendor 42 on network 13, relayed by eight routers (tshark
// -Y 'bacapp.unconfirmed_service==0' -T fields -e ip.src -e bacnet.snet
// -e bacapp.instance_number -e bacapp.vendor_identifier: 98 I-Ams).
func TestIdentityIAm(t *testing.T) {
	got := identities(t, "bacnet/nttcom_bacnet_test.pcap")
	routers := []struct {
		ip  string
		mac byte
		n   uint64
	}{{"10.0.30.23", 0x23, 8}, {"10.0.30.24", 0x24, 14}, {"10.0.30.27", 0x27, 16}, {"10.0.30.28", 0x28, 14},
		{"10.0.30.29", 0x29, 16}, {"10.0.30.31", 0x2b, 8}, {"10.0.30.32", 0x2c, 8}, {"10.0.30.36", 0x30, 14}}
	var total uint64
	for _, r := range routers {
		k := record.AssetID{MAC: record.MAC{0x01, 0x1a, 0xa1, 0x02, 0x00, r.mac}, IP: netip.MustParseAddr(r.ip),
			Protocol: "bacnet", Message: "I-Am (max APDU 480)", Vendor: "Acuity Brands Lighting", Name: "device:61 net:13"}
		if got[k] != r.n {
			t.Errorf("%s: %d I-Am, want %d", r.ip, got[k], r.n)
		}
		total += got[k]
	}
	if len(got) != len(routers) || total != 98 {
		t.Errorf("got %d identities with %d reports, want 8 with 98", len(got), total)
	}
}

package lldp_test

import (
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// registry holds only LLDP until the lead adds lldp.Spec to the table
// (then this becomes table.Registry()).
func registry(t *testing.T) *dissect.Registry {
	t.Helper()
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestGolden compares LLDP frame and error counts with tshark's reading of
// every shared capture (scripts/protocols/lldp.sh): exact everywhere.
func TestGolden(t *testing.T) {
	all := sensortest.RunAll(t, registry(t))
	sensortest.CheckGolden(t, all, dissect.NameLLDP, "testdata/tshark.golden", map[string]string{})
}

// TestRecordCapture checks the record and identity of Zeek's lldp.pcap
// against tshark -V: an SMC GS8P switch.
func TestRecordCapture(t *testing.T) {
	res, err := sensortest.Run(registry(t), filepath.Join(pcaptest.Dir(t), "it/lldp.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []*record.LLDP
	var ids []*record.AssetID
	for _, r := range res.Records {
		switch r := r.(type) {
		case *record.LLDP:
			recs = append(recs, r)
		case *record.AssetID:
			ids = append(ids, r)
		}
	}
	if len(recs) != 1 || len(ids) != 1 {
		t.Fatalf("%d lldp records, %d identities; want 1 and 1", len(recs), len(ids))
	}
	want := record.LLDP{
		TS: recs[0].TS, SrcMAC: recs[0].SrcMAC, DstMAC: recs[0].DstMAC,
		ChassisIDType: "mac", ChassisID: "00:22:2d:81:db:10", PortIDType: "local", PortID: "1", TTL: 120,
		PortDesc: "Port #1", SystemName: "SMCGS8P-Smart", SystemDesc: "SMCGS8P-Smart - SMCGS8P-Smart v3.20",
		SystemCaps: []string{"bridge"}, EnabledCaps: []string{"bridge"},
		MgmtAddrs: []netip.Addr{netip.MustParseAddr("192.168.2.10")},
	}
	if !reflect.DeepEqual(*recs[0], want) {
		t.Errorf("record\n got %+v\nwant %+v", *recs[0], want)
	}
	if recs[0].SrcMAC.String() != "00:22:2d:81:db:10" || recs[0].DstMAC.String() != "01:80:c2:00:00:0e" {
		t.Errorf("macs %s -> %s", recs[0].SrcMAC, recs[0].DstMAC)
	}
	a := ids[0]
	if a.MAC.String() != "00:22:2d:81:db:10" || a.IP != netip.MustParseAddr("192.168.2.10") || a.Name != "SMCGS8P-Smart" ||
		a.Product != "SMCGS8P-Smart - SMCGS8P-Smart v3.20" || a.Role != "switch" || a.Protocol != "lldp" || a.Message != "LLDPDU" || a.Count != 1 {
		t.Errorf("identity %+v", a)
	}
}

// TestRecordCounts: one record per distinct announcement (source, bytes)
// per minute. Expected numbers from tshark: the distinct
// (UTC minute, eth.src, vlan.id, frame bytes after the addresses) of the
// `-Y lldp` frames, from `-T fields -e frame.time_epoch -e eth.src -e vlan.id`
// pasted beside the `-x` hex of each frame, `sort -u | wc -l`.
func TestRecordCounts(t *testing.T) {
	cases := map[string]int{
		"profinet/profinet_io_cm_mixed_1.pcap":   18,
		"other-ot/beckhoff_ads_addroute1.pcapng": 5,
		"modbus/mb2.pcap":                        1,
	}
	for file, want := range cases {
		res, err := sensortest.Run(registry(t), filepath.Join(pcaptest.Dir(t), file))
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, r := range res.Records {
			if _, ok := r.(*record.LLDP); ok {
				n++
			}
		}
		if n != want {
			t.Errorf("%s: %d lldp records, want %d", file, n, want)
		}
	}
}

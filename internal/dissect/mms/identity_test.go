package mms_test

import (
	"maps"
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/s7comm"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// assetIDs runs one shared capture with the port 102 dissector and returns
// its asset_id records.
func assetIDs(t *testing.T, rel string) []record.AssetID {
	t.Helper()
	reg, err := dissect.NewRegistry(s7comm.Spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, filepath.Join(pcaptest.Dir(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	var out []record.AssetID
	for _, r := range res.Records {
		if a, ok := r.(*record.AssetID); ok {
			v := *a
			v.TS = 0
			out = append(out, v)
		}
	}
	return out
}

// TestIdentityCaptures: identify responses as tshark shows them
// (mms.vendorName, mms.modelName, mms.revision with eth.src and ip.src).
// In mms_8d7c7db0.pcap both IEDs answer identify requests: 10.101.1.2 four
// times, 10.101.1.3 three times, over several minutes (one record per
// minute and device).
func TestIdentityCaptures(t *testing.T) {
	piccolo := assetIDs(t, "iec61850/piccolo.pcap")
	want := record.AssetID{MAC: record.MAC{0x00, 0x18, 0xf3, 0xeb, 0xc3, 0xd9}, IP: netip.MustParseAddr("10.10.0.30"),
		Protocol: dissect.NameMMS, Message: "identify", Vendor: "INFO TECH", Model: "S61850 for PC", Firmware: "0.0.1", Count: 1}
	if len(piccolo) != 1 || piccolo[0] != want {
		t.Errorf("piccolo: got %+v, want [%+v]", piccolo, want)
	}
	per := map[string]uint64{}
	for _, a := range assetIDs(t, "iec61850/mms_8d7c7db0.pcap") {
		if a.Vendor != "AREVA T&D Corporation" || a.Model != "e-terracomm" || a.Firmware != "2.3.1" {
			t.Errorf("mms_8d7c7db0: unexpected identity %+v", a)
		}
		per[a.MAC.String()+" "+a.IP.String()] += a.Count
	}
	wantPer := map[string]uint64{"00:11:85:5c:f1:9d 10.101.1.2": 4, "00:10:18:0a:b1:92 10.101.1.3": 3}
	if !maps.Equal(per, wantPer) {
		t.Errorf("mms_8d7c7db0: identify responses per device %v, want %v", per, wantPer)
	}
}

package s7comm_test

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

// TestIdentityS7ident: the two read-SZL responses of s7ident.pcap, values
// as tshark shows them (s7comm.szl.0011.*, s7comm.szl.001c.*): order number
// 6ES7 315-2EH14-0AB0, firmware Ausbg 0x5603 Ausbe 0x0206 = V3.2.6, name
// SNAP7-SERVER, module CPU 315-2 PN/DP, serial "S C-C2UR28922012". The
// 0x0011 response appears twice in the capture (count 2).
func TestIdentityS7ident(t *testing.T) {
	got := assetIDs(t, "s7comm/s7ident.pcap")
	ip := netip.MustParseAddr("172.17.0.2")
	want := []record.AssetID{
		{IP: ip, Protocol: dissect.NameS7comm, Message: "read SZL 0x0011", Vendor: "Siemens",
			Model: "6ES7 315-2EH14-0AB0", Firmware: "V3.2.6", Role: "PLC", Count: 2},
		{IP: ip, Protocol: dissect.NameS7comm, Message: "read SZL 0x001c", Vendor: "Siemens",
			Product: "CPU 315-2 PN/DP", Serial: "S C-C2UR28922012", Name: "SNAP7-SERVER", Role: "PLC", Count: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d:\n got  %+v\n want %+v", i, got[i], want[i])
		}
	}
}

// TestPlusCaptures asserts the S7comm-plus counts of the three captures
// that hold it. tshark 4.0 has no S7comm-plus dissector; the counts were
// established from tshark -Y 'cotp.type==0x0f && !s7comm' -T fields -e
// cotp.eot -e data.data: reassembled COTP TSDUs (EOT set) whose data starts
// with 0x72 (S7-1200: 88, S7-1511: 18, s7comm_plus: 121), minus TSDUs that
// continue a PDU whose previous TSDU had no 72 vv 00 00 trailer (two in the
// S7-1200 upload: the 1012- and 1013-byte fragments of a block upload are
// followed by continuations, so 86 PDUs there). Opcode/function pairs are
// the octets after the header (and, in V3, after the 32-byte digest).
func TestPlusCaptures(t *testing.T) {
	reg, err := dissect.NewRegistry(s7comm.Spec)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file     string
		messages uint64
		codes    map[string]uint64
	}{
		{"s7comm/S7-1200-Uploading-OB1-TIAV12.pcap", 86, map[string]uint64{
			"31/04bb": 2, "31/04ca": 2, "31/04d4": 1, "31/0524": 2, "31/0542": 1, "31/054c": 22,
			"31/0556": 2, "31/0560": 2, "31/0586": 9, "32/04bb": 2, "32/04ca": 2, "32/04d4": 1,
			"32/0524": 2, "32/0542": 1, "32/054c": 22, "32/0556": 2, "32/0560": 2, "32/0586": 9}},
		{"s7comm/S7-1511-opc-request-all-types.pcap", 18, map[string]uint64{
			"31/04ca": 1, "31/0542": 1, "31/054c": 6, "31/0586": 1,
			"32/04ca": 1, "32/0542": 1, "32/054c": 6, "32/0586": 1}},
		{"s7comm/s7comm_plus.pcap", 121, map[string]uint64{
			"31/04f2": 26, "31/0542": 2, "31/054c": 6, "32/0542": 2, "32/054c": 6, "33": 79}},
	}
	for _, tc := range cases {
		res, err := sensortest.Run(reg, filepath.Join(pcaptest.Dir(t), tc.file))
		if err != nil {
			t.Fatal(err)
		}
		ps := res.Summary.Protocols[dissect.NameS7commPlus]
		if ps == nil {
			t.Errorf("%s: no s7comm_plus messages", tc.file)
			continue
		}
		if ps.Messages != tc.messages || ps.Errors != 0 || !maps.Equal(ps.Functions, tc.codes) {
			t.Errorf("%s: got %d messages %d errors %v, want %d, 0, %v", tc.file, ps.Messages, ps.Errors, ps.Functions, tc.messages, tc.codes)
		}
	}
}

package profinet_test

import (
	"net/netip"
	"sort"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/profinet"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestIdentity checks the identity records from the DCP Identify responses
// of the shared captures against tshark's reading (pn_dcp.suboption_*:
// devicevendorvalue, nameofstation, vendor_id, device_id, device_role,
// ip_ip).
func TestIdentity(t *testing.T) {
	mac := func(s string) record.MAC {
		var m record.MAC
		for i := range m {
			var v byte
			for _, c := range s[i*3 : i*3+2] {
				v <<= 4
				if c >= 'a' {
					v |= byte(c-'a') + 10
				} else {
					v |= byte(c - '0')
				}
			}
			m[i] = v
		}
		return m
	}
	want := map[string]record.AssetID{
		"profinet/ChangeIPUsingDCP.pcap": {MAC: mac("08:00:06:93:cf:32"), IP: netip.MustParseAddr("192.168.0.6"),
			Product: "INC", Name: "X208-BORD", Model: "vendor 0x002a device 0x0a01", Role: "IO-Device"},
		// The station name "%n%n%n " is the point of this capture (a
		// format-string probe); the trailing space is trimmed. The frames
		// carry an 802.1Q priority tag with VLAN ID 0.
		"profinet/profinet-wireshark-bug.pcap": {MAC: mac("00:02:e3:17:c7:50"), IP: netip.MustParseAddr("192.168.0.11"),
			Product: "S7-300EC", Name: "%n%n%n", Model: "vendor 0x002a device 0x0101", Role: "IO-Controller", VLAN: 0},
		"profinet/profinet_io_cm_mixed_1.pcap": {MAC: mac("00:09:91:43:e0:67"), IP: netip.MustParseAddr("192.168.1.2"),
			Product: "IC200PNS001", Name: "versamax-pns11", Model: "vendor 0x015a device 0x0003", Role: "IO-Device"},
	}
	reg, err := dissect.NewRegistry(profinet.Spec, profinet.SpecCM)
	if err != nil {
		t.Fatal(err)
	}
	for rel, w := range want {
		res, err := sensortest.Run(reg, pcaptest.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		var got []record.AssetID
		for _, r := range res.Records {
			if a, ok := r.(*record.AssetID); ok {
				got = append(got, *a)
			}
		}
		if len(got) != 1 {
			t.Fatalf("%s: got %d identity records, want 1: %+v", rel, len(got), got)
		}
		g := got[0]
		w.TS, w.Count, w.Protocol, w.Message = g.TS, 1, dissect.NamePNDCP, "Identify"
		if g != w {
			t.Errorf("%s:\n got %+v\nwant %+v", rel, g, w)
		}
	}
}

// TestDetectCorpus offers the payload of every UDP datagram of every shared
// capture to the PN-CM heuristic: it must accept exactly the PROFINET IO
// DCE/RPC PDUs. tshark counts 950+328+38+18 = 1334 of them (dcerpc.dg_if_id
// DEA0000x); the sensor drops the 8 duplicated ones of
// profinet_io_cm_mixed_1.pcap, leaving 1326.
func TestDetectCorpus(t *testing.T) {
	var got []payload
	all := &dissect.Spec{Name: dissect.NamePNCM, UDPPorts: []uint16{1}, AnyPort: true,
		Detect: func(dissect.Dir, []byte) bool { return true },
		New:    func() dissect.Parser { return recorder{Chunks: &got} }}
	reg, err := dissect.NewRegistry(all)
	if err != nil {
		t.Fatal(err)
	}
	hits := map[string]int{}
	total := 0
	for _, f := range pcaptest.Files(t) {
		got = got[:0]
		if _, err := sensortest.Run(reg, f); err != nil {
			t.Fatal(err)
		}
		total += len(got)
		for _, p := range got {
			if profinet.SpecCM.Detect(p.Dir, p.Data) {
				hits[f[len(pcaptest.Dir(t))+1:]]++
			}
		}
	}
	want := map[string]int{
		"profinet/profinet_io_cm.pcap":           950,
		"profinet/profinet_io_cm_connect.pcapng": 328,
		"profinet/profinet_io_cm_mixed_1.pcap":   30,
		"profinet/profinet_io_cm_read.pcapng":    18,
	}
	keys := make([]string, 0, len(hits)+len(want))
	for k := range hits {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := hits[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if hits[k] != want[k] {
			t.Errorf("%s: Detect accepted %d datagrams, want %d", k, hits[k], want[k])
		}
	}
	if total < 10000 {
		t.Errorf("only %d UDP datagrams offered; the corpus check is too weak", total)
	}
	t.Logf("%d UDP datagrams offered", total)
}

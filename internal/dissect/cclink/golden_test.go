package cclink_test

import (
	"sync"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

var (
	allOnce sync.Once
	all     map[string]*sensortest.Result
)

// runAll runs every shared capture once for all tests of this file.
func runAll(t *testing.T) map[string]*sensortest.Result {
	t.Helper()
	allOnce.Do(func() {
		reg, err := table.Registry()
		if err != nil {
			t.Fatal(err)
		}
		all = sensortest.RunAll(t, reg)
	})
	if all == nil {
		t.Fatal("captures could not be analysed")
	}
	return all
}

// TestGoldenTSN compares cclink_ie_tsn with scripts/protocols/cclink.sh,
// which applies the CC-Link layout to the bytes tshark reads (tshark 4.0 has
// no CC-Link dissector; PTP counts come from its ptp dissector).
func TestGoldenTSN(t *testing.T) {
	sensortest.CheckGolden(t, runAll(t), dissect.NameCCLinkIETSN, "testdata/tshark.golden", nil)
}

// checkCounts asserts a protocol's exact counts on every shared capture
// (captures not listed must have none).
func checkCounts(t *testing.T, protocol string, want map[string]sensortest.Golden) {
	t.Helper()
	for path, r := range runAll(t) {
		w, ok := want[path]
		ps := r.Summary.Protocols[protocol]
		if !ok {
			if ps != nil {
				t.Errorf("%s: %d unexpected %s messages %v", path, ps.Messages, protocol, ps.Functions)
			}
			continue
		}
		if ps == nil {
			t.Errorf("%s: no %s messages, want %d", path, protocol, w.Messages)
			continue
		}
		if ps.Messages != w.Messages || ps.Errors != w.Errors || len(ps.Functions) != len(w.Codes) {
			t.Errorf("%s: %s got %d messages %d errors %v, want %d %d %v", path, protocol,
				ps.Messages, ps.Errors, ps.Functions, w.Messages, w.Errors, w.Codes)
			continue
		}
		for k, v := range w.Codes {
			if ps.Functions[k] != v {
				t.Errorf("%s: %s code %s: got %d, want %d", path, protocol, k, ps.Functions[k], v)
			}
		}
	}
}

// TestCountsIE asserts the CC-Link IE Field/Control frames. tshark has no
// dissector; the figures are tshark's frame counts by byte filter, e.g.
//
//	tshark -r cc_link_ief.pcap -Y 'eth.type==0x890f && frame[14:1]==10' | wc -l   → 18
//
// for every frame type (byte 0 of the payload, frame offset 14). All 500
// frames of cc_link_ief.pcap have protocol version type 1 (frame[22:1]==01).
// In cclink_ie_tsn_l2.pcapng, 30 frames 11 with version type 1 and 30
// frames 12 with version type 0 are Field/Control test data; the other 300
// are TSN (TestGoldenTSN).
func TestCountsIE(t *testing.T) {
	checkCounts(t, dissect.NameCCLinkIE, map[string]sensortest.Golden{
		"cclink/cc_link_ief.pcap": {Messages: 500, Codes: map[string]uint64{
			"10": 18, "11": 21, "12": 22, "13": 22, "14": 23, "15": 18, "1c": 23, "20": 23,
			"22": 29, "23": 21, "25": 23, "26": 21, "28": 26, "29": 22, "40": 20, "41": 27,
			"42": 25, "43": 32, "82": 19, "83": 24, "84": 21, "85": 20}},
		"cclink/cclink_ie_tsn_l2.pcapng": {Messages: 60, Codes: map[string]uint64{"11": 30, "12": 30}},
	})
}

// TestCountsFieldBasic asserts the CC-Link IE Field Basic datagrams:
// tshark -Y 'udp.port==61450 && udp.payload[0:2]==50:00' gives 222 cyclic
// requests (all with command bytes 70:0e at payload offset 11) and
// 'udp.payload[0:2]==d0:00' 222 responses, all with end codes 0000.
func TestCountsFieldBasic(t *testing.T) {
	checkCounts(t, dissect.NameCCLinkIEFBasic, map[string]sensortest.Golden{
		"cclink/cclink_ief_basic_only.pcap": {Messages: 444, Codes: map[string]uint64{"0e70": 444}},
	})
}

// TestIdentity asserts the identity records: Field Basic station IDs (the
// little-endian IPv4 address at request offset 47 / response offset 51),
// Field node types (byte 5 = '0' master node) and the TSN detection acks'
// device types (bytes 128–129: 0002 personal computer, 0003 digital I/O).
func TestIdentity(t *testing.T) {
	type id struct{ mac, ip, proto, msg, role string }
	want := map[string][]id{
		"cclink/cclink_ief_basic_only.pcap": {
			{"00:0c:29:5f:70:ce", "172.16.134.128", "cclink_ief_basic", "cyclicDataReq", "master station"},
			{"00:0c:29:aa:1d:03", "172.16.134.129", "cclink_ief_basic", "cyclicDataRes", "slave station"},
		},
		"cclink/cc_link_ief.pcap": {
			{"00:11:11:11:11:11", "invalid IP", "cclink_ie", "testData", "master node"},
		},
		"cclink/cclink_ie_tsn_l2.pcapng": {
			{"28:e9:8e:75:95:a7", "invalid IP", "cclink_ie_tsn", "acyclicDetectionAck (slave station)", "personal computer"},
			{"28:e9:8e:75:95:a7", "invalid IP", "cclink_ie_tsn", "acyclicDetectionAck (slave station)", "digital I/O"},
			{"00:0c:29:a8:c1:f0", "invalid IP", "cclink_ie", "testDataAck", "management node"},
		},
	}
	for path, r := range runAll(t) {
		got := map[id]bool{}
		for _, rec := range r.Records {
			a, ok := rec.(*record.AssetID)
			if !ok || (a.Protocol != dissect.NameCCLinkIE && a.Protocol != dissect.NameCCLinkIETSN && a.Protocol != dissect.NameCCLinkIEFBasic) {
				continue
			}
			got[id{a.MAC.String(), a.IP.String(), a.Protocol, a.Message, a.Role}] = true
		}
		w := want[path]
		for _, x := range w {
			if !got[x] {
				t.Errorf("%s: missing identity %+v (got %v)", path, x, got)
			}
		}
		if len(got) != len(w) {
			t.Errorf("%s: %d distinct identities, want %d: %v", path, len(got), len(w), got)
		}
	}
}

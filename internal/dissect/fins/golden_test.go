package fins_test

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

// TestGolden compares with tshark's omron dissector (scripts/protocols/fins.sh).
func TestGolden(t *testing.T) {
	sensortest.CheckGolden(t, runAll(t), dissect.NameFINS, "testdata/tshark.golden", nil)
}

// TestIdentity: controller_data_read responses name the controllers exactly
// as tshark shows them (tshark -Y omron.controller.model -e ip.src -e
// omron.controller.model -e omron.controller.version): CP1L-EL20DR-D 01.00
// in omron_test.pcap (TCP and UDP), and the test values AAAA…/BBBB… in
// omron.pcap and omron_fins_tcp_commands_responses.pcap.
func TestIdentity(t *testing.T) {
	want := map[string]map[string]bool{
		"omron-fins/omron_test.pcap":                        {"10.1.1.164 CP1L-EL20DR-D 01.00": true},
		"omron-fins/omron.pcap":                             {"10.4.14.102 AAAAAAAAAAAAAAAAAAAA BBBBBBBBBBBBBBBBBBBB": true},
		"omron-fins/omron_fins_tcp_commands_responses.pcap": {"192.168.0.1 AAAAAAAAAAAAAAAAAAAA BBBBBBBBBBBBBBBBBBBB": true},
	}
	for path, r := range runAll(t) {
		got := map[string]bool{}
		for _, rec := range r.Records {
			if a, ok := rec.(*record.AssetID); ok && a.Protocol == dissect.NameFINS {
				if a.Vendor != "OMRON" || a.Role != "PLC" || a.Message != "controller_data_read" {
					t.Errorf("%s: %+v", path, a)
				}
				got[a.IP.String()+" "+a.Model+" "+a.Firmware] = true
			}
		}
		if len(got) != len(want[path]) {
			t.Errorf("%s: identities %v, want %v", path, got, want[path])
		}
		for k := range want[path] {
			if !got[k] {
				t.Errorf("%s: missing %q (got %v)", path, k, got)
			}
		}
	}
}

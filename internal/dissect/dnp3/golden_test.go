package dnp3_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-function counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/dnp3.sh).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{
		"dnp3/dnp3_example.pcap": "tshark does not reassemble fragments whose transport sequence wraps " +
			"from 63 to 0 (frames 17-18, 113-114, 209-210: RESPONSE; 808-810: UNSOLICITED_RESPONSE), " +
			"and reassembles frame 311's single-segment RESPONSE (transport 0xc0, function 0x81) with " +
			"stale data, reading function 0: we count 4 more RESPONSE, 1 more UNSOLICITED_RESPONSE and " +
			"no CONFIRM there",
	}
	sensortest.CheckGolden(t, all, dissect.NameDNP3, "testdata/tshark.golden", known)
}

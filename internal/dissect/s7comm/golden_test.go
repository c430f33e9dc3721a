package s7comm_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares S7comm message, error and per-code counts with
// tshark's reading of every shared capture (scripts/protocols/s7comm.sh).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameS7comm, "testdata/tshark.golden", map[string]string{})
	// S7comm-plus (exact counts in TestPlusCaptures) must appear in no
	// other capture: the heuristic on other ports claims nothing else.
	plus := map[string]bool{
		"s7comm/S7-1200-Uploading-OB1-TIAV12.pcap":  true,
		"s7comm/S7-1511-opc-request-all-types.pcap": true,
		"s7comm/s7comm_plus.pcap":                   true,
	}
	for p, r := range all {
		if ps := r.Summary.Protocols[dissect.NameS7commPlus]; ps != nil && !plus[p] {
			t.Errorf("%s: %d unexpected s7comm_plus messages", p, ps.Messages)
		}
	}
}

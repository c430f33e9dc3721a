package profinet_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// merged is the pseudo-protocol under which the golden counts all three
// PROFINET protocols, each code prefixed with its protocol name
// (scripts/protocols/profinet.sh).
const merged = "profinet"

// mergeProtocols folds profinet_dcp, profinet_rt and profinet_cm of every
// result into one summary entry with prefixed codes, as the golden has it.
func mergeProtocols(all map[string]*sensortest.Result) map[string]*sensortest.Result {
	out := make(map[string]*sensortest.Result, len(all))
	for path, r := range all {
		sum := *r.Summary
		sum.Protocols = map[string]*sensor.ProtoSummary{}
		var m *sensor.ProtoSummary
		for _, name := range []string{dissect.NamePNDCP, dissect.NamePNRT, dissect.NamePNCM} {
			ps := r.Summary.Protocols[name]
			if ps == nil {
				continue
			}
			if m == nil {
				m = &sensor.ProtoSummary{Functions: map[string]uint64{}}
			}
			m.Messages += ps.Messages
			m.Errors += ps.Errors
			for code, n := range ps.Functions {
				m.Functions[name+":"+code] += n
			}
		}
		if m != nil {
			sum.Protocols[merged] = m
		}
		out[path] = &sensortest.Result{Summary: &sum, Records: r.Records}
	}
	return out
}

func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{
		// tshark counts every frame; the sensor drops exact duplicate
		// frames, and frames 1–16 (a connect/write/control exchange on
		// 49155↔34964 and 49161/49162/49154) each appear twice in the file.
		"profinet/profinet_io_cm_mixed_1.pcap": "frames 1–16 are duplicated in the capture; the sensor drops duplicates (8 profinet_cm PDUs fewer)",
	}
	sensortest.CheckGolden(t, mergeProtocols(all), merged, "testdata/tshark.golden", known)
}

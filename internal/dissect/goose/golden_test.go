package goose_test

import (
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

func registry(t *testing.T) *dissect.Registry {
	t.Helper()
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// TestGolden compares GOOSE message, error and per-code (state change /
// publish) counts with tshark's reading of every shared capture
// (scripts/protocols/goose.sh). No shared capture holds Sampled Values:
// none may report any.
func TestGolden(t *testing.T) {
	all := sensortest.RunAll(t, registry(t))
	sensortest.CheckGolden(t, all, dissect.NameGOOSE, "testdata/tshark.golden", map[string]string{})
	for p, r := range all {
		if ps := r.Summary.Protocols[dissect.NameSV]; ps != nil {
			t.Errorf("%s: %d sv messages, tshark finds none", p, ps.Messages)
		}
	}
}

// TestIdentityCaptures: one identity per publisher (source MAC, goID as
// tshark shows goose.goID) and minute.
func TestIdentityCaptures(t *testing.T) {
	cases := map[string]map[string]uint64{
		"iec61850/GOOSE.pcap": {"00:a0:f4:08:2f:77 F650_GOOSE1": 1},
		"iec61850/Sample_File_GOOSE.pcap": {
			"0a:bb:fe:10:c9:02 InterlockingA": 1, "0a:bb:fe:10:c9:06 InterlockingA": 1, "0a:bb:fe:10:c9:08 InterlockingA": 1},
	}
	for file, want := range cases {
		res, err := sensortest.Run(registry(t), filepath.Join(pcaptest.Dir(t), file))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]uint64{}
		for _, r := range res.Records {
			if a, ok := r.(*record.AssetID); ok {
				if a.Protocol != dissect.NameGOOSE || a.Role != "IED" || a.Message != "GOOSE" {
					t.Errorf("%s: unexpected record %+v", file, a)
				}
				got[a.MAC.String()+" "+a.Name] += a.Count
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: identities %v, want %v", file, got, want)
		}
		for k := range want {
			if got[k] == 0 {
				t.Errorf("%s: missing identity %s (got %v)", file, k, got)
			}
		}
	}
}

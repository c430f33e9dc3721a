package iec104_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-function counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/iec104.sh).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{}
	sensortest.CheckGolden(t, all, dissect.NameIEC104, "testdata/tshark.golden", known)
}

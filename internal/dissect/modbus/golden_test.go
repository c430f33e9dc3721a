package modbus_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-function counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/modbus.sh).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{
		"modbus/MODBUS-TestDataPart2.pcap": "the connection opens with function code 0 (undefined) and its " +
			"exception response, which Detect rejects; recognition succeeds on the next ADU, so that pair " +
			"(code 0: 2 messages, 1 error) is not counted",
		"modbus/fuzz-72.pcap": "fuzzed capture: the first four payloads of its only connection carry " +
			"undefined function codes (0x9c, 29, 0xa0, 33), so Detect never recognises it; tshark decodes " +
			"anything on port 502",
		"modbus/mb2.pcap": "tshark skips segments it flags as retransmissions even when they carry new " +
			"bytes: frames 1131 and 3674 (port 60689) complete 4 Read Input Registers requests and 1 " +
			"response, frame 13176 (port 64338) 2 responses (codes 2, 4); our reassembly delivers them",
	}
	sensortest.CheckGolden(t, all, dissect.NameModbus, "testdata/tshark.golden", known)
}

package opcua_test

import (
	"maps"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-code counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/opcua.sh).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{
		// OPC UA on TCP 48010, which tshark does not decode without a
		// decode-as; the heuristic finds it. With
		// `tshark -d tcp.port==48010,opcua` tshark counts the same 68
		// chunks (2 HEL, 2 ACK, 2 OPN/446, 2 OPN/449, ..., 11 MSG/826).
		"opcua/open62541_client-server_mainloop-not-localhost-non-standard-port.pcap": "OPC UA on non-standard port 48010 found by the heuristic; tshark needs decode-as",
	}
	sensortest.CheckGolden(t, all, dissect.NameOPCUA, "testdata/tshark.golden", known)
}

// TestNonStandardPort checks the capture on TCP 48010 against tshark with a
// decode-as (`tshark -d tcp.port==48010,opcua`, counted with
// scripts/protocols/opcua.sh): the golden cannot, as it runs tshark without
// hints.
func TestNonStandardPort(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, filepath.Join(pcaptest.Dir(t), "opcua/open62541_client-server_mainloop-not-localhost-non-standard-port.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"ACK": 2, "CLO/452": 2, "HEL": 2, "MSG/428": 2, "MSG/431": 2, "MSG/461": 1, "MSG/464": 1,
		"MSG/467": 1, "MSG/470": 1, "MSG/473": 1, "MSG/476": 1, "MSG/488": 4, "MSG/491": 4, "MSG/527": 2, "MSG/530": 2,
		"MSG/631": 1, "MSG/634": 1, "MSG/673": 2, "MSG/676": 2, "MSG/712": 1, "MSG/715": 1, "MSG/751": 1, "MSG/754": 1,
		"MSG/787": 1, "MSG/790": 1, "MSG/826": 11, "MSG/829": 11, "MSG/847": 1, "MSG/850": 1, "OPN/446": 2, "OPN/449": 2}
	ps := res.Summary.Protocols[dissect.NameOPCUA]
	if ps == nil || ps.Messages != 68 || ps.Errors != 0 || !maps.Equal(ps.Functions, want) {
		t.Errorf("got %+v, want 68 messages, 0 errors, %v", ps, want)
	}
}

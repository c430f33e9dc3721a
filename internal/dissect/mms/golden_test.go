package mms_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// known lists the captures where we must differ from tshark.
var known = map[string]string{
	// tshark decodes MMS only on connections whose presentation
	// connect (CP/CPA) it saw, to learn that context 3 is MMS. Four
	// connections to port 102 start before the capture: tshark shows their
	// 28 PDV entries (21 frames, tshark -Y 'pres && !mms && tcp.srcport==102
	// && tcp.dstport!=1345', counting presentation_context_identifier
	// occurrences) as bare presentation data; we decode each as an MMS
	// informationReport (code 3/0).
	"iec61850/Sample_File_MMS_and_GOOSE.pcap": "28 informationReports on connections whose association precedes the capture",
	// Frame 20 is a bare conclude-RequestPDU (8b 00) directly in a COTP DT
	// (no session/presentation); tshark's MMS heuristic over COTP does not
	// claim it (it shows "DT TPDU (0) EOT"), we count it as code 11.
	"iec61850/mms-initiateDownloadSequence.pcap": "bare conclude-Request on COTP not claimed by tshark's heuristic",
}

// TestGolden compares MMS message, error and per-code counts, as the port
// 102 dissector (package s7comm) reports them, with tshark's reading of
// every shared capture (scripts/protocols/mms.sh).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameMMS, "testdata/tshark.golden", known)
}

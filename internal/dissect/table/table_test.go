package table_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

func TestRegistryBuilds(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	// Every canonical name that has a dissector package is served by one.
	served := map[string]bool{}
	for _, s := range reg.Specs() {
		served[s.Name] = true
	}
	for _, n := range []string{"modbus", "s7comm", "enip", "bacnet", "dnp3", "iec104", "opcua", "slmp", "melsoft",
		"cclink_ief_basic", "cclink_ie", "cclink_ie_tsn", "fins", "goose", "sv", "dns", "mdns", "llmnr", "nbns",
		"dhcp", "dhcpv6", "ssdp", "cifs_browser", "profinet_dcp", "profinet_cm", "ethercat", "hart_ip", "flnet", "lldp", "cdp"} {
		if !served[n] {
			t.Errorf("no dissector registered for %s", n)
		}
	}
}

// Every shared capture goes through the whole table without a dissector
// fault, and every frame is still accounted for. (Each protocol package's
// golden test runs the whole table too, so a dissector whose port or
// heuristic stole another's traffic would fail there.)
func TestTableOnEveryCapture(t *testing.T) {
	all := sensortest.RunAll(t, sensortest.Full(t))
	if len(all) < 150 {
		t.Fatalf("only %d captures analysed", len(all))
	}
	var messages uint64
	for path, r := range all {
		if len(r.Summary.Faults) > 0 {
			t.Errorf("%s: dissector faults %v", path, r.Summary.Faults)
		}
		if !r.Summary.Balanced() {
			t.Errorf("%s: frames not accounted for: %+v", path, r.Summary.Accounting)
		}
		for _, p := range r.Summary.Protocols {
			messages += p.Messages
		}
	}
	if messages == 0 {
		t.Fatal("no protocol messages in any capture")
	}
}

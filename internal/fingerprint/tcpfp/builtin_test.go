package tcpfp

import (
	"sort"
	"strings"
	"testing"
)

func TestBuiltinParses(t *testing.T) {
	s := Builtin()
	if len(s.Request) != 5 || len(s.Response) != 14 {
		t.Errorf("builtin: %d request, %d response signatures; want 5, 14", len(s.Request), len(s.Response))
	}
	for _, list := range [][]Entry{s.Request, s.Response} {
		for _, e := range list {
			if e.Label.Confidence == ConfUnset || e.Label.Source != SourceBuiltin {
				t.Errorf("line %d: confidence %v source %q", e.Line, e.Label.Confidence, e.Label.Source)
			}
		}
	}
}

// builtinView is how our set alone (no p0f.fp) classifies a golden packet.
func builtinView(m Match) string {
	l := m.Label()
	if l == nil {
		return "???"
	}
	v := l.String() + " conf=" + l.Confidence.String()
	if l.Generic {
		v += " generic"
	}
	if m.Fuzzy {
		v += " fuzzy"
	}
	return v
}

// TestBuiltinClassifications pins what the built-in set alone says about
// hosts of the shared captures whose identity the capture documents.
func TestBuiltinClassifications(t *testing.T) {
	golden, sigs := matchGolden(t)
	got := map[string]string{}
	for i, g := range golden {
		k := g.path + " " + g.mod + " " + strings.Split(g.sender, "/")[0]
		got[k] = builtinView(Builtin().Match(&sigs[i]))
	}
	want := map[string]string{
		"s7comm/S7-1200-Uploading-OB1-TIAV12.pcap syn+ack 192.168.1.191":             "Siemens SIMATIC S7 PLC conf=high",
		"s7comm/S7-1511-opc-request-all-types.pcap syn+ack 192.168.25.139":           "Siemens SIMATIC S7 PLC conf=high",
		"s7comm/s7comm_reading_plc_status.pcap syn 192.168.1.40":                     "Siemens SIMATIC S7 PLC conf=medium",
		"s7comm/s7comm_plus.pcap syn+ack 192.168.0.1":                                "VxWorks or similar embedded RTOS conf=low generic",
		"attacks/CL5000EIP-IP_Address_Change_Attempt.pcap syn+ack 192.168.10.120":    "VxWorks Rockwell Logix conf=medium",
		"modbus/modicon_test.pcap syn+ack 192.168.63.253":                            "VxWorks Schneider Modicon conf=low",
		"melsec-slmp/legitimate_user_addition_plc_stop_test.pcapng syn 172.17.0.158": "Windows 10/11/Server 2016+ conf=high",
		"hart-ip/hart-ip_all_messageIDs.pcapng syn 192.168.122.197":                  "Linux 4.19 and newer conf=high",
		"hart-ip/hart-ip_all_messageIDs.pcapng syn+ack 10.9.0.117":                   "Linux 4.19 and newer conf=high",
		"other-ot/beckhoff_ads_addroute1.pcapng syn+ack 192.168.1.8":                 "Windows Embedded (Beckhoff TwinCAT) conf=low",
		"dnp3/full_exchange.pcap syn+ack 192.168.60.130":                             "Linux 3.x conf=medium",
		"modbus/MODBUS-TestDataPart1.pcap syn 10.0.0.57":                             "Windows 2000/XP/2003 conf=medium",
		// Desktop systems are left to p0f.fp: the built-in set is silent.
		"it/http_get.pcap syn 141.142.228.5": "???",
	}
	keys := make([]string, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if got[k] != want[k] {
			t.Errorf("%s: got %q, want %q", k, got[k], want[k])
		}
	}
}

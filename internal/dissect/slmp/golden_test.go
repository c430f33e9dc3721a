package slmp_test

import (
	"sync"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

var (
	allOnce sync.Once
	all     map[string]*sensortest.Result
)

// runAll analyses every shared capture with SLMP, MELSOFT and, as in the
// full dissector table, CC-Link IE Field Basic, which owns UDP 61450 (its
// frames use SLMP's 3E framing with command 0E70).
func runAll(t *testing.T) map[string]*sensortest.Result {
	t.Helper()
	allOnce.Do(func() {
		reg, err := table.Registry()
		if err != nil {
			t.Fatal(err)
		}
		all = sensortest.RunAll(t, reg)
	})
	if all == nil {
		t.Fatal("captures could not be analysed")
	}
	return all
}

type counts struct {
	messages, errors uint64
	codes            map[string]uint64
}

func check(t *testing.T, protocol string, want map[string]counts) {
	t.Helper()
	for path, r := range runAll(t) {
		w, listed := want[path]
		ps := r.Summary.Protocols[protocol]
		if ps == nil {
			if listed {
				t.Errorf("%s: no %s messages, want %d", path, protocol, w.messages)
			}
			continue
		}
		if !listed {
			t.Errorf("%s: %d unexpected %s messages %v", path, ps.Messages, protocol, ps.Functions)
			continue
		}
		if ps.Messages != w.messages || ps.Errors != w.errors || len(ps.Functions) != len(w.codes) {
			t.Errorf("%s: got %d messages, %d errors, %v; want %d, %d, %v", path, ps.Messages, ps.Errors, ps.Functions, w.messages, w.errors, w.codes)
			continue
		}
		for k, v := range w.codes {
			if ps.Functions[k] != v {
				t.Errorf("%s: code %s: %d, want %d", path, k, ps.Functions[k], v)
			}
		}
	}
}

// TestNoSLMPInCaptures: no shared capture holds plain SLMP / MC protocol
// frames (MANIFEST.md), so the heuristic must claim nothing — in particular
// not the MELSOFT traffic, CC-Link IE TSN SLMP (0x6800 subheader) or Field
// Basic. SLMP decoding is tested with frames from the manual (slmp_test.go).
func TestNoSLMPInCaptures(t *testing.T) { check(t, dissect.NameSLMP, nil) }

// TestMELSOFTCounts asserts exact MELSOFT message counts. tshark has no
// MELSOFT dissector. UDP: every datagram on port 5560 is one message
// (tshark -Y 'udp.port==5560' | wc -l: 432 and 1214). TCP: the payloads
// from tshark -T fields -e tcp.stream -e tcp.srcport -e tcp.seq -e
// tcp.payload, de-duplicated by (stream, direction, seq) — every frame of
// melsoft_129_clean.pcap is captured twice — concatenated per direction and
// cut by the header rules of melsoft.go (4-byte hello, 14/28-byte answer,
// 21 + size bytes); the per-code figures are from the same listing.
// melsoft_129_clean.pcap is cut off inside its last frame.
func TestMELSOFTCounts(t *testing.T) {
	check(t, dissect.NameMELSOFT, map[string]counts{
		"melsec-slmp/melsoft_129_clean.pcap": {983, 0, map[string]uint64{"0410": 489, "0411": 490, "0413": 4}},
		"melsec-slmp/legitimate_user_addition_plc_stop_test.pcapng": {1494, 36, map[string]uint64{
			"0121": 102, "0131": 4, "0132": 4, "0133": 4, "0134": 4, "0150": 4, "0162": 72,
			"0410": 466, "0411": 724, "1002": 2, "1120": 2, "1133": 4, "5a": 102}},
		"melsec-slmp/melsoft_UDP_clean_2.pcap": {432, 1, map[string]uint64{
			"0121": 32, "01a0": 32, "0410": 200, "0b16": 10, "0b2a": 26, "1730": 4, "1731": 6,
			"1734": 6, "185f": 16, "1867": 10, "1868": 6, "1869": 8, "186a": 10, "187e": 2, "5a": 64}},
		"melsec-slmp/melsoft_UDP_unclean_1.pcap": {1214, 0, map[string]uint64{
			"0121": 46, "01a0": 46, "0410": 408, "0411": 2, "0701": 2, "0b2a": 38, "0b2b": 4,
			"1002": 2, "1410": 212, "1859": 16, "185f": 86, "1867": 48, "1868": 68, "1869": 34,
			"186a": 48, "187e": 32, "18a0": 20, "5a": 102}},
	})
}

// TestMELSOFTIdentity: the Open Initial responses name the CPUs — an
// R08SFCPU safety CPU (model code 4891) and an FX5U-32MT/ES (4A29).
func TestMELSOFTIdentity(t *testing.T) {
	want := map[string]map[string]bool{
		"melsec-slmp/legitimate_user_addition_plc_stop_test.pcapng": {"00:50:56:b0:49:43 172.17.0.134 R08SFCPU Open Initial (model code 4891)": true},
		"melsec-slmp/melsoft_UDP_clean_2.pcap":                      {"10:4b:46:28:0b:fa 192.168.3.250 FX5U-32MT/ES Open Initial (model code 4A29)": true},
		"melsec-slmp/melsoft_UDP_unclean_1.pcap": {
			"10:4b:46:28:0b:fa 192.168.3.250 FX5U-32MT/ES Open Initial (model code 4A29)": true,
			"10:4b:46:28:0b:fa 192.168.0.250 FX5U-32MT/ES Open Initial (model code 4A29)": true,
		},
	}
	for path, r := range runAll(t) {
		got := map[string]bool{}
		for _, rec := range r.Records {
			if a, ok := rec.(*record.AssetID); ok && (a.Protocol == dissect.NameMELSOFT || a.Protocol == dissect.NameSLMP) {
				if a.Vendor != "Mitsubishi Electric" || a.Role != "PLC" {
					t.Errorf("%s: %+v", path, a)
				}
				got[a.MAC.String()+" "+a.IP.String()+" "+a.Model+" "+a.Message] = true
			}
		}
		if len(got) != len(want[path]) {
			t.Errorf("%s: identities %v, want %v", path, got, want[path])
		}
		for k := range want[path] {
			if !got[k] {
				t.Errorf("%s: missing %s", path, k)
			}
		}
	}
}

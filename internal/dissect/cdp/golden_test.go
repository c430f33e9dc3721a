package cdp_test

import (
	"net/netip"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares the pipeline's CDP counts (frames routed by SNAP OUI
// and PID) with tshark's reading of every shared capture: exact everywhere.
// The registry holds only CDP until the lead adds cdp.Spec to the table.
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameCDP, "testdata/tshark.golden", map[string]string{})
}

// TestGoldenParser compares, for every shared capture, the parser's CDP
// message, error and code counts with tshark's (scripts/protocols/cdp.sh,
// testdata/tshark.golden), feeding the parser the frames the decoder
// marks as SNAP OUI 00:00:0c PID 0x2000 (cdpFrames), independent of the
// pipeline's routing.
func TestGoldenParser(t *testing.T) {
	want := sensortest.ReadGolden(t, "testdata/tshark.golden")
	dir := pcaptest.Dir(t)
	seen := 0
	for _, path := range pcaptest.Files(t) {
		rel, _ := filepath.Rel(dir, path)
		c := run(cdpFrames(t, path))
		g := sensortest.Golden{Codes: map[string]uint64{}}
		for _, m := range c.msgs {
			g.Messages++
			if m.Error {
				g.Errors++
			}
			g.Codes[m.Code]++
		}
		w, ok := want[rel]
		if !ok {
			if g.Messages != 0 {
				t.Errorf("%s: %d cdp messages, tshark finds none", rel, g.Messages)
			}
			continue
		}
		seen++
		if g.Messages != w.Messages || g.Errors != w.Errors || !reflect.DeepEqual(g.Codes, w.Codes) {
			t.Errorf("%s: got %+v, tshark %+v", rel, g, w)
		}
	}
	if seen != 4 {
		t.Errorf("%d captures with cdp, golden has 4", seen)
	}
}

// TestRecordCaptures checks records and identities against tshark -V.
// CL5000EIP-IP_Address_Change_Attempt.pcap holds 5 identical
// announcements one minute apart (one record each); Zeek's cdp-v1.pcap a
// CDPv1 Cisco 1601 router.
func TestRecordCaptures(t *testing.T) {
	c := run(cdpFrames(t, capturePath(t, "it/cdp-v1.pcap")))
	if len(c.recs) != 2 {
		t.Fatalf("cdp-v1: %d records, want 2", len(c.recs))
	}
	r := c.recs[0].(*record.CDP)
	if r.Version != 1 || r.TTL != 180 || r.DeviceID != "R1" || r.PortID != "Ethernet0" || r.Platform != "cisco 1601" ||
		!reflect.DeepEqual(r.Capabilities, []string{"router"}) ||
		!reflect.DeepEqual(r.Addresses, []netip.Addr{netip.MustParseAddr("192.168.10.1")}) || len(r.MgmtAddrs) != 0 {
		t.Errorf("cdp-v1 record %+v", r)
	}
	a := c.recs[1].(*record.AssetID)
	if a.Name != "R1" || a.Product != "cisco 1601" || a.Role != "router" || a.IP != netip.MustParseAddr("192.168.10.1") ||
		a.Firmware != "IOS (tm) 1600 Software (C1600-NY-L), Version 11.2(12)P, RELEASE SOFTWARE (fc1)" || a.Protocol != "cdp" {
		t.Errorf("cdp-v1 identity %+v", a)
	}

	c = run(cdpFrames(t, capturePath(t, "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap")))
	if len(c.msgs) != 5 || len(c.recs) != 10 {
		t.Fatalf("IP_Address_Change: %d messages, %d records; want 5 and 10", len(c.msgs), len(c.recs))
	}
	r = c.recs[0].(*record.CDP)
	sw := "Cisco IOS Software, CE500 Software (CE500-LANBASE-M), Version 12.2(25)SEG4, RELEASE SOFTWARE (fc1)"
	want := record.CDP{TS: r.TS, SrcMAC: r.SrcMAC, DstMAC: r.DstMAC, Version: 2, TTL: r.TTL, DeviceID: "Ns5gt",
		Addresses: []netip.Addr{netip.MustParseAddr("192.168.10.253")}, PortID: "GigabitEthernet1",
		Capabilities: []string{"switch", "igmp"}, Software: r.Software, Platform: "cisco WS-CE500-24TT",
		NativeVLAN: 3, Duplex: "full", MgmtAddrs: []netip.Addr{netip.MustParseAddr("192.168.10.253")}}
	if !reflect.DeepEqual(*r, want) || r.SrcMAC.String() != "00:1e:f6:73:59:81" || r.DstMAC.String() != "01:00:0c:cc:cc:cc" {
		t.Errorf("record\n got %+v\nwant %+v", *r, want)
	}
	a = c.recs[1].(*record.AssetID)
	if a.Name != "Ns5gt" || a.Product != "cisco WS-CE500-24TT" || a.Role != "switch" || a.Firmware != sw || a.IP != netip.MustParseAddr("192.168.10.253") {
		t.Errorf("identity %+v", a)
	}
}

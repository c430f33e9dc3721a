package lldp_test

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/lldp"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// tlv builds one TLV (802.1AB 8.4: 7-bit type, 9-bit length).
func tlv(typ int, v ...byte) []byte {
	return append([]byte{byte(typ<<1 | len(v)>>8), byte(len(v))}, v...)
}

func frame(tlvs ...[]byte) []byte {
	var b []byte
	for _, t := range tlvs {
		b = append(b, t...)
	}
	return b
}

var ep = dissect.Endpoints{Transport: dissect.Ether, OrigMAC: record.MAC{0, 1, 2, 3, 4, 5}, RespMAC: record.MAC{1, 0x80, 0xc2, 0, 0, 0xe}, VLAN: 7}

// router: chassis ID a network address, port ID an interface name, IPv4 and
// IPv6 management addresses, router+bridge capable with router enabled.
var router = frame(
	tlv(1, 5, 1, 10, 0, 0, 1),
	tlv(2, append([]byte{5}, "Gi0/1"...)...),
	tlv(3, 0, 120),
	tlv(5, []byte("rtr1\x00")...),
	tlv(6, []byte("IOS XE\nline 2")...),
	tlv(7, 0x00, 0x14, 0x00, 0x10),
	tlv(8, 5, 1, 10, 0, 0, 1, 2, 0, 0, 0, 1, 0),
	tlv(8, 17, 2, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 1, 0),
	tlv(127, 0, 0x80, 0xc2, 1, 0, 1),
	tlv(0),
	[]byte{0, 0, 0, 0}, // Ethernet padding
)

func TestParseRouter(t *testing.T) {
	c := dissecttest.Feed(lldp.Spec, &ep, dissecttest.Req(router...), dissecttest.Req(router...))
	if len(c.Msgs) != 2 || c.Msgs[0].Code != "lldp" || c.Msgs[0].Function != "LLDPDU" || c.Msgs[0].Error || c.Msgs[0].Dir != dissect.Indication {
		t.Fatalf("messages %+v", c.Msgs)
	}
	if len(c.Recs) != 2 { // the repeat in the same minute writes nothing
		t.Fatalf("%d records, want 2 (one lldp, one asset_id)", len(c.Recs))
	}
	r := c.Recs[0].(*record.LLDP)
	want := record.LLDP{TS: r.TS, SrcMAC: ep.OrigMAC, DstMAC: ep.RespMAC, VLAN: 7,
		ChassisIDType: "network_address", ChassisID: "10.0.0.1", PortIDType: "interface_name", PortID: "Gi0/1", TTL: 120,
		SystemName: "rtr1", SystemDesc: "IOS XE\nline 2", SystemCaps: []string{"bridge", "router"}, EnabledCaps: []string{"router"},
		MgmtAddrs: []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("2001:db8::1")}}
	if !reflect.DeepEqual(*r, want) {
		t.Errorf("record\n got %+v\nwant %+v", *r, want)
	}
	a := c.Recs[1].(*record.AssetID)
	if a.Role != "router" || a.Name != "rtr1" || a.Product != "IOS XE" || a.IP != netip.MustParseAddr("10.0.0.1") || a.VLAN != 7 {
		t.Errorf("identity %+v", a)
	}
}

// TestMinuteDedup: the same announcement is written again in the next
// minute, a different one in the same minute.
func TestMinuteDedup(t *testing.T) {
	c := &dissecttest.Collector{}
	p := lldp.NewParser()
	e := ep
	ctx := &dissect.Context{Ep: &e, Out: c}
	other := append([]byte(nil), router...)
	other[len(other)-20] ^= 1 // inside the organisational TLV
	for _, step := range []struct {
		ts record.Micros
		b  []byte
	}{{1, router}, {59_999_999, router}, {59_999_999, other}, {60_000_000, router}} {
		ctx.TS = step.ts
		p.Parse(ctx, step.b)
	}
	if n := len(c.Recs); n != 6 {
		t.Errorf("%d records, want 6 (3 announcements x lldp+asset_id)", n)
	}
}

func TestMalformed(t *testing.T) {
	cases := map[string][]byte{
		"empty":          {},
		"one byte":       {2},
		"port first":     frame(tlv(2, 7, '1'), tlv(1, 7, '1'), tlv(3, 0, 1)),
		"no ttl":         frame(tlv(1, 7, '1'), tlv(2, 7, '1'), tlv(0)),
		"short chassis":  frame(tlv(1, 7), tlv(2, 7, '1'), tlv(3, 0, 1)),
		"short ttl":      frame(tlv(1, 7, '1'), tlv(2, 7, '1'), tlv(3, 1)),
		"overrun":        append(frame(tlv(1, 7, '1'), tlv(2, 7, '1'), tlv(3, 0, 1)), 0x0a, 0x20, 'x'),
		"cut in chassis": router[:5],
	}
	for name, b := range cases {
		c := dissecttest.Feed(lldp.Spec, &ep, dissecttest.Req(b...))
		if len(c.Msgs) != 1 || c.Msgs[0].Code != "malformed" || !c.Msgs[0].Error || len(c.Recs) != 0 {
			t.Errorf("%s: messages %+v, %d records", name, c.Msgs, len(c.Recs))
		}
	}
	// Minimal valid LLDPDU without End: accepted, IDs of unknown subtype
	// or non-text shown in hex.
	c := dissecttest.Feed(lldp.Spec, &ep, dissecttest.Req(frame(tlv(1, 9, 0xab), tlv(2, 2, 0xff, 0), tlv(3, 0, 0))...))
	if len(c.Msgs) != 1 || c.Msgs[0].Error {
		t.Fatalf("minimal: %+v", c.Msgs)
	}
	r := c.Recs[0].(*record.LLDP)
	if r.ChassisIDType != "subtype_9" || r.ChassisID != "ab" || r.PortIDType != "port_component" || r.PortID != "ff00" || r.TTL != 0 {
		t.Errorf("minimal record %+v", r)
	}
}

// TestRepeatedTLV: a second, empty Chassis ID and a second TTL (found by
// fuzzing) are ignored; the frame counts as an LLDPDU.
func TestRepeatedTLV(t *testing.T) {
	b := []byte("\x02\x06000000\x04\x06000000\x06\x0500000\x02\x00\x06\x02\x00\x01")
	c := dissecttest.Feed(lldp.Spec, &ep, dissecttest.Req(b...))
	if len(c.Msgs) != 1 || c.Msgs[0].Error || len(c.Recs) != 2 {
		t.Fatalf("messages %+v, %d records", c.Msgs, len(c.Recs))
	}
	r := c.Recs[0].(*record.LLDP)
	if r.ChassisIDType != "subtype_48" || r.ChassisID != "3030303030" || r.TTL != 0x3030 {
		t.Errorf("record %+v", r)
	}
}

func TestRole(t *testing.T) {
	for caps, want := range map[string]string{"": "", "bridge router": "router", "bridge": "switch", "station": "station", "telephone bridge": "switch", "wlan_ap": "access point"} {
		if got := lldp.Role(strings.Fields(caps)); got != want {
			t.Errorf("Role(%q) = %q, want %q", caps, got, want)
		}
	}
}

// TestNoAllocRepeat: a repeated announcement costs no allocation.
func TestNoAllocRepeat(t *testing.T) {
	p := lldp.NewParser()
	e := ep
	ctx := &dissect.Context{TS: 5, Ep: &e, Out: dissecttest.Nop{}}
	p.Parse(ctx, router)
	if n := testing.AllocsPerRun(1000, func() { p.Parse(ctx, router) }); n != 0 {
		t.Errorf("%v allocs per repeated frame", n)
	}
}

func BenchmarkParse(b *testing.B) {
	chunks := sensortest.Payloads(b, lldp.Spec, "profinet/profinet_io_cm_mixed_1.pcap")
	e := ep
	dissecttest.Replay(b, lldp.Spec, &e, chunks)
}

func FuzzParse(f *testing.F) {
	f.Add(router)
	for _, c := range sensortest.Payloads(f, lldp.Spec, "it/lldp.pcap") {
		f.Add(c.Data)
	}
	for _, c := range sensortest.Payloads(f, lldp.Spec, "modbus/mb2.pcap") {
		f.Add(c.Data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := lldp.NewParser()
		e := ep
		ctx := &dissect.Context{Ep: &e, Out: dissecttest.Nop{}}
		p.Parse(ctx, b)
		p.Parse(ctx, b)
	})
}

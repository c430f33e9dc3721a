package bacnet

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

var udpEp = dissect.Endpoints{Transport: dissect.UDP, OrigH: netip.MustParseAddr("10.0.0.1"),
	RespH: netip.MustParseAddr("10.0.0.2"), OrigP: 47808, RespP: 47808,
	OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}}

// feed runs datagrams through one parser; a dissect.Dir switches direction.
func feed(chunks ...any) *collector {
	c := &collector{}
	p := Spec.New()
	ep := udpEp
	dir := dissect.FromOrig
	for _, ch := range chunks {
		switch v := ch.(type) {
		case dissect.Dir:
			dir = v
		case []byte:
			p.Parse(&dissect.Context{TS: 1, Dir: dir, Ep: &ep, Out: c}, v)
		}
	}
	return c
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// bvlc wraps a payload in a BVLC header of function fn (ASHRAE 135, J.2).
func bvlc(fn byte, payload []byte) []byte {
	b := []byte{0x81, fn, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(4+len(payload)))
	return append(b, payload...)
}

// local is an NPDU header without routing information.
var local = []byte{0x01, 0x04}

type want struct {
	code, fn string
	dir      dissect.MsgDir
	err      bool
	detail   string
}

func check(t *testing.T, got []dissect.Message, w ...want) {
	t.Helper()
	if len(got) != len(w) {
		t.Fatalf("got %d messages %+v, want %d", len(got), got, len(w))
	}
	for i, m := range got {
		if m.Protocol != dissect.NameBACnet || m.Code != w[i].code || m.Function != w[i].fn || m.Dir != w[i].dir ||
			m.Error != w[i].err || m.Detail != w[i].detail {
			t.Errorf("message %d = %+v, want %+v", i, m, w[i])
		}
	}
}

func TestReadWriteProperty(t *testing.T) {
	// ReadProperty analog-input 7 present-value (85), its ComplexACK with a
	// REAL, WriteProperty binary-output 3 present-value, its SimpleACK.
	rp := cat(local, []byte{0x00, 0x05, 0x01, 0x0c, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x19, 0x55})
	rpAck := cat(local, []byte{0x30, 0x01, 0x0c, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x19, 0x55, 0x3e, 0x44, 0x42, 0x28, 0, 0, 0x3f})
	wp := cat(local, []byte{0x00, 0x05, 0x02, 0x0f, 0x0c, 0x01, 0x00, 0x00, 0x03, 0x19, 0x55, 0x3e, 0x91, 0x01, 0x3f})
	ack := cat(local, []byte{0x20, 0x02, 0x0f})
	c := feed(bvlc(0x0a, rp), dissect.FromResp, bvlc(0x0a, rpAck), dissect.FromOrig, bvlc(0x0a, wp),
		dissect.FromResp, bvlc(0x0a, ack))
	check(t, c.msgs,
		want{"0/12", "readProperty", dissect.Request, false, "analog-input prop=85"},
		want{"3/12", "readProperty", dissect.Response, false, "analog-input prop=85"},
		want{"0/15", "writeProperty", dissect.Request, false, "binary-output prop=85"},
		want{"2/15", "writeProperty", dissect.Response, false, ""})
	if c.msgs[1].Swap || c.msgs[0].Swap {
		t.Error("request/response in their natural directions must not be swapped")
	}
}

func TestErrorRejectAbort(t *testing.T) {
	// Error for reinitializeDevice (class services, code password-failure),
	// Reject (reason 5), Abort from the server (reason 4).
	c := feed(dissect.FromResp,
		bvlc(0x0a, cat(local, []byte{0x50, 0x01, 0x14, 0x91, 0x05, 0x91, 0x1a})),
		bvlc(0x0a, cat(local, []byte{0x60, 0x01, 0x05})),
		bvlc(0x0a, cat(local, []byte{0x71, 0x01, 0x04})))
	check(t, c.msgs,
		want{"5/20", "reinitializeDevice", dissect.Response, true, ""},
		want{"6", "Reject", dissect.Response, true, ""},
		want{"7", "Abort", dissect.Response, true, ""})
}

func TestSegmented(t *testing.T) {
	// A segmented ComplexACK: the first segment (sequence 0) names the
	// object, a later one (sequence 1) carries only value bytes; then the
	// client's SegmentACK.
	seg0 := cat(local, []byte{0x3c, 0x01, 0x00, 0x04, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x01, 0x19, 0x4c, 0x3e})
	seg1 := cat(local, []byte{0x38, 0x01, 0x01, 0x04, 0x0c, 0xc4, 0x00, 0x00, 0x00, 0x01, 0x3f})
	segAck := cat(local, []byte{0x40, 0x01, 0x01, 0x04})
	c := feed(dissect.FromResp, bvlc(0x0a, seg0), bvlc(0x0a, seg1), dissect.FromOrig, bvlc(0x0a, segAck))
	check(t, c.msgs,
		want{"3/12", "readProperty", dissect.Response, false, "device prop=76"},
		want{"3/12", "readProperty", dissect.Response, false, ""},
		want{"4", "SegmentACK", dissect.Request, false, ""})
}

func TestUnconfirmedAndIdentity(t *testing.T) {
	whoIs := cat(local, []byte{0x10, 0x08})
	// I-Am device 61, max APDU 480, segmented-both, vendor 42, from
	// network 13 behind a router (SNET 13, SLEN 1, SADR 61, DNET 0xffff).
	iAm := []byte{0x01, 0x28, 0xff, 0xff, 0x00, 0x00, 0x0d, 0x01, 0x3d, 0xfe,
		0x10, 0x00, 0xc4, 0x02, 0x00, 0x00, 0x3d, 0x22, 0x01, 0xe0, 0x91, 0x00, 0x21, 0x2a}
	covNotif := cat(local, []byte{0x10, 0x02, 0x09, 0x01, 0x1c, 0x02, 0x00, 0x00, 0x3d, 0x2c, 0x00, 0xc0, 0x00, 0x02, 0x39, 0x00})
	c := feed(bvlc(0x0b, whoIs), dissect.FromResp, bvlc(0x0b, iAm), bvlc(0x0a, covNotif))
	check(t, c.msgs,
		want{"1/8", "who-Is", dissect.Request, false, ""},
		want{"1/0", "i-Am", dissect.Indication, false, "device"},
		want{"1/2", "unconfirmedCOVNotification", dissect.Indication, false, "binary-input"})
	if len(c.recs) != 1 {
		t.Fatalf("got %d records, want 1", len(c.recs))
	}
	got := *c.recs[0].(*record.AssetID)
	w := record.AssetID{TS: 1, MAC: udpEp.RespMAC, IP: udpEp.RespH, Protocol: "bacnet",
		Message: "I-Am (max APDU 480)", Vendor: "Acuity Brands Lighting", Name: "device:61 net:13"}
	if got != w {
		t.Errorf("identity\n got %+v\nwant %+v", got, w)
	}
}

func TestReadPropertyIdentity(t *testing.T) {
	// ComplexACKs for device 1 vendor-name "JCI" in UCS-2 (as in
	// bacnet_test.pcap) and model-name "NAE" in UTF-8 with an array index.
	vendor := cat(local, []byte{0x30, 0x01, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x01, 0x19, 0x79, 0x3e,
		0x75, 0x07, 0x04, 0x00, 'J', 0x00, 'C', 0x00, 'I', 0x3f})
	model := cat(local, []byte{0x30, 0x02, 0x0c, 0x0c, 0x02, 0x00, 0x00, 0x01, 0x19, 0x46, 0x29, 0x00, 0x3e,
		0x74, 0x00, 'N', 'A', 'E', 0x3f})
	// Not the device object: no record.
	other := cat(local, []byte{0x30, 0x03, 0x0c, 0x0c, 0x00, 0x00, 0x00, 0x01, 0x19, 0x46, 0x3e, 0x72, 0x00, 'x', 0x3f})
	c := feed(dissect.FromResp, bvlc(0x0a, vendor), bvlc(0x0a, model), bvlc(0x0a, other))
	if len(c.msgs) != 3 || len(c.recs) != 2 {
		t.Fatalf("got %d messages, %d records", len(c.msgs), len(c.recs))
	}
	v, m := c.recs[0].(*record.AssetID), c.recs[1].(*record.AssetID)
	if v.Vendor != "JCI" || v.Message != "ReadProperty vendor-name" || v.Name != "device:1" ||
		m.Model != "NAE" || m.Message != "ReadProperty model-name" {
		t.Errorf("got %+v and %+v", *v, *m)
	}
}

func TestNetworkAndBVLCMessages(t *testing.T) {
	whoIsRouter := []byte{0x01, 0x80, 0x00}
	iAmRouter := []byte{0x01, 0x80, 0x01, 0x00, 0x0d}
	c := feed(bvlc(0x0b, whoIsRouter), dissect.FromResp, bvlc(0x0b, iAmRouter),
		dissect.FromOrig, bvlc(0x05, []byte{0x00, 0x3c}), dissect.FromResp, bvlc(0x00, []byte{0x00, 0x00}),
		bvlc(0x04, cat([]byte{10, 0, 0, 9, 0xba, 0xc0}, local, []byte{0x10, 0x08})))
	check(t, c.msgs,
		want{"npdu/00", "Who-Is-Router-To-Network", dissect.Request, false, ""},
		want{"npdu/01", "I-Am-Router-To-Network", dissect.Indication, false, ""},
		want{"bvlc/05", "Register-Foreign-Device", dissect.Request, false, ""},
		want{"bvlc/00", "BVLC-Result", dissect.Response, false, ""},
		want{"1/8", "who-Is", dissect.Request, false, ""})
}

func TestMalformed(t *testing.T) {
	c := feed([]byte{0x81, 0x0a}, bvlc(0x0a, []byte{0x02, 0x00}), bvlc(0x0a, cat(local, []byte{0x00, 0x05})),
		bvlc(0x0a, []byte{0x01, 0x20, 0x00}), bvlc(0x0a, cat(local, []byte{0x90, 0x00})))
	for _, m := range c.msgs {
		if m.Code != "malformed" || !m.Error {
			t.Errorf("got %+v, want malformed", m)
		}
	}
	if len(c.msgs) != 5 {
		t.Errorf("got %d messages, want 5", len(c.msgs))
	}
	// A BVLC length longer than the datagram is decoded as far as it goes,
	// as Wireshark does (bacnet_example.pcap frame 573).
	short := bvlc(0x0a, cat(local, []byte{0x50, 0x01, 0x14, 0x91, 0x05, 0x91, 0x1a}))
	short[3] += 4
	c = feed(short)
	check(t, c.msgs, want{"5/20", "reinitializeDevice", dissect.Response, true, ""})
}

func TestDetect(t *testing.T) {
	pos := [][]byte{
		bvlc(0x0b, cat(local, []byte{0x10, 0x08})),
		bvlc(0x05, []byte{0x00, 0x3c}),
		{0x81, 0x0a, 0x00, 0x11, 0x01, 0x04, 0x50, 0x01, 0x14, 0x91, 0x05, 0x91, 0x1a}, // length 17 in 13 bytes
	}
	for i, b := range pos {
		if !Detect(dissect.FromOrig, b) {
			t.Errorf("positive %d not detected", i)
		}
	}
	neg := [][]byte{
		nil,
		{0x81, 0x0a, 0x00},
		{0x82, 0x0a, 0x00, 0x06, 0x01, 0x04}, // BVLC for IPv6
		{0x81, 0x20, 0x00, 0x06, 0x01, 0x04}, // unknown function
		{0x81, 0x05, 0x00, 0x08, 0x00, 0x3c}, // length mismatch without NPDU
		{0x81, 0x0a, 0x00, 0x06, 0x02, 0x04}, // NPDU version 2
		{0x81, 0x0a, 0x00, 0x06, 0x01, 0x44}, // reserved control bit
		[]byte("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n"),
		{0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1}, // DNS
	}
	for i, b := range neg {
		if Detect(dissect.FromOrig, b) {
			t.Errorf("negative %d detected", i)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Detect(dissect.FromOrig, pos[0]) }); n != 0 {
		t.Errorf("Detect allocates %v times", n)
	}
}

func TestSteadyStateDoesNotAllocate(t *testing.T) {
	p := Spec.New()
	c := &collector{msgs: make([]dissect.Message, 0, 4096)}
	ep := udpEp
	rp := bvlc(0x0a, cat(local, []byte{0x00, 0x05, 0x01, 0x0c, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x19, 0x55}))
	ack := bvlc(0x0a, cat(local, []byte{0x30, 0x01, 0x0c, 0x0c, 0x00, 0x00, 0x00, 0x07, 0x19, 0x55, 0x3e, 0x44, 0x42, 0x28, 0, 0, 0x3f}))
	o := &dissect.Context{Dir: dissect.FromOrig, Ep: &ep, Out: c}
	r := &dissect.Context{Dir: dissect.FromResp, Ep: &ep, Out: c}
	p.Parse(o, rp)
	if n := testing.AllocsPerRun(200, func() { p.Parse(o, rp); p.Parse(r, ack) }); n != 0 {
		t.Errorf("steady state allocates %v times per request/response", n)
	}
}

func TestNames(t *testing.T) {
	if vendorName(5) != "Johnson Controls" || vendorName(9999) != "vendor 9999" {
		t.Error("vendor names")
	}
	if len(vendorNames) < 50 {
		t.Errorf("vendor table has %d entries, want at least 50", len(vendorNames))
	}
	if objectTypeName(0) != "analog-input" || objectTypeName(130) != "proprietary-130" || objectTypeName(100) != "object-type-100" {
		t.Error("object type names")
	}
}

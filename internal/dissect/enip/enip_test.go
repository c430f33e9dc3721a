package enip

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// collector is an Emitter that keeps copies of what it is given.
type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

var (
	tcpEp = dissect.Endpoints{Transport: dissect.TCP, OrigH: netip.MustParseAddr("10.0.0.1"),
		RespH: netip.MustParseAddr("10.0.0.2"), OrigP: 50000, RespP: 44818,
		OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}}
	udpEp = dissect.Endpoints{Transport: dissect.UDP, OrigH: netip.MustParseAddr("10.0.0.1"),
		RespH: netip.MustParseAddr("10.0.0.2"), OrigP: 2222, RespP: 2222}
)

// feed runs chunks through one parser, each with its direction.
func feed(ep dissect.Endpoints, chunks ...any) *collector {
	c := &collector{}
	p := Spec.New()
	dir := dissect.FromOrig
	for _, ch := range chunks {
		switch v := ch.(type) {
		case dissect.Dir:
			dir = v
		case []byte:
			ctx := &dissect.Context{TS: 1, Dir: dir, Ep: &ep, Out: c}
			p.Parse(ctx, v)
		}
	}
	return c
}

// encap builds an encapsulation message (CIP Vol. 2, 2-3).
func encap(cmd uint16, session, status uint32, data []byte) []byte {
	b := make([]byte, headerLen, headerLen+len(data))
	binary.LittleEndian.PutUint16(b, cmd)
	binary.LittleEndian.PutUint16(b[2:], uint16(len(data)))
	binary.LittleEndian.PutUint32(b[4:], session)
	binary.LittleEndian.PutUint32(b[8:], status)
	copy(b[12:20], "ctx12345")
	return append(b, data...)
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

// rrData wraps a CIP message in SendRRData: handle, timeout, null address
// item, unconnected data item.
func rrData(status uint32, cip []byte) []byte {
	return encap(cmdSendRRData, 0x1234, status, cat(make([]byte, 6), le16(2), le16(itemNull), le16(0),
		le16(itemUnconnData), le16(uint16(len(cip))), cip))
}

// unitData wraps a CIP message in SendUnitData: connected address item and
// connected data item with its sequence count.
func unitData(cip []byte) []byte {
	return encap(cmdSendUnitData, 0x1234, 0, cat(make([]byte, 6), le16(2), le16(itemConnAddress), le16(4),
		[]byte{1, 2, 3, 4}, le16(itemConnData), le16(uint16(2+len(cip))), le16(7), cip))
}

// request builds a message-router request with an 8-bit class/instance path.
func request(svc, class, inst uint8, data []byte) []byte {
	return cat([]byte{svc, 2, 0x20, class, 0x24, inst}, data)
}

func response(svc, status uint8, data []byte) []byte {
	return cat([]byte{svc | 0x80, 0, status, 0}, data)
}

type want struct {
	code, fn string
	dir      dissect.MsgDir
	err      bool
	detail   string
	swap     bool
}

func check(t *testing.T, got []dissect.Message, w ...want) {
	t.Helper()
	if len(got) != len(w) {
		t.Fatalf("got %d messages %+v, want %d", len(got), got, len(w))
	}
	for i, m := range got {
		if m.Protocol != dissect.NameENIP || m.Code != w[i].code || m.Function != w[i].fn || m.Dir != w[i].dir ||
			m.Error != w[i].err || m.Detail != w[i].detail || m.Swap != w[i].swap {
			t.Errorf("message %d = %+v, want %+v", i, m, w[i])
		}
	}
}

func TestSessionCommands(t *testing.T) {
	reg := encap(cmdRegister, 0, 0, []byte{1, 0, 0, 0})
	c := feed(tcpEp, reg, dissect.FromResp, encap(cmdRegister, 0x99, 0, []byte{1, 0, 0, 0}),
		dissect.FromOrig, encap(cmdListServices, 0x99, 0, nil), encap(cmdUnregister, 0x99, 0, nil),
		encap(cmdNOP, 0, 0, nil))
	check(t, c.msgs,
		want{"65", "RegisterSession", dissect.Request, false, "", false},
		want{"65", "RegisterSession", dissect.Response, false, "", false},
		want{"04", "ListServices", dissect.Request, false, "", false},
		want{"66", "UnRegisterSession", dissect.Request, false, "", false},
		want{"00", "NOP", dissect.Request, false, "", false})
}

func TestEncapsulationError(t *testing.T) {
	// Status 0x0064: invalid session handle.
	c := feed(tcpEp, dissect.FromResp, encap(cmdSendRRData, 7, 0x64, nil))
	check(t, c.msgs, want{"6f", "SendRRData", dissect.Response, true, "", false})
}

func TestUnconnectedSendUnwrapped(t *testing.T) {
	// Unconnected_Send to the Connection Manager carrying
	// Get_Attribute_Single class 0x01 instance 1, routed to port 1 slot 2.
	inner := request(0x0e, 0x01, 1, []byte{0x30, 0x07})
	us := request(0x52, 0x06, 1, cat([]byte{0x0a, 0xf0}, le16(uint16(len(inner))), inner, []byte{1, 0, 1, 2}))
	c := feed(tcpEp, rrData(0, us), dissect.FromResp, rrData(0, response(0x0e, 0, []byte{0x41, 0})),
		rrData(0, response(0x0e, 0x05, nil)), rrData(0, response(0x52, 0x01, []byte{0x04, 0x01})))
	check(t, c.msgs,
		want{"6f/0e", "Get_Attribute_Single", dissect.Request, false, "class=0x01 inst=1 route=1/2", false},
		want{"6f/0e", "Get_Attribute_Single", dissect.Response, false, "class=0x01 inst=1 route=1/2", false},
		want{"6f/0e", "Get_Attribute_Single", dissect.Response, true, "class=0x01 inst=1 route=1/2", false},
		want{"6f/52", "Unconnected_Send", dissect.Response, true, "class=0x06 inst=1", false})
}

func TestConnectionManager(t *testing.T) {
	c := feed(tcpEp,
		rrData(0, request(0x54, 0x06, 1, make([]byte, 36))),
		rrData(0, request(0x5b, 0x06, 1, make([]byte, 40))),
		rrData(0, request(0x4e, 0x06, 1, make([]byte, 12))),
		dissect.FromResp, rrData(0, response(0x54, 0, make([]byte, 26))),
		rrData(0, response(0x4e, 0, make([]byte, 10))))
	check(t, c.msgs,
		want{"6f/54", "Forward_Open", dissect.Request, false, "class=0x06 inst=1", false},
		want{"6f/5b", "Large_Forward_Open", dissect.Request, false, "class=0x06 inst=1", false},
		want{"6f/4e", "Forward_Close", dissect.Request, false, "class=0x06 inst=1", false},
		want{"6f/54", "Forward_Open", dissect.Response, false, "class=0x06 inst=1", false},
		want{"6f/4e", "Forward_Close", dissect.Response, false, "class=0x06 inst=1", false})
}

func TestLogixTags(t *testing.T) {
	// Read_Tag on the symbolic path "Motor" (odd length: one pad byte),
	// Write_Tag, Read_Tag_Fragmented on class 0x6b, then their replies.
	readTag := cat([]byte{0x4c, 4, 0x91, 5}, []byte("Motor"), []byte{0, 1, 0})
	writeTag := cat([]byte{0x4d, 3, 0x91, 4}, []byte("Pump"), []byte{0xc3, 0, 1, 0, 5, 0})
	frag := request(0x52, 0x6b, 3, []byte{1, 0, 0, 0, 0, 0})
	c := feed(tcpEp, unitData(readTag), unitData(writeTag), unitData(frag),
		dissect.FromResp, unitData(response(0x4c, 0, []byte{0xc3, 0, 9, 0})),
		unitData(response(0x4d, 0x04, nil)), unitData(response(0x52, 0x06, []byte{0xc3, 0})))
	check(t, c.msgs,
		want{"70/4c", "Read_Tag", dissect.Request, false, "tag=Motor", false},
		want{"70/4d", "Write_Tag", dissect.Request, false, "tag=Pump", false},
		want{"70/52", "Read_Tag_Fragmented", dissect.Request, false, "class=0x6b inst=3", false},
		want{"70/4c", "Read_Tag", dissect.Response, false, "tag=Motor", false},
		want{"70/4d", "Write_Tag", dissect.Response, true, "tag=Pump", false},
		want{"70/52", "Read_Tag_Fragmented", dissect.Response, true, "class=0x6b inst=3", false})
}

func TestMultipleServicePacket(t *testing.T) {
	a := request(0x0e, 0x01, 1, []byte{0x30, 1})
	b := cat([]byte{0x4c, 3, 0x91, 4}, []byte("Tank"), []byte{1, 0})
	d := request(0x10, 0xf5, 1, []byte{0x30, 5, 1})
	msp := request(0x0a, 0x02, 1, cat(le16(3), le16(8), le16(uint16(8+len(a))), le16(uint16(8+len(a)+len(b))), a, b, d))
	ra, rb := response(0x0e, 0, []byte{1, 0}), response(0x4c, 0x05, nil)
	mspResp := response(0x0a, 0x1e, cat(le16(2), le16(6), le16(uint16(6+len(ra))), ra, rb))
	c := feed(tcpEp, unitData(msp), dissect.FromResp, unitData(mspResp))
	check(t, c.msgs,
		want{"70/0a", "Multiple_Service_Packet", dissect.Request, false, "svc=0e,4c,10", false},
		want{"70/0a", "Multiple_Service_Packet", dissect.Response, true, "svc=0e,4c", false})
}

func TestCommonServices(t *testing.T) {
	c := feed(tcpEp,
		rrData(0, request(0x10, 0x8b, 1, []byte{0x30, 3, 1})),
		rrData(0, request(0x05, 0x01, 1, nil)),
		unitData(request(0x07, 0x8e, 1, nil)),
		rrData(0, request(0x4b, 0x67, 1, []byte{7})))
	check(t, c.msgs,
		want{"6f/10", "Set_Attribute_Single", dissect.Request, false, "class=0x8b inst=1", false},
		want{"6f/05", "Reset", dissect.Request, false, "class=0x01 inst=1", false},
		want{"70/07", "Stop", dissect.Request, false, "class=0x8e inst=1", false},
		want{"6f/4b", "Execute_PCCC", dissect.Request, false, "class=0x67 inst=1", false})
}

// TestSixteenBitPath covers 16-bit class and instance segments.
func TestSixteenBitPath(t *testing.T) {
	req := cat([]byte{0x0e, 4, 0x21, 0, 0x00, 0x03, 0x25, 0, 0x10, 0x27})
	c := feed(tcpEp, rrData(0, req))
	check(t, c.msgs, want{"6f/0e", "Get_Attribute_Single", dissect.Request, false, "class=0x0300 inst=10000", false})
}

func TestStreamReassembly(t *testing.T) {
	// Two messages in one segment, then one split over three segments.
	m1 := unitData(request(0x0e, 0x01, 1, nil))
	m2 := rrData(0, request(0x01, 0x01, 1, nil))
	m3 := unitData(request(0x4c, 0x6b, 2, nil))
	c := feed(tcpEp, cat(m1, m2), m3[:5], m3[5:30], m3[30:])
	if len(c.msgs) != 3 || c.msgs[2].Code != "70/4c" {
		t.Fatalf("got %+v", c.msgs)
	}
}

func TestMalformed(t *testing.T) {
	// A SendRRData whose CPF claims an item longer than the data, and one
	// whose CIP request announces a path longer than the item.
	bad := encap(cmdSendRRData, 1, 0, cat(make([]byte, 6), le16(1), le16(itemUnconnData), le16(40), []byte{1}))
	badCIP := rrData(0, []byte{0x0e, 9, 0x20})
	c := feed(tcpEp, bad, badCIP)
	check(t, c.msgs,
		want{"6f", "SendRRData", dissect.Request, true, "malformed", false},
		want{"6f", "SendRRData", dissect.Request, true, "malformed", false})
	// A truncated UDP datagram.
	c = feed(udpEp, encap(cmdListIdentity, 0, 0, nil)[:20])
	check(t, c.msgs, want{"malformed", "malformed", dissect.Request, true, "", false})
}

func TestIO(t *testing.T) {
	io := cat(le16(2), le16(itemSequencedAddr), le16(8), []byte{3, 6, 0x4b, 0, 0xdb, 0x94, 0x3f, 0},
		le16(itemConnData), le16(6), []byte{0xa5, 0x87, 0xe8, 0x0f, 3, 0})
	c := feed(udpEp, io, dissect.FromResp, io)
	check(t, c.msgs,
		want{"io", "io", dissect.Indication, false, "", false},
		want{"io", "io", dissect.Indication, false, "", false})
	if !Detect(dissect.FromOrig, io) || Detect(dissect.FromOrig, io[:len(io)-1]) {
		t.Error("Detect on I/O datagrams")
	}
}

// identityItem builds a ListIdentity CIP Identity item for a 1756-ENBT/A
// (vendor 1, device type 12, product code 58, revision 4.3).
func identityItem() []byte {
	body := cat(le16(1), []byte{0, 2, 0xaf, 0x12, 10, 1, 1, 164}, make([]byte, 8),
		le16(1), le16(12), le16(58), []byte{4, 3}, le16(0x0030), []byte{0x8e, 0x4d, 0x52, 0x00},
		[]byte{11}, []byte("1756-ENBT/A"), []byte{3})
	return cat(le16(1), le16(itemIdentity), le16(uint16(len(body))), body)
}

func TestListIdentity(t *testing.T) {
	ep := udpEp
	ep.OrigP, ep.RespP = 44818, 44818
	ep.RespMAC = record.MAC{0, 0x19, 7, 0x24, 0x3c, 0xca}
	c := feed(ep, encap(cmdListIdentity, 0, 0, nil), dissect.FromResp, encap(cmdListIdentity, 0, 0, identityItem()))
	check(t, c.msgs,
		want{"63", "ListIdentity", dissect.Request, false, "", false},
		want{"63", "ListIdentity", dissect.Response, false, "", false})
	if len(c.recs) != 1 {
		t.Fatalf("got %d records", len(c.recs))
	}
	got := *c.recs[0].(*record.AssetID)
	w := record.AssetID{TS: 1, MAC: ep.RespMAC, IP: ep.RespH, Protocol: "enip", Message: "ListIdentity",
		Vendor: "Rockwell Automation/Allen-Bradley", Product: "1756-ENBT/A",
		Model: "Communications Adapter, product code 58", Firmware: "4.3", Serial: "0x00524d8e",
		Role: "communications adapter"}
	if got != w {
		t.Errorf("identity\n got %+v\nwant %+v", got, w)
	}
	// A reply travelling from the flow's originator (the device answered a
	// broadcast and opened the flow) is keyed with the requester swapped.
	c = feed(ep, encap(cmdListIdentity, 0, 0, identityItem()))
	check(t, c.msgs, want{"63", "ListIdentity", dissect.Response, false, "", true})
}

func TestVendorAndDeviceNames(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{vendorName(1), "Rockwell Automation/Allen-Bradley"},
		{vendorName(47), "Omron"},
		{vendorName(161), "Mitsubishi Electric"},
		{vendorName(0x1234), "vendor 0x1234"},
		{deviceType(0x0e), "Programmable Logic Controller"},
		{deviceType(0x99), "device type 153"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if len(vendorNames) < 50 {
		t.Errorf("vendor table has %d entries, want at least 50", len(vendorNames))
	}
}

func TestDetect(t *testing.T) {
	pos := [][]byte{
		encap(cmdRegister, 0, 0, []byte{1, 0, 0, 0}),
		encap(cmdListIdentity, 0, 0, nil),
		rrData(0, request(0x01, 0x01, 1, nil)),
		cat(unitData(request(0x0e, 1, 1, nil)), unitData(request(0x0e, 1, 1, nil))),
	}
	for i, b := range pos {
		if !Detect(dissect.FromOrig, b) {
			t.Errorf("positive %d not detected", i)
		}
	}
	opts := encap(cmdRegister, 0, 0, []byte{1, 0, 0, 0})
	opts[20] = 1
	neg := [][]byte{
		nil,
		make([]byte, 24), // zeros: a NOP is not enough
		[]byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"),
		{0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		{0x00, 0x01, 0x00, 0x00, 0x00, 0x06, 0x01, 0x03, 0x00, 0x00, 0x00, 0x0a},                       // Modbus/TCP
		{0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0, 0, 0, 1, 0, 0xc1, 2, 1, 0, 0xc2, 2, 1, 2, 0xc0, 1, 10}, // TPKT/COTP
		encap(cmdRegister, 0, 0, []byte{2, 0, 0, 0}),                                                   // version 2
		opts,
		encap(0x50, 0, 0, nil),                 // unknown command
		encap(cmdListIdentity, 0, 0, nil)[:23], // short
		cat(encap(cmdListIdentity, 0, 0, nil), []byte{1}), // trailing byte
		encap(cmdSendUnitData, 0, 0, make([]byte, 16)),    // no session
	}
	for i, b := range neg {
		if Detect(dissect.FromOrig, b) {
			t.Errorf("negative %d detected", i)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Detect(dissect.FromOrig, pos[3]) }); n != 0 {
		t.Errorf("Detect allocates %v times", n)
	}
}

func TestSteadyStateDoesNotAllocate(t *testing.T) {
	p := Spec.New()
	c := &collector{msgs: make([]dissect.Message, 0, 4096)}
	ep := tcpEp
	msp := request(0x0a, 0x02, 1, cat(le16(1), le16(4), cat([]byte{0x4c, 3, 0x91, 4}, []byte("Tank"), []byte{1, 0})))
	req, resp := unitData(msp), unitData(response(0x0a, 0, cat(le16(1), le16(4), response(0x4c, 0, []byte{0xc3, 0, 1, 0}))))
	ctxO := &dissect.Context{Dir: dissect.FromOrig, Ep: &ep, Out: c}
	ctxR := &dissect.Context{Dir: dissect.FromResp, Ep: &ep, Out: c}
	p.Parse(ctxO, req)
	p.Parse(ctxR, resp)
	n := testing.AllocsPerRun(200, func() {
		p.Parse(ctxO, req)
		p.Parse(ctxR, resp)
	})
	if n != 0 {
		t.Errorf("steady state allocates %v times per request/response", n)
	}
}

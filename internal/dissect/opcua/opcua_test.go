package opcua

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

var tcpEp = dissect.Endpoints{Transport: dissect.TCP, OrigH: netip.MustParseAddr("10.0.0.1"),
	RespH: netip.MustParseAddr("10.0.0.2"), OrigP: 50000, RespP: 4840,
	OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}}

// feed runs chunks through one parser; a dissect.Dir switches direction.
func feed(chunks ...any) *collector {
	c := &collector{}
	p := Spec.New()
	ep := tcpEp
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

func u32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func str(s string) []byte { return cat(u32(uint32(len(s))), []byte(s)) }

// chunk builds a chunk header for typ/ct around body (Part 6, 7.1.2).
func chunk(typ string, ct byte, body []byte) []byte {
	return cat([]byte(typ), []byte{ct}, u32(uint32(8+len(body))), body)
}

// msg builds a MSG chunk: channel id, token id, sequence header, four-byte
// type id of service id, then rest.
func msg(ct byte, id uint16, rest []byte) []byte {
	return chunk("MSG", ct, cat(u32(1), u32(2), u32(3), u32(4), []byte{0x01, 0x00}, binary.LittleEndian.AppendUint16(nil, id), rest))
}

const policyNone = "http://opcfoundation.org/UA/SecurityPolicy#None"

// requestHeader is a minimal RequestHeader: null token, timestamp, handle,
// diagnostics, null audit id, timeout, null additional header.
var requestHeader = cat([]byte{0x00, 0x00}, make([]byte, 8), u32(1), u32(0), u32(0xffffffff), u32(10000), []byte{0x00, 0x00, 0x00})

// openRequest builds an OPN chunk with policy uri and an
// OpenSecureChannelRequest in mode.
func openRequest(policy string, mode uint32) []byte {
	return chunk("OPN", 'F', cat(u32(0), str(policy), u32(0xffffffff), u32(0xffffffff), u32(51), u32(1),
		[]byte{0x01, 0x00, 0xbe, 0x01}, requestHeader, u32(0), u32(0), u32(mode), u32(0xffffffff), u32(600000)))
}

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
		if m.Protocol != dissect.NameOPCUA || m.Code != w[i].code || m.Function != w[i].fn || m.Dir != w[i].dir ||
			m.Error != w[i].err || m.Detail != w[i].detail {
			t.Errorf("message %d = %+v, want %+v", i, m, w[i])
		}
	}
}

var hello = chunk("HEL", 'F', cat(u32(0), u32(65536), u32(65536), u32(0), u32(0), str("opc.tcp://plc:4840")))

func TestHandshakeAndServices(t *testing.T) {
	ack := chunk("ACK", 'F', cat(u32(0), u32(65536), u32(65536), u32(0), u32(0)))
	openResp := chunk("OPN", 'F', cat(u32(7), str(policyNone), u32(0xffffffff), u32(0xffffffff), u32(1), u32(1),
		[]byte{0x01, 0x00, 0xc1, 0x01}, make([]byte, 20)))
	c := feed(hello, dissect.FromResp, ack, dissect.FromOrig, openRequest(policyNone, 1),
		dissect.FromResp, openResp, dissect.FromOrig, msg('F', 631, make([]byte, 12)),
		dissect.FromResp, msg('F', 634, make([]byte, 12)), dissect.FromOrig, msg('F', 673, nil),
		chunk("CLO", 'F', cat(u32(1), u32(2), u32(3), u32(4), []byte{0x01, 0x00, 0xc4, 0x01})))
	check(t, c.msgs,
		want{"HEL", "Hello", dissect.Request, false, ""},
		want{"ACK", "Acknowledge", dissect.Response, false, ""},
		want{"OPN/446", "OpenSecureChannelRequest", dissect.Request, false, "policy=None mode=None"},
		want{"OPN/449", "OpenSecureChannelResponse", dissect.Response, false, "policy=None"},
		want{"MSG/631", "ReadRequest", dissect.Request, false, ""},
		want{"MSG/634", "ReadResponse", dissect.Response, false, ""},
		want{"MSG/673", "WriteRequest", dissect.Request, false, ""},
		want{"CLO/452", "CloseSecureChannelRequest", dissect.Request, false, ""})
}

func TestErrors(t *testing.T) {
	errMsg := chunk("ERR", 'F', cat(u32(0x80010000), str("bad")))
	fault := msg('F', 397, nil)
	abort := chunk("MSG", 'A', cat(u32(1), u32(2), u32(3), u32(4), u32(0x80010000), str("x")))
	c := feed(dissect.FromResp, errMsg, fault, abort)
	check(t, c.msgs,
		want{"ERR", "Error", dissect.Response, true, ""},
		want{"MSG/397", "ServiceFault", dissect.Response, true, ""},
		want{"MSG/abort", "Abort", dissect.Response, true, ""})
}

func TestEncryptedChannel(t *testing.T) {
	// A Basic256Sha256 channel: the OPN body and later MSG bodies are
	// ciphertext; only the policy is readable.
	opn := chunk("OPN", 'F', cat(u32(0), str("http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256"),
		str("CERT"), str("thumbprint0123456789"), []byte{0x9c, 0x3e, 0x11, 0x7a, 0x55, 0x01, 0xfe, 0x80, 0x13, 0x42, 0x77}))
	enc := chunk("MSG", 'F', cat(u32(1), u32(2), []byte{0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a}))
	c := feed(opn, enc)
	check(t, c.msgs,
		want{"OPN/encrypted", "Encrypted", dissect.Request, false, "policy=Basic256Sha256"},
		want{"MSG/encrypted", "Encrypted", dissect.Request, false, ""})
}

func TestChunkedMessage(t *testing.T) {
	// A ReadResponse in three chunks: C (with the type id), C, F; split
	// across TCP segments at odd places.
	first := msg('C', 634, make([]byte, 10))
	mid := chunk("MSG", 'C', cat(u32(1), u32(2), u32(4), u32(4), make([]byte, 30)))
	last := chunk("MSG", 'F', cat(u32(1), u32(2), u32(5), u32(4), make([]byte, 5)))
	stream := cat(first, mid, last)
	c := feed(dissect.FromResp, stream[:3], stream[3:40], stream[40:])
	check(t, c.msgs,
		want{"MSG/chunk", "Chunk", dissect.Response, false, ""},
		want{"MSG/chunk", "Chunk", dissect.Response, false, ""},
		want{"MSG/634", "ReadResponse", dissect.Response, false, ""})
}

func TestUnknownAndMalformed(t *testing.T) {
	c := feed(msg('F', 9999, nil),
		chunk("MSG", 'F', cat(u32(1), u32(2), u32(3), u32(4), []byte{0x03, 0x01, 0x00, 0x05, 0, 0, 0, 'x', 'y', 'z', 'z', 'y'})), // string type id
		chunk("OPN", 'F', cat(u32(0), u32(500)))) // policy longer than the chunk
	check(t, c.msgs,
		want{"MSG/other", "unknown", dissect.Request, false, ""},
		want{"malformed", "malformed", dissect.Request, true, ""},
		want{"malformed", "malformed", dissect.Request, true, ""})
}

func TestGapResynchronises(t *testing.T) {
	c := &collector{}
	p := Spec.New()
	ep := tcpEp
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: &ep, Out: c}
	r := msg('F', 631, make([]byte, 40))
	p.Parse(ctx, r[:20])
	p.(dissect.GapParser).Gap(ctx, 100)
	p.Parse(ctx, r[50:]) // the middle of a chunk: dropped
	p.Parse(ctx, r)      // the next segment starts a chunk
	check(t, c.msgs, want{"MSG/631", "ReadRequest", dissect.Request, false, ""})
}

func TestGetEndpointsIdentity(t *testing.T) {
	// ResponseHeader, one EndpointDescription for open62541's default
	// server (as in open62541_client-server_minimal.pcap).
	respHeader := cat(make([]byte, 8), u32(1), u32(0), []byte{0x00}, u32(0), []byte{0x00, 0x00, 0x00})
	app := cat(str("urn:open62541.server.application"), str("http://open62541.org"),
		[]byte{0x03}, str("en"), str("open62541-based OPC UA Application"), u32(0), u32(0xffffffff), u32(0xffffffff), u32(1), str("opc.tcp://plc:4840"))
	token := cat(str("open62541-anonymous-policy"), u32(0), u32(0xffffffff), u32(0xffffffff), str(policyNone))
	ep := cat(str("opc.tcp://plc:4840"), app, u32(0xffffffff), u32(1), str(policyNone), u32(1), token,
		str("http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary"), []byte{1})
	resp := msg('F', 431, cat(respHeader, u32(2), ep, ep))
	c := feed(dissect.FromResp, resp)
	check(t, c.msgs, want{"MSG/431", "GetEndpointsResponse", dissect.Response, false, ""})
	if len(c.recs) != 1 {
		t.Fatalf("got %d records, want 1 (two endpoints of one application)", len(c.recs))
	}
	got := *c.recs[0].(*record.AssetID)
	w := record.AssetID{TS: 1, MAC: tcpEp.RespMAC, IP: tcpEp.RespH, Protocol: "opcua", Message: "GetEndpointsResponse",
		Product: "open62541-based OPC UA Application", Model: "http://open62541.org",
		Name: "urn:open62541.server.application", Role: "OPC UA server"}
	if got != w {
		t.Errorf("identity\n got %+v\nwant %+v", got, w)
	}
}

func TestDetect(t *testing.T) {
	pos := [][]byte{hello, openRequest(policyNone, 1), msg('F', 631, nil), cat(msg('F', 631, nil), msg('F', 631, nil))}
	for i, b := range pos {
		if !Detect(dissect.FromOrig, b) {
			t.Errorf("positive %d not detected", i)
		}
	}
	badVersion := append([]byte(nil), hello...)
	badVersion[9] = 1
	neg := [][]byte{
		nil,
		hello[:20],                          // incomplete
		cat(hello, []byte{0}),               // trailing byte
		chunk("HEL", 'C', hello[8:]),        // HEL must be final
		chunk("MSG", 'X', make([]byte, 16)), // chunk type
		chunk("FOO", 'F', make([]byte, 16)), // message type
		chunk("MSG", 'F', make([]byte, 4)),  // too short for a MSG
		badVersion,                          // protocol version 256
		[]byte("HELO mail.example.com\r\n"), // SMTP
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		{0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0, 0, 0, 1, 0, 0xc1, 2, 1, 0, 0xc2, 2, 1, 2, 0xc0, 1, 10}, // TPKT
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
	req, resp := msg('F', 631, make([]byte, 30)), msg('F', 634, make([]byte, 30))
	o := &dissect.Context{Dir: dissect.FromOrig, Ep: &ep, Out: c}
	r := &dissect.Context{Dir: dissect.FromResp, Ep: &ep, Out: c}
	p.Parse(o, req)
	if n := testing.AllocsPerRun(200, func() { p.Parse(o, req); p.Parse(r, resp) }); n != 0 {
		t.Errorf("steady state allocates %v times per request/response", n)
	}
}

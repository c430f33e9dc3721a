package slmp

import (
	"encoding/hex"
	"net/netip"
	"strings"
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

type discard struct{}

func (discard) Message(*dissect.Context, *dissect.Message) {}
func (discard) Record(*dissect.Context, record.Record)     {}

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Frames built from SH-080956ENG (SLMP Reference Manual), chapter "Message
// format" (3E/4E headers: subheader, network no 00, station no FF, module
// I/O 03FF, multidrop 00, data length, monitoring timer 0010 = 4 s) and the
// request data layouts of chapter "Commands".
const (
	// Device Read (batch), words, D100, 10 points (Q/L device specification:
	// head 64 00 00, code A8, points 0A 00).
	binRead3E = "5000 00 FF FF03 00 0C00 1000 0104 0000 640000 A8 0A00"
	// Its response: end code 0000 and 10 words.
	binReadResp3E = "D000 00 FF FF03 00 1600 0000" + " 0100020003000400050006000700080009000A00"
	// The same request in ASCII: "D*", head "000100" (decimal), points 000A.
	asciiRead3E = "a:500000FF03FF000018001004010000D*000100000A"
	// Device Write (batch), bits, Y20 (hex-numbered), 4 points, iQ-R
	// specification (subcommand 0003: head 4 bytes, code 2 bytes).
	binWriteIQR = "5000 00 FF FF03 00 1000 1000 0114 0300 20000000 9D00 0400 11 11"
	// Remote Run in a 4E frame, serial 1234: mode 0001 (forced), clear mode 00.
	binRun4E     = "5400 3412 0000 00 FF FF03 00 0A00 1000 0110 0000 0100 00 00"
	binRun4EResp = "D400 3412 0000 00 FF FF03 00 0200 0000"
	// Read Type Name (0101) and its response: model "Q03UDVCPU" (16
	// characters, space padded), model code 0366 (little-endian).
	binTypeName     = "5000 00 FF FF03 00 0600 1000 0101 0000"
	binTypeNameResp = "D000 00 FF FF03 00 1400 0000 51303355445643505520202020202020 6603"
	// Error response: end code C051 and the error information (network 00,
	// station FF, module 03FF, drop 00, command 0401, subcommand 0000).
	binErrResp = "D000 00 FF FF03 00 0B00 51C0 00 FF FF03 00 0104 0000"
	// Remote Stop in ASCII 4E, serial 0001.
	asciiStop4E = "a:540000010000" + "00FF03FF00" + "0010" + "0010" + "1002" + "0000" + "0001"
)

func runParser(tb testing.TB, p dissect.Parser, tr dissect.Transport, dirs []dissect.Dir, frames ...string) *collector {
	c := &collector{}
	ep := &dissect.Endpoints{Transport: tr, OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2")}
	for i, f := range frames {
		b := frameBytes(tb, f)
		p.Parse(&dissect.Context{TS: 1, Dir: dirs[i%len(dirs)], Ep: ep, Out: c}, b)
	}
	return c
}

// frameBytes decodes a test frame: hex, or ASCII text after "a:".
func frameBytes(tb testing.TB, f string) []byte {
	if a, ok := strings.CutPrefix(f, "a:"); ok {
		return []byte(a)
	}
	return unhex(tb, f)
}

func TestSLMPFrames(t *testing.T) {
	reqResp := []dissect.Dir{dissect.FromOrig, dissect.FromResp}
	cases := []struct {
		name   string
		frames []string
		want   []dissect.Message
	}{
		{"batch read 3E binary", []string{binRead3E, binReadResp3E}, []dissect.Message{
			{Code: "0401/0000", Function: "Device Read (batch)", Dir: dissect.Request, Detail: "D100 n=10"},
			{Code: "0401/0000", Function: "Device Read (batch)", Dir: dissect.Response}}},
		{"batch read 3E ASCII", []string{asciiRead3E}, []dissect.Message{
			{Code: "0401/0000", Function: "Device Read (batch)", Dir: dissect.Request, Detail: "D100 n=10"}}},
		{"batch write iQ-R", []string{binWriteIQR}, []dissect.Message{
			{Code: "1401/0003", Function: "Device Write (batch)", Dir: dissect.Request, Detail: "Y20 n=4"}}},
		{"remote run 4E", []string{binRun4E, binRun4EResp}, []dissect.Message{
			{Code: "1001/0000", Function: "Remote Run", Dir: dissect.Request},
			{Code: "1001/0000", Function: "Remote Run", Dir: dissect.Response}}},
		{"error response", []string{binRead3E, binErrResp}, []dissect.Message{
			{Code: "0401/0000", Function: "Device Read (batch)", Dir: dissect.Request, Detail: "D100 n=10"},
			{Code: "0401/0000", Function: "Device Read (batch)", Dir: dissect.Response, Error: true, Detail: "end=C051"}}},
		{"error response without request", []string{binErrResp}, []dissect.Message{
			{Code: "0401/0000", Function: "Device Read (batch)", Dir: dissect.Response, Error: true, Detail: "end=C051", Swap: true}}},
		{"ascii 4E remote stop", []string{asciiStop4E}, []dissect.Message{
			{Code: "1002/0000", Function: "Remote Stop", Dir: dissect.Request}}},
	}
	for _, tc := range cases {
		for _, tr := range []dissect.Transport{dissect.TCP, dissect.UDP} {
			dirs := reqResp
			if len(tc.frames) == 1 && strings.Contains(tc.name, "without") {
				dirs = []dissect.Dir{dissect.FromOrig}
			}
			c := runParser(t, Spec.New(), tr, dirs, tc.frames...)
			if len(c.msgs) != len(tc.want) {
				t.Fatalf("%s/%v: %d messages: %+v", tc.name, tr, len(c.msgs), c.msgs)
			}
			for i, w := range tc.want {
				w.Protocol = dissect.NameSLMP
				if c.msgs[i] != w {
					t.Errorf("%s/%v #%d: got %+v, want %+v", tc.name, tr, i, c.msgs[i], w)
				}
			}
		}
	}
}

// TestSLMPStreaming feeds a request/response pair byte by byte over TCP.
func TestSLMPStreaming(t *testing.T) {
	p := Spec.New()
	c := &collector{}
	ep := &dissect.Endpoints{Transport: dissect.TCP}
	for i, f := range []string{binTypeName, binTypeNameResp} {
		for _, b := range unhex(t, f) {
			p.Parse(&dissect.Context{Dir: dissect.Dir(i), Ep: ep, Out: c}, []byte{b})
		}
	}
	if len(c.msgs) != 2 || c.msgs[1].Code != "0101/0000" || c.msgs[1].Function != "Read Type Name" {
		t.Fatalf("messages %+v", c.msgs)
	}
	if len(c.recs) != 1 {
		t.Fatalf("records %+v", c.recs)
	}
	a := c.recs[0].(*record.AssetID)
	if a.Model != "Q03UDVCPU" || a.Vendor != "Mitsubishi Electric" || a.Role != "PLC" || a.Message != "Read Type Name (model code 0366)" {
		t.Errorf("identity %+v", a)
	}
}

func TestSLMPMalformed(t *testing.T) {
	// A TCP stream that is not SLMP, a datagram with a length field longer
	// than the datagram, and a request too short for its command.
	for _, tc := range []struct {
		tr dissect.Transport
		in string
	}{
		{dissect.TCP, "474554202f20485454502f312e310d0a"},
		{dissect.UDP, "5000 00 FF FF03 00 2000 1000 0104 0000"},
		{dissect.UDP, "5000 00 FF FF03 00 0200 1000"},
	} {
		c := runParser(t, Spec.New(), tc.tr, []dissect.Dir{0}, tc.in)
		if len(c.msgs) != 1 || c.msgs[0].Code != "malformed" || !c.msgs[0].Error {
			t.Errorf("%s: %+v", tc.in, c.msgs)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, s := range []string{binRead3E, binReadResp3E, binRun4E, binTypeName, binErrResp, asciiRead3E, asciiStop4E} {
		if !detect(0, frameBytes(t, s)) {
			t.Errorf("not detected: %s", s)
		}
	}
	neg := [][]byte{
		[]byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n"),
		[]byte("500 Internal Server Error\r\n"),
		unhex(t, "5000 00 FF FF03 00 0C00 1000 9999 0000 640000 A8 0A00"), // unknown command
		unhex(t, "5000 00 FF 0010 00 0C00 1000 0104 0000 640000 A8 0A00"), // module I/O 1000
		unhex(t, binRead3E)[:15],
		// CC-Link IE Field Basic cyclic request (command 0E70), from
		// cclink_ief_basic_only.pcap: SLMP framing, not an SLMP command.
		unhex(t, "500000ffff030086000000700e0000010000002400"),
		// MELSOFT request from melsoft_UDP_clean_2.pcap.
		unhex(t, melsoftOpenReq),
		nil,
	}
	for _, p := range neg {
		if detect(0, p) {
			t.Errorf("detected %x", p)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	p := Spec.New()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.TCP}, Out: discard{}}
	req, resp := unhex(t, binRead3E), unhex(t, binReadResp3E)
	p.Parse(ctx, req)
	if n := testing.AllocsPerRun(200, func() {
		ctx.Dir = 0
		p.Parse(ctx, req)
		ctx.Dir = 1
		p.Parse(ctx, resp)
	}); n != 0 {
		t.Errorf("%.1f allocations per exchange", n)
	}
}

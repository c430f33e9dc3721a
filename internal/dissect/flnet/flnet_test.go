package flnet_test

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/flnet"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// cyclicFrame is the example frame of the Omron CS1W/CJ1W-FLN22 FL-net
// Units Operation Manual (W440), Appendix C "FL-net Header Format": node
// 11 (192.168.250.11, UDP 55003 → 55000 broadcast) sends 128 bytes of
// cyclic data with the token, TCD 0xFDE8 = 65000, TFL 200. The dump shows
// the header in full and the data up to its last non-zero byte; the rest
// of the 136 data bytes are zeros.
func cyclicFrame(tb testing.TB) []byte {
	hdr := unhex(tb, "4641434e 000000c8 0001000b 00020001 00070700 00000000 01000000 8000 0000 00000000 0a00 0000"+
		"fde8 0000 0028 0004 0280 0040 0000 8000 0101 00c8 6132 0002")
	data := make([]byte, 136)
	copy(data, unhex(tb, "5b91 0000 0000 0000 5b91"))
	return append(hdr, data...)
}

// message builds a 64-byte FL-net header (layout of the Omron manual's
// "Setting Data for FA Message Headers") with source node sna,
// transaction code tcd and response type mrlt, followed by body.
func message(sna byte, tcd uint16, mrlt byte, body []byte) []byte {
	b := make([]byte, 64+len(body))
	copy(b, "FACN")
	binary.BigEndian.PutUint32(b[4:], uint32(len(b)))
	binary.BigEndian.PutUint32(b[8:], 0x00010000|uint32(sna))
	binary.BigEndian.PutUint32(b[12:], 0x00010002)
	b[37] = mrlt
	binary.BigEndian.PutUint16(b[40:], tcd)
	copy(b[64:], body)
	return b
}

func TestFrames(t *testing.T) {
	cases := []struct {
		name   string
		b      []byte
		dir    dissect.Dir
		code   string
		fn     string
		mdir   dissect.MsgDir
		swap   bool
		isErr  bool
		detail string
	}{
		{"cyclic with token (Omron example)", cyclicFrame(t), dissect.FromOrig, "65000", "Token", dissect.Indication, false, false, "node 11"},
		{"cyclic", message(3, 65001, 0, make([]byte, 32)), dissect.FromOrig, "65001", "Cyclic", dissect.Indication, false, false, "node 3"},
		{"participation request", message(4, 65002, 0, nil), dissect.FromOrig, "65002", "Participation request", dissect.Indication, false, false, "node 4"},
		{"trigger", message(4, 65012, 0, nil), dissect.FromOrig, "65012", "Trigger", dissect.Indication, false, false, "node 4"},
		{"read word block", message(1, 65005, 0, make([]byte, 8)), dissect.FromOrig, "65005", "Read word block", dissect.Request, false, false, "node 1"},
		{"write word block", message(1, 65006, 0, make([]byte, 8)), dissect.FromOrig, "65006", "Write word block", dissect.Request, false, false, "node 1"},
		{"read byte block", message(1, 65003, 0, nil), dissect.FromOrig, "65003", "Read byte block", dissect.Request, false, false, "node 1"},
		{"write byte block", message(1, 65004, 0, nil), dissect.FromOrig, "65004", "Write byte block", dissect.Request, false, false, "node 1"},
		{"read network parameter", message(1, 65007, 0, nil), dissect.FromOrig, "65007", "Read network parameter", dissect.Request, false, false, "node 1"},
		{"write network parameter", message(1, 65008, 0, nil), dissect.FromOrig, "65008", "Write network parameter", dissect.Request, false, false, "node 1"},
		{"stop", message(1, 65009, 0, nil), dissect.FromOrig, "65009", "Stop command", dissect.Request, false, false, "node 1"},
		{"run", message(1, 65010, 0, nil), dissect.FromOrig, "65010", "Run command", dissect.Request, false, false, "node 1"},
		{"read profile", message(1, 65011, 0, nil), dissect.FromOrig, "65011", "Read profile", dissect.Request, false, false, "node 1"},
		{"read log", message(1, 65013, 0, nil), dissect.FromOrig, "65013", "Read log data", dissect.Request, false, false, "node 1"},
		{"clear log", message(1, 65014, 0, nil), dissect.FromOrig, "65014", "Clear log data", dissect.Request, false, false, "node 1"},
		{"echoback", message(1, 65015, 0, nil), dissect.FromOrig, "65015", "Echoback message", dissect.Request, false, false, "node 1"},
		{"vendor", message(1, 65016, 0, nil), dissect.FromOrig, "65016", "Vendor message", dissect.Request, false, false, "node 1"},
		{"request from responder side", message(1, 65005, 0, nil), dissect.FromResp, "65005", "Read word block", dissect.Request, true, false, "node 1"},
		{"read word block response", message(2, 65205, 0, make([]byte, 8)), dissect.FromResp, "65205", "Read word block", dissect.Response, false, false, "node 2"},
		{"response as flow originator", message(2, 65205, 0, nil), dissect.FromOrig, "65205", "Read word block", dissect.Response, true, false, "node 2"},
		// M_RLT 1: abnormal response; 2: service not supported.
		{"abnormal response", message(2, 65206, 1, nil), dissect.FromResp, "65206", "Write word block", dissect.Response, false, true, "node 2"},
		{"not supported", message(2, 65209, 2, nil), dissect.FromResp, "65209", "Stop command", dissect.Response, false, true, "node 2"},
		{"profile response", message(2, 65211, 0, nil), dissect.FromResp, "65211", "Read profile", dissect.Response, false, false, "node 2"},
		{"transparent", message(5, 10000, 0, nil), dissect.FromOrig, "transparent", "Transparent message", dissect.Indication, false, false, "node 5"},
		{"reserved 65100", message(5, 65100, 0, nil), dissect.FromOrig, "reserved", "Reserved", dissect.Indication, false, false, "node 5"},
		{"reserved 65212", message(5, 65212, 0, nil), dissect.FromOrig, "reserved", "Reserved", dissect.Indication, false, false, "node 5"},
		// Found by FuzzParse: codes above 65255 are outside the name table.
		{"reserved 65328", message(5, 65328, 0, nil), dissect.FromOrig, "reserved", "Reserved", dissect.Indication, false, false, "node 5"},
		{"reserved 65535", message(5, 65535, 0, nil), dissect.FromOrig, "reserved", "Reserved", dissect.Indication, false, false, "node 5"},
		{"reserved 62000", message(5, 62000, 0, nil), dissect.FromOrig, "reserved", "Reserved", dissect.Indication, false, false, "node 5"},
		{"short", []byte("FACN\x00\x00\x00\x08"), dissect.FromOrig, "malformed", "malformed", dissect.Indication, false, true, ""},
		{"wrong magic", append([]byte("FACX"), make([]byte, 60)...), dissect.FromOrig, "malformed", "malformed", dissect.Indication, false, true, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := parseAll(flnet.Spec, dissect.UDP, c.dir, c.b)
			if len(s.Msgs) != 1 {
				t.Fatalf("got %d messages, want 1", len(s.Msgs))
			}
			want := dissect.Message{Protocol: dissect.NameFLnet, Code: c.code, Function: c.fn, Dir: c.mdir,
				Swap: c.swap, Error: c.isErr, Detail: c.detail}
			if s.Msgs[0] != want {
				t.Errorf("got %+v\nwant %+v", s.Msgs[0], want)
			}
		})
	}
	// A TFL larger than the datagram marks a truncated frame.
	b := message(1, 65005, 0, nil)
	binary.BigEndian.PutUint32(b[4:], 200)
	if s := parseAll(flnet.Spec, dissect.UDP, dissect.FromOrig, b); !s.Msgs[0].Error || s.Msgs[0].Code != "65005" {
		t.Errorf("truncated: %+v", s.Msgs)
	}
}

func TestDetect(t *testing.T) {
	long := message(1, 65005, 0, nil)
	binary.BigEndian.PutUint32(long[4:], 100)
	cases := []struct {
		name string
		b    []byte
		want bool
	}{
		{"omron example", cyclicFrame(t), true},
		{"message", message(1, 65005, 0, []byte{1, 2}), true},
		{"length mismatch", long, false},
		{"short", []byte("FACN"), false},
		{"wrong magic", append([]byte("FACX\x00\x00\x00\x40"), make([]byte, 56)...), false},
		{"dns", unhex(t, "abcd01000001000000000000076578616d706c6503636f6d0000010001"), false},
	}
	for _, c := range cases {
		if got := flnet.Spec.Detect(dissect.FromOrig, c.b); got != c.want {
			t.Errorf("%s: Detect = %v, want %v", c.name, got, c.want)
		}
	}
	b := cyclicFrame(t)
	if n := testing.AllocsPerRun(100, func() { flnet.Spec.Detect(dissect.FromOrig, b) }); n != 0 {
		t.Errorf("Detect allocates %v times", n)
	}
}

// TestCorpus: no shared capture holds FL-net (none is public; tshark has no
// dissector), so the heuristic must accept no UDP datagram of any of them
// and the pipeline must report no flnet message.
func TestCorpus(t *testing.T) {
	var got []payload
	all := &dissect.Spec{Name: dissect.NameFLnet, UDPPorts: []uint16{1}, AnyPort: true,
		Detect: func(dissect.Dir, []byte) bool { return true },
		New:    func() dissect.Parser { return recorder{Chunks: &got} }}
	reg, err := dissect.NewRegistry(all)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range pcaptest.Files(t) {
		got = got[:0]
		if _, err := sensortest.Run(reg, f); err != nil {
			t.Fatal(err)
		}
		for _, p := range got {
			if flnet.Spec.Detect(p.Dir, p.Data) {
				t.Errorf("%s: Detect accepted a %d-byte datagram", f, len(p.Data))
			}
		}
	}
	reg, err = dissect.NewRegistry(flnet.Spec)
	if err != nil {
		t.Fatal(err)
	}
	for path, r := range sensortest.RunAll(t, reg) {
		if ps := r.Summary.Protocols[dissect.NameFLnet]; ps != nil {
			t.Errorf("%s: %d flnet messages, want 0", path, ps.Messages)
		}
	}
}

func TestAllocs(t *testing.T) {
	frames := [][]byte{cyclicFrame(t), message(1, 65005, 0, nil), message(2, 65205, 1, nil)}
	p := flnet.Spec.New()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: &nopSink{}}
	if n := testing.AllocsPerRun(200, func() {
		for _, f := range frames {
			p.Parse(ctx, f)
		}
	}); n != 0 {
		t.Errorf("parser allocates %v times per 3 frames", n)
	}
}

// FuzzParse feeds arbitrary bytes as datagrams in both directions; nothing
// may panic, and every datagram is one message.
func FuzzParse(f *testing.F) {
	f.Add(cyclicFrame(f))
	for _, tcd := range []uint16{65001, 65002, 65005, 65205, 10000, 65216} {
		f.Add(message(7, tcd, 1, []byte{1, 2, 3, 4}))
	}
	p := flnet.Spec.New()
	out := &sink{}
	ep := &dissect.Endpoints{Transport: dissect.UDP}
	f.Fuzz(func(t *testing.T, data []byte) {
		out.Msgs = out.Msgs[:0]
		flnet.Spec.Detect(dissect.FromOrig, data)
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, data)
		p.Parse(&dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: out}, data)
		if len(out.Msgs) != 2 {
			t.Fatalf("got %d messages for 2 datagrams", len(out.Msgs))
		}
	})
}

func BenchmarkParse(b *testing.B) {
	frames := [][]byte{cyclicFrame(b), message(1, 65005, 0, nil), message(2, 65205, 0, make([]byte, 16))}
	p := flnet.Spec.New()
	out := &nopSink{}
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: out}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range frames {
			p.Parse(ctx, f)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
}

package ethercat_test

import (
	"encoding/binary"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/ethercat"
	"github.com/otsight/otsight/internal/record"
)

func unhex(tb testing.TB, s string) []byte {
	tb.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// dg builds one datagram: command, address ADP/ADO, data length, more flag
// and working counter (layout per IEC 61158-4-12 / the EtherCAT datagram
// header: Cmd, Idx, ADP, ADO, Len|C|M, IRQ, data, WKC).
func dg(cmd byte, adp, ado uint16, n int, more bool, wkc uint16) []byte {
	b := make([]byte, 10+n+2)
	b[0], b[1] = cmd, 0x80
	binary.LittleEndian.PutUint16(b[2:], adp)
	binary.LittleEndian.PutUint16(b[4:], ado)
	l := uint16(n)
	if more {
		l |= 0x8000
	}
	binary.LittleEndian.PutUint16(b[6:], l)
	binary.LittleEndian.PutUint16(b[10+n:], wkc)
	return b
}

// frame prefixes datagrams with the frame header (length, type).
func frame(typ byte, dgs ...[]byte) []byte {
	var body []byte
	for _, d := range dgs {
		body = append(body, d...)
	}
	h := make([]byte, 2)
	binary.LittleEndian.PutUint16(h, uint16(len(body))|uint16(typ)<<12)
	return append(h, body...)
}

var (
	master = record.MAC{0x00, 0x14, 0x4f, 0x23, 0x98, 0xcf}
	back   = record.MAC{0x02, 0x14, 0x4f, 0x23, 0x98, 0xcf}
)

func run(frames ...struct {
	src record.MAC
	b   []byte
}) *sink {
	s := &sink{}
	p := ethercat.Spec.New()
	for _, f := range frames {
		ep := &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: f.src}
		p.Parse(&dissect.Context{Ep: ep, Out: s}, f.b)
	}
	return s
}

type fr = struct {
	src record.MAC
	b   []byte
}

func TestDatagrams(t *testing.T) {
	out := frame(1, dg(7, 0, 0x130, 2, true, 0), dg(1, 0xFFFF, 0x130, 2, true, 0), dg(4, 0x1001, 0x130, 2, true, 0), dg(12, 0, 0, 8, false, 0))
	in := frame(1, dg(7, 0, 0x130, 2, true, 5), dg(1, 0xFFFF, 0x130, 2, true, 1), dg(4, 0x1001, 0x130, 2, true, 1), dg(12, 0, 0, 8, false, 0))
	s := run(fr{master, out}, fr{back, in})
	want := []dissect.Message{
		{Code: "7", Function: "BRD", Dir: dissect.Request},
		{Code: "1", Function: "APRD", Dir: dissect.Request, Detail: "position 1"},
		{Code: "4", Function: "FPRD", Dir: dissect.Request, Detail: "station 0x1001"},
		{Code: "12", Function: "LRW", Dir: dissect.Request},
		{Code: "7", Function: "BRD", Dir: dissect.Response},
		{Code: "1", Function: "APRD", Dir: dissect.Response, Detail: "position 1"},
		{Code: "4", Function: "FPRD", Dir: dissect.Response, Detail: "station 0x1001"},
		// The LRW came back with working counter 0: no slave served it.
		{Code: "12", Function: "LRW", Dir: dissect.Response, Error: true},
	}
	if len(s.Msgs) != len(want) {
		t.Fatalf("got %d messages, want %d: %+v", len(s.Msgs), len(want), s.Msgs)
	}
	for i, w := range want {
		w.Protocol = dissect.NameEtherCAT
		if s.Msgs[i] != w {
			t.Errorf("message %d: got %+v, want %+v", i, s.Msgs[i], w)
		}
	}
	// Once the returning MAC is known, a frame from it with only zero
	// working counters is a response whose datagrams all failed.
	s = run(fr{back, in}, fr{back, frame(1, dg(5, 0x1002, 0x120, 2, true, 0), dg(0, 0, 0, 0, false, 0))})
	got := s.Msgs[4:]
	if len(got) != 2 || got[0].Dir != dissect.Response || !got[0].Error || got[0].Function != "FPWR" ||
		got[1].Function != "NOP" || got[1].Error {
		t.Errorf("learned returning MAC: got %+v", got)
	}
}

func TestFrames(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want []string // code per message
		errs int
	}{
		{"all commands", frame(1, dg(0, 0, 0, 0, true, 0), dg(2, 0, 0, 1, true, 0), dg(3, 0, 0, 1, true, 0), dg(5, 0, 0, 1, true, 0),
			dg(6, 0, 0, 1, true, 0), dg(8, 0, 0, 1, true, 0), dg(9, 0, 0, 1, true, 0), dg(10, 0, 0, 1, true, 0),
			dg(11, 0, 0, 1, true, 0), dg(13, 0, 0, 1, true, 0), dg(14, 0, 0, 1, false, 0)),
			[]string{"0", "2", "3", "5", "6", "8", "9", "10", "11", "13", "14"}, 0},
		{"reserved command", frame(1, dg(15, 0, 0, 0, false, 0)), []string{"reserved"}, 0},
		{"network variables", frame(4, []byte{1, 2, 3, 4}), []string{"nv"}, 0},
		{"mailbox gateway", frame(5, []byte{1, 2, 3, 4}), []string{"mailbox"}, 0},
		{"type 2", frame(2, []byte{1, 2}), []string{"reserved"}, 0},
		{"short", []byte{0x0c}, []string{"malformed"}, 1},
		{"length past frame", unhex(t, "2010 07 00"), []string{"malformed"}, 1},
		{"datagram past length", frame(1, dg(7, 0, 0, 4, false, 0)[:10]), []string{"malformed"}, 1},
		{"more flag without next", frame(1, dg(7, 0, 0, 2, true, 0)), []string{"7", "malformed"}, 1},
		// Ethernet padding after the frame's length is ignored.
		{"padding", append(frame(1, dg(7, 0, 0, 2, false, 0)), make([]byte, 30)...), []string{"7"}, 0},
	}
	for _, c := range cases {
		s := run(fr{master, c.b})
		var codes []string
		errs := 0
		for _, m := range s.Msgs {
			codes = append(codes, m.Code)
			if m.Error {
				errs++
			}
		}
		if strings.Join(codes, ",") != strings.Join(c.want, ",") || errs != c.errs {
			t.Errorf("%s: codes %v errors %d, want %v errors %d", c.name, codes, errs, c.want, c.errs)
		}
	}
}

func TestDetect(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		want bool
	}{
		{"command frame", frame(1, dg(7, 0, 0x130, 2, false, 0)), true},
		{"two datagrams", frame(1, dg(8, 0, 0x120, 2, true, 0), dg(1, 0, 0x130, 2, false, 0)), true},
		{"type 4", frame(4, dg(7, 0, 0x130, 2, false, 0)), false},
		{"reserved command", frame(1, dg(20, 0, 0x130, 2, false, 0)), false},
		{"datagram longer than frame", frame(1, dg(7, 0, 0x130, 2, false, 0))[:12], false},
		{"dns query", unhex(t, "abcd01000001000000000000076578616d706c6503636f6d0000010001"), false},
		{"empty", nil, false},
	}
	for _, c := range cases {
		if got := ethercat.Spec.Detect(dissect.FromOrig, c.b); got != c.want {
			t.Errorf("%s: Detect = %v, want %v", c.name, got, c.want)
		}
	}
	b := cases[0].b
	if n := testing.AllocsPerRun(100, func() { ethercat.Spec.Detect(dissect.FromOrig, b) }); n != 0 {
		t.Errorf("Detect allocates %v times", n)
	}
}

func TestUDP(t *testing.T) {
	s := &sink{}
	p := ethercat.Spec.New()
	ep := &dissect.Endpoints{Transport: dissect.UDP}
	req := frame(1, dg(4, 0x1001, 0x130, 2, false, 0))
	for _, d := range []dissect.Dir{dissect.FromOrig, dissect.FromResp, dissect.FromOrig} {
		p.Parse(&dissect.Context{Dir: d, Ep: ep, Out: s}, req)
	}
	p.Parse(&dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: s}, frame(1, dg(4, 0x1001, 0x130, 2, false, 1)))
	want := []struct {
		dir dissect.MsgDir
		err bool
	}{{dissect.Request, false}, {dissect.Response, true}, {dissect.Request, false}, {dissect.Response, false}}
	if len(s.Msgs) != len(want) {
		t.Fatalf("got %d messages", len(s.Msgs))
	}
	for i, w := range want {
		if m := s.Msgs[i]; m.Function != "FPRD" || m.Dir != w.dir || m.Error != w.err {
			t.Errorf("message %d: %+v, want dir %v error %v", i, m, w.dir, w.err)
		}
	}
}

func TestAllocs(t *testing.T) {
	out := frame(1, dg(7, 0, 0x130, 2, true, 0), dg(1, 0xFFFF, 0x130, 2, true, 0), dg(12, 0, 0, 8, false, 0))
	in := frame(1, dg(7, 0, 0x130, 2, true, 3), dg(1, 0xFFFF, 0x130, 2, true, 1), dg(12, 0, 0, 8, false, 3))
	p := ethercat.Spec.New()
	s := &nopSink{}
	c1 := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: master}, Out: s}
	c2 := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: back}, Out: s}
	p.Parse(c1, out)
	p.Parse(c2, in)
	if n := testing.AllocsPerRun(200, func() { p.Parse(c1, out); p.Parse(c2, in) }); n != 0 {
		t.Errorf("parser allocates %v times per frame pair", n)
	}
}

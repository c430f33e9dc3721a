package goose_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/goose"
	"github.com/otsight/otsight/internal/record"
)

type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

type nopEmitter struct{}

func (nopEmitter) Message(*dissect.Context, *dissect.Message) {}
func (nopEmitter) Record(*dissect.Context, record.Record)     {}

var pubMAC = record.MAC{0x00, 0xa0, 0xf4, 0x08, 0x2f, 0x77}

// el BER-encodes one element with a one-octet tag.
func el(tag byte, content []byte) []byte {
	out := []byte{tag}
	switch n := len(content); {
	case n < 0x80:
		out = append(out, byte(n))
	case n < 0x100:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, content...)
}

func cat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// frame builds the payload after the Ethertype: APPID, length, reserved 1,
// reserved 2 and the APDU (IEC 61850-8-1 Annex C / 9-2 5.3).
func frame(appid, res1 uint16, apdu []byte) []byte {
	n := 8 + len(apdu)
	return cat([]byte{byte(appid >> 8), byte(appid), byte(n >> 8), byte(n), byte(res1 >> 8), byte(res1), 0, 0}, apdu)
}

// gooseFrame builds a goosePdu shaped like the frames of GOOSE.pcap
// (gocbRef GEDeviceF650/LLN0$GO$gcb01, goID F650_GOOSE1).
func gooseFrame(stNum, sqNum, test byte, res1 uint16) []byte {
	pdu := cat(
		el(0x80, []byte("GEDeviceF650/LLN0$GO$gcb01")),
		el(0x81, []byte{0x00, 0x9c, 0x40}),
		el(0x82, []byte("GEDeviceF650/LLN0$GOOSE1")),
		el(0x83, []byte("F650_GOOSE1")),
		el(0x84, []byte{0x38, 0x6e, 0xbb, 0xf3, 0x42, 0x17, 0x28, 0x0a}),
		el(0x85, []byte{stNum}),
		el(0x86, []byte{sqNum}),
		el(0x87, []byte{test}),
		el(0x88, []byte{1}), el(0x89, []byte{0}), el(0x8a, []byte{1}),
		el(0xab, el(0x83, []byte{0})),
	)
	return frame(1, res1, el(0x61, pdu))
}

func run(frames ...[]byte) *collector {
	c := &collector{}
	p := goose.NewParser()
	for i, f := range frames {
		ctx := &dissect.Context{TS: record.Micros(i) * 1000, Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: pubMAC}, Out: c}
		p.Parse(ctx, f)
	}
	return c
}

func TestGOOSEStates(t *testing.T) {
	c := run(
		gooseFrame(1, 10, 0, 0), // first frame: publish
		gooseFrame(1, 11, 0, 0), // retransmission
		gooseFrame(2, 0, 0, 0),  // state change
		gooseFrame(2, 1, 1, 0),  // test flag set
		gooseFrame(2, 2, 0, 0x8000),
		frame(1, 0, el(0x60, []byte{0x02, 0x01, 0x00})), // not a goosePdu
		[]byte{0, 1, 0},                                 // truncated header
		frame(1, 0, el(0x61, el(0x81, []byte{1}))),      // no gocbRef/stNum
	)
	const ref = "GEDeviceF650/LLN0$GO$gcb01"
	want := []dissect.Message{
		{Code: "publish", Function: "GOOSE retransmission", Detail: ref},
		{Code: "publish", Function: "GOOSE retransmission", Detail: ref},
		{Code: "state_change", Function: "GOOSE state change", Detail: ref},
		{Code: "publish", Function: "GOOSE retransmission", Detail: ref + " (test)"},
		{Code: "publish", Function: "GOOSE retransmission", Detail: ref + " (test)"},
		{Code: "malformed", Function: "GOOSE", Error: true},
		{Code: "malformed", Function: "GOOSE", Error: true},
		{Code: "malformed", Function: "GOOSE", Error: true},
	}
	if len(c.msgs) != len(want) {
		t.Fatalf("got %d messages, want %d", len(c.msgs), len(want))
	}
	for i, w := range want {
		w.Protocol, w.Dir = dissect.NameGOOSE, dissect.Indication
		if c.msgs[i] != w {
			t.Errorf("message %d:\n got  %+v\n want %+v", i, c.msgs[i], w)
		}
	}
	// One identity per publisher per minute.
	if len(c.recs) != 1 {
		t.Fatalf("got %d records, want 1", len(c.recs))
	}
	got := *c.recs[0].(*record.AssetID)
	wantRec := record.AssetID{MAC: pubMAC, Protocol: dissect.NameGOOSE, Message: "GOOSE", Name: "F650_GOOSE1", Role: "IED"}
	if got != wantRec {
		t.Errorf("record:\n got  %+v\n want %+v", got, wantRec)
	}
}

// svFrame builds a savPdu (IEC 61850-9-2 8.5.2): noASDU [0], seqASDU [2]
// of ASDUs with svID [0], smpCnt [2], confRev [3], smpSynch [5], sample [7].
func svFrame(svID string) []byte {
	asdu := cat(el(0x80, []byte(svID)), el(0x82, []byte{0, 1}), el(0x83, []byte{0, 0, 0, 1}),
		el(0x85, []byte{1}), el(0x87, make([]byte, 64)))
	return frame(0x4000, 0, el(0x60, cat(el(0x80, []byte{1}), el(0xa2, el(0x30, asdu)))))
}

func TestSV(t *testing.T) {
	c := &collector{}
	p := goose.NewSVParser()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: pubMAC}, Out: c}
	p.Parse(ctx, svFrame("MU01/LLN0$SV$MSVCB01"))
	p.Parse(ctx, svFrame("MU01/LLN0$SV$MSVCB01"))
	p.Parse(ctx, frame(0x4000, 0, el(0x60, el(0x80, []byte{1}))))
	want := []dissect.Message{
		{Protocol: dissect.NameSV, Code: "sample", Function: "sampled values", Dir: dissect.Indication, Detail: "MU01/LLN0$SV$MSVCB01"},
		{Protocol: dissect.NameSV, Code: "sample", Function: "sampled values", Dir: dissect.Indication, Detail: "MU01/LLN0$SV$MSVCB01"},
		{Protocol: dissect.NameSV, Code: "malformed", Function: "sampled values", Dir: dissect.Indication, Error: true},
	}
	if len(c.msgs) != len(want) {
		t.Fatalf("got %d messages", len(c.msgs))
	}
	for i := range want {
		if c.msgs[i] != want[i] {
			t.Errorf("message %d:\n got  %+v\n want %+v", i, c.msgs[i], want[i])
		}
	}
	if len(c.recs) != 1 || c.recs[0].(*record.AssetID).Name != "MU01/LLN0$SV$MSVCB01" {
		t.Errorf("records %+v", c.recs)
	}
}

func TestNoAllocs(t *testing.T) {
	p := goose.NewParser()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: pubMAC}, Out: nopEmitter{}}
	a, b := gooseFrame(1, 1, 0, 0), gooseFrame(2, 0, 0, 0)
	p.Parse(ctx, a)
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, a); p.Parse(ctx, b) }); n != 0 {
		t.Errorf("GOOSE: %v allocations per 2 frames", n)
	}
	sv := goose.NewSVParser()
	f := svFrame("MU01")
	sv.Parse(ctx, f)
	if n := testing.AllocsPerRun(100, func() { sv.Parse(ctx, f) }); n != 0 {
		t.Errorf("SV: %v allocations per frame", n)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(gooseFrame(1, 1, 0, 0))
	f.Add(svFrame("MU01"))
	f.Add(frame(1, 0, el(0x60, nil)))
	f.Add([]byte{0, 1, 0, 8, 0, 0, 0, 0, 0x61, 0x84, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: pubMAC}, Out: nopEmitter{}}
		p := goose.NewParser()
		p.Parse(ctx, b)
		p.Parse(ctx, b)
		goose.NewSVParser().Parse(ctx, b)
	})
}

// BenchmarkParse: one GOOSE frame per iteration.
func BenchmarkParse(b *testing.B) {
	p := goose.NewParser()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: pubMAC}, Out: nopEmitter{}}
	fr := gooseFrame(1, 1, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		p.Parse(ctx, fr)
	}
}

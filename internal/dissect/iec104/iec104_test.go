package iec104_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/iec104"
)

// apdu frames the control field and ASDU bytes with the start octet and length.
func apdu(b ...byte) []byte { return append([]byte{0x68, byte(len(b))}, b...) }

// iFrame builds an I-format APDU (send 0, receive 0) with an ASDU header:
// type id, one object, cause of transmission octet, originator 0, common
// address ca, then one IOA and the given element bytes.
func iFrame(typ, cot byte, ca uint16, elem ...byte) []byte {
	b := []byte{0, 0, 0, 0, typ, 1, cot, 0, byte(ca), byte(ca >> 8), 1, 0, 0}
	return apdu(append(b, elem...)...)
}

type want struct {
	code, function, detail string
	dir                    dissect.MsgDir
	err, swap              bool
}

func check(t *testing.T, got []dissect.Message, ws ...want) {
	t.Helper()
	if len(got) != len(ws) {
		t.Fatalf("got %d messages %+v, want %d", len(got), got, len(ws))
	}
	for i, w := range ws {
		g := got[i]
		gw := want{g.Code, g.Function, g.Detail, g.Dir, g.Error, g.Swap}
		if g.Protocol != dissect.NameIEC104 || gw != w {
			t.Errorf("message %d: got %+v (%s), want %+v", i, gw, g.Protocol, w)
		}
	}
}

func TestFrames(t *testing.T) {
	tests := []struct {
		name   string
		chunks []chunk
		want   []want
	}{
		{"U frames", []chunk{
			req(apdu(0x07, 0, 0, 0)...), resp(apdu(0x0b, 0, 0, 0)...),
			resp(apdu(0x43, 0, 0, 0)...), req(apdu(0x83, 0, 0, 0)...),
			req(apdu(0x13, 0, 0, 0)...), resp(apdu(0x23, 0, 0, 0)...),
			req(apdu(0x0f, 0, 0, 0)...),
		}, []want{
			{"U/07", "STARTDT act", "", dissect.Request, false, false},
			{"U/0b", "STARTDT con", "", dissect.Response, false, false},
			// TESTFR act from the controlled station: a request by the responder.
			{"U/43", "TESTFR act", "", dissect.Request, false, true},
			{"U/83", "TESTFR con", "", dissect.Response, false, true},
			{"U/13", "STOPDT act", "", dissect.Request, false, false},
			{"U/23", "STOPDT con", "", dissect.Response, false, false},
			{"U/0f", "unknown", "", dissect.Indication, false, false},
		}},
		{"S frame", []chunk{req(apdu(0x01, 0, 0x0a, 0)...)}, []want{
			{"S", "Supervisory", "", dissect.Indication, false, false},
		}},
		{"single command select, confirm, terminate", []chunk{
			req(iFrame(45, 6, 1, 0x81)...), resp(iFrame(45, 7, 1, 0x81)...), resp(iFrame(45, 10, 1, 0x81)...),
		}, []want{
			{"45", "C_SC_NA_1", "cot=act ca=1", dissect.Request, false, false},
			{"45", "C_SC_NA_1", "cot=actcon ca=1", dissect.Response, false, false},
			{"45", "C_SC_NA_1", "cot=actterm ca=1", dissect.Response, false, false},
		}},
		{"negative confirmation and unknown-address reply are errors", []chunk{
			resp(iFrame(46, 0x47, 3, 0x01)...), resp(iFrame(100, 46, 0xfffe, 20)...),
		}, []want{
			{"46", "C_DC_NA_1", "cot=actcon ca=3 neg", dissect.Response, true, false},
			{"100", "C_IC_NA_1", "cot=unknown common address ca=65534", dissect.Response, true, false},
		}},
		{"monitor direction and interrogation replies", []chunk{
			resp(iFrame(30, 3, 7, 1, 0, 0, 0, 0, 0, 0, 0)...), resp(iFrame(1, 20, 7, 1)...),
			resp(iFrame(13, 0x81, 7, 0, 0, 0, 0, 0)...), resp(iFrame(70, 4, 7, 0)...),
			resp(iFrame(99, 3, 7)...),
		}, []want{
			{"30", "M_SP_TB_1", "cot=spont ca=7", dissect.Indication, false, false},
			{"1", "M_SP_NA_1", "cot=inrogen ca=7", dissect.Response, false, false},
			{"13", "M_ME_NC_1", "cot=per/cyc ca=7 test", dissect.Indication, false, false},
			{"70", "M_EI_NA_1", "cot=init ca=7", dissect.Indication, false, false},
			{"99", "unknown", "cot=spont ca=7", dissect.Indication, false, false},
		}},
		{"I frame without ASDU header", []chunk{req(apdu(0, 0, 0, 0, 100, 1)...)}, []want{
			{"malformed", "malformed", "", dissect.Indication, true, false},
		}},
		{"APDUs split across and packed into segments", []chunk{
			req(iFrame(100, 6, 1, 20)[:5]...),
			req(append(iFrame(100, 6, 1, 20)[5:], apdu(0x01, 0, 2, 0)...)...),
		}, []want{
			{"100", "C_IC_NA_1", "cot=act ca=1", dissect.Request, false, false},
			{"S", "Supervisory", "", dissect.Indication, false, false},
		}},
		{"bytes out of sync are dropped, the next segment resyncs", []chunk{
			req(0x16, 0x03, 0x01, 0, 5), req(apdu(0x07, 0, 0, 0)...),
		}, []want{
			{"U/07", "STARTDT act", "", dissect.Request, false, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, run(tcpEp(), tt.chunks...).Msgs, tt.want...)
		})
	}
}

// A connection seen the wrong way round (originator on 2404): commands come
// from the responder side and are reported swapped.
func TestReversedConnection(t *testing.T) {
	ep := tcpEp()
	ep.OrigP, ep.RespP = iec104.Port, 40000
	check(t, run(ep, resp(iFrame(45, 6, 1, 1)...), req(iFrame(45, 7, 1, 1)...)).Msgs,
		want{"45", "C_SC_NA_1", "cot=act ca=1", dissect.Request, false, true},
		want{"45", "C_SC_NA_1", "cot=actcon ca=1", dissect.Response, false, true})
}

func TestGapResync(t *testing.T) {
	p := iec104.Spec.New()
	c := &collector{}
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: tcpEp(), Out: c}
	p.Parse(ctx, iFrame(100, 6, 1, 20)[:8])
	p.(dissect.GapParser).Gap(ctx, 40)
	p.Parse(ctx, apdu(0x43, 0, 0, 0))
	check(t, c.Msgs, want{"U/43", "TESTFR act", "", dissect.Request, false, false})
}

func TestDetect(t *testing.T) {
	yes := map[string][]byte{
		"STARTDT act":    apdu(0x07, 0, 0, 0),
		"S frame":        apdu(0x01, 0, 0x10, 0),
		"interrogation":  iFrame(100, 6, 1, 20),
		"I and S frames": append(iFrame(30, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0), apdu(0x01, 0, 2, 0)...),
	}
	no := map[string][]byte{
		"empty":               nil,
		"two U functions":     apdu(0x0f, 0, 0, 0),
		"U with sequence":     apdu(0x07, 0, 1, 0),
		"S with junk":         apdu(0x01, 1, 0, 0),
		"I unknown type":      iFrame(99, 3, 1),
		"I cause 0":           iFrame(1, 0, 1, 1),
		"I without ASDU":      apdu(0, 0, 0, 0),
		"length beyond data":  apdu(0x07, 0, 0, 0)[:5],
		"trailing byte":       append(apdu(0x07, 0, 0, 0), 0x68),
		"HTTP":                []byte("GET / HTTP/1.1\r\nHost: rtu\r\n\r\n"),
		"Modbus read request": {0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10},
		"DNP3 link header":    {0x05, 0x64, 0x05, 0xc9, 0x03, 0x00, 0x04, 0x00, 0xbd, 0x71},
		"TPKT/COTP (S7)":      {0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00, 0xc1},
		// 'h' starts plenty of text: "hello" must not pass as an APDU.
		"text starting with h": []byte("hello\x04world"),
	}
	for name, b := range yes {
		if !iec104.Detect(dissect.FromOrig, b) {
			t.Errorf("Detect(%s) = false, want true", name)
		}
	}
	for name, b := range no {
		if iec104.Detect(dissect.FromOrig, b) {
			t.Errorf("Detect(%s) = true, want false", name)
		}
	}
	if n := testing.AllocsPerRun(100, func() { iec104.Detect(dissect.FromOrig, yes["I and S frames"]) }); n != 0 {
		t.Errorf("Detect allocates %.0f times", n)
	}
}

// TestNoAllocs checks that steady traffic costs no allocation once its
// detail text is cached.
func TestNoAllocs(t *testing.T) {
	p := iec104.Spec.New()
	ep := tcpEp()
	spont, ack := iFrame(13, 3, 1, 0, 0, 0, 0, 0), apdu(0x01, 0, 2, 0)
	cs := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: nopEmitter{}}
	cq := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: nopEmitter{}}
	p.Parse(cs, spont)
	if n := testing.AllocsPerRun(1000, func() { p.Parse(cs, spont); p.Parse(cq, ack) }); n != 0 {
		t.Errorf("%.1f allocations per APDU pair, want 0", n)
	}
}

// seedFiles are the captures whose payloads seed the fuzzer.
var seedFiles = []string{"iec104/iec104.pcap", "iec104/090813_diverse.pcap"}

func FuzzParse(f *testing.F) {
	for _, file := range seedFiles {
		for _, ch := range capturePayloads(f, file) {
			f.Add(ch.Data, uint8(ch.Dir), uint16(len(ch.Data)/2))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, dir uint8, cut uint16) {
		iec104.Detect(dissect.Dir(dir&1), b)
		p := iec104.Spec.New()
		ctx := &dissect.Context{Dir: dissect.Dir(dir & 1), Ep: tcpEp(), Out: &collector{}}
		k := int(cut) % (len(b) + 1)
		p.Parse(ctx, b[:k])
		p.Parse(ctx, b[k:])
		ctx.Dir ^= 1
		p.Parse(ctx, b)
		p.(dissect.GapParser).Gap(ctx, 3)
		p.Parse(ctx, b)
	})
}

// BenchmarkParse replays the payloads of JavaRMI_and_IEC_Misc.pcap (an
// outstation answering interrogations, with keep-alive TESTFR) through one
// warm parser and reports the cost per APDU.
func BenchmarkParse(b *testing.B) {
	chunks := capturePayloads(b, "iec104/JavaRMI_and_IEC_Misc.pcap")
	dissecttest.Replay(b, iec104.Spec, tcpEp(), chunks)
}

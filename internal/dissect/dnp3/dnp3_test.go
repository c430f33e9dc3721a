package dnp3_test

import (
	"encoding/hex"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/dnp3"
)

// crc is a bit-by-bit DNP3 CRC (IEEE 1815, 9.2.5: generator 0x3D65, bits
// processed LSB first, result complemented), independent of the package's
// table-driven one.
func crc(b []byte) [2]byte {
	var c uint16
	for _, v := range b {
		for i := range 8 {
			bit := (c ^ uint16(v>>i)) & 1
			c >>= 1
			if bit != 0 {
				c ^= 0xa6bc
			}
		}
	}
	c = ^c
	return [2]byte{byte(c), byte(c >> 8)}
}

// frame builds a link frame with its header and block CRCs.
func frame(ctl byte, dst, src uint16, user ...byte) []byte {
	h := []byte{0x05, 0x64, byte(5 + len(user)), ctl, byte(dst), byte(dst >> 8), byte(src), byte(src >> 8)}
	c := crc(h)
	b := append(h, c[0], c[1])
	for len(user) > 0 {
		n := min(len(user), 16)
		c := crc(user[:n])
		b = append(append(b, user[:n]...), c[0], c[1])
		user = user[n:]
	}
	return b
}

// data wraps a transport header and application bytes in a primary
// UNCONFIRMED_USER_DATA frame from master 1 to outstation 10.
func data(th byte, app ...byte) []byte { return frame(0xc4, 10, 1, append([]byte{th}, app...)...) }

// resp is data from outstation 10 to master 1.
func rdata(th byte, app ...byte) []byte { return frame(0x44, 1, 10, append([]byte{th}, app...)...) }

func unhex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
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
		if g.Protocol != dissect.NameDNP3 || gw != w {
			t.Errorf("message %d: got %+v (%s), want %+v", i, gw, g.Protocol, w)
		}
	}
}

func TestFrames(t *testing.T) {
	big := make([]byte, 300) // a response of 302 octets needs two segments
	big[0], big[1] = 0xc0, 0x81
	big[4], big[5], big[6] = 30, 1, 0x00
	tests := []struct {
		name   string
		chunks []chunk
		want   []want
	}{
		// Real frames from dnp3_link_only.pcap (frames 1, 2) and
		// cold_restart_and_response.pcap (frames 4, 6).
		{"link status poll", []chunk{
			req(unhex("05640549640001007e5f")...), resp(unhex("0564058b01006400a097")...),
		}, []want{
			{"link/49", "REQUEST_LINK_STATUS", "src=1 dst=100", dissect.Request, false, false},
			{"link/0b", "LINK_STATUS", "src=100 dst=1", dissect.Response, false, false},
		}},
		{"cold restart refused with IIN2 NO_FUNC_CODE_SUPPORT", []chunk{
			req(unhex("056408c40a000100fc42c0c00d9c86")...), resp(unhex("05640a4401000a006e25c0c0810001c2de")...),
		}, []want{
			{"13", "COLD_RESTART", "src=1 dst=10", dissect.Request, false, false},
			{"129", "RESPONSE", "src=10 dst=1 iin=NO_FUNC_CODE_SUPPORT", dissect.Response, true, false},
		}},
		{"read class data and response with objects", []chunk{
			req(data(0xc1, 0xc2, 0x01, 60, 2, 0x06, 60, 3, 0x06)...),
			resp(rdata(0xc1, 0xc2, 0x81, 0x90, 0x00, 1, 2, 0x00, 0, 0, 0x01)...),
			resp(rdata(0xc2, 0xc3, 0x81, 0x00, 0x06, 12, 1, 0x17)...),
		}, []want{
			{"1", "READ", "src=1 dst=10 g60v2", dissect.Request, false, false},
			{"129", "RESPONSE", "src=10 dst=1 g1v2", dissect.Response, false, false},
			{"129", "RESPONSE", "src=10 dst=1 g12v1 iin=OBJECT_UNKNOWN|PARAMETER_ERROR", dissect.Response, true, false},
		}},
		{"fragment over segments whose sequence wraps from 63 to 0", []chunk{
			resp(rdata(0x40|63, big[:249]...)...), resp(rdata(0x80|0, big[249:]...)...),
		}, []want{
			{"129", "RESPONSE", "src=10 dst=1 g30v1", dissect.Response, false, false},
		}},
		{"a segment out of sequence drops the fragment", []chunk{
			resp(rdata(0x40|5, big[:249]...)...), resp(rdata(0x80|7, big[249:]...)...),
			resp(rdata(0x80|8, big[249:]...)...),
		}, nil},
		{"unsolicited response, confirm, select and operate", []chunk{
			resp(rdata(0xc0, 0xf0, 0x82, 0x80, 0x00)...), req(data(0xc0, 0xd0, 0x00)...),
			req(data(0xc1, 0xc1, 0x03, 12, 1, 0x28, 1, 0, 0, 0)...), req(data(0xc2, 0xc2, 0x04, 12, 1, 0x28, 1, 0, 0, 0)...),
			req(data(0xc3, 0xc3, 0x20, 120, 1)...), req(data(0xc4, 0xc4, 0x63)...),
		}, []want{
			{"130", "UNSOLICITED_RESPONSE", "src=10 dst=1", dissect.Indication, false, false},
			{"0", "CONFIRM", "src=1 dst=10", dissect.Request, false, false},
			{"3", "SELECT", "src=1 dst=10 g12v1", dissect.Request, false, false},
			{"4", "OPERATE", "src=1 dst=10 g12v1", dissect.Request, false, false},
			{"32", "AUTHENTICATE_REQ", "src=1 dst=10 g120v1", dissect.Request, false, false},
			{"99", "unknown", "src=1 dst=10", dissect.Request, false, false},
		}},
		{"link reset, ACK, NACK and NOT_SUPPORTED", []chunk{
			req(frame(0xc0, 10, 1)...), resp(frame(0x00, 1, 10)...), resp(frame(0x01, 1, 10)...), resp(frame(0x0f, 1, 10)...),
		}, []want{
			{"link/40", "RESET_LINK_STATES", "src=1 dst=10", dissect.Request, false, false},
			{"link/00", "ACK", "src=10 dst=1", dissect.Response, false, false},
			{"link/01", "NACK", "src=10 dst=1", dissect.Response, true, false},
			{"link/0f", "NOT_SUPPORTED", "src=10 dst=1", dissect.Response, true, false},
		}},
		{"user data of a secondary frame is not a segment", []chunk{
			resp(frame(0x00, 1, 10, 0xc0, 0xc0, 0x81, 0, 0)...),
		}, nil},
		{"bad data CRC is malformed", []chunk{
			req(func() []byte { b := data(0xc0, 0xc0, 0x01); b[len(b)-1] ^= 1; return b }()...),
		}, []want{
			{"malformed", "malformed", "", dissect.Indication, true, false},
		}},
		{"bad header CRC is malformed, the next segment resyncs", []chunk{
			req(func() []byte { b := data(0xc0, 0xc0, 0x01); b[8] ^= 1; return b }()...),
			req(data(0xc0, 0xc1, 0x01)...),
		}, []want{
			{"malformed", "malformed", "", dissect.Indication, true, false},
			{"1", "READ", "src=1 dst=10", dissect.Request, false, false},
		}},
		{"fragment of one octet is malformed", []chunk{req(data(0xc0, 0xc0)...)}, []want{
			{"malformed", "malformed", "", dissect.Indication, true, false},
		}},
		{"frames split across and packed into segments", []chunk{
			req(data(0xc0, 0xc0, 0x01, 60, 1, 0x06)[:7]...),
			req(append(data(0xc0, 0xc0, 0x01, 60, 1, 0x06)[7:], unhex("05640549640001007e5f")...)...),
		}, []want{
			{"1", "READ", "src=1 dst=10 g60v1", dissect.Request, false, false},
			{"link/49", "REQUEST_LINK_STATUS", "src=1 dst=100", dissect.Request, false, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, run(tcpEp(), tt.chunks...).Msgs, tt.want...)
		})
	}
}

// A master on the connection's responder side: its requests are swapped.
func TestSwap(t *testing.T) {
	check(t, run(tcpEp(), resp(data(0xc0, 0xc0, 0x01)...), req(rdata(0xc0, 0xc0, 0x81, 0, 0)...)).Msgs,
		want{"1", "READ", "src=1 dst=10", dissect.Request, false, true},
		want{"129", "RESPONSE", "src=10 dst=1", dissect.Response, false, true})
}

func TestUDP(t *testing.T) {
	ep := tcpEp()
	ep.Transport = dissect.UDP
	two := append(data(0xc0, 0xc0, 0x01), unhex("05640549640001007e5f")...)
	check(t, run(ep, req(two...), req(two[:12]...)).Msgs,
		want{"1", "READ", "src=1 dst=10", dissect.Request, false, false},
		want{"link/49", "REQUEST_LINK_STATUS", "src=1 dst=100", dissect.Request, false, false},
		want{"malformed", "malformed", "", dissect.Indication, true, false})
}

// After a capture gap the stream resyncs without reporting the lost frame
// as malformed, and the fragment in reassembly is dropped.
func TestGap(t *testing.T) {
	p := dnp3.Spec.New()
	c := &collector{}
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: tcpEp(), Out: c}
	seg := make([]byte, 249)
	p.Parse(ctx, data(0x40|1, seg...))
	p.(dissect.GapParser).Gap(ctx, 292)
	p.Parse(ctx, data(0x80|2, 0xc0, 0x01)[5:])
	p.Parse(ctx, data(0x80|2, 0xc0, 0x01))
	p.Parse(ctx, data(0xc0, 0xc0, 0x02))
	check(t, c.Msgs, want{"2", "WRITE", "src=1 dst=10", dissect.Request, false, false})
}

func TestDetect(t *testing.T) {
	yes := map[string][]byte{
		"link status request": unhex("05640549640001007e5f"),
		"header only":         unhex("056408c40a000100fc42"),
		"read":                data(0xc0, 0xc0, 0x01, 60, 1, 0x06),
	}
	no := map[string][]byte{
		"empty":               nil,
		"short":               unhex("05640549640001007e"),
		"bad header CRC":      unhex("05640549640001007e5e"),
		"length below 5":      frame(0xc0, 1, 2)[:2],
		"HTTP":                []byte("GET / HTTP/1.1\r\nHost: rtu\r\n\r\n"),
		"Modbus read request": {0, 1, 0, 0, 0, 6, 1, 3, 0, 0, 0, 10},
		"IEC 104 STARTDT act": {0x68, 0x04, 0x07, 0x00, 0x00, 0x00, 0, 0, 0, 0},
	}
	// Length 4 with a correct CRC: still not a frame.
	l4 := []byte{0x05, 0x64, 0x04, 0xc0, 1, 0, 2, 0}
	c := crc(l4)
	no["length 4 with good CRC"] = append(l4, c[0], c[1])
	for name, b := range yes {
		if !dnp3.Detect(dissect.FromOrig, b) {
			t.Errorf("Detect(%s) = false, want true", name)
		}
	}
	for name, b := range no {
		if dnp3.Detect(dissect.FromOrig, b) {
			t.Errorf("Detect(%s) = true, want false", name)
		}
	}
	if n := testing.AllocsPerRun(100, func() { dnp3.Detect(dissect.FromOrig, yes["read"]) }); n != 0 {
		t.Errorf("Detect allocates %.0f times", n)
	}
}

// TestNoAllocs checks that steady polling costs no allocation once its
// detail text is cached.
func TestNoAllocs(t *testing.T) {
	p := dnp3.Spec.New()
	ep := tcpEp()
	rq, rs := data(0xc0, 0xc0, 0x01, 60, 1, 0x06), rdata(0xc0, 0xc0, 0x81, 0, 0, 1, 2, 0, 0, 0, 1)
	cq := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: nopEmitter{}}
	cs := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: nopEmitter{}}
	p.Parse(cq, rq)
	p.Parse(cs, rs)
	if n := testing.AllocsPerRun(1000, func() { p.Parse(cq, rq); p.Parse(cs, rs) }); n != 0 {
		t.Errorf("%.1f allocations per request/response pair, want 0", n)
	}
}

// seedFiles are the captures whose payloads seed the fuzzer.
var seedFiles = []string{
	"dnp3/full_exchange.pcap", "dnp3/dnp3_link_only.pcap", "dnp3/auth_control_challenge_response.pcap",
	"dnp3/direct_operate_crob_malform_but_good_crc.pcap", "dnp3/dnp3-flowbuffer-overflow-assert.pcap",
}

func FuzzParse(f *testing.F) {
	for _, file := range seedFiles {
		for _, ch := range capturePayloads(f, file) {
			f.Add(ch.Data, uint8(ch.Dir), uint16(len(ch.Data)/2))
		}
	}
	f.Fuzz(func(t *testing.T, b []byte, dir uint8, cut uint16) {
		dnp3.Detect(dissect.Dir(dir&1), b)
		p := dnp3.Spec.New()
		ctx := &dissect.Context{Dir: dissect.Dir(dir & 1), Ep: tcpEp(), Out: &collector{}}
		k := int(cut) % (len(b) + 1)
		p.Parse(ctx, b[:k])
		p.Parse(ctx, b[k:])
		ctx.Dir ^= 1
		p.Parse(ctx, b)
		p.(dissect.GapParser).Gap(ctx, 3)
		p.Parse(ctx, b)
		ep := tcpEp()
		ep.Transport = dissect.UDP
		p = dnp3.Spec.New()
		ctx = &dissect.Context{Dir: dissect.Dir(dir & 1), Ep: ep, Out: nopEmitter{}}
		p.Parse(ctx, b)
		p.Parse(ctx, b[k:])
	})
}

// BenchmarkParse replays the payloads of dnp3_example.pcap (class polls,
// select/operate, multi-segment responses) through one warm parser and
// reports the cost per message.
func BenchmarkParse(b *testing.B) {
	chunks := capturePayloads(b, "dnp3/dnp3_example.pcap")
	dissecttest.Replay(b, dnp3.Spec, tcpEp(), chunks)
}

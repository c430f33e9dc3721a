package modbus_test

import (
	"reflect"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/modbus"
	"github.com/otsight/otsight/internal/record"
)

// mbap prefixes a PDU with an MBAP header (transaction tid, unit).
func mbap(tid uint16, unit byte, pdu ...byte) []byte {
	l := len(pdu) + 1
	return append([]byte{byte(tid >> 8), byte(tid), 0, 0, byte(l >> 8), byte(l), unit}, pdu...)
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
		if g.Protocol != dissect.NameModbus || gw != w {
			t.Errorf("message %d: got %+v (%s), want %+v", i, gw, g.Protocol, w)
		}
	}
}

func TestFunctions(t *testing.T) {
	tests := []struct {
		name   string
		chunks []chunk
		want   []want
	}{
		{"read holding registers", []chunk{
			req(mbap(1, 1, 3, 0, 100, 0, 10)...),
			resp(mbap(1, 1, 3, 4, 0, 1, 0, 2)...),
		}, []want{
			{"3", "Read Holding Registers", "unit=1 addr=100-109", dissect.Request, false, false},
			{"3", "Read Holding Registers", "unit=1 addr=100-109", dissect.Response, false, false},
		}},
		{"exception response counts under its function", []chunk{
			req(mbap(7, 9, 1, 0, 0, 0, 8)...),
			resp(mbap(7, 9, 0x81, 2)...),
		}, []want{
			{"1", "Read Coils", "unit=9 addr=0-7", dissect.Request, false, false},
			{"1", "Read Coils", "unit=9 addr=0-7 exception=2", dissect.Response, true, false},
		}},
		{"write single coil and register echo their address", []chunk{
			resp(mbap(2, 1, 5, 0, 7, 0xff, 0)...),
			resp(mbap(3, 1, 6, 1, 0, 0, 42)...),
		}, []want{
			{"5", "Write Single Coil", "unit=1 addr=7", dissect.Response, false, false},
			{"6", "Write Single Register", "unit=1 addr=256", dissect.Response, false, false},
		}},
		{"write multiple registers", []chunk{
			req(mbap(4, 2, 16, 0, 10, 0, 2, 4, 0, 1, 0, 2)...),
			resp(mbap(4, 2, 16, 0, 10, 0, 2)...),
		}, []want{
			{"16", "Write Multiple Registers", "unit=2 addr=10-11", dissect.Request, false, false},
			{"16", "Write Multiple Registers", "unit=2 addr=10-11", dissect.Response, false, false},
		}},
		{"read/write multiple registers has two ranges", []chunk{
			req(mbap(5, 1, 23, 0, 0, 0, 4, 0, 10, 0, 2, 4, 0, 0, 0, 0)...),
		}, []want{
			{"23", "Read/Write Multiple Registers", "unit=1 addr=0-3 write=10-11", dissect.Request, false, false},
		}},
		{"diagnostics sub-function", []chunk{
			req(mbap(6, 1, 8, 0, 1, 0, 0)...),
			resp(mbap(6, 1, 8, 0, 1, 0, 0)...),
			req(mbap(8, 1, 8, 0, 99, 0, 0)...),
		}, []want{
			{"8", "Diagnostics: Restart Communications Option", "unit=1", dissect.Request, false, false},
			{"8", "Diagnostics: Restart Communications Option", "unit=1", dissect.Response, false, false},
			{"8", "Diagnostics", "unit=1", dissect.Request, false, false},
		}},
		{"exception keeps the request's sub-function", []chunk{
			req(mbap(6, 1, 8, 0, 4, 0, 0)...),
			resp(mbap(6, 1, 0x88, 1)...),
		}, []want{
			{"8", "Diagnostics: Force Listen Only Mode", "unit=1", dissect.Request, false, false},
			{"8", "Diagnostics: Force Listen Only Mode", "unit=1 exception=1", dissect.Response, true, false},
		}},
		{"other public functions", []chunk{
			req(mbap(1, 3, 7)...), req(mbap(2, 3, 11)...), req(mbap(3, 3, 12)...),
			req(mbap(4, 3, 17)...), req(mbap(5, 3, 20, 7, 6, 0, 4, 0, 1, 0, 2)...),
			req(mbap(6, 3, 21, 9, 6, 0, 4, 0, 1, 0, 1, 0, 0)...), req(mbap(7, 3, 22, 0, 4, 0, 0xf2, 0, 0x25)...),
			req(mbap(8, 3, 24, 4, 0xde)...), req(mbap(9, 3, 43, 13, 0)...), req(mbap(10, 3, 15, 0, 19, 0, 10, 2, 0xcd, 1)...),
			req(mbap(11, 3, 2, 0, 196, 0, 22)...), req(mbap(12, 3, 4, 0, 8, 0, 1)...),
		}, []want{
			{"7", "Read Exception Status", "unit=3", dissect.Request, false, false},
			{"11", "Get Comm Event Counter", "unit=3", dissect.Request, false, false},
			{"12", "Get Comm Event Log", "unit=3", dissect.Request, false, false},
			{"17", "Report Server ID", "unit=3", dissect.Request, false, false},
			{"20", "Read File Record", "unit=3", dissect.Request, false, false},
			{"21", "Write File Record", "unit=3", dissect.Request, false, false},
			{"22", "Mask Write Register", "unit=3 addr=4", dissect.Request, false, false},
			{"24", "Read FIFO Queue", "unit=3 addr=1246", dissect.Request, false, false},
			{"43", "CANopen General Reference Request and Response PDU", "unit=3", dissect.Request, false, false},
			{"15", "Write Multiple Coils", "unit=3 addr=19-28", dissect.Request, false, false},
			{"2", "Read Discrete Inputs", "unit=3 addr=196-217", dissect.Request, false, false},
			{"4", "Read Input Registers", "unit=3 addr=8", dissect.Request, false, false},
		}},
		{"unassigned, user-defined and UMAS codes", []chunk{
			req(mbap(1, 0, 99)...), req(mbap(2, 0, 65)...), req(mbap(3, 0, 90, 0, 2)...),
		}, []want{
			{"99", "Unknown", "unit=0", dissect.Request, false, false},
			{"65", "User Defined", "unit=0", dissect.Request, false, false},
			{"90", "UMAS", "unit=0", dissect.Request, false, false},
		}},
		{"truncated request: message without range", []chunk{
			req(mbap(1, 1, 3, 0)...),
		}, []want{
			{"3", "Read Holding Registers", "unit=1", dissect.Request, false, false},
		}},
		{"ADUs split across and packed into segments", []chunk{
			req(mbap(1, 1, 3, 0, 0, 0, 2)[:5]...),
			req(append(mbap(1, 1, 3, 0, 0, 0, 2)[5:], mbap(2, 1, 4, 0, 0, 0, 1)...)...),
		}, []want{
			{"3", "Read Holding Registers", "unit=1 addr=0-1", dissect.Request, false, false},
			{"4", "Read Input Registers", "unit=1 addr=0", dissect.Request, false, false},
		}},
		{"out of sync bytes are dropped, the next segment resyncs", []chunk{
			req(0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54),
			req(mbap(1, 1, 1, 0, 0, 0, 1)...),
		}, []want{
			{"1", "Read Coils", "unit=1 addr=0", dissect.Request, false, false},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check(t, run(tcpEp(), tt.chunks...).Msgs, tt.want...)
		})
	}
}

// A connection seen the wrong way round (the originator on port 502) still
// reports the client as requester: requests come from the responder side.
func TestReversedConnection(t *testing.T) {
	ep := tcpEp()
	ep.OrigP, ep.RespP = modbus.Port, 40000
	c := run(ep, resp(mbap(1, 1, 3, 0, 0, 0, 1)...), req(mbap(1, 1, 3, 2, 0, 1)...))
	check(t, c.Msgs,
		want{"3", "Read Holding Registers", "unit=1 addr=0", dissect.Request, false, true},
		want{"3", "Read Holding Registers", "unit=1 addr=0", dissect.Response, false, true})
}

func TestUDP(t *testing.T) {
	ep := tcpEp()
	ep.Transport = dissect.UDP
	// A datagram holds whole ADUs; a short one is ignored.
	c := run(ep, req(mbap(1, 1, 6, 0, 3, 0, 9)...), req(mbap(2, 1, 6, 0, 3)[:9]...), resp(mbap(1, 1, 0x86, 4)...))
	check(t, c.Msgs,
		want{"6", "Write Single Register", "unit=1 addr=3", dissect.Request, false, false},
		want{"6", "Write Single Register", "unit=1 addr=3 exception=4", dissect.Response, true, false})
}

func TestGapResync(t *testing.T) {
	p := modbus.Spec.New()
	c := &collector{}
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: tcpEp(), Out: c}
	p.Parse(ctx, mbap(1, 1, 3, 0, 0, 0, 1)[:6])
	p.(dissect.GapParser).Gap(ctx, 100)
	p.Parse(ctx, mbap(2, 1, 1, 0, 5, 0, 1))
	check(t, c.Msgs, want{"1", "Read Coils", "unit=1 addr=5", dissect.Request, false, false})
}

func TestDeviceIdentification(t *testing.T) {
	obj := func(id byte, s string) []byte { return append([]byte{id, byte(len(s))}, s...) }
	pdu := []byte{43, 14, 3, 0x83, 0, 0, 6}
	for _, o := range [][]byte{
		obj(0, "Schneider Electric"), obj(1, "BMX P34 2020"), obj(2, "v2.70"), obj(3, "http://www.se.com"),
		obj(4, "Modicon M340"), obj(6, "LINE_3\x00"),
	} {
		pdu = append(pdu, o...)
	}
	c := run(tcpEp(), req(mbap(1, 255, 43, 14, 3, 0)...), resp(mbap(1, 255, pdu...)...))
	check(t, c.Msgs,
		want{"43", "Read Device Identification", "unit=255", dissect.Request, false, false},
		want{"43", "Read Device Identification", "unit=255", dissect.Response, false, false})
	ep := tcpEp()
	wantRec := &record.AssetID{TS: 1, MAC: ep.RespMAC, IP: ep.RespH, Protocol: "modbus",
		Message: "Read Device Identification", Vendor: "Schneider Electric", Product: "Modicon M340",
		Model: "BMX P34 2020", Firmware: "v2.70", Name: "LINE_3"}
	if len(c.Recs) != 1 || !reflect.DeepEqual(c.Recs[0], wantRec) {
		t.Fatalf("records %+v, want %+v", c.Recs, wantRec)
	}
	// Objects cut short and an exception give no record.
	c = run(tcpEp(), resp(mbap(1, 1, 43, 14, 1, 1, 0, 0, 1, 0, 30, 'A')...), resp(mbap(2, 1, 0xab, 1)...))
	if len(c.Recs) != 0 || len(c.Msgs) != 2 {
		t.Fatalf("truncated identification: %d records, %d messages", len(c.Recs), len(c.Msgs))
	}
}

func TestDetect(t *testing.T) {
	yes := map[string][]byte{
		"read request":      mbap(1, 1, 3, 0, 0, 0, 10),
		"exception":         mbap(1, 1, 0x83, 2),
		"two ADUs":          append(mbap(1, 1, 1, 0, 0, 0, 1), mbap(2, 1, 2, 0, 0, 0, 1)...),
		"device id request": mbap(0, 255, 43, 14, 1, 0),
		"UMAS":              mbap(9, 0, 90, 0, 2),
	}
	no := map[string][]byte{
		"empty":                 nil,
		"header only":           mbap(1, 1)[:7],
		"undefined function 0":  mbap(1, 1, 0, 0, 0),
		"undefined function 42": mbap(1, 1, 42, 0, 0),
		"bad exception code":    mbap(1, 1, 0x83, 9),
		"protocol id 1":         {0, 1, 0, 1, 0, 6, 1, 3, 0, 0, 0, 1},
		"length too long":       mbap(1, 1, 3, 0, 0, 0, 10)[:11],
		"trailing garbage":      append(mbap(1, 1, 3, 0, 0, 0, 10), 0xff),
		"HTTP":                  []byte("GET /index.html HTTP/1.1\r\nHost: plc\r\n\r\n"),
		"TLS client hello":      {0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03},
		"TPKT/COTP CR (S7)":     {0x03, 0x00, 0x00, 0x16, 0x11, 0xe0, 0x00, 0x00, 0x00, 0x01, 0x00, 0xc1, 0x02, 0x01, 0x00, 0xc2, 0x02, 0x01, 0x02, 0xc0, 0x01, 0x0a},
		"DNP3 link header":      {0x05, 0x64, 0x05, 0xc9, 0x03, 0x00, 0x04, 0x00, 0xbd, 0x71},
		"IEC 104 STARTDT act":   {0x68, 0x04, 0x07, 0x00, 0x00, 0x00},
		// EtherNet/IP ListIdentity: command 0x0063, length 0, 24-byte header.
		"ENIP ListIdentity": {0x63, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
	}
	for name, b := range yes {
		if !modbus.Detect(dissect.FromOrig, b) {
			t.Errorf("Detect(%s) = false, want true", name)
		}
	}
	for name, b := range no {
		if modbus.Detect(dissect.FromOrig, b) {
			t.Errorf("Detect(%s) = true, want false", name)
		}
	}
	if n := testing.AllocsPerRun(100, func() { modbus.Detect(dissect.FromOrig, yes["two ADUs"]) }); n != 0 {
		t.Errorf("Detect allocates %.0f times", n)
	}
}

// TestNoAllocs checks that a polling exchange costs no allocation once its
// detail text is cached.
func TestNoAllocs(t *testing.T) {
	p := modbus.Spec.New()
	ep := tcpEp()
	rq, rs := mbap(1, 1, 3, 0, 0, 0, 2), mbap(1, 1, 3, 4, 0, 0, 0, 0)
	cq := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: nopEmitter{}}
	cs := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: nopEmitter{}}
	p.Parse(cq, rq)
	p.Parse(cs, rs)
	if n := testing.AllocsPerRun(1000, func() { p.Parse(cq, rq); p.Parse(cs, rs) }); n != 0 {
		t.Errorf("%.1f allocations per request/response pair, want 0", n)
	}
}

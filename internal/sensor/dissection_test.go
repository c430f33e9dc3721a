package sensor

import (
	"encoding/binary"
	"strconv"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// The dissector layer is tested here with a minimal MBAP framer standing in
// for a protocol dissector: it exercises recognition, in-order TCP delivery,
// PDU framing across segments, message counting into ot rows, and fault
// containment. Real dissectors are tested in their own packages.

type mbapParser struct {
	streams [2]dissect.Stream
	panicAt int // panic on this PDU (1-based); 0 never
	seen    int
}

func mbapLen(b []byte) int {
	if len(b) < 7 {
		return 0
	}
	if b[2] != 0 || b[3] != 0 {
		return -1
	}
	n := int(binary.BigEndian.Uint16(b[4:]))
	if n < 2 {
		return -1
	}
	return 6 + n
}

func (m *mbapParser) Parse(ctx *dissect.Context, data []byte) {
	m.streams[ctx.Dir].Feed(data, mbapLen, func(pdu []byte) {
		m.seen++
		if m.seen == m.panicAt {
			var arr []int
			_ = arr[m.seen] // a dissector bug: index out of range
		}
		fc := pdu[7]
		msg := dissect.Message{Protocol: dissect.NameModbus, Code: strconv.Itoa(int(fc &^ 0x80)),
			Function: "fc" + strconv.Itoa(int(fc&^0x80)), Dir: dissect.Request, Error: fc&0x80 != 0}
		if ctx.Dir == dissect.FromResp {
			msg.Dir = dissect.Response
		}
		ctx.Out.Message(ctx, &msg)
	})
}

func mbapRegistry(t *testing.T, panicAt int) *dissect.Registry {
	t.Helper()
	reg, err := dissect.NewRegistry(&dissect.Spec{
		Name: dissect.NameModbus, TCPPorts: []uint16{502},
		New: func() dissect.Parser { return &mbapParser{panicAt: panicAt} },
	})
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

type recordSink struct{ recs []record.Record }

func (s *recordSink) Record(r record.Record)                              { s.recs = append(s.recs, r) }
func (s *recordSink) EndMinute(_, _ record.Micros, _ *record.SensorStats) {}

func analyzeWith(t *testing.T, reg *dissect.Registry, rel string) (*Summary, *recordSink) {
	t.Helper()
	src, err := capture.OpenFile(pcaptest.Path(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	sink := &recordSink{}
	p := NewPipeline(DefaultConfig(), reg, sink, nil)
	if err := Drain(src, p); err != nil {
		t.Fatal(err)
	}
	return p.Summary(), sink
}

// The number of Modbus ADUs framed from the reassembled streams equals the
// number tshark dissects (tshark -T fields -e mbtcp.trans_id, one value per
// ADU), including ADUs that share a segment or span two.
func TestStreamDeliveryMatchesTshark(t *testing.T) {
	for _, c := range []struct {
		file string
		adus uint64
	}{
		{"modbus/MODBUS-TestDataPart2.pcap", 281},
		{"modbus/modicon_test.pcap", 180},
		{"modbus/modbus_example.pcap", 48},
	} {
		sum, sink := analyzeWith(t, mbapRegistry(t, 0), c.file)
		ps := sum.Protocols[dissect.NameModbus]
		if ps == nil || ps.Messages != c.adus {
			t.Errorf("%s: modbus messages = %+v, want %d", c.file, ps, c.adus)
			continue
		}
		var otCount uint64
		for _, r := range sink.recs {
			if o, ok := r.(*record.OT); ok {
				otCount += o.Count
				if o.Protocol != "modbus" || o.RespP != 502 || o.Transport != "tcp" || o.TS%60_000_000 != 0 {
					t.Errorf("%s: ot row %+v", c.file, o)
				}
			}
		}
		if otCount != c.adus {
			t.Errorf("%s: ot rows count %d messages, want %d", c.file, otCount, c.adus)
		}
		conns := 0
		for _, r := range sink.recs {
			if cr, ok := r.(*record.Conn); ok && cr.RespP == 502 && cr.OrigBytes > 0 && cr.Service != "modbus" {
				t.Errorf("%s: conn to 502 without service: %+v", c.file, cr)
			} else if ok && cr.RespP == 502 {
				conns++
			}
		}
		if conns == 0 {
			t.Errorf("%s: no modbus connections", c.file)
		}
	}
}

// A dissector that panics costs only its own flow: the fault is counted,
// the pipeline goes on, and every frame is still accounted for.
func TestDissectorFaultContained(t *testing.T) {
	sum, _ := analyzeWith(t, mbapRegistry(t, 3), "modbus/MODBUS-TestDataPart2.pcap")
	if sum.Faults[dissect.NameModbus] == 0 {
		t.Fatal("no fault counted")
	}
	ps := sum.Protocols[dissect.NameModbus]
	// Each flow's parser reports two PDUs before it panics on the third.
	if ps == nil || ps.Messages != 2*sum.Faults[dissect.NameModbus] {
		t.Fatalf("messages %+v with %d faults", ps, sum.Faults[dissect.NameModbus])
	}
	if !sum.Balanced() {
		t.Fatalf("frames not accounted: %+v", sum.Accounting)
	}
}

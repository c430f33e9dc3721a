package modbus_test

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/modbus"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// collector is an Emitter that keeps copies of what a parser reports.
type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

// nopEmitter discards everything (benchmarks, allocation checks, fuzzing).
type nopEmitter struct{}

func (nopEmitter) Message(*dissect.Context, *dissect.Message) {}
func (nopEmitter) Record(*dissect.Context, record.Record)     {}

// tcpEp is a client 10.0.0.1:40000 talking to a server 10.0.0.2:502.
func tcpEp() *dissect.Endpoints {
	return &dissect.Endpoints{
		Transport: dissect.TCP,
		OrigMAC:   record.MAC{0, 1, 2, 3, 4, 5}, RespMAC: record.MAC{0, 1, 2, 3, 4, 6},
		OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2"),
		OrigP: 40000, RespP: modbus.Port,
	}
}

// run feeds chunks, each with its direction, to one new parser.
func run(ep *dissect.Endpoints, chunks ...chunk) *collector {
	c := &collector{}
	p := modbus.Spec.New()
	for _, ch := range chunks {
		ctx := &dissect.Context{TS: 1, Dir: ch.dir, Ep: ep, Out: c}
		p.Parse(ctx, ch.b)
	}
	return c
}

type chunk struct {
	dir dissect.Dir
	b   []byte
}

func req(b ...byte) chunk  { return chunk{dissect.FromOrig, b} }
func resp(b ...byte) chunk { return chunk{dissect.FromResp, b} }

// recorder wraps the real parser and keeps the payload it is given, so that
// tests and fuzz seeds use the exact bytes the pipeline delivers.
type recorder struct {
	p      dissect.Parser
	chunks *[]chunk
}

func (r *recorder) Parse(ctx *dissect.Context, b []byte) {
	*r.chunks = append(*r.chunks, chunk{ctx.Dir, append([]byte(nil), b...)})
	r.p.Parse(ctx, b)
}

// capturePayloads returns the payload chunks the pipeline hands the Modbus
// parser for one shared capture (path relative to the captures directory).
func capturePayloads(tb testing.TB, rel string) []chunk {
	tb.Helper()
	var out []chunk
	s := *modbus.Spec
	s.New = func() dissect.Parser { return &recorder{p: modbus.Spec.New(), chunks: &out} }
	reg, err := dissect.NewRegistry(&s)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := sensortest.Run(reg, pcaptest.Path(tb, rel)); err != nil {
		tb.Fatal(err)
	}
	return out
}

// Package dissecttest holds what dissector tests share: an Emitter that keeps
// what a parser reports, one that only counts, and a way to feed a parser
// chunks of data in both directions.
package dissecttest

import (
	"errors"
	"io"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// Collector is an Emitter that keeps copies of the messages and records it is
// given.
type Collector struct {
	Msgs []dissect.Message
	Recs []record.Record
}

// Message implements dissect.Emitter.
func (c *Collector) Message(_ *dissect.Context, m *dissect.Message) { c.Msgs = append(c.Msgs, *m) }

// Record implements dissect.Emitter.
func (c *Collector) Record(_ *dissect.Context, r record.Record) { c.Recs = append(c.Recs, r) }

// Counter is an Emitter that counts messages and drops everything else, for
// benchmarks and fuzzing.
type Counter struct{ N int }

// Message implements dissect.Emitter.
func (c *Counter) Message(*dissect.Context, *dissect.Message) { c.N++ }

// Record implements dissect.Emitter.
func (c *Counter) Record(*dissect.Context, record.Record) {}

// Nop is an Emitter that drops everything; usable as a value.
type Nop struct{}

// Message implements dissect.Emitter.
func (Nop) Message(*dissect.Context, *dissect.Message) {}

// Record implements dissect.Emitter.
func (Nop) Record(*dissect.Context, record.Record) {}

// Chunk is data travelling in one direction: a TCP segment's payload, a
// datagram or a frame.
type Chunk struct {
	Dir  dissect.Dir
	Data []byte
}

// Req is a chunk from the originator.
func Req(b ...byte) Chunk { return Chunk{dissect.FromOrig, b} }

// Resp is a chunk from the responder.
func Resp(b ...byte) Chunk { return Chunk{dissect.FromResp, b} }

// Feed gives the chunks, in order, to one new parser of spec with endpoints
// ep, and returns what it reported.
func Feed(spec *dissect.Spec, ep *dissect.Endpoints, chunks ...Chunk) *Collector {
	c := &Collector{}
	p := spec.New()
	for _, ch := range chunks {
		ctx := &dissect.Context{TS: 1, Dir: ch.Dir, Ep: ep, Out: c}
		p.Parse(ctx, ch.Data)
	}
	return c
}

// Recorder is a Parser that only keeps a copy of every payload it is given.
type Recorder struct{ Chunks *[]Chunk }

// Parse implements dissect.Parser.
func (r Recorder) Parse(ctx *dissect.Context, b []byte) {
	*r.Chunks = append(*r.Chunks, Chunk{Dir: ctx.Dir, Data: append([]byte(nil), b...)})
}

// PortPayloads returns up to max non-empty TCP and UDP payloads sent to or
// from one of ports in the shared capture rel, copied, decoded without the
// rest of the pipeline (for tests inside a dissector package, which cannot
// import the pipeline). A payload sent to a port is FromOrig.
func PortPayloads(tb testing.TB, rel string, max int, ports ...uint16) []Chunk {
	tb.Helper()
	src, err := capture.OpenFile(pcaptest.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	var out []Chunk
	for len(out) < max {
		data, info, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		p, st := dec.Decode(data, info.Link, info.TS, info.WireLen)
		if st != decode.OK || len(p.Payload) == 0 || (p.Proto != decode.ProtoTCP && p.Proto != decode.ProtoUDP) {
			continue
		}
		for _, port := range ports {
			if p.DstPort == port {
				out = append(out, Chunk{dissect.FromOrig, append([]byte(nil), p.Payload...)})
				break
			}
			if p.SrcPort == port {
				out = append(out, Chunk{dissect.FromResp, append([]byte(nil), p.Payload...)})
				break
			}
		}
	}
	return out
}

// PortData is PortPayloads without directions or a limit: the payload bytes
// only, for fuzz seeds and benchmarks of datagram protocols.
func PortData(tb testing.TB, rel string, ports ...uint16) [][]byte {
	tb.Helper()
	chunks := PortPayloads(tb, rel, int(^uint(0)>>1), ports...)
	out := make([][]byte, len(chunks))
	for i, c := range chunks {
		out[i] = c.Data
	}
	return out
}

// Replay benchmarks one warm parser of spec on chunks (a capture's payloads,
// in order), as on a long-lived connection, and reports ns/msg and
// allocs/msg.
func Replay(b *testing.B, spec *dissect.Spec, ep *dissect.Endpoints, chunks []Chunk) {
	b.Helper()
	c := &Counter{}
	ctx := &dissect.Context{Ep: ep, Out: c}
	p := spec.New()
	pass := func() {
		for _, ch := range chunks {
			ctx.Dir = ch.Dir
			p.Parse(ctx, ch.Data)
		}
	}
	pass()
	perPass := c.N
	if perPass == 0 {
		b.Fatalf("%s: no messages in %d chunks", spec.Name, len(chunks))
	}
	allocs := testing.AllocsPerRun(3, pass)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		pass()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*perPass), "ns/msg")
	b.ReportMetric(allocs/float64(perPass), "allocs/msg")
}

package ethercat_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// sink collects what a parser reports.
type sink struct {
	msgs []dissect.Message
	recs []record.Record
}

func (s *sink) Message(_ *dissect.Context, m *dissect.Message) { s.msgs = append(s.msgs, *m) }
func (s *sink) Record(_ *dissect.Context, r record.Record)     { s.recs = append(s.recs, r) }

// nopSink discards everything (benchmarks, fuzzing).
type nopSink struct{ n int }

func (s *nopSink) Message(_ *dissect.Context, _ *dissect.Message) { s.n++ }
func (s *nopSink) Record(_ *dissect.Context, _ record.Record)     {}

// parseAll runs data through a fresh parser of spec as one frame or
// datagram and returns what it reported.
func parseAll(spec *dissect.Spec, t dissect.Transport, dir dissect.Dir, data ...[]byte) *sink {
	s := &sink{}
	p := spec.New()
	ep := &dissect.Endpoints{Transport: t, OrigMAC: record.MAC{0, 1, 2, 3, 4, 5}}
	for _, d := range data {
		ctx := &dissect.Context{TS: 1, Dir: dir, Ep: ep, Out: s}
		p.Parse(ctx, d)
	}
	return s
}

// payload is one payload a parser received in a capture.
type payload struct {
	dir  dissect.Dir
	data []byte
}

// recorder wraps a Spec so that running a capture through the pipeline
// collects the payloads the real parser would get.
type recorder struct{ got *[]payload }

func (r recorder) Parse(ctx *dissect.Context, data []byte) {
	*r.got = append(*r.got, payload{ctx.Dir, append([]byte(nil), data...)})
}

// capturePayloads returns the payloads spec's parsers receive in the shared
// capture rel.
func capturePayloads(tb testing.TB, spec *dissect.Spec, rel string) []payload {
	tb.Helper()
	var got []payload
	w := *spec
	w.New = func() dissect.Parser { return recorder{&got} }
	reg, err := dissect.NewRegistry(&w)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := sensortest.Run(reg, pcaptest.Path(tb, rel)); err != nil {
		tb.Fatal(err)
	}
	if len(got) == 0 {
		tb.Fatalf("%s: no payloads for %s", rel, spec.Name)
	}
	return got
}

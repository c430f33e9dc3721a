package ethercat_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/ethercat"
)

// FuzzParse feeds arbitrary bytes as an EtherCAT frame (outgoing and
// returning source MAC) and as a UDP datagram; nothing may panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"ethercat/ethercat.cap", "ethercat/rs-example-sii-el2004.pcapng"} {
		for i, p := range capturePayloads(f, ethercat.Spec, rel) {
			if i%16 == 0 {
				f.Add(p.Data)
			}
		}
	}
	f.Add(frame(4, []byte{1, 2, 3}))
	p := ethercat.Spec.New()
	u := ethercat.Spec.New()
	out := &sink{}
	f.Fuzz(func(t *testing.T, data []byte) {
		out.Msgs = out.Msgs[:0]
		ethercat.Spec.Detect(dissect.FromOrig, data)
		p.Parse(&dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: master}, Out: out}, data)
		p.Parse(&dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether, OrigMAC: back}, Out: out}, data)
		u.Parse(&dissect.Context{Dir: dissect.FromResp, Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: out}, data)
		if len(out.Msgs) < 3 {
			t.Fatalf("%d bytes gave %d messages, want at least one per call", len(data), len(out.Msgs))
		}
	})
}

// BenchmarkParse runs the frames of ethercat.cap (986 frames, 8140
// datagrams).
func BenchmarkParse(b *testing.B) {
	frames := capturePayloads(b, ethercat.Spec, "ethercat/ethercat.cap")
	p := ethercat.Spec.New()
	out := &nopSink{}
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.Ether}, Out: out}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for i, f := range frames {
			// The capture alternates outgoing and returning frames.
			ctx.Ep.OrigMAC = master
			if i%2 == 1 {
				ctx.Ep.OrigMAC = back
			}
			p.Parse(ctx, f.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
}

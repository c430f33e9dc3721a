package tls

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
)

// BenchmarkParse replays a whole TLS 1.2 handshake on a fresh parser per
// connection, as the sensor does: the cost includes the record and the
// certificate decoding, so allocs/msg are per handshake message.
func BenchmarkParse(b *testing.B) {
	client, server := configs12(b)
	chunks := handshake(b, client, server)
	out := &dissecttest.Counter{}
	ctx := &dissect.Context{Ep: ep, Out: out}
	b.ReportAllocs()
	for b.Loop() {
		p := Spec.New()
		for _, ch := range chunks {
			ctx.Dir = ch.Dir
			p.Parse(ctx, ch.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

// BenchmarkAlerts measures the steady per-message path (no record work).
func BenchmarkAlerts(b *testing.B) {
	ctx := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: dissecttest.Nop{}}
	p := Spec.New()
	alert := []byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00}
	b.ReportAllocs()
	for b.Loop() {
		p.Parse(ctx, alert)
	}
}

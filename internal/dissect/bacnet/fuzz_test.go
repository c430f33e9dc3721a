package bacnet

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
)

// segment is one payload of a capture with its direction.
type segment = dissecttest.Chunk

var payloads = dissecttest.PortPayloads

// FuzzParse feeds arbitrary bytes as datagrams in both directions, also
// behind a valid BVLC/NPDU header so that the APDU code is reached; it must
// never panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"bacnet/bacnet_example.pcap", "bacnet/nttcom_bacnet_test.pcap",
		"bacnet/bacnet_error_reject_abort.pcap", "bacnet/bacnet_segmented_data.pcap", "bacnet/bacnet_test.pcap"} {
		for _, s := range payloads(f, rel, 60, 47808) {
			f.Add(s.Data)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &collector{}
		ep := udpEp
		p := Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: &ep, Out: c}
			p.Parse(ctx, b)
			p.Parse(ctx, bvlc(0x0a, cat(local, b)))
			p.Parse(ctx, bvlc(0x04, cat([]byte{10, 0, 0, 1, 0xba, 0xc0}, b)))
		}
		Detect(dissect.FromOrig, b)
	})
}

// BenchmarkParse measures the steady state on real traffic: the datagrams
// of bacnet_example.pcap, polled ReadProperty requests and acks mostly.
func BenchmarkParse(b *testing.B) {
	pl := payloads(b, "bacnet/bacnet_example.pcap", 4000, 47808)
	ep := udpEp
	var count counter
	p := Spec.New()
	ctx := [2]dissect.Context{{Dir: dissect.FromOrig, Ep: &ep, Out: &count}, {Dir: dissect.FromResp, Ep: &ep, Out: &count}}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		s := pl[i%len(pl)]
		p.Parse(&ctx[s.Dir], s.Data)
	}
	b.StopTimer()
	if count.N > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(count.N), "ns/msg")
	}
}

type counter = dissecttest.Counter

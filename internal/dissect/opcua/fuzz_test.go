package opcua

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
)

// segment is one payload of a capture with its direction.
type segment = dissecttest.Chunk

var payloads = dissecttest.PortPayloads

// FuzzParse feeds arbitrary bytes as TCP chunks in both directions (split in
// two at a point taken from the data), also wrapped in a valid MSG header so
// that the service decoding is reached; it must never panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"opcua/open62541_client-server_minimal.pcap", "opcua/open62541_client-server_encrypted.pcap",
		"opcua/open62541_discover_getendpoints_discover_urls.pcap"} {
		for _, s := range payloads(f, rel, 40, 4840) {
			f.Add(s.Data)
		}
	}
	f.Add(hello)
	f.Add(openRequest(policyNone, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &collector{}
		ep := tcpEp
		p := Spec.New()
		cut := 0
		if len(b) > 0 {
			cut = int(b[0]) % (len(b) + 1)
		}
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: &ep, Out: c}
			p.Parse(ctx, b[:cut])
			p.Parse(ctx, b[cut:])
			p.(dissect.GapParser).Gap(ctx, 10)
			p.Parse(ctx, chunk("MSG", 'F', cat(u32(1), u32(2), u32(3), u32(4), b)))
			p.Parse(ctx, chunk("OPN", 'F', cat(u32(0), str(policyNone), u32(0), u32(0), u32(1), u32(1), b)))
			p.Parse(ctx, msg('F', 431, b))
		}
		Detect(dissect.FromOrig, b)
	})
}

// BenchmarkParse measures the steady state on real traffic: the payloads
// of open62541_read_service_test_data.pcap (Read requests and responses).
func BenchmarkParse(b *testing.B) {
	pl := payloads(b, "opcua/open62541_read_service_test_data.pcap", 4000, 4840)
	ep := tcpEp
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

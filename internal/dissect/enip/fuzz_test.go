package enip

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
)

// segment is one payload of a capture with its direction.
type segment = dissecttest.Chunk

var payloads = dissecttest.PortPayloads

// FuzzParse feeds arbitrary bytes as TCP chunks in both directions (split in
// two at a point taken from the data) and as a datagram; it must never panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"enip-cip/enip_cip_example.pcap", "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap",
		"attacks/CL5000EIP-Reboot_or_Restart.pcap"} {
		for _, s := range payloads(f, rel, 40, 44818, 2222) {
			f.Add(s.Data)
		}
	}
	f.Add(identityItem())
	f.Fuzz(func(t *testing.T, b []byte) {
		c := &collector{}
		tcp, udp := tcpEp, udpEp
		p := Spec.New()
		cut := 0
		if len(b) > 0 {
			cut = int(b[0]) % (len(b) + 1)
		}
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: &tcp, Out: c}
			p.Parse(ctx, b[:cut])
			p.Parse(ctx, b[cut:])
			p.(dissect.GapParser).Gap(ctx, 10)
			p.Parse(ctx, b)
		}
		q := Spec.New()
		q.Parse(&dissect.Context{Dir: dissect.FromResp, Ep: &udp, Out: c}, b)
		Detect(dissect.FromOrig, b)
	})
}

// BenchmarkParse measures the steady state on real traffic: the first
// payloads of the Reboot_or_Restart capture, fed as one TCP direction each.
func BenchmarkParse(b *testing.B) {
	pl := payloads(b, "attacks/CL5000EIP-Reboot_or_Restart.pcap", 400, 44818)
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

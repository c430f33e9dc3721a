package bacnet

import (
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// segment is one payload of a capture with its direction: FromOrig when
// sent to the dissector's port.
type segment struct {
	dir  dissect.Dir
	data []byte
}

// payloads returns up to max non-empty TCP/UDP payloads to or from one of
// ports in a shared capture, copied.
func payloads(tb testing.TB, rel string, max int, ports ...uint16) []segment {
	tb.Helper()
	src, err := capture.OpenFile(filepath.Join(pcaptest.Dir(tb), rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	var out []segment
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
			if p.SrcPort == port || p.DstPort == port {
				dir := dissect.FromResp
				if p.DstPort == port {
					dir = dissect.FromOrig
				}
				out = append(out, segment{dir, append([]byte(nil), p.Payload...)})
				break
			}
		}
	}
	return out
}

// FuzzParse feeds arbitrary bytes as datagrams in both directions, also
// behind a valid BVLC/NPDU header so that the APDU code is reached; it must
// never panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"bacnet/bacnet_example.pcap", "bacnet/nttcom_bacnet_test.pcap",
		"bacnet/bacnet_error_reject_abort.pcap", "bacnet/bacnet_segmented_data.pcap", "bacnet/bacnet_test.pcap"} {
		for _, s := range payloads(f, rel, 60, 47808) {
			f.Add(s.data)
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
		p.Parse(&ctx[s.dir], s.data)
	}
	b.StopTimer()
	if count.n > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(count.n), "ns/msg")
	}
}

type counter struct{ n int }

func (c *counter) Message(*dissect.Context, *dissect.Message) { c.n++ }
func (c *counter) Record(*dissect.Context, record.Record)     {}

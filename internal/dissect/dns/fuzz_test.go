package dns_test

import (
	"encoding/binary"
	"io"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dns"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// payloads returns the UDP payloads to or from any of ports in a shared
// capture (at most max), copied.
func payloads(tb testing.TB, rel string, max int, ports ...uint16) [][]byte {
	tb.Helper()
	src, err := capture.OpenFile(pcaptest.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	var out [][]byte
	for len(out) < max {
		data, info, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		p, st := dec.Decode(data, info.Link, info.TS, info.WireLen)
		if st != decode.OK || p.Proto != decode.ProtoUDP {
			continue
		}
		for _, port := range ports {
			if p.SrcPort == port || p.DstPort == port {
				out = append(out, append([]byte(nil), p.Payload...))
				break
			}
		}
	}
	return out
}

type discard struct{ msgs, recs int }

func (d *discard) Message(*dissect.Context, *dissect.Message) { d.msgs++ }
func (d *discard) Record(*dissect.Context, record.Record)     { d.recs++ }

func FuzzParse(f *testing.F) {
	for _, rel := range []string{"it/wikipedia.pcap", "it/mdns.pcap", "it/nttcom_nbns_test.pcap", "it/var-services-std-ports.pcap"} {
		for _, p := range payloads(f, rel, 40, 53, 137, 5353, 5355) {
			f.Add(p)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		out := &discard{}
		for _, spec := range dns.Specs {
			for _, tr := range []dissect.Transport{dissect.UDP, dissect.TCP} {
				ep := &dissect.Endpoints{Transport: tr, OrigP: 40000, RespP: 53}
				p := spec.New()
				for i, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
					ctx := &dissect.Context{TS: record.Micros(i), Dir: dir, Ep: ep, Out: out}
					p.Parse(ctx, data)
					if tr == dissect.TCP {
						framed := binary.BigEndian.AppendUint16(nil, uint16(len(data)))
						p.Parse(ctx, append(framed, data...))
					}
				}
			}
			spec.Detect(dissect.FromOrig, data)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := payloads(b, "it/wikipedia.pcap", 1000, 53)
	if len(msgs) == 0 {
		b.Fatal("no DNS payloads")
	}
	out := &discard{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 40000, RespP: 53}
	p := dns.Spec.New()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m := msgs[i%len(msgs)]
		dir := dissect.FromOrig
		if m[2]&0x80 != 0 {
			dir = dissect.FromResp
		}
		p.Parse(&dissect.Context{TS: record.Micros(i), Dir: dir, Ep: ep, Out: out}, m)
	}
	b.ReportMetric(float64(out.msgs)/float64(b.N), "msgs/op")
}

package profinet_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/profinet"
)

// FuzzParse feeds arbitrary bytes as a 0x8892 frame and as a PN-CM datagram
// in both directions; nothing may panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"profinet/profinet_io_cm_mixed_1.pcap", "profinet/ChangeIPUsingDCP.pcap",
		"profinet/profinet-wireshark-bug.pcap", "profinet/profinet_io_cm.pcap"} {
		for i, p := range capturePayloads(f, profinet.Spec, rel) {
			if i%8 == 0 {
				f.Add(p.Data)
			}
		}
	}
	for i, p := range capturePayloads(f, profinet.SpecCM, "profinet/profinet_io_cm.pcap") {
		if i%16 == 0 {
			f.Add(p.Data)
		}
	}
	f.Add(clPDU(2, false, 0xDEA00002, 4, 0, []byte{0xDB, 0x81, 0x3C, 0x01}))
	ether := profinet.Spec.New()
	cm := profinet.SpecCM.New()
	out := &sink{}
	f.Fuzz(func(t *testing.T, data []byte) {
		out.Msgs, out.Recs = out.Msgs[:0], out.Recs[:0]
		ep := &dissect.Endpoints{Transport: dissect.Ether}
		ether.Parse(&dissect.Context{Ep: ep, Out: out}, data)
		uep := &dissect.Endpoints{Transport: dissect.UDP}
		profinet.SpecCM.Detect(dissect.FromOrig, data)
		cm.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: uep, Out: out}, data)
		cm.Parse(&dissect.Context{Dir: dissect.FromResp, Ep: uep, Out: out}, data)
		if len(out.Msgs) < 1 {
			t.Fatalf("frame of %d bytes produced no message", len(data))
		}
	})
}

// BenchmarkParse runs the frames of profinet_io_cm_mixed_1.pcap (DCP, RT
// class 1, PTCP, alarms) and the PN-CM datagrams of profinet_io_cm.pcap.
func BenchmarkParse(b *testing.B) {
	frames := capturePayloads(b, profinet.Spec, "profinet/profinet_io_cm_mixed_1.pcap")
	dgrams := capturePayloads(b, profinet.SpecCM, "profinet/profinet_io_cm.pcap")
	ether := profinet.Spec.New()
	cm := profinet.SpecCM.New()
	out := &nopSink{}
	ep := &dissect.Endpoints{Transport: dissect.Ether}
	uep := &dissect.Endpoints{Transport: dissect.UDP}
	ctx := &dissect.Context{Ep: ep, Out: out}
	uctx := &dissect.Context{Ep: uep, Out: out}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, p := range frames {
			ether.Parse(ctx, p.Data)
		}
		for _, p := range dgrams {
			uctx.Dir = p.Dir
			cm.Parse(uctx, p.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
	b.ReportMetric(float64(len(frames)+len(dgrams)), "msgs/op")
}

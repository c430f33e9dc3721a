package hartip_test

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/hartip"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestCaptureIdentity checks the Command 0 identity in hart-ip/hart_ip.pcap
// against tshark's reading (hart_ip.pt.rsp.*: manufacturer 38, expanded
// device type 0x264e, device rev 4, software rev 1, hardware/signalling
// 0x0e, device id 0000d2) — answered once over UDP and once over TCP by
// 192.168.0.10.
func TestCaptureIdentity(t *testing.T) {
	reg, err := dissect.NewRegistry(hartip.Spec)
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, pcaptest.Path(t, "hart-ip/hart_ip.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	var n uint64
	want := record.AssetID{MAC: record.MAC{0x00, 0x26, 0x16, 0x00, 0x00, 0xd2}, IP: netip.MustParseAddr("192.168.0.10"),
		Protocol: dissect.NameHARTIP, Message: "Command 0 Read Unique Identifier", Vendor: "manufacturer 0x0026",
		Model: "device type 0x264e rev 4", Firmware: "software rev 1 hardware rev 1", Serial: "0000d2"}
	for _, r := range res.Records {
		a, ok := r.(*record.AssetID)
		if !ok {
			continue
		}
		got := *a
		n += got.Count
		got.TS, got.Count = 0, 0
		if got != want {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	}
	if n != 2 {
		t.Errorf("got %d Command 0 identity reports, want 2", n)
	}
}

// FuzzParse feeds arbitrary bytes as a datagram and as TCP chunks in both
// directions; nothing may panic.
func FuzzParse(f *testing.F) {
	for _, rel := range []string{"hart-ip/hart_ip.pcap", "hart-ip/hart-ip_all_messageIDs.pcapng",
		"hart-ip/hart-ip_all_types_and_commands_sent.pcapng"} {
		for i, p := range capturePayloads(f, hartip.Spec, rel) {
			if i%4 == 0 {
				f.Add(p.Data)
			}
		}
	}
	f.Add(unhex(f, cmd0Reply))
	out := &sink{}
	f.Fuzz(func(t *testing.T, data []byte) {
		out.Msgs, out.Recs = out.Msgs[:0], out.Recs[:0]
		hartip.Spec.Detect(dissect.FromOrig, data)
		u := hartip.Spec.New()
		uep := &dissect.Endpoints{Transport: dissect.UDP}
		u.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: uep, Out: out}, data)
		u.Parse(&dissect.Context{Dir: dissect.FromResp, Ep: uep, Out: out}, data)
		if len(out.Msgs) != 2 {
			t.Fatalf("datagram of %d bytes gave %d messages, want 1 each", len(data), len(out.Msgs))
		}
		p := hartip.Spec.New()
		tep := &dissect.Endpoints{Transport: dissect.TCP}
		half := len(data) / 2
		for _, d := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: d, Ep: tep, Out: out}
			p.Parse(ctx, data[:half])
			p.Parse(ctx, data[half:])
			p.Parse(ctx, data)
		}
	})
}

// BenchmarkParse runs the datagrams of hart-ip/hart_ip.pcap's UDP session
// and the segments of its TCP session.
func BenchmarkParse(b *testing.B) {
	payloads := capturePayloads(b, hartip.Spec, "hart-ip/hart_ip.pcap")
	out := &nopSink{}
	p := hartip.Spec.New()
	ctx := &dissect.Context{Ep: &dissect.Endpoints{Transport: dissect.UDP}, Out: out}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, pl := range payloads {
			ctx.Dir = pl.Dir
			p.Parse(ctx, pl.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
}

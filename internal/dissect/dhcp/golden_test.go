package dhcp_test

import (
	"io"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dhcp"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	known := map[string]string{
		"profinet/profinet_io_cm_mixed_1.pcap": "every frame of this capture is recorded twice, 1-2 µs apart; the sensor drops the second, byte-identical copy as a capture duplicate (decode.Config.DedupWindow, 2 ms), tshark counts both: exactly half",
	}
	sensortest.CheckGolden(t, all, dissect.NameDHCP, "testdata/tshark.golden", known)

	// it/dhcp_inform.pcap: an INFORM and its ACK. Values as tshark -V shows
	// them.
	var recs []*record.DHCP
	for _, r := range all["it/dhcp_inform.pcap"].Records {
		if d, ok := r.(*record.DHCP); ok {
			recs = append(recs, d)
		}
	}
	if len(recs) != 2 {
		t.Fatalf("dhcp_inform.pcap: %d dhcp records, want 2", len(recs))
	}
	mac := record.MAC{0x90, 0xb1, 0x1c, 0x99, 0x49, 0x29}
	client := netip.MustParseAddr("128.2.6.122")
	inform, ack := recs[0], recs[1]
	if inform.MsgType != "INFORM" || inform.TransID != 0xa42cec51 || inform.MAC != mac || inform.ClientAddr != client ||
		inform.ParamList != "1" || inform.HostName != "" {
		t.Errorf("inform %+v", *inform)
	}
	if ack.MsgType != "ACK" || ack.TransID != 0xa42cec51 || ack.MAC != mac || ack.ClientAddr != client ||
		ack.ServerAddr != netip.MustParseAddr("128.2.6.152") || ack.AssignedAddr.IsValid() {
		t.Errorf("ack %+v", *ack)
	}
}

// payloads returns the UDP payloads to or from any of ports in a shared capture.
func payloads(tb testing.TB, rel string, ports ...uint16) [][]byte {
	tb.Helper()
	src, err := capture.OpenFile(pcaptest.Path(tb, rel))
	if err != nil {
		tb.Fatal(err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	var out [][]byte
	for {
		data, info, err := src.Next()
		if err == io.EOF {
			return out
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
}

type discard struct{ msgs, recs int }

func (d *discard) Message(*dissect.Context, *dissect.Message) { d.msgs++ }
func (d *discard) Record(*dissect.Context, record.Record)     { d.recs++ }

func FuzzParse(f *testing.F) {
	for _, rel := range []string{"it/dhcp.pcap", "it/dhcp_inform.pcap"} {
		for _, p := range payloads(f, rel, 67, 68) {
			f.Add(p)
		}
	}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 68, RespP: 67}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := dhcp.Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			p.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: &discard{}}, data)
		}
		dhcp.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := payloads(b, "it/dhcp.pcap", 67, 68)
	out := &discard{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 68, RespP: 67}
	p := dhcp.Spec.New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(out.msgs)/float64(b.N), "msgs/op")
}

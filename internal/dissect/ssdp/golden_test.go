package ssdp_test

import (
	"io"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/ssdp"
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
		"it/nttcom_ssdp_test.pcap":             "the router answers the first M-SEARCH with each of its four responses twice, byte for byte (IP ID 0), 1.5 ms apart (frames 34-37 repeat 30-33); the sensor drops the repeats as capture duplicates (decode.Config.DedupWindow, 2 ms), tshark counts them: 4 RESPONSE fewer",
		"profinet/profinet_io_cm_mixed_1.pcap": "every frame of this capture is recorded twice, 1-2 µs apart; the sensor drops the second, byte-identical copy as a capture duplicate (decode.Config.DedupWindow, 2 ms), tshark counts both: exactly half",
	}
	sensortest.CheckGolden(t, all, dissect.NameSSDP, "testdata/tshark.golden", known)

	// The public sensor's SSDP test capture: 64 datagrams, of which 53 are
	// distinct within their flow and minute (tshark: udp.payload keyed by
	// the flow's addresses and ports and int(frame.time_epoch/60)); two
	// devices name their product in SERVER.
	var n int
	ids := map[string]bool{}
	for _, r := range all["it/nttcom_ssdp_test.pcap"].Records {
		switch v := r.(type) {
		case *record.SSDP:
			n++
		case *record.AssetID:
			ids[v.IP.String()+" "+v.Product+" "+v.Firmware] = true
		}
	}
	if n != 53 {
		t.Errorf("ssdp records %d, want 53", n)
	}
	if len(ids) != 2 || !ids["192.168.1.131 CyberLinkJava 1.8"] || !ids["192.168.1.1 UPnP Stack 7.14.131.47"] {
		t.Errorf("identities %v", ids)
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
	for _, rel := range []string{"it/nttcom_ssdp_test.pcap", "it/home-multicast-short.pcap"} {
		for _, p := range payloads(f, rel, 1900) {
			f.Add(p)
		}
	}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 40000, RespP: 1900}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := ssdp.Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			p.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: &discard{}}, data)
		}
		ssdp.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := payloads(b, "it/nttcom_ssdp_test.pcap", 1900)
	out := &discard{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 40000, RespP: 1900}
	p := ssdp.Spec.New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(out.msgs)/float64(b.N), "msgs/op")
}

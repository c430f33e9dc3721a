package ssdp_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/ssdp"
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

func FuzzParse(f *testing.F) {
	for _, rel := range []string{"it/nttcom_ssdp_test.pcap", "it/home-multicast-short.pcap"} {
		for _, p := range dissecttest.PortData(f, rel, 1900) {
			f.Add(p)
		}
	}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 40000, RespP: 1900}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := ssdp.Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			p.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: &dissecttest.Counter{}}, data)
		}
		ssdp.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := dissecttest.PortData(b, "it/nttcom_ssdp_test.pcap", 1900)
	out := &dissecttest.Counter{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 40000, RespP: 1900}
	p := ssdp.Spec.New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

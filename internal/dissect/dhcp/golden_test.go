package dhcp_test

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dhcp"
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

func FuzzParse(f *testing.F) {
	for _, rel := range []string{"it/dhcp.pcap", "it/dhcp_inform.pcap"} {
		for _, p := range dissecttest.PortData(f, rel, 67, 68) {
			f.Add(p)
		}
	}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 68, RespP: 67}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := dhcp.Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			p.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: &dissecttest.Counter{}}, data)
		}
		dhcp.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := dissecttest.PortData(b, "it/dhcp.pcap", 67, 68)
	out := &dissecttest.Counter{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 68, RespP: 67}
	p := dhcp.Spec.New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

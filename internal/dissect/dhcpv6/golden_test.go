package dhcpv6_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dhcpv6"
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
	sensortest.CheckGolden(t, all, dissect.NameDHCPv6, "testdata/tshark.golden", known)

	// The public sensor's DHCPv6 test capture: two Windows hosts soliciting,
	// 21 times each (tshark: dhcpv6.client_domain, duidllt.link_layer_addr,
	// vendorclass.enterprise).
	hosts := map[string]string{}
	n := 0
	for _, r := range all["it/nttcom_dhcpv6_test.pcap"].Records {
		if d, ok := r.(*record.DHCPv6); ok {
			n++
			if d.MsgType != "SOLICIT" || d.EnterpriseNumber != 311 || d.VendorClass != "MSFT 5.0" {
				t.Errorf("record %+v", d)
			}
			hosts[d.ClientFQDN] = d.MAC.String()
		}
	}
	want := map[string]string{"WIN7-CLIENT-01.happy.crazy": "00:0c:29:c2:25:f9", "vagrant-2008R2.happy.crazy": "00:0c:29:52:01:f3"}
	if n != 42 || len(hosts) != 2 || hosts["WIN7-CLIENT-01.happy.crazy"] != want["WIN7-CLIENT-01.happy.crazy"] ||
		hosts["vagrant-2008R2.happy.crazy"] != want["vagrant-2008R2.happy.crazy"] {
		t.Errorf("%d records, hosts %v, want 42 and %v", n, hosts, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, rel := range []string{"it/nttcom_dhcpv6_test.pcap", "other-ot/beckhoff_ads_addroute1.pcapng"} {
		for _, p := range dissecttest.PortData(f, rel, 546, 547) {
			f.Add(p)
		}
	}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 546, RespP: 547}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := dhcpv6.Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			p.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: &dissecttest.Counter{}}, data)
		}
		dhcpv6.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := dissecttest.PortData(b, "it/nttcom_dhcpv6_test.pcap", 546, 547)
	out := &dissecttest.Counter{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 546, RespP: 547}
	p := dhcpv6.Spec.New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

package cifsbrowser_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/cifsbrowser"
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
	sensortest.CheckGolden(t, all, dissect.NameCIFSBrowser, "testdata/tshark.golden", known)

	// The public sensor's test capture: its first host announcement, as
	// tshark -V shows it.
	var first *record.CIFSBrowser
	var ids []*record.AssetID
	for _, r := range all["it/nttcom_cifs_browser_test.pcap"].Records {
		switch v := r.(type) {
		case *record.CIFSBrowser:
			if first == nil && v.Opcode == 1 {
				first = v
			}
		case *record.AssetID:
			ids = append(ids, v)
		}
	}
	if first == nil || first.ServerName != "SNG-WIN2K" || first.OSVersion != "5.0" || first.ServerType != "0x1003" ||
		first.BrowserVersion != "15.1" || first.Signature != "0xaa55" || first.SrcName != "SNG-WIN2K<20>" || first.Periodicity != 480_000_000 {
		t.Errorf("first host announcement %+v", first)
	}
	// 58 host and local master announcements from two hosts, 26 and 32 (tshark:
	// browser.server, eth.src, browser.server_type): SNG-WIN2K, an NT
	// workstation, and SNG-WINNT4, an NT server. The pipeline aggregates
	// identical identities per minute, so the counts add up to 58.
	hosts := map[string]uint64{}
	var total uint64
	for _, id := range ids {
		hosts[id.Name+" "+id.IP.String()+" "+id.MAC.String()+" "+id.Role] += id.Count
		total += id.Count
	}
	if total != 58 || len(hosts) != 2 || hosts["SNG-WIN2K 192.168.1.35 08:00:27:b9:d0:0a workstation"] != 26 ||
		hosts["SNG-WINNT4 192.168.1.37 08:00:27:fb:de:c8 server"] != 32 {
		t.Errorf("identities %v (total %d), want 26 SNG-WIN2K and 32 SNG-WINNT4", hosts, total)
	}
}

func FuzzParse(f *testing.F) {
	for _, p := range dissecttest.PortData(f, "it/nttcom_cifs_browser_test.pcap", 138) {
		f.Add(p)
	}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 138, RespP: 138}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := cifsbrowser.Spec.New()
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			p.Parse(&dissect.Context{Dir: dir, Ep: ep, Out: &dissecttest.Counter{}}, data)
		}
		cifsbrowser.Detect(dissect.FromOrig, data)
	})
}

func BenchmarkParse(b *testing.B) {
	msgs := dissecttest.PortData(b, "it/nttcom_cifs_browser_test.pcap", 138)
	out := &dissecttest.Counter{}
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigP: 138, RespP: 138}
	p := cifsbrowser.Spec.New()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: out}, msgs[i%len(msgs)])
	}
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

package ftp_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/ftp"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-code counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/ftp.sh),
// then the session record of it/var-services-std-ports.pcap (tcp.stream 3:
// ftp.response.arg of the 220 and 215 replies, ftp.request.arg of USER).
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameFTP, "testdata/tshark.golden", nil)

	var got []*record.FTP
	for _, r := range all["it/var-services-std-ports.pcap"].Records {
		if v, ok := r.(*record.FTP); ok {
			got = append(got, v)
		}
	}
	if len(got) != 1 {
		t.Fatalf("ftp records %d, want 1", len(got))
	}
	r := *got[0]
	want := record.FTP{TS: r.TS, OrigH: r.OrigH, OrigP: 49659, RespH: r.RespH, RespP: 21, OrigMAC: r.OrigMAC, RespMAC: r.RespMAC,
		Banner: "localhost.localdomain FTP server (Version 6.4/OpenBSD/Linux-ftpd-0.17) ready.",
		User:   "jsiwek", PasswordSent: true, LoggedIn: true, Syst: "UNIX Type: L8 (Linux)",
		Commands: 6, Errors: 1}
	if r != want || r.OrigH.String() != "172.16.238.1" || r.RespH.String() != "172.16.238.131" {
		t.Errorf("record\n got %+v\nwant %+v", r, want)
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range dissecttest.PortPayloads(f, "it/var-services-std-ports.pcap", 30, 21) {
		f.Add(c.Data)
	}
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 50000, RespP: 21}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := ftp.Spec.New()
		out := &dissecttest.Counter{}
		for _, dir := range []dissect.Dir{dissect.FromResp, dissect.FromOrig} {
			ctx := &dissect.Context{Dir: dir, Ep: ep, Out: out}
			half := len(data) / 2
			p.Parse(ctx, data[:half])
			p.Parse(ctx, data[half:])
		}
		p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: out})
	})
}

func BenchmarkParse(b *testing.B) {
	chunks := dissecttest.PortPayloads(b, "it/var-services-std-ports.pcap", 1000, 21)
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 49659, RespP: 21}
	out := &dissecttest.Counter{}
	ctx := &dissect.Context{Ep: ep, Out: out}
	b.ReportAllocs()
	for b.Loop() {
		p := ftp.Spec.New() // one session per iteration, record included
		for _, ch := range chunks {
			ctx.Dir = ch.Dir
			p.Parse(ctx, ch.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

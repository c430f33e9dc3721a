package telnet_test

import (
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/telnet"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares counts on every shared capture with tshark's
// (testdata/tshark.golden, scripts/protocols/telnet.sh): none of them
// carries Telnet, so both must find nothing.
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameTelnet, "testdata/tshark.golden", nil)
}

// TestSessionPipeline runs the synthetic session (session_test.go) through
// the whole sensor pipeline. The counts are tshark 4.0's for the same pcap
// (written with OTSIGHT_TELNET_PCAP=… go test -run TestWriteSession, then
// scripts/protocols/telnet.sh's count on it): 14 telnet.cmd occurrences,
// 240 ×3, 250 ×3, 251 ×4, 253 ×4.
func TestSessionPipeline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "telnet.pcap")
	telnet.WriteSession(t, path)
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, path)
	if err != nil {
		t.Fatal(err)
	}
	ps := res.Summary.Protocols[dissect.NameTelnet]
	if ps == nil {
		t.Fatal("no telnet messages")
	}
	want := map[string]uint64{"240": 3, "250": 3, "251": 4, "253": 4}
	if ps.Messages != 14 || ps.Errors != 0 || len(ps.Functions) != len(want) {
		t.Errorf("messages %d errors %d codes %v", ps.Messages, ps.Errors, ps.Functions)
	}
	for k, v := range want {
		if ps.Functions[k] != v {
			t.Errorf("code %s: %d, want %d", k, ps.Functions[k], v)
		}
	}
	var recs []*record.Telnet
	for _, r := range res.Records {
		if v, ok := r.(*record.Telnet); ok {
			recs = append(recs, v)
		}
	}
	if len(recs) != 1 {
		t.Fatalf("telnet records %d, want 1", len(recs))
	}
	telnet.CheckSessionRecord(t, recs[0])
	if recs[0].OrigP != 40000 || recs[0].RespP != 23 || recs[0].RespH.String() != "10.0.0.10" {
		t.Errorf("endpoints %+v", *recs[0])
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range telnet.Session {
		f.Add([]byte(s.Data))
	}
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 23}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := telnet.Spec.New()
		out := &dissecttest.Counter{}
		for _, dir := range []dissect.Dir{dissect.FromResp, dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: ep, Out: out}
			half := len(data) / 2
			p.Parse(ctx, data[:half])
			p.Parse(ctx, data[half:])
		}
		p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: out})
	})
}

func BenchmarkParse(b *testing.B) {
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 40000, RespP: 23}
	out := &dissecttest.Counter{}
	ctx := &dissect.Context{Ep: ep, Out: out}
	var chunks []dissecttest.Chunk
	for _, s := range telnet.Session {
		if s.FromServer {
			chunks = append(chunks, dissecttest.Resp([]byte(s.Data)...))
		} else {
			chunks = append(chunks, dissecttest.Req([]byte(s.Data)...))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		p := telnet.Spec.New() // one session per iteration, record included
		for _, ch := range chunks {
			ctx.Dir = ch.Dir
			p.Parse(ctx, ch.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

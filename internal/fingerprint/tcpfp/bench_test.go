package tcpfp

import (
	"os"
	"testing"

	"github.com/otsight/otsight/internal/decode"
)

// benchMatcher is the sensor's matcher: p0f.fp (when installed) before the
// built-in set.
func benchMatcher(tb testing.TB) *Matcher {
	if _, err := os.Stat(p0fFile); err != nil {
		return NewMatcher(Builtin())
	}
	set, err := ParseFile(p0fFile, SourceP0F)
	if err != nil {
		tb.Fatal(err)
	}
	return NewMatcher(set, Builtin())
}

func benchPackets(tb testing.TB) []*decode.Packet {
	var out []*decode.Packet
	for _, c := range seedCaptures {
		frames, links := synFrames(tb, c, 16)
		for i := range frames {
			cfg := decode.DefaultConfig()
			cfg.DedupWindow = 0
			p, st := decode.NewDecoder(cfg).Decode(frames[i], links[i], 1, len(frames[i]))
			if st == decode.OK {
				out = append(out, p)
			}
		}
	}
	return out
}

// Extraction and matching allocate nothing per packet.
func TestExtractMatchAllocs(t *testing.T) {
	m := benchMatcher(t)
	pkts := benchPackets(t)
	if len(pkts) != 37 {
		t.Fatalf("%d seed packets, want 37", len(pkts))
	}
	n := testing.AllocsPerRun(100, func() {
		for _, p := range pkts {
			s, _ := Extract(p, 1460)
			_ = m.Match(&s)
		}
	})
	if n != 0 {
		t.Errorf("%v allocations per run", n)
	}
}

func BenchmarkExtract(b *testing.B) {
	pkts := benchPackets(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, _ = Extract(pkts[i%len(pkts)], 1460)
	}
}

func BenchmarkExtractMatch(b *testing.B) {
	m := benchMatcher(b)
	pkts := benchPackets(b)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s, _ := Extract(pkts[i%len(pkts)], 1460)
		_ = m.Match(&s)
	}
}

func BenchmarkString(b *testing.B) {
	s, _ := Extract(benchPackets(b)[0], 0)
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = s.AppendText(buf[:0])
	}
}

func BenchmarkParseBuiltin(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("builtin.fp", builtinFP, SourceBuiltin); err != nil {
			b.Fatal(err)
		}
	}
}

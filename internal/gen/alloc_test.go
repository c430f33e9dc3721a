package gen

import (
	"testing"
	"time"
)

// TestEncodeAllocs checks that encoding a frame does not allocate once the
// buffer has grown: the per-packet path of the packet output.
func TestEncodeAllocs(t *testing.T) {
	p, err := Preset("small")
	if err != nil {
		t.Fatal(err)
	}
	o := Options{Plant: p, Start: time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC), Duration: time.Minute, Seed: 1}
	m, err := o.model()
	if err != nil {
		t.Fatal(err)
	}
	// Collect a sample of packets of every conversation type.
	var pkts []pkt
	seen := map[string]bool{}
	m.run(sinkFunc(func(p *pkt) {
		k := p.c.service
		if p.st != nil {
			k += p.st.msg.Kind
		}
		if !seen[k] {
			seen[k] = true
			pkts = append(pkts, *p)
		}
	}))
	if len(pkts) < 20 {
		t.Fatalf("only %d kinds of packets", len(pkts))
	}
	buf := make([]byte, 0, 4096)
	var x msgCtx
	for i := range pkts {
		p := &pkts[i]
		if n := testing.AllocsPerRun(20, func() { buf = encode(buf[:0], p, &x) }); n != 0 {
			t.Errorf("%s %v: %.0f allocations per frame", p.c.service, p.st != nil && p.st.msg != nil, n)
		}
	}
}

type sinkFunc func(p *pkt)

func (f sinkFunc) packet(p *pkt)          { f(p) }
func (f sinkFunc) bulk(*conv, int64) bool { return false }
func (f sinkFunc) tick(int64)             {}

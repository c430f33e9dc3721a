package flow

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// greedy wants every payload and checks what it is given: per connection
// and direction, the bytes delivered and the bytes skipped as gaps.
type greedy struct {
	t         testing.TB
	delivered map[string]*[2]uint64
	gapped    map[string]*[2]uint64
	closed    map[string]bool
}

func newGreedy(t testing.TB) *greedy {
	return &greedy{t: t, delivered: map[string]*[2]uint64{}, gapped: map[string]*[2]uint64{}, closed: map[string]bool{}}
}

func (g *greedy) counts(m map[string]*[2]uint64, uid string) *[2]uint64 {
	if m[uid] == nil {
		m[uid] = new([2]uint64)
	}
	return m[uid]
}

func (g *greedy) Payload(c *Conn, dir Dir, ts int64, data []byte) {
	if g.closed[c.UID] {
		g.t.Errorf("%s: payload after Closed", c.UID)
	}
	if len(data) == 0 {
		g.t.Errorf("%s: empty payload", c.UID)
	}
	c.WantPayload = true
	g.counts(g.delivered, c.UID)[dir] += uint64(len(data))
}

func (g *greedy) Gap(c *Conn, dir Dir, n int) {
	if n <= 0 || c.Proto != decode.ProtoTCP {
		g.t.Errorf("%s: gap of %d on protocol %d", c.UID, n, c.Proto)
	}
	g.counts(g.gapped, c.UID)[dir] += uint64(n)
}

func (g *greedy) Closed(c *Conn) {
	if g.closed[c.UID] {
		g.t.Errorf("%s: closed twice", c.UID)
	}
	g.closed[c.UID] = true
}

// stripGaps removes the content-gap letters, which only payload consumers
// produce.
func stripGaps(h string) string {
	return strings.NewReplacer("G", "", "g", "").Replace(h)
}

// Every capture through decode and flow, once without a handler and once
// with one that wants all payload: every packet is counted exactly once,
// intervals add up to the final records, nothing stays buffered, and
// payload delivery changes nothing but the gap accounting.
func TestCapturesInvariants(t *testing.T) {
	for _, path := range pcaptest.Files(t) {
		name, _ := filepath.Rel(pcaptest.Dir(t), path)
		t.Run(name, func(t *testing.T) {
			frames := readCapture(t, path)

			plain := newSink(t)
			tab := New(Config{}, nil, plain.emit, 1)
			accepted := replay(tab, frames)
			if accepted < 0 {
				t.Fatal("the table refused a TCP, UDP or ICMP packet, or took another")
			}
			checkRun(t, tab, plain, accepted)

			withPayload := newSink(t)
			g := newGreedy(t)
			tab2 := New(Config{}, g, withPayload.emit, 1)
			if replay(tab2, frames) != accepted {
				t.Fatal("payload delivery changed the packets accepted")
			}
			checkRun(t, tab2, withPayload, accepted)
			if len(plain.conns) != len(withPayload.conns) {
				t.Fatalf("%d connections with payload delivery, %d without", len(withPayload.conns), len(plain.conns))
			}
			var missed uint64
			for i, a := range plain.conns {
				b := *withPayload.conns[i]
				if !g.closed[b.UID] {
					t.Errorf("%s: Closed not called", b.UID)
				}
				missed += b.MissedBytes
				if gaps := g.counts(g.gapped, b.UID); b.MissedBytes > gaps[0]+gaps[1] {
					t.Errorf("%s: %d missed bytes but %d gap bytes", b.UID, b.MissedBytes, gaps[0]+gaps[1])
				}
				b.MissedBytes, b.History = 0, stripGaps(b.History)
				if *a != b {
					t.Errorf("payload delivery changed a record:\n%+v\n%+v", *a, b)
				}
				if a.Proto == "tcp" {
					checkDelivered(t, g, a)
				}
			}
			if st := tab2.Stats(); st.GapBytes < missed {
				t.Errorf("stats count %d gap bytes, records %d missed", st.GapBytes, missed)
			}
		})
	}
}

func checkRun(t *testing.T, tab *Table, s *sink, accepted int) {
	t.Helper()
	s.checkSums()
	var pkts uint64
	for _, c := range s.conns {
		pkts += c.OrigPkts + c.RespPkts
		if c.End == "" || c.ConnState == "" {
			t.Errorf("%s: incomplete record %+v", c.UID, *c)
		}
	}
	st := tab.Stats()
	if pkts != uint64(accepted) || st.Packets != uint64(accepted) {
		t.Errorf("%d packets accepted, %d counted by the table, %d in the records", accepted, st.Packets, pkts)
	}
	if st.Active != 0 || st.StreamBytes != 0 || st.Created != uint64(len(s.conns)) ||
		st.Created != st.Closed+st.TimedOut+st.Evicted+st.Flushed+st.Reused {
		t.Errorf("stats after flush %+v, %d records", st, len(s.conns))
	}
}

// checkDelivered compares what a TCP direction delivered with what its
// sequence numbers cover: delivered and skipped bytes never exceed the
// size, and equal it for connections seen from SYN to FIN with no odd
// flags (fuzzed captures carry garbage sequence numbers).
func checkDelivered(t *testing.T, g *greedy, c *record.Conn) {
	if strings.ContainsAny(c.History, "QqIi") {
		return
	}
	d, gp := g.counts(g.delivered, c.UID), g.counts(g.gapped, c.UID)
	complete := strings.HasPrefix(c.History, "Sh") && c.ConnState == "SF"
	for dir, size := range []uint64{c.OrigBytes, c.RespBytes} {
		if got := d[dir] + gp[dir]; got > size || (complete && got != size) {
			t.Errorf("%s %s dir %d: delivered %d + gaps %d, %d bytes (%s %s)", c.UID, tuple(c), dir, d[dir], gp[dir], size, c.ConnState, c.History)
		}
	}
}

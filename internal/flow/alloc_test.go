package flow

import (
	"testing"

	"github.com/otsight/otsight/internal/record"
)

func discard(record.Record) {}

// Packets of known connections cost no allocation, whether the handler
// declined their payload or takes it in order.
func TestNoAllocationsPerPacket(t *testing.T) {
	for _, want := range []bool{false, true} {
		h := &countingHandler{want: want}
		tab := New(Config{}, h, discard, 1)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		x.step = 1000 // 1 µs: thousands of packets stay in one minute
		x.send(true, flagS, 0)
		x.send(false, flagSA, 0)
		x.send(true, flagA, 0)
		req := tcpPacket(0, ipA, 40000, ipB, 502, flagPA, 0, 0, make([]byte, 12))
		rsp := tcpPacket(0, ipB, 502, ipA, 40000, flagPA, 0, 0, make([]byte, 9))
		dgram := udpPacket(0, ipA, 40001, ipB, 502, 20)
		ping := icmpPacket(0, ipA, ipB, 8, 0, 56)
		feed := func() {
			req.TS, req.Seq, req.Ack = x.now, x.a.seq, x.b.seq
			x.feed(req)
			x.a.seq += 12
			rsp.TS, rsp.Seq, rsp.Ack = x.now, x.b.seq, x.a.seq
			x.feed(rsp)
			x.b.seq += 9
			dgram.TS = x.now
			x.feed(dgram)
			ping.TS = x.now
			x.feed(ping)
		}
		feed() // creates the UDP and ICMP connections, makes the offers
		if allocs := testing.AllocsPerRun(1000, feed); allocs != 0 {
			t.Errorf("want=%v: %.1f allocations per 4 packets", want, allocs)
		}
		// AllocsPerRun calls feed once more than asked, after the first call.
		if want && h.bytes != 1002*(12+9+20+60) {
			t.Errorf("delivered %d bytes", h.bytes)
		}
	}
}

// Connection churn reuses connection structs: a connection's whole life
// allocates only its UID and the two records it leaves (UDP's one-letter
// history needs no allocation).
func TestConnectionChurnAllocations(t *testing.T) {
	tab := New(Config{}, nil, discard, 1)
	p := udpPacket(t0, ipA, 40000, ipB, 53, 10)
	now := t0
	cycle := func() {
		p.SrcPort++
		p.TS = now
		tab.Packet(p)
		now += 2 * minute // rolls the minute over and times the connection out
		tab.Advance(now)
	}
	for range 100 {
		cycle() // warm up the free list, the dirty list and the map
	}
	if allocs := testing.AllocsPerRun(1000, cycle); allocs != 3 {
		t.Errorf("%.2f allocations per connection, want 3 (UID, interval, conn)", allocs)
	}
	if st := tab.Stats(); st.Active != 0 || st.TimedOut != 100+1+1000 { // AllocsPerRun warms up once
		t.Errorf("stats %+v", st)
	}
}

// countingHandler wants (or declines) payload and counts it.
type countingHandler struct {
	want  bool
	bytes int
}

func (h *countingHandler) Payload(c *Conn, dir Dir, ts int64, data []byte) {
	c.WantPayload = h.want
	h.bytes += len(data)
}
func (h *countingHandler) Gap(*Conn, Dir, int) {}
func (h *countingHandler) Closed(*Conn)        {}

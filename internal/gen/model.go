package gen

import (
	"math/rand/v2"
	"time"

	"github.com/otsight/otsight/internal/gen/wire"
)

// sink receives the generated stream in time order.
type sink interface {
	packet(p *pkt)
	// bulk reports k more full cycles of c, starting at c.group, all of
	// whose packets fall before the end of the current minute. A sink that
	// cannot take cycles in bulk returns false, and gets them packet by
	// packet.
	bulk(c *conv, k int64) bool
	// tick tells the sink that time has reached t (the next packet's time
	// or the end of the span).
	tick(t int64)
}

// actor is something scheduled in time: a conversation producing packets,
// or a spawner creating conversations.
type actor interface {
	when() int64
	order() uint64
}

func (c *conv) when() int64   { return c.t }
func (c *conv) order() uint64 { return c.id }

// slot is one entry of the schedule: the actor with its time and tie-break
// copied in, so that ordering compares integers in one array.
type slot struct {
	t   int64
	ord uint64
	a   actor
}

func (x *slot) before(y *slot) bool { return x.t < y.t || x.t == y.t && x.ord < y.ord }

// schedule is a binary min-heap of actors by time, then creation order.
type schedule []slot

func (h *schedule) push(a actor) {
	*h = append(*h, slot{t: a.when(), ord: a.order(), a: a})
	q := *h
	i := len(q) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !q[i].before(&q[p]) {
			break
		}
		q[i], q[p] = q[p], q[i]
		i = p
	}
}

// fixTop re-sorts after the first actor's time changed.
func (h schedule) fixTop() {
	h[0].t = h[0].a.when()
	i, n := 0, len(h)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		m := l
		if r := l + 1; r < n && h[r].before(&h[l]) {
			m = r
		}
		if !h[m].before(&h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

func (h *schedule) popTop() {
	q := *h
	n := len(q) - 1
	q[0] = q[n]
	q[n] = slot{}
	*h = q[:n]
	if n > 0 {
		(*h).fixTop()
	}
}

// model is a plant instantiated for one run: devices, their conversations
// and spawners, and the truth of injected events.
type model struct {
	plant      *Plant
	seed       uint64
	start, end int64
	rng        *rand.Rand
	devices    []*Device
	macs       int
	ids        uint64
	queue      schedule
	scratch    []byte
	truth      []TruthEvent

	office   *officeNet
	level3   *level3Net
	building *buildingNet
	cells    []*cellNet
}

// newRand returns a generator for one actor: seeded by the run's seed and
// the actor's stream number, so adding actors does not disturb others.
func (m *model) newRand(stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(m.seed, stream*0x9e3779b97f4a7c15+1))
}

// add schedules a conversation; it must not start before the current time.
func (m *model) add(c *conv) *conv {
	m.ids++
	c.id = m.ids
	if c.end == 0 || c.end > m.end {
		c.end = m.end
	}
	if c.rtt == 0 {
		c.rtt = int64(time.Millisecond)
	}
	if c.period == 0 {
		c.period = int64(time.Hour) * 24 * 365
	}
	m.scratch = c.init(m.scratch)
	if c.start < m.end {
		m.queue.push(c)
	}
	return c
}

func (m *model) schedule(a actor) {
	if a.when() < m.end {
		m.queue.push(a)
	}
}

// run merges every actor's output into one time-ordered stream for s.
func (m *model) run(s sink) {
	var p pkt
	for len(m.queue) > 0 {
		t := m.queue[0].t
		if t >= m.end {
			break
		}
		s.tick(t)
		switch a := m.queue[0].a.(type) {
		case *conv:
			if a.phase == phCycle && a.i == 0 {
				if k := a.bulkCycles(minuteEnd(t)); k > 0 && s.bulk(a, k) {
					a.skipCycles(k)
					m.queue.fixTop()
					continue
				}
			}
			if a.next(&p) {
				s.packet(&p)
			}
			if a.phase == phDone {
				m.queue.popTop()
			} else {
				m.queue.fixTop()
			}
		case *spawner:
			// A spawner pushes new actors: take it out while it runs.
			m.queue.popTop()
			a.fire(m)
			if a.t < m.end {
				m.queue.push(a)
			}
		}
	}
}

func minuteEnd(t int64) int64 {
	const minute = int64(time.Minute)
	return t - t%minute + minute
}

// bulkCycles counts the full cycles, starting with the current one, whose
// packets all fall before limit and which all start before the
// conversation's end, at a constant period. UDP flows whose period reaches
// the inactivity timeout, and cycles near a surge, are left to the
// packet-by-packet path.
func (c *conv) bulkCycles(limit int64) int64 {
	if c.proto != wire.ProtoUDP && c.proto != wire.ProtoTCP {
		return 0
	}
	if c.proto == wire.ProtoUDP && c.period >= int64(time.Minute) {
		return 0
	}
	if c.surgeFactor > 1 && c.surgeTo > c.group && c.surgeFrom < limit {
		return 0
	}
	last := c.cycle[len(c.cycle)-1].off
	limit = min(limit, c.end+last) // a cycle starting at or after end never runs
	if c.group+last >= limit {
		return 0
	}
	// Cycles 0..k-1 end before limit: group + i*period + last < limit.
	k := (limit - c.group - last + c.period - 1) / c.period
	if c.group+k*c.period >= c.end {
		k--
	}
	// Leave the last of them to the packet path, so that the transition
	// to the close phase (and the minute's edge) always runs there.
	return max(k-1, 0)
}

// skipCycles advances the run state past k full cycles.
func (c *conv) skipCycles(k int64) {
	c.group += k * c.period
	c.n += uint32(k)
	if c.proto == wire.ProtoTCP {
		for i, st := range c.cycle {
			c.seq[st.dir] += uint32(k) * uint32(c.plen[len(c.setup)+i])
		}
	}
	c.t = c.group + c.cycle[0].off
}

package flow

import "slices"

// maxStreamJump bounds how far an acknowledgement may move a stream ahead;
// larger jumps are taken for garbage rather than for lost data.
const maxStreamJump = 1 << 24

// stream is one direction's payload delivery state. UDP and ICMP use only
// offered; TCP reassembles in sequence order.
type stream struct {
	offered   bool // Payload has been called for this direction
	paused    bool // WantPayload turned false after the offer: next is stale
	haveNext  bool
	haveFin   bool
	haveAcked bool
	next      uint32 // sequence number of the next byte to deliver
	acked     uint32 // highest acknowledgement from the peer before the stream started
	finSeq    uint32 // sequence number of the FIN octet
	buffered  int
	segs      []segment // out-of-order data, sorted by sequence number
}

// segment is buffered out-of-order data, copied into a pooled buffer.
type segment struct {
	seq  uint32
	ts   int64
	data []byte
}

// wants reports whether the handler is to get dir's payload: always until
// its first delivery (the offer), then while it keeps WantPayload set.
func (t *Table) wants(c *conn, st *stream) bool {
	return t.h != nil && (!st.offered || c.WantPayload)
}

// datagram offers one UDP datagram or ICMP body.
func (t *Table) datagram(c *conn, dir Dir, ts int64, payload []byte) {
	st := &c.streams[dir]
	if len(payload) == 0 || !t.wants(c, st) {
		return
	}
	st.offered = true
	t.h.Payload(&c.Conn, dir, ts, payload)
}

// tcpPayload feeds one TCP packet from dir to the in-order delivery of its
// direction, and lets its acknowledgement flush the peer's direction.
func (t *Table) tcpPayload(c *conn, dir Dir, s *tcpSegment, payload []byte) {
	if t.h == nil {
		return
	}
	if s.flags&(tcpAck|tcpRst) == tcpAck {
		t.acked(c, dir^1, s.ack)
	}
	st := &c.streams[dir]
	if !t.wants(c, st) {
		t.pause(st)
		return
	}
	if s.flags&tcpRst != 0 {
		return // RST payload is not part of the stream
	}
	seq := s.seq
	if s.flags&tcpSyn != 0 {
		seq++
	}
	switch {
	case st.haveNext:
	case s.flags&tcpSyn != 0:
		st.next, st.haveNext = seq, true
	case len(payload) > 0:
		// Picked up midstream: start at the first data seen, or at what
		// the peer already acknowledged if that is further (the first
		// data may be a keep-alive byte below it).
		st.next, st.haveNext = seq, true
		if d := int32(st.acked - seq); st.haveAcked && d > 0 && d <= maxStreamJump {
			st.next = st.acked
		}
	}
	if s.flags&tcpFin != 0 {
		st.finSeq, st.haveFin = seq+uint32(s.plen), true
	}
	if len(payload) == 0 {
		return
	}
	if st.paused {
		// Delivery resumes with the first new data: what passed while
		// paused is skipped, older data was delivered or skipped already.
		d := int32(seq - st.next)
		if int64(d)+int64(len(payload)) <= 0 {
			return
		}
		if d > 0 {
			t.gap(c, dir, st, int(d), false)
		}
		st.paused = false
	}
	t.segmentIn(c, dir, st, seq, payload, s.ts)
}

// segmentIn delivers data at seq if it is next in order (trimming bytes
// already delivered), and buffers it otherwise. When the buffer would exceed
// MaxStreamBuffer the hole before it is given up as a gap.
func (t *Table) segmentIn(c *conn, dir Dir, st *stream, seq uint32, data []byte, ts int64) {
	off := int32(seq - st.next)
	if int64(off)+int64(len(data)) <= 0 {
		return // all delivered already
	}
	if off > 0 {
		if st.buffered+len(data) <= t.cfg.MaxStreamBuffer {
			t.buffer(st, seq, data, ts)
			return
		}
		t.skipTo(c, dir, st, seq)
		if !t.wants(c, st) {
			return
		}
		off = int32(seq - st.next)
		if int64(off)+int64(len(data)) <= 0 {
			return
		}
	}
	if off < 0 {
		data = data[-off:]
	}
	t.deliver(c, dir, st, data, ts)
	t.drain(c, dir, st)
}

func (t *Table) deliver(c *conn, dir Dir, st *stream, data []byte, ts int64) {
	st.next += uint32(len(data))
	st.offered = true
	t.h.Payload(&c.Conn, dir, ts, data)
}

// gap skips n bytes of dir's stream. lost gaps (data that will never come)
// count as missed bytes and in the history; a gap over bytes skipped while
// the handler did not want payload does not.
func (t *Table) gap(c *conn, dir Dir, st *stream, n int, lost bool) {
	st.next += uint32(n)
	t.stats.GapBytes += uint64(n)
	if lost {
		c.missed += uint64(n)
		if c.tcp[dir].gaps.hit() {
			c.addHist(dir, 'G')
		}
	}
	t.h.Gap(&c.Conn, dir, n)
}

// buffer stores an out-of-order segment.
func (t *Table) buffer(st *stream, seq uint32, data []byte, ts int64) {
	off := int32(seq - st.next)
	i := len(st.segs)
	for i > 0 && int32(st.segs[i-1].seq-st.next) > off {
		i--
	}
	if i > 0 && st.segs[i-1].seq == seq && len(st.segs[i-1].data) >= len(data) {
		return // a retransmission of buffered data
	}
	b := t.bufs.get(len(data))
	copy(b, data)
	st.segs = slices.Insert(st.segs, i, segment{seq: seq, ts: ts, data: b})
	st.buffered += len(b)
	t.stats.StreamBytes += uint64(len(b))
}

// popFront removes the first buffered segment; the caller recycles its data.
func (t *Table) popFront(st *stream) segment {
	sg := st.segs[0]
	n := copy(st.segs, st.segs[1:])
	st.segs[n] = segment{}
	st.segs = st.segs[:n]
	st.buffered -= len(sg.data)
	t.stats.StreamBytes -= uint64(len(sg.data))
	return sg
}

// deliverBuffered pops the first segment and delivers what of it is new.
func (t *Table) deliverBuffered(c *conn, dir Dir, st *stream) {
	sg := t.popFront(st)
	if off := int32(sg.seq - st.next); int64(off)+int64(len(sg.data)) > 0 {
		t.deliver(c, dir, st, sg.data[max(-off, 0):], sg.ts)
	}
	t.bufs.put(sg.data)
}

// drain delivers buffered segments that have become in order.
func (t *Table) drain(c *conn, dir Dir, st *stream) {
	for len(st.segs) > 0 && t.wants(c, st) && int32(st.segs[0].seq-st.next) <= 0 {
		t.deliverBuffered(c, dir, st)
	}
	if !t.wants(c, st) {
		t.pause(st)
	}
}

// skipTo gives up every hole before limit: buffered segments that start
// before it are delivered, the holes between them reported as lost gaps.
func (t *Table) skipTo(c *conn, dir Dir, st *stream, limit uint32) {
	for len(st.segs) > 0 && t.wants(c, st) && int32(st.segs[0].seq-limit) < 0 {
		if d := int32(st.segs[0].seq - st.next); d > 0 {
			t.gap(c, dir, st, int(d), true)
		}
		t.deliverBuffered(c, dir, st)
	}
	if !t.wants(c, st) {
		t.pause(st)
		return
	}
	if d := int32(limit - st.next); d > 0 {
		t.gap(c, dir, st, int(d), true)
	}
}

// acked handles an acknowledgement for dir's stream: before the stream
// starts it is remembered, afterwards bytes acknowledged but never seen are
// lost for good (the FIN's octet is not data).
func (t *Table) acked(c *conn, dir Dir, ack uint32) {
	st := &c.streams[dir]
	if !st.haveNext {
		if !st.haveAcked || int32(ack-st.acked) > 0 {
			st.acked, st.haveAcked = ack, true
		}
		return
	}
	if st.paused || !t.wants(c, st) {
		return
	}
	limit := ack
	if st.haveFin && ack == st.finSeq+1 {
		limit = st.finSeq
	}
	if d := int32(limit - st.next); d <= 0 || d > maxStreamJump {
		return
	}
	t.skipTo(c, dir, st, limit)
	if t.wants(c, st) {
		t.drain(c, dir, st)
	}
}

// finishStream runs when the connection leaves the table: everything
// buffered is delivered with its holes as gaps, and a hole before a seen FIN
// is reported too.
func (t *Table) finishStream(c *conn, dir Dir) {
	st := &c.streams[dir]
	for len(st.segs) > 0 && t.wants(c, st) {
		if d := int32(st.segs[0].seq - st.next); d > 0 {
			t.gap(c, dir, st, int(d), true)
		}
		t.deliverBuffered(c, dir, st)
	}
	if st.haveNext && st.haveFin && !st.paused && t.wants(c, st) {
		if d := int32(st.finSeq - st.next); d > 0 && d <= maxStreamJump {
			t.gap(c, dir, st, int(d), true)
		}
	}
	t.release(st)
}

// pause stops delivery for a direction the handler no longer wants and
// frees its buffers.
func (t *Table) pause(st *stream) {
	if st.offered {
		st.paused = true
	}
	t.release(st)
}

// release returns a stream's buffers to the pool.
func (t *Table) release(st *stream) {
	for i := range st.segs {
		t.stats.StreamBytes -= uint64(len(st.segs[i].data))
		t.bufs.put(st.segs[i].data)
		st.segs[i] = segment{}
	}
	st.segs = st.segs[:0]
	st.buffered = 0
}

package flow

// dirCounters are one direction's totals and the part of them already
// reported in interval records; an interval carries total minus reported, so
// the intervals of a connection always add up to its final record.
type dirCounters struct {
	pkts, ipBytes, l2Bytes uint64
	// bytes is the payload: TCP the high-water mark of the sequence-derived
	// size, UDP and ICMP the sum of payload lengths.
	bytes uint64

	repPkts, repIPBytes, repL2Bytes, repBytes uint64
}

// conn is the table's state for one connection. The embedded Conn is what
// Handlers see.
type conn struct {
	Conn

	key     connKey
	seq     uint64 // creation order, for deterministic flushing
	dirs    [2]dirCounters
	tcp     [2]tcpEndpoint
	streams [2]stream

	hist     []byte
	histSeen uint32 // once-only history letters already logged (resp bits << 16)
	missed   uint64 // bytes declared lost in content gaps

	// durEnd is Zeek's last_time: the last packet, except that TCP packets
	// after both sides closed do not extend the duration.
	durEnd int64

	// Close timer of a TCP connection whose close completed (0: none), and
	// the list it belongs to.
	closeAt   int64
	closeList timerList
	attemptAt int64 // first SYN of an unanswered attempt

	// Expiry list links.
	prev, next *conn
	list       timerList
	deadline   int64

	dirtyIdx int // index in Table.dirty, -1 when nothing is pending
}

// maxHistory bounds the history string; Zeek's only grows with repeated
// control packets at new sequence numbers, which a hostile peer can repeat.
const maxHistory = 256

// Once-only history events; the responder's bits are shifted by 16.
const (
	histSYN uint32 = 1 << iota
	histFIN
	histRST
	histFINRST
	histData
	histAck
	histMulti
)

// addHist appends a history letter, lower-cased for the responder.
func (c *conn) addHist(dir Dir, code byte) {
	if len(c.hist) >= maxHistory {
		return
	}
	if dir == FromResp && code >= 'A' && code <= 'Z' {
		code += 'a' - 'A'
	}
	c.hist = append(c.hist, code)
}

// seen logs code the first time event happens in dir and reports whether it
// had happened before.
func (c *conn) seen(dir Dir, event uint32, code byte) bool {
	if dir == FromResp {
		event <<= 16
	}
	if c.histSeen&event != 0 {
		return true
	}
	c.histSeen |= event
	c.addHist(dir, code)
	return false
}

// scaledCount logs an event at its 1st, 10th, 100th, ... occurrence, as
// Zeek does for retransmissions, zero windows and content gaps.
type scaledCount struct{ n, next uint32 }

// hit counts one occurrence and reports whether it should be logged.
func (s *scaledCount) hit() bool {
	if s.next == 0 {
		s.next = 1
	}
	s.n++
	if s.n != s.next {
		return false
	}
	if s.next < 1e9 {
		s.next *= 10
	}
	return true
}

// reset clears c for reuse, keeping the capacity of its buffers.
func (c *conn) reset() {
	hist := c.hist[:0]
	segs := [2][]segment{c.streams[0].segs[:0], c.streams[1].segs[:0]}
	*c = conn{}
	c.hist = hist
	c.streams[0].segs = segs[0]
	c.streams[1].segs = segs[1]
	c.dirtyIdx = -1
}

package flow

import "github.com/otsight/otsight/internal/decode"

// tcpState is one TCP endpoint's state in Zeek's model, from which
// conn_state is derived.
type tcpState uint8

const (
	tcpInactive    tcpState = iota // nothing seen from this side
	tcpSynSent                     // SYN seen, no answer yet
	tcpSynAckSent                  // SYN+ACK seen without the peer's SYN
	tcpPartial                     // traffic without a SYN: picked up midstream
	tcpEstablished                 // handshake completed (or SYN+ACK answered)
	tcpClosed                      // FIN seen
	tcpReset                       // RST seen
)

// TCP flag bits, shortened.
const (
	tcpFin = decode.TCPFin
	tcpSyn = decode.TCPSyn
	tcpRst = decode.TCPRst
	tcpAck = decode.TCPAck
)

// tooLargeSeqDelta is the jump beyond which a SYN's or RST's sequence
// number is not trusted to extend the endpoint's sequence space.
const tooLargeSeqDelta = 1 << 20

// tcpEndpoint tracks one side's sequence space and state. Sequence numbers
// are kept as Zeek keeps them, so sizes derived from them match conn.log.
type tcpEndpoint struct {
	state, prev tcpState
	didClose    bool // a FIN or RST from this side closed its half

	start              int64  // initial sequence number (0..2^32-1)
	last               uint32 // one past the highest sequence number sent
	ack                uint32 // highest acknowledgement the peer sent for this side
	seqWraps, ackWraps uint32
	fins               uint32

	// Relative sequence numbers of the last SYN, FIN and RST, so a repeat
	// at a new sequence number is logged again.
	lastSYN, lastFIN, lastRST int64

	rxmt, win0, gaps scaledCount
}

func (e *tcpEndpoint) setState(s tcpState) {
	if s != e.state {
		e.prev, e.state = e.state, s
	}
}

func (e *tcpEndpoint) reinit(seq, end uint32) {
	e.start = int64(seq)
	e.ack = seq
	e.last = end
}

// initSeq sets up the sequence space on the endpoint's first packet (as if
// a SYN had been seen, for midstream pickup) and restarts it on a SYN that
// contradicts it.
func (e *tcpEndpoint) initSeq(syn bool, seq, end uint32) {
	switch e.state {
	case tcpInactive:
		if syn {
			e.reinit(seq, end)
		} else {
			e.start = int64(seq - 1)
			e.ack = seq - 1
			e.last = seq // the first packet must not count as a retransmission
		}
	case tcpSynSent, tcpSynAckSent:
		if syn && seq != uint32(e.start) {
			e.reinit(seq, end)
		}
	case tcpEstablished, tcpPartial:
		if syn {
			e.reinit(seq, end)
		}
	case tcpReset:
		if syn && e.prev == tcpInactive {
			// The RST that set the sequence space was likely spoofed.
			e.reinit(seq, end)
		}
	}
}

// relative maps seq to the endpoint's relative sequence space, given the
// reference point ref and its wrap count; underflow reports a sequence
// number before the start.
func (e *tcpEndpoint) relative(seq, ref, wraps uint32) (rel int64, underflow bool) {
	if d := int32(seq - ref); d < 0 {
		if wraps > 0 && seq > ref {
			wraps-- // belongs to the previous 32-bit round
		}
	} else if d > 0 && seq < ref {
		wraps++
	}
	if wraps == 0 {
		d := int32(seq - uint32(e.start))
		return int64(d), d < 0
	}
	return int64(wraps)<<32 + int64(seq) - e.start, false
}

func (e *tcpEndpoint) setLast(seq uint32) {
	if seq < e.last {
		e.seqWraps++
	}
	e.last = seq
}

func (e *tcpEndpoint) setAck(seq uint32) {
	if seq < e.ack {
		e.ackWraps++
	}
	e.ack = seq
}

// advanceAck records an acknowledgement the peer sent for this side.
func (e *tcpEndpoint) advanceAck(ack uint32) {
	d := int32(ack - e.ack)
	if ack == 0 && d > tooLargeSeqDelta {
		return // more likely a broken ack than a wrap landing on zero
	}
	if d > 0 {
		e.setAck(ack)
	}
}

// advanceLast moves the endpoint's sequence high-water mark to end, the
// sequence number one past the segment, and reports a retransmission of
// payload.
func (e *tcpEndpoint) advanceLast(end uint32, flags uint8, plen int) (rxmt bool) {
	d := int32(end - e.last)
	switch {
	case flags&(decode.TCPSyn|decode.TCPRst) != 0 && (d > tooLargeSeqDelta || d < -tooLargeSeqDelta):
	case flags&decode.TCPFin != 0 && e.last == uint32(e.start)+1:
		// Only the SYN and the FIN seen: trust the FIN even backwards, for
		// transfers larger than 2 GiB.
		e.setLast(end)
	case e.state == tcpReset:
		// Sequence numbers after a RST are not trusted.
	case d > 0:
		e.setLast(end)
	case plen > 0:
		return true
	}
	return false
}

// noDataAcked reports that the peer acknowledged at most the SYN.
func (e *tcpEndpoint) noDataAcked() bool {
	ack := int64(e.ackWraps)<<32 + int64(e.ack)
	return ack == e.start || ack == e.start+1
}

// size is the endpoint's payload size from its sequence space: the highest
// sequence number sent or acknowledged, minus the start, without the SYN and
// FIN octets.
func (e *tcpEndpoint) size(peer *tcpEndpoint) uint64 {
	if e.prev == tcpSynSent && e.state == tcpReset && peer.state == tcpInactive && !e.noDataAcked() {
		// A half-open connection discovered and aborted: its sequence
		// numbers say nothing about data.
		return 0
	}
	top := max(int64(e.seqWraps)<<32+int64(e.last), int64(e.ackWraps)<<32+int64(e.ack))
	n := top - e.start
	if n <= 0 {
		return 0
	}
	n-- // SYN
	if e.fins > 0 && n > 0 {
		n-- // FIN
	}
	return uint64(n)
}

// tcpSegment is what the state machine needs of one TCP packet.
type tcpSegment struct {
	flags    uint8
	seq, ack uint32
	window   uint16
	plen     int // payload length, from the IP header
	ts       int64
}

func (s *tcpSegment) has(f uint8) bool { return s.flags&f != 0 }

// tcpUpdate does Zeek's per-packet TCP bookkeeping for a packet from dir:
// sequence spaces, history letters, endpoint states and the close timer.
func (c *conn) tcpUpdate(dir Dir, s *tcpSegment, cfg *Config) {
	ep, peer := &c.tcp[dir], &c.tcp[dir^1]
	syn, fin, rst := s.has(decode.TCPSyn), s.has(decode.TCPFin), s.has(decode.TCPRst)

	segLen := s.plen
	if syn {
		segLen++
	}
	if fin {
		segLen++
	}
	if rst {
		segLen -= s.plen // data on a RST is not part of the stream
	}
	end := s.seq + uint32(segLen)

	ep.initSeq(syn, s.seq, end)
	rel, _ := ep.relative(s.seq, ep.last, ep.seqWraps)
	c.tcpHistory(dir, s, rel)

	// Zero windows matter unless they come with or after a RST, or after
	// the peer's FIN (no more data is coming to fill the window).
	if s.window == 0 && !rst && peer.state != tcpClosed && ep.state != tcpReset && ep.win0.hit() {
		c.addHist(dir, 'W')
	}
	if !(c.tcp[0].didClose && c.tcp[1].didClose) && s.ts > c.durEnd {
		c.durEnd = s.ts
	}
	if fin {
		ep.fins++
	}
	if s.has(decode.TCPAck) {
		if peer.state == tcpInactive {
			// Number the peer's sequence space as if its SYN had been seen.
			peer.start = int64(s.ack - 1)
			peer.ack = s.ack - 1
			peer.last = s.ack - 1
		} else if _, under := peer.relative(s.ack, peer.ack, peer.ackWraps); !under && !rst {
			peer.advanceAck(s.ack) // acks on RSTs are not trusted
		}
	}
	if ep.advanceLast(end, s.flags, s.plen) && ep.rxmt.hit() {
		c.addHist(dir, 'T')
	}

	closing, resetTimer := c.tcpTransition(dir, s)
	if closing {
		c.tcpClosed(dir, cfg)
	}
	if resetTimer {
		c.setCloseTimer(s.ts+int64(cfg.TCPReset), listTCPReset)
	}
	for d := range c.dirs {
		c.dirs[d].bytes = max(c.dirs[d].bytes, c.tcp[d].size(&c.tcp[d^1]))
	}
}

// tcpHistory logs the history letters of a packet: control packets by
// their flags (again when repeated at a new sequence number), otherwise
// data or a pure ACK once per direction.
func (c *conn) tcpHistory(dir Dir, s *tcpSegment, rel int64) {
	ep := &c.tcp[dir]
	syn, fin, rst := s.has(decode.TCPSyn), s.has(decode.TCPFin), s.has(decode.TCPRst)
	switch n := b2i(syn) + b2i(fin) + b2i(rst); {
	case n > 1:
		if fin && rst {
			c.seen(dir, histFINRST, 'I')
		} else {
			c.seen(dir, histMulti, 'Q')
		}
	case n == 1:
		if syn {
			code := byte('S')
			if s.has(decode.TCPAck) {
				code = 'H'
			}
			if c.seen(dir, histSYN, code) && rel != ep.lastSYN {
				c.addHist(dir, code)
			}
			ep.lastSYN = rel
		}
		if fin {
			// A FIN's sequence number is that of the end of its data.
			at := rel + int64(s.plen)
			if c.seen(dir, histFIN, 'F') && at != ep.lastFIN {
				c.addHist(dir, 'F')
			}
			ep.lastFIN = at
		}
		if rst {
			if c.seen(dir, histRST, 'R') && rel != ep.lastRST {
				c.addHist(dir, 'R')
			}
			ep.lastRST = rel
		}
	default:
		if s.plen > 0 {
			c.seen(dir, histData, 'D')
		} else if s.has(decode.TCPAck) {
			c.seen(dir, histAck, 'A')
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// tcpTransition moves the sending endpoint (and sometimes its peer) through
// Zeek's endpoint state machine. closing reports that this packet closes the
// sender's half; resetTimer that a RST after the sender's own FIN starts
// the reset timer.
func (c *conn) tcpTransition(dir Dir, s *tcpSegment) (closing, resetTimer bool) {
	ep, peer := &c.tcp[dir], &c.tcp[dir^1]
	syn, fin, rst, ack := s.has(decode.TCPSyn), s.has(decode.TCPFin), s.has(decode.TCPRst), s.has(decode.TCPAck)
	isOrig := dir == FromOrig

	switch ep.state {
	case tcpInactive:
		if syn {
			if isOrig {
				if ack {
					ep.setState(tcpSynAckSent)
				} else {
					ep.setState(tcpSynSent)
				}
				if c.attemptAt == 0 {
					c.attemptAt = s.ts
				}
			} else {
				// Zeek would flip a SYN/SYN+ACK reversal here; this table
				// fixes the orientation at the first packet instead.
				if peer.state == tcpSynSent {
					peer.setState(tcpEstablished)
				}
				ep.setState(tcpEstablished)
			}
		}
		if fin {
			ep.setState(tcpClosed)
			closing = true
		}
		if rst {
			ep.setState(tcpReset)
			closing = true
		}
		if ep.state == tcpInactive { // no control flag moved it
			switch {
			case !isOrig && s.plen == 0 && c.tcp[FromOrig].state == tcpSynSent:
				// Some stacks ACK a SYN before answering it: not a partial
				// connection yet.
			case ack && peer.state == tcpEstablished:
				// The SYN+ACK was seen, only the SYN was missed.
				ep.setState(tcpEstablished)
			default:
				ep.setState(tcpPartial)
			}
		}

	case tcpSynSent, tcpSynAckSent:
		if fin {
			ep.setState(tcpClosed)
			closing = true
		}
		if rst {
			ep.setState(tcpReset)
			closing = true
		}

	case tcpEstablished, tcpPartial:
		if syn && ep.state == tcpPartial && peer.state == tcpInactive && !ack {
			ep.setState(tcpSynSent)
		}
		if fin && !rst {
			ep.setState(tcpClosed)
			if peer.state == tcpReset && peer.prev == tcpClosed {
				// The peer's FIN then RST was a normal termination.
				peer.setState(tcpClosed)
			}
			closing = true
		}
		if rst {
			ep.setState(tcpReset)
			closing = true
		}

	case tcpClosed:
		// After a full FIN exchange a RST changes nothing.
		if rst && peer.state != tcpClosed {
			ep.setState(tcpReset)
			closing = !ep.didClose
			resetTimer = true
		}
	}
	return closing, resetTimer
}

// tcpClosed records that dir's half closed. Once the close is complete (a
// RST, both FINs, or a FIN with a silent peer) the connection lingers for
// TCPClose (TCPReset when a RST is involved) after its last productive
// packet, so late ACKs and retransmissions still land in it.
func (c *conn) tcpClosed(dir Dir, cfg *Config) {
	ep, peer := &c.tcp[dir], &c.tcp[dir^1]
	if ep.didClose {
		return
	}
	ep.didClose = true
	if ep.state != tcpReset && !peer.didClose && peer.state != tcpInactive {
		return // half closed; the inactivity timeout still applies
	}
	if ep.state == tcpReset || peer.state == tcpReset {
		c.setCloseTimer(c.durEnd+int64(cfg.TCPReset), listTCPReset)
	} else {
		c.setCloseTimer(c.durEnd+int64(cfg.TCPClose), listTCPClose)
	}
}

// setCloseTimer arms the close timer, keeping an earlier one.
func (c *conn) setCloseTimer(at int64, list timerList) {
	if c.closeAt == 0 || at < c.closeAt {
		c.closeAt, c.closeList = at, list
	}
}

// tcpReuse reports whether a packet starts a new connection on c's tuple:
// a SYN (or, on a connection without originator traffic, a SYN+ACK) after
// either side closed, or carrying a different initial sequence number than
// the one c was opened with.
func (c *conn) tcpReuse(flags uint8, seq uint32) bool {
	if flags&decode.TCPSyn == 0 {
		return false
	}
	opener, resp := &c.tcp[FromOrig], &c.tcp[FromResp]
	if flags&decode.TCPAck != 0 {
		if opener.state != tcpInactive {
			return false
		}
		opener = resp
	}
	if c.tcp[FromOrig].didClose || c.tcp[FromResp].didClose {
		return true
	}
	if seq == uint32(opener.start) {
		return false
	}
	// A SYN arriving after its own SYN+ACK (captured out of order).
	if flags&decode.TCPAck == 0 && opener.state == tcpSynAckSent && resp.state == tcpInactive && seq == uint32(resp.start) {
		return false
	}
	return true
}

// tcpConnState derives conn_state from the endpoint states as Zeek's
// conn_state() does.
func (c *conn) tcpConnState() string {
	os, rs := c.tcp[FromOrig].state, c.tcp[FromResp].state
	oInactive := os == tcpInactive || os == tcpPartial
	rInactive := rs == tcpInactive || rs == tcpPartial
	switch {
	case rs == tcpReset:
		if os == tcpSynSent || os == tcpSynAckSent || (os == tcpReset && c.dirs[FromOrig].bytes == 0 && c.dirs[FromResp].bytes == 0) {
			return "REJ"
		}
		if oInactive {
			return "RSTRH"
		}
		return "RSTR"
	case os == tcpReset:
		if rInactive {
			if synThenReset(c.hist) {
				return "RSTOS0"
			}
			return "OTH"
		}
		return "RSTO"
	case rs == tcpClosed && os == tcpClosed:
		return "SF"
	case os == tcpClosed:
		if rInactive {
			return "SH"
		}
		return "S2"
	case rs == tcpClosed:
		if oInactive {
			return "SHR"
		}
		return "S3"
	case os == tcpSynSent && rs == tcpInactive:
		return "S0"
	case os == tcpEstablished && rs == tcpEstablished:
		return "S1"
	}
	return "OTH"
}

// synThenReset matches Zeek's RSTOS0 history pattern ^?S[^HAFGIQ]*R.*: the
// originator's SYN, then its RST with no handshake, ACK, FIN, gap or odd
// flags from it in between.
func synThenReset(h []byte) bool {
	if len(h) > 0 && h[0] == '^' {
		h = h[1:]
	}
	if len(h) == 0 || h[0] != 'S' {
		return false
	}
	for _, b := range h[1:] {
		switch b {
		case 'R':
			return true
		case 'H', 'A', 'F', 'G', 'I', 'Q':
			return false
		}
	}
	return false
}

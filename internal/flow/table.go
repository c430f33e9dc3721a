package flow

import (
	"net/netip"
	"slices"
	"time"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/record"
)

// Values of record.Conn.End: why a connection's final record was written.
const (
	EndClosed   = "closed"   // FIN exchange or RST, after TCPClose / TCPReset
	EndTimeout  = "timeout"  // inactivity, or an unanswered SYN after TCPAttempt
	EndEvicted  = "evicted"  // the table was full
	EndShutdown = "shutdown" // still open at Flush
	EndReused   = "reused"   // an open connection replaced by a SYN with a new ISN
)

const minuteNs = int64(time.Minute)

// maxFreeConns bounds the free list of recycled connections.
const maxFreeConns = 1 << 16

// Table tracks connections. It is not safe for concurrent use: one
// goroutine calls Packet, Advance and Flush, and the Handler and the emit
// function run on that goroutine, inside those calls (they must not call
// back into the Table).
type Table struct {
	cfg     Config
	h       Handler
	emit    func(record.Record)
	uidSeed uint64
	created uint64

	conns map[connKey]*conn
	lists [numLists]connList

	// dirty lists the connections with traffic in the current minute, so a
	// minute rollover costs O(dirty), not O(table).
	dirty       []*conn
	started     bool
	minuteStart int64
	minuteEnd   int64

	free  []*conn
	bufs  bufPool
	stats Stats
}

// New returns an empty table. Zero Config fields take DefaultConfig's
// values. h may be nil (no payload delivery); emit receives the records
// and may keep them. uidSeed makes UIDs reproducible: the same packets with
// the same seed give the same UIDs.
func New(cfg Config, h Handler, emit func(record.Record), uidSeed uint64) *Table {
	if emit == nil {
		emit = func(record.Record) {}
	}
	return &Table{
		cfg:     cfg.withDefaults(),
		h:       h,
		emit:    emit,
		uidSeed: uidSeed,
		conns:   make(map[connKey]*conn),
	}
}

// Packet accounts one packet to its connection, creating the connection if
// needed, and delivers payload to the Handler. It returns false, doing
// nothing, for packets that are not TCP, UDP, ICMP or ICMPv6 over IP. It
// first emits the intervals of a minute the packet's time has left and
// expires its connection if that connection's timer had run out.
func (t *Table) Packet(p *decode.Packet) bool {
	if p.L3 != decode.L3IPv4 && p.L3 != decode.L3IPv6 {
		return false
	}
	var sport, dport uint16
	oneWay := false
	switch p.Proto {
	case decode.ProtoTCP, decode.ProtoUDP:
		sport, dport = p.SrcPort, p.DstPort
	case decode.ProtoICMP, decode.ProtoICMPv6:
		sport, dport, oneWay = icmpPorts(p.Proto, p.ICMPType, p.ICMPCode)
	default:
		return false
	}
	if !t.started || p.TS >= t.minuteEnd {
		t.rollover(p.TS)
	}

	key := makeKey(p, sport, dport, oneWay)
	c := t.conns[key]
	if c != nil {
		switch {
		case c.deadline <= p.TS:
			t.expire(c)
			c = nil
		case p.Proto == decode.ProtoTCP && c.tcpReuse(p.Flags, p.Seq):
			t.endReused(c)
			c = nil
		}
	}
	if c == nil {
		c = t.create(key, p, sport, dport)
	}
	dir := FromResp
	if sport == c.OrigP && p.SrcIP == c.OrigH {
		dir = FromOrig
	}
	t.count(c, dir, p)

	switch p.Proto {
	case decode.ProtoTCP:
		t.tcpPacket(c, dir, p)
	case decode.ProtoUDP:
		t.udpPacket(c, dir, p)
	default:
		t.icmpPacket(c, dir, p)
	}
	return true
}

// Advance moves the table's clock to now (packet time): it emits the
// interval records of every minute that ended and expires connections whose
// timers ran out. The pipeline calls it at least once per second of packet
// time and on idle ticks of live capture.
func (t *Table) Advance(now int64) {
	if !t.started || now >= t.minuteEnd {
		t.rollover(now)
	}
	for id := listTCP; id < numLists; id++ {
		l := &t.lists[id]
		for l.head != nil && l.head.deadline <= now {
			t.expire(l.head)
		}
	}
}

// Flush ends the input: after Advance(now), every remaining connection
// gets its pending interval record and its final record with End
// "shutdown", in creation order. The table is empty and reusable afterwards.
func (t *Table) Flush(now int64) {
	t.Advance(now)
	all := make([]*conn, 0, len(t.conns))
	for _, c := range t.conns {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b *conn) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
	for _, c := range all {
		t.stats.Flushed++
		t.finish(c, EndShutdown)
	}
}

// Stats returns the table's counters.
func (t *Table) Stats() Stats {
	s := t.stats
	s.Active = len(t.conns)
	return s
}

// rollover emits the intervals of the minute that ended and starts the
// minute holding now.
func (t *Table) rollover(now int64) {
	for i, c := range t.dirty {
		t.emitInterval(c)
		c.dirtyIdx = -1
		t.dirty[i] = nil
	}
	t.dirty = t.dirty[:0]
	m := now % minuteNs
	if m < 0 {
		m += minuteNs
	}
	t.started = true
	t.minuteStart = now - m
	t.minuteEnd = t.minuteStart + minuteNs
}

func (t *Table) create(key connKey, p *decode.Packet, sport, dport uint16) *conn {
	if len(t.conns) >= t.cfg.MaxConns {
		t.evict()
	}
	c := t.alloc()
	t.created++
	c.seq = t.created
	c.key = key
	c.UID = makeUID(t.uidSeed, c.seq)
	c.Proto = p.Proto
	c.OrigH, c.OrigP, c.RespH, c.RespP = p.SrcIP, sport, p.DstIP, dport
	c.OrigMAC = p.SrcMAC
	if p.HasEth {
		c.RespMAC = p.DstMAC
	}
	if t.flip(p, sport, dport) {
		c.OrigH, c.OrigP, c.RespH, c.RespP = c.RespH, c.RespP, c.OrigH, c.OrigP
		c.OrigMAC, c.RespMAC = c.RespMAC, c.OrigMAC
		c.addHist(FromOrig, '^')
	}
	c.VLAN, c.Inner = p.VLANs[0], p.VLANs[1]
	c.Iface = p.Iface
	c.Start, c.Last, c.durEnd = p.TS, p.TS, p.TS
	t.conns[key] = c
	t.stats.Created++
	return c
}

// flip decides, from a connection's first packet, that its sender is the
// responder: a SYN+ACK answers a SYN that was missed; a midstream TCP
// segment or a UDP datagram from a likely server port to a port that is
// not one comes from the server. When both ports are likely server ports,
// midstream TCP is flipped toward the lower port, as Zeek does. Packets to
// broadcast or multicast addresses are never flipped.
func (t *Table) flip(p *decode.Packet, sport, dport uint16) bool {
	switch p.Proto {
	case decode.ProtoTCP:
		if p.Flags&tcpSyn != 0 {
			return p.Flags&tcpAck != 0
		}
		return t.fromServer(p, sport, dport, true)
	case decode.ProtoUDP:
		return t.fromServer(p, sport, dport, false)
	}
	return false
}

func (t *Table) fromServer(p *decode.Packet, sport, dport uint16, lowerWins bool) bool {
	likely := t.cfg.LikelyServerPort
	if !likely(p.Proto, sport) || isGroupAddr(p.DstIP) {
		return false
	}
	if likely(p.Proto, dport) {
		return lowerWins && sport < dport
	}
	return true
}

var limitedBroadcast = netip.AddrFrom4([4]byte{255, 255, 255, 255})

func isGroupAddr(a netip.Addr) bool {
	return a.IsMulticast() || a == limitedBroadcast
}

// count adds a packet to its direction's counters and marks the connection
// as having traffic in the current minute.
func (t *Table) count(c *conn, dir Dir, p *decode.Packet) {
	d := &c.dirs[dir]
	if d.pkts == 0 && p.SrcMAC != ([6]byte{}) {
		// The first packet of a direction tells its own address for sure.
		if dir == FromOrig {
			c.OrigMAC = p.SrcMAC
		} else {
			c.RespMAC = p.SrcMAC
		}
	}
	d.pkts++
	d.ipBytes += uint64(max(p.IPLen, 0))
	d.l2Bytes += uint64(max(p.WireLen, 0))
	if p.TS > c.Last {
		c.Last = p.TS
	}
	if c.dirtyIdx < 0 {
		c.dirtyIdx = len(t.dirty)
		t.dirty = append(t.dirty, c)
	}
	t.stats.Packets++
}

func (t *Table) tcpPacket(c *conn, dir Dir, p *decode.Packet) {
	s := tcpSegment{flags: p.Flags, seq: p.Seq, ack: p.Ack, window: p.Window, ts: p.TS}
	s.plen = l4PayloadLen(p, p.TCPHdrLen, 0)
	c.tcpUpdate(dir, &s, &t.cfg)
	t.tcpPayload(c, dir, &s, clip(p.Payload, s.plen))

	o, r := c.tcp[FromOrig].state, c.tcp[FromResp].state
	switch {
	case c.closeAt != 0:
		t.place(c, c.closeList, c.closeAt, false)
	case c.attemptAt != 0 && (o == tcpSynSent || o == tcpSynAckSent) && r == tcpInactive:
		t.place(c, listTCPAttempt, c.attemptAt+int64(t.cfg.TCPAttempt), false)
	default:
		t.place(c, listTCP, c.Last+int64(t.cfg.TCPInactivity), true)
	}
}

func (t *Table) udpPacket(c *conn, dir Dir, p *decode.Packet) {
	n := l4PayloadLen(p, 8, 0)
	c.dirs[dir].bytes += uint64(n)
	c.seen(dir, histData, 'D')
	c.durEnd = max(c.durEnd, p.TS)
	t.datagram(c, dir, p.TS, clip(p.Payload, n))
	t.place(c, listUDP, c.Last+int64(t.cfg.UDPInactivity), true)
}

func (t *Table) icmpPacket(c *conn, dir Dir, p *decode.Packet) {
	// Zeek counts ICMP bytes after the 8-byte header (type, code, checksum
	// and the 4 type-specific bytes); the decoder's payload starts after 4.
	c.dirs[dir].bytes += uint64(l4PayloadLen(p, 8, 4))
	c.durEnd = max(c.durEnd, p.TS)
	t.datagram(c, dir, p.TS, clip(p.Payload, l4PayloadLen(p, 4, 0)))
	t.place(c, listICMP, c.Last+int64(t.cfg.ICMPInactivity), true)
}

// l4PayloadLen is the length of the transport payload after a header of
// hdr bytes, from the IP header's length (frame padding and snap length do
// not change it). Without an IP length it falls back to the captured
// payload, of which capturedHdr bytes belong to the header.
func l4PayloadLen(p *decode.Packet, hdr, capturedHdr int) int {
	if p.IPLen <= 0 {
		return max(len(p.Payload)-capturedHdr, 0)
	}
	return max(p.IPLen-p.IPHdrLen-hdr, 0)
}

// clip cuts frame padding off a payload.
func clip(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// expire removes a connection whose timer ran out.
func (t *Table) expire(c *conn) {
	if c.list == listTCPClose || c.list == listTCPReset {
		t.stats.Closed++
		t.finish(c, EndClosed)
		return
	}
	t.stats.TimedOut++
	t.finish(c, EndTimeout)
}

// endReused removes a TCP connection whose tuple a new SYN takes over.
func (t *Table) endReused(c *conn) {
	if c.tcp[FromOrig].didClose || c.tcp[FromResp].didClose {
		t.stats.Closed++
		t.finish(c, EndClosed)
		return
	}
	t.stats.Reused++
	t.finish(c, EndReused)
}

// evict removes the least recently active connection: the oldest front of
// the expiry lists.
func (t *Table) evict() {
	var victim *conn
	for id := listTCP; id < numLists; id++ {
		if h := t.lists[id].head; h != nil && (victim == nil || h.Last < victim.Last) {
			victim = h
		}
	}
	if victim != nil {
		t.stats.Evicted++
		t.finish(victim, EndEvicted)
	}
}

// finish takes a connection out of the table: the rest of its payload and
// Closed go to the handler, then its pending interval record and its final
// record are emitted.
func (t *Table) finish(c *conn, end string) {
	if t.h != nil {
		if c.Proto == decode.ProtoTCP {
			t.finishStream(c, FromOrig)
			t.finishStream(c, FromResp)
		}
		t.h.Closed(&c.Conn)
	}
	if c.dirtyIdx >= 0 {
		t.emitInterval(c)
		t.undirty(c)
	}
	t.emitFinal(c, end)
	delete(t.conns, c.key)
	t.unlist(c)
	t.recycle(c)
}

func (t *Table) undirty(c *conn) {
	i, last := c.dirtyIdx, len(t.dirty)-1
	t.dirty[i] = t.dirty[last]
	t.dirty[i].dirtyIdx = i
	t.dirty[last] = nil
	t.dirty = t.dirty[:last]
	c.dirtyIdx = -1
}

func (t *Table) alloc() *conn {
	if n := len(t.free); n > 0 {
		c := t.free[n-1]
		t.free[n-1] = nil
		t.free = t.free[:n-1]
		return c
	}
	return &conn{dirtyIdx: -1, hist: make([]byte, 0, 16)}
}

func (t *Table) recycle(c *conn) {
	c.reset()
	if len(t.free) < maxFreeConns {
		t.free = append(t.free, c)
	}
}

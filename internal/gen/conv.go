package gen

import (
	"github.com/otsight/otsight/internal/gen/wire"
	"github.com/otsight/otsight/internal/record"
)

// Iface is one presence of a device on the network: a MAC, an IPv4 address
// and a VLAN. A device reaching several VLANs (an engineering workstation on
// a trunk) has one Iface per VLAN. Pseudo interfaces stand for broadcast and
// multicast destinations; their Dev is nil.
type Iface struct {
	Dev  *Device
	MAC  wire.MAC
	IP   wire.IPv4
	VLAN uint16
	ipID uint16
}

// Transports of a conversation besides TCP and UDP.
const (
	protoARP   = 0xfe
	protoEther = 0xff
)

// Conversation phases.
const (
	phOpen = iota
	phSetup
	phCycle
	phClose
	phDone
)

// step is one message of a conversation: who sends it (0 the originator,
// 1 the responder) and when, as an offset from the start of its group (the
// setup group or the current cycle).
type step struct {
	dir uint8
	off int64
	msg *Msg
}

// conv is one conversation between two interfaces: a TCP connection, a
// UDP flow, an ARP exchange or a series of Ethernet frames. It opens
// (TCP handshake), runs its setup steps once, repeats its cycle every
// period until end, then closes (TCP FIN exchange) if asked to. It
// produces its packets one at a time, in time order, so that the
// scheduler can merge all conversations into one stream.
type conv struct {
	id       uint64
	a, b     *Iface
	proto    uint8
	etherTyp uint16
	sport    uint16
	dport    uint16
	rtt      int64 // request to response and handshake spacing
	setup    []step
	cycle    []step
	period   int64
	start    int64
	end      int64 // no cycle starts at or after end
	close    bool  // FIN exchange after the last cycle
	reject   bool  // TCP: the responder answers the SYN with RST
	service  string
	// surge divides the period by factor between from and to.
	surgeFrom, surgeTo int64
	surgeFactor        int64

	// Run state.
	phase int
	i     int
	t     int64 // time of the next packet
	group int64 // start of the current setup group or cycle
	n     uint32
	seq   [2]uint32
	ts    [2]uint32 // last TCP timestamp value sent per side
	neg   wire.Negotiated
	plen  []int // payload length of each setup step, then each cycle step

	acc *connAcc // record output: the connection this conversation feeds
	// ot rows of the cycle's steps in the current minute (record output).
	otRows   []*record.OT
	otMinute int64
	otAcc    *connAcc
}

// pkt is one packet of a conversation, before encoding.
type pkt struct {
	ts    int64
	c     *conv
	dir   uint8
	flags uint8 // TCP flags
	st    *step // nil for TCP control segments
	plen  int
	n     uint32
	seq   uint32
	ack   uint32
}

func (c *conv) cur() (*step, int) {
	if c.phase == phSetup {
		return &c.setup[c.i], c.plen[c.i]
	}
	return &c.cycle[c.i], c.plen[len(c.setup)+c.i]
}

// init prepares the run state; payload lengths come from encoding each
// message once (their length must not depend on the cycle number).
func (c *conv) init(scratch []byte) []byte {
	c.plen = c.plen[:0]
	x := msgCtx{c: c, ts: c.start}
	for _, g := range [][]step{c.setup, c.cycle} {
		for i := range g {
			x.dir = g[i].dir
			scratch = g[i].msg.Enc(scratch[:0], &x)
			c.plen = append(c.plen, len(scratch))
		}
	}
	c.t = c.start
	switch {
	case c.proto == wire.ProtoTCP:
		c.phase = phOpen
		h := uint32(c.id*2654435761 + uint64(c.sport)<<7)
		c.seq = [2]uint32{h, h*2246822519 + 0x9e3779b9}
		c.ts = [2]uint32{h >> 8, h >> 12}
		c.neg = wire.Negotiate(c.a.Dev.Stack, c.b.Dev.Stack)
	default:
		c.enterSetup(c.start)
	}
	return scratch
}

func (c *conv) enterSetup(at int64) {
	c.phase, c.i, c.group = phSetup, 0, at
	if len(c.setup) == 0 {
		c.enterCycle(at)
		return
	}
	c.t = at + c.setup[0].off
}

func (c *conv) enterCycle(at int64) {
	c.phase, c.i, c.group = phCycle, 0, at
	if len(c.cycle) == 0 || at >= c.end {
		c.enterClose(at)
		return
	}
	c.t = at + c.cycle[0].off
}

func (c *conv) enterClose(at int64) {
	c.i = 0
	if c.proto != wire.ProtoTCP || !c.close {
		c.phase = phDone
		return
	}
	c.phase, c.t = phClose, at
}

// periodAt is the cycle period for a cycle starting at t.
func (c *conv) periodAt(t int64) int64 {
	if c.surgeFactor > 1 && t >= c.surgeFrom && t < c.surgeTo {
		return max(c.period/c.surgeFactor, 1)
	}
	return c.period
}

// next fills p with the conversation's next packet and advances; it
// reports false when the conversation has ended.
func (c *conv) next(p *pkt) bool {
	if c.phase == phDone {
		return false
	}
	*p = pkt{ts: c.t, c: c}
	switch c.phase {
	case phOpen:
		c.openPacket(p)
	case phSetup, phCycle:
		st, n := c.cur()
		p.st, p.plen, p.dir, p.n = st, n, st.dir, c.n
		if c.proto == wire.ProtoTCP {
			p.flags = wire.PSH | wire.ACK
			p.seq, p.ack = c.seq[st.dir], c.seq[st.dir^1]
			c.seq[st.dir] += uint32(n)
		}
		c.advanceMsg()
	case phClose:
		c.closePacket(p)
	}
	return true
}

func (c *conv) advanceMsg() {
	c.i++
	if c.phase == phSetup {
		if c.i < len(c.setup) {
			c.t = c.group + c.setup[c.i].off
			return
		}
		c.enterCycle(c.t + c.rtt)
		return
	}
	if c.i < len(c.cycle) {
		c.t = c.group + c.cycle[c.i].off
		return
	}
	c.n++
	next := c.group + c.periodAt(c.group)
	if next >= c.end {
		c.enterClose(max(c.t+c.rtt, c.end))
		return
	}
	c.group, c.i = next, 0
	c.t = next + c.cycle[0].off
}

func (c *conv) openPacket(p *pkt) {
	switch c.i {
	case 0:
		p.dir, p.flags, p.seq = 0, wire.SYN, c.seq[0]
		c.seq[0]++
	case 1:
		p.dir = 1
		if c.reject {
			p.flags, p.ack = wire.RST|wire.ACK, c.seq[0]
			c.phase = phDone
			return
		}
		p.flags, p.seq, p.ack = wire.SYN|wire.ACK, c.seq[1], c.seq[0]
		c.seq[1]++
	case 2:
		p.dir, p.flags, p.seq, p.ack = 0, wire.ACK, c.seq[0], c.seq[1]
		c.i = 0
		c.enterSetup(c.t + c.rtt)
		return
	}
	c.i++
	c.t += c.rtt
}

func (c *conv) closePacket(p *pkt) {
	switch c.i {
	case 0:
		p.dir, p.flags = 0, wire.FIN|wire.ACK
	case 1:
		p.dir, p.flags = 1, wire.FIN|wire.ACK
	case 2:
		p.dir, p.flags = 0, wire.ACK
	}
	p.seq, p.ack = c.seq[p.dir], c.seq[p.dir^1]
	if p.flags&wire.FIN != 0 {
		c.seq[p.dir]++
	}
	c.i++
	c.t += c.rtt
	if c.i == 3 {
		c.phase = phDone
	}
}

// sender and receiver of a packet.
func (p *pkt) ends() (src, dst *Iface) {
	if p.dir == 0 {
		return p.c.a, p.c.b
	}
	return p.c.b, p.c.a
}

// vlan is the VLAN every frame of the conversation carries: the
// originator's. A routed conversation between two VLANs is seen on the
// originator's side only (the sensor watches one mirror port).
func (c *conv) vlan() uint16 { return c.a.VLAN }

package gen

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/otsight/otsight/internal/gen/wire"
	"github.com/otsight/otsight/internal/record"
)

// The record output computes, without encoding packets, the records the
// sensor writes for the generated traffic: conn and conn_interval with
// Zeek's semantics for the conversation shapes the generator uses
// (complete handshakes, FIN teardown or RST rejection, no loss), ot rows
// per minute, arp and eth aggregations, and one batch per minute with the
// sensor's window statistics.

// Timeouts the sensor applies (flow.DefaultConfig).
const (
	udpInactivity = int64(time.Minute)
	tcpInactivity = 5 * int64(time.Minute)
	tcpCloseDelay = 5 * int64(time.Second)
)

type connKey struct {
	a, b   wire.IPv4
	pa, pb uint16
	vlan   uint16
	proto  uint8
}

type dirCount struct{ pkts, ip, l2, bytes uint64 }

// TCP endpoint states, as far as the generated shapes need them.
const (
	tcpNone = iota
	tcpSynSent
	tcpEstab
	tcpClosed
	tcpReset
)

type connAcc struct {
	key          connKey
	seq          uint64
	origI, respI *Iface // as oriented: orig sent the first packet
	origMAC      wire.MAC
	respMAC      wire.MAC
	origP, respP uint16
	proto        uint8
	service      string
	start        int64
	last         int64
	durEnd       int64
	deadline     int64
	closing      bool // close or reset timer set: End is "closed"
	state        [2]uint8
	dirs, rep    [2]dirCount
	hist         []byte
	seen         uint32
	dirty        bool
	done         bool
	idx          int // position in recordSink.active
	idMinute     [2]int64
	idValid      [2]bool
}

type otKey struct {
	reqMAC, respMAC wire.MAC
	reqH, respH     wire.IPv4
	respP           uint16
	transport       uint8
	vlan            uint16
	info            otInfo // by value: polls of two connections share a row
}

type arpKey struct {
	origMAC, respMAC    wire.MAC
	origIP, respIP, who wire.IPv4
	op                  string
	vlan                uint16
}

type ethKey struct {
	src, dst  wire.MAC
	etherType uint16
	vlan      uint16
}

// recordSink builds the sensor's records and cuts them into minute batches.
type recordSink struct {
	put      func(*record.Batch) error
	err      error
	sensorID string
	seq      uint64
	uidSeed  uint64
	stats    *Stats

	started bool
	minute  int64 // current minute start
	now     int64
	conns   map[connKey]*connAcc
	active  []*connAcc
	created uint64
	dirty   []*connAcc
	recs    []record.Record

	ot       map[otKey]*record.OT
	otOrder  []*record.OT
	arp      map[arpKey]*record.ARP
	arpOrder []*record.ARP
	eth      map[ethKey]*record.Eth
	ethOrder []*record.Eth

	frames, bytes uint64
	msgs          []*Msg
	perMinute     map[*Msg]int64
	osfps         map[osfpKey]*record.OSFP
	osfpOrder     []*record.OSFP
	sigs          map[[2]*wire.Stack]string
	assets        map[record.AssetID]*record.AssetID
	assetOrder    []*record.AssetID
	opts          [40]byte
}

func newRecordSink(sensorID string, seq, uidSeed uint64, st *Stats, put func(*record.Batch) error) *recordSink {
	return &recordSink{put: put, sensorID: sensorID, seq: seq, uidSeed: uidSeed, stats: st,
		conns: map[connKey]*connAcc{}, perMinute: map[*Msg]int64{}, osfps: map[osfpKey]*record.OSFP{}, sigs: map[[2]*wire.Stack]string{}, assets: map[record.AssetID]*record.AssetID{}, ot: map[otKey]*record.OT{}, arp: map[arpKey]*record.ARP{},
		eth: map[ethKey]*record.Eth{}}
}

func micros(ns int64) record.Micros { return record.Micros(ns / 1000) }

func addr(ip wire.IPv4) netip.Addr { return netip.AddrFrom4(ip) }

func keyLess(a wire.IPv4, pa uint16, b wire.IPv4, pb uint16) bool {
	for i := range 4 {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return pa <= pb
}

// tick ends the minutes that time t has left: the sensor ends a minute when
// the first packet of a later one arrives.
func (s *recordSink) tick(t int64) {
	if !s.started {
		return
	}
	if t >= s.minute+int64(time.Minute) {
		s.expire(s.minute + int64(time.Minute))
		s.endMinute()
		s.minute = t - t%int64(time.Minute)
	}
	s.now = max(s.now, t)
}

func (s *recordSink) begin(t int64) {
	if !s.started {
		s.started = true
		s.minute = t - t%int64(time.Minute)
	}
	s.now = max(s.now, t)
}

// expire finishes the connections whose timers ran out by t.
func (s *recordSink) expire(t int64) {
	for i := 0; i < len(s.active); {
		c := s.active[i]
		if c.deadline <= t {
			s.finish(c)
			continue // finish moved another connection into slot i
		}
		i++
	}
}

func (s *recordSink) lookup(p *pkt, src, dst *Iface, sport, dport uint16) *connAcc {
	c := p.c
	k := connKey{vlan: c.vlan(), proto: c.proto}
	if keyLess(src.IP, sport, dst.IP, dport) {
		k.a, k.pa, k.b, k.pb = src.IP, sport, dst.IP, dport
	} else {
		k.a, k.pa, k.b, k.pb = dst.IP, dport, src.IP, sport
	}
	acc := c.acc
	if acc == nil || acc.done || acc.key != k {
		acc = s.conns[k]
	}
	if acc != nil && acc.deadline <= p.ts {
		s.finish(acc)
		acc = nil
	}
	if acc == nil {
		s.created++
		acc = &connAcc{key: k, seq: s.created, origI: src, respI: dst, origMAC: src.MAC, respMAC: dst.MAC,
			origP: sport, respP: dport, proto: c.proto, service: c.service, start: p.ts, last: p.ts, durEnd: p.ts,
			idx: len(s.active)}
		s.conns[k] = acc
		s.active = append(s.active, acc)
	}
	c.acc = acc
	return acc
}

func (s *recordSink) packet(p *pkt) {
	s.begin(p.ts)
	c := p.c
	src, dst := p.ends()
	if p.st != nil {
		s.sent(p.st.msg, 1)
	}
	switch c.proto {
	case protoARP:
		s.arpPacket(p, src, dst)
		return
	case protoEther:
		n := wire.FrameLen(src.VLAN, p.plen)
		s.count(n)
		k := ethKey{src: src.MAC, dst: dst.MAC, etherType: c.etherTyp, vlan: src.VLAN}
		r := s.eth[k]
		if r == nil {
			r = &record.Eth{TS: micros(p.ts), SrcMAC: record.MAC(src.MAC), DstMAC: record.MAC(dst.MAC),
				EtherType: c.etherTyp, VLAN: src.VLAN}
			s.eth[k] = r
			s.ethOrder = append(s.ethOrder, r)
		}
		r.Frames++
		r.Bytes += uint64(n)
		r.TSEnd = micros(p.ts)
		if p.st.msg.app != nil {
			s.app(p, &appCtx{ts: p.ts, origH: c.a.IP, origMAC: src.MAC, respMAC: dst.MAC, vlan: src.VLAN})
		}
		if info := p.st.msg.OT; info != nil {
			k := otKey{reqMAC: src.MAC, respMAC: dst.MAC, vlan: src.VLAN, transport: protoEther}
			if info.swap {
				k.reqMAC, k.respMAC = k.respMAC, k.reqMAC
			}
			s.otMsg(info, k, p.ts, 1)
		}
		return
	}
	sport, dport := c.sport, c.dport
	if p.dir == 1 {
		sport, dport = dport, sport
	}
	acc := s.lookup(p, src, dst, sport, dport)
	dir := uint8(0)
	if src.IP != acc.origI.IP || sport != acc.origP {
		dir = 1
	}
	hdr := 8
	if c.proto == wire.ProtoTCP {
		hdr = 20 + s.tcpOptLen(p, src, dst)
	}
	ipLen := wire.IPHeaderLen + hdr + p.plen
	l2 := wire.FrameLen(c.vlan(), ipLen)
	s.count(l2)
	d := &acc.dirs[dir]
	if d.pkts == 0 {
		if dir == 0 {
			acc.origMAC = src.MAC
		} else {
			acc.respMAC = src.MAC
		}
	}
	d.pkts++
	d.ip += uint64(ipLen)
	d.l2 += uint64(l2)
	d.bytes += uint64(p.plen)
	acc.last = max(acc.last, p.ts)
	s.markDirty(acc)
	if c.proto == wire.ProtoUDP {
		acc.once(dir, 1, 'D')
		acc.durEnd = max(acc.durEnd, p.ts)
		acc.deadline = acc.last + udpInactivity
	} else {
		s.tcpPacket(acc, dir, p)
		if p.flags&wire.SYN != 0 {
			s.osfp(p, src, dst)
		}
	}
	if p.st != nil && p.st.msg.OT != nil {
		s.otMsg(p.st.msg.OT, s.otEndpoints(acc), p.ts, 1)
	}
	if p.st != nil && p.st.msg.connID != nil {
		s.connID(acc, p.st.msg, dir, p.ts)
	}
	if p.st != nil && p.st.msg.app != nil {
		s.app(p, &appCtx{ts: p.ts, origH: acc.origI.IP, respH: acc.respI.IP, origP: acc.origP, respP: acc.respP,
			origMAC: acc.origMAC, respMAC: acc.respMAC, vlan: acc.key.vlan})
	}
}

// app writes a message's application records, once a minute for
// announcements the sensor de-duplicates.
func (s *recordSink) app(p *pkt, x *appCtx) {
	m := p.st.msg
	if m.perMinute {
		if last, ok := s.perMinute[m]; ok && last == s.minute {
			return
		}
		s.perMinute[m] = s.minute
	}
	x.emit, x.asset = s.emitApp, s.addAsset
	m.app(x)
}

func (s *recordSink) emitApp(r record.Record) { s.recs = append(s.recs, r) }

// addAsset aggregates identical identity reports of a minute, as the
// sensor does: the first report's time, and a count.
func (s *recordSink) addAsset(a *record.AssetID) {
	k := *a
	k.TS, k.Count = 0, 0
	v := s.assets[k]
	if v == nil {
		v = a
		s.assets[k] = v
		s.assetOrder = append(s.assetOrder, v)
	}
	v.Count++
}

// connID writes a per-connection, per-minute identity report.
func (s *recordSink) connID(acc *connAcc, m *Msg, dir uint8, ts int64) {
	if acc.idValid[dir] && acc.idMinute[dir] == s.minute {
		return
	}
	acc.idValid[dir], acc.idMinute[dir] = true, s.minute
	m.connID(&appCtx{ts: ts, origH: acc.origI.IP, respH: acc.respI.IP, origMAC: acc.origMAC, respMAC: acc.respMAC,
		vlan: acc.key.vlan, asset: s.addAsset}, dir)
}

func (s *recordSink) otEndpoints(acc *connAcc) otKey {
	return otKey{reqMAC: acc.origMAC, respMAC: acc.respMAC, reqH: acc.origI.IP, respH: acc.respI.IP,
		respP: acc.respP, transport: acc.proto, vlan: acc.key.vlan}
}

// tcpOptLen is the length of the options encode writes for p.
func (s *recordSink) tcpOptLen(p *pkt, src, dst *Iface) int {
	switch {
	case p.flags&wire.SYN != 0 && p.dir == 0:
		return len(wire.SynOptions(s.opts[:0], src.Dev.Stack, nil, 0, 0))
	case p.flags&wire.SYN != 0:
		return len(wire.SynOptions(s.opts[:0], src.Dev.Stack, dst.Dev.Stack, 0, 0))
	case p.c.neg.TS:
		return 12
	}
	return 0
}

// once logs a history letter the first time an event happens in a
// direction, lower-cased for the responder.
func (a *connAcc) once(dir uint8, event uint32, code byte) {
	if dir == 1 {
		event <<= 16
		code += 'a' - 'A'
	}
	if a.seen&event != 0 {
		return
	}
	a.seen |= event
	a.hist = append(a.hist, code)
}

func (s *recordSink) tcpPacket(acc *connAcc, dir uint8, p *pkt) {
	syn, fin, rst, ack := p.flags&wire.SYN != 0, p.flags&wire.FIN != 0, p.flags&wire.RST != 0, p.flags&wire.ACK != 0
	switch {
	case syn && ack:
		acc.once(dir, 1, 'H')
	case syn:
		acc.once(dir, 1, 'S')
	case fin:
		acc.once(dir, 2, 'F')
	case rst:
		acc.once(dir, 4, 'R')
	case p.plen > 0:
		acc.once(dir, 8, 'D')
	case ack:
		acc.once(dir, 16, 'A')
	}
	if !(acc.state[0] >= tcpClosed && acc.state[1] >= tcpClosed) {
		acc.durEnd = max(acc.durEnd, p.ts)
	}
	st := &acc.state[dir]
	switch {
	case syn && *st == tcpNone:
		if dir == 0 {
			*st = tcpSynSent
		} else {
			*st = tcpEstab
			if acc.state[0] == tcpSynSent {
				acc.state[0] = tcpEstab
			}
		}
	case fin && *st != tcpReset:
		*st = tcpClosed
	case rst:
		*st = tcpReset
	}
	switch {
	case acc.state[0] >= tcpClosed && acc.state[1] >= tcpClosed, acc.state[dir] == tcpReset:
		if !acc.closing {
			acc.closing = true
			acc.deadline = acc.durEnd + tcpCloseDelay
		}
	case !acc.closing:
		acc.deadline = acc.last + tcpInactivity
	}
}

func (a *connAcc) connState() string {
	if a.proto == wire.ProtoUDP {
		switch {
		case a.dirs[0].pkts > 0 && a.dirs[1].pkts > 0:
			return "SF"
		case a.dirs[0].pkts > 0:
			return "S0"
		}
		return "SHR"
	}
	o, r := a.state[0], a.state[1]
	switch {
	case r == tcpReset && o == tcpSynSent:
		return "REJ"
	case o == tcpClosed && r == tcpClosed:
		return "SF"
	case o == tcpClosed:
		return "S2"
	case r == tcpClosed:
		return "S3"
	case o == tcpSynSent && r == tcpNone:
		return "S0"
	case o == tcpEstab && r == tcpEstab:
		return "S1"
	}
	return "OTH"
}

func (s *recordSink) markDirty(a *connAcc) {
	if !a.dirty {
		a.dirty = true
		s.dirty = append(s.dirty, a)
	}
}

func (s *recordSink) sent(m *Msg, n uint64) {
	if m.sent == 0 {
		s.msgs = append(s.msgs, m)
	}
	m.sent += n
}

func (s *recordSink) count(l2 int) {
	s.frames++
	s.bytes += uint64(l2)
}

func (s *recordSink) otMsg(info *otInfo, k otKey, ts int64, n uint64) *record.OT {
	k.info = *info
	r := s.ot[k]
	if r == nil {
		tr := "eth"
		switch k.transport {
		case wire.ProtoTCP:
			tr = "tcp"
		case wire.ProtoUDP:
			tr = "udp"
		}
		r = &record.OT{TSFirst: micros(ts), ReqMAC: record.MAC(k.reqMAC), RespMAC: record.MAC(k.respMAC),
			RespP: k.respP, Transport: tr, VLAN: k.vlan, Protocol: info.protocol, Function: info.function,
			Code: info.code, Direction: info.dir}
		if k.transport != protoEther {
			r.ReqH, r.RespH = addr(k.reqH), addr(k.respH)
		}
		s.ot[k] = r
		s.otOrder = append(s.otOrder, r)
	}
	r.Count += n
	r.TSLast = micros(ts)
	return r
}

func (s *recordSink) arpPacket(p *pkt, src, dst *Iface) {
	s.count(wire.FrameLen(src.VLAN, 28))
	var k arpKey
	k.vlan = src.VLAN
	if p.dir == 0 { // request (or announcement): sender asks for the target
		k.origMAC, k.origIP = src.MAC, src.IP
		k.respIP, k.who = dst.IP, dst.IP
		k.op = "request"
		if src == dst {
			k.op = "announcement"
		}
	} else { // reply, re-oriented toward the asker
		k.origMAC, k.origIP = dst.MAC, dst.IP
		k.respMAC, k.respIP, k.who = src.MAC, src.IP, src.IP
		k.op = "reply"
	}
	r := s.arp[k]
	if r == nil {
		r = &record.ARP{TS: micros(p.ts), OrigMAC: record.MAC(k.origMAC), OrigIP: addr(k.origIP),
			RespMAC: record.MAC(k.respMAC), RespIP: addr(k.respIP), WhoHas: addr(k.who), Op: k.op, VLAN: k.vlan}
		s.arp[k] = r
		s.arpOrder = append(s.arpOrder, r)
	}
	r.Pkts++
	r.TSEnd = micros(p.ts)
}

// bulk takes k full cycles of a conversation at once: the counts of k
// cycles, the TCP history and state do not change (data segments only).
func (s *recordSink) bulk(c *conv, k int64) bool {
	if c.acc == nil || c.acc.done {
		return false
	}
	acc := c.acc
	if acc.deadline <= c.group || (c.proto == wire.ProtoUDP && c.period >= udpInactivity) {
		return false
	}
	s.begin(c.group)
	hdr := 8
	if c.proto == wire.ProtoTCP {
		hdr = 20
		if c.neg.TS {
			hdr += 12
		}
	}
	var last int64
	for i := range c.cycle {
		st := &c.cycle[i]
		plen := c.plen[len(c.setup)+i]
		dir := st.dir // the conversation's originator is the connection's, unless it was reoriented
		if acc.origI != c.a {
			dir ^= 1
		}
		ipLen := wire.IPHeaderLen + hdr + plen
		l2 := wire.FrameLen(c.vlan(), ipLen)
		d := &acc.dirs[dir]
		d.pkts += uint64(k)
		d.ip += uint64(k) * uint64(ipLen)
		d.l2 += uint64(k) * uint64(l2)
		d.bytes += uint64(k) * uint64(plen)
		s.frames += uint64(k)
		s.bytes += uint64(k) * uint64(l2)
		s.sent(st.msg, uint64(k))
		last = c.group + (k-1)*c.period + st.off
		if st.msg.connID != nil {
			s.connID(acc, st.msg, dir, c.group+st.off)
		}
		if st.msg.OT != nil {
			s.bulkOT(c, acc, i, st, k, last)
		}
	}
	acc.last = max(acc.last, last)
	acc.durEnd = max(acc.durEnd, last)
	if c.proto == wire.ProtoUDP {
		acc.deadline = acc.last + udpInactivity
	} else if !acc.closing {
		acc.deadline = acc.last + tcpInactivity
	}
	s.markDirty(acc)
	s.now = max(s.now, last)
	return true
}

// bulkOT counts k cycles of a step in its ot row. The row of each step is
// remembered in the conversation for the rest of the minute, which spares
// hashing the row key once per step and minute.
func (s *recordSink) bulkOT(c *conv, acc *connAcc, i int, st *step, k, last int64) {
	if c.otMinute != s.minute || c.otAcc != acc || len(c.otRows) != len(c.cycle) {
		c.otMinute, c.otAcc = s.minute, acc
		c.otRows = append(c.otRows[:0], make([]*record.OT, len(c.cycle))...)
	}
	r := c.otRows[i]
	if r == nil {
		r = s.otMsg(st.msg.OT, s.otEndpoints(acc), c.group+st.off, uint64(k))
		c.otRows[i] = r
	} else {
		r.Count += uint64(k)
	}
	r.TSLast = micros(last)
}

var uidAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

func (s *recordSink) uid(seq uint64) string {
	x := (seq + s.uidSeed*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
	x ^= x >> 31
	b := []byte{'C'}
	for range 17 {
		b = append(b, uidAlphabet[x%62])
		x = x/62 ^ seq*0x94d049bb133111eb
	}
	return string(b)
}

func (s *recordSink) interval(a *connAcc) {
	o, r := &a.dirs[0], &a.dirs[1]
	po, pr := &a.rep[0], &a.rep[1]
	s.recs = append(s.recs, &record.ConnInterval{TS: micros(s.minute), UID: s.uid(a.seq),
		OrigH: addr(a.origI.IP), OrigP: a.origP, RespH: addr(a.respI.IP), RespP: a.respP, Proto: protoName(a.proto),
		Service: a.service, VLAN: a.key.vlan,
		OrigBytes: o.bytes - po.bytes, RespBytes: r.bytes - pr.bytes,
		OrigPkts: o.pkts - po.pkts, OrigIPBytes: o.ip - po.ip, OrigL2Bytes: o.l2 - po.l2,
		RespPkts: r.pkts - pr.pkts, RespIPBytes: r.ip - pr.ip, RespL2Bytes: r.l2 - pr.l2})
	a.rep = a.dirs
	a.dirty = false
}

func protoName(p uint8) string {
	if p == wire.ProtoTCP {
		return "tcp"
	}
	return "udp"
}

func (s *recordSink) finish(a *connAcc) { s.finishAs(a, "") }

func (s *recordSink) finishAs(a *connAcc, end string) {
	if a.dirty {
		s.interval(a)
		for i, d := range s.dirty {
			if d == a {
				s.dirty[i] = s.dirty[len(s.dirty)-1]
				s.dirty = s.dirty[:len(s.dirty)-1]
				break
			}
		}
	}
	if end == "" {
		end = "timeout"
		if a.closing {
			end = "closed"
		}
	}
	o, r := &a.dirs[0], &a.dirs[1]
	s.recs = append(s.recs, &record.Conn{TS: micros(a.start), UID: s.uid(a.seq),
		OrigH: addr(a.origI.IP), OrigP: a.origP, RespH: addr(a.respI.IP), RespP: a.respP, Proto: protoName(a.proto),
		Service: a.service, Duration: micros(a.durEnd - a.start), OrigBytes: o.bytes, RespBytes: r.bytes,
		ConnState: a.connState(), History: string(a.hist), OrigPkts: o.pkts, OrigIPBytes: o.ip, OrigL2Bytes: o.l2,
		RespPkts: r.pkts, RespIPBytes: r.ip, RespL2Bytes: r.l2, OrigMAC: record.MAC(a.origMAC),
		RespMAC: record.MAC(a.respMAC), VLAN: a.key.vlan, End: end})
	a.done = true
	if s.conns[a.key] == a {
		delete(s.conns, a.key)
	}
	last := s.active[len(s.active)-1]
	s.active[a.idx] = last
	last.idx = a.idx
	s.active = s.active[:len(s.active)-1]
}

// endMinute emits the minute's intervals and aggregations and cuts the
// batch.
func (s *recordSink) endMinute() {
	for _, a := range s.dirty {
		s.interval(a)
	}
	s.dirty = s.dirty[:0]
	for _, r := range s.arpOrder {
		s.recs = append(s.recs, r)
	}
	for _, r := range s.ethOrder {
		s.recs = append(s.recs, r)
	}
	for _, r := range s.osfpOrder {
		s.recs = append(s.recs, r)
	}
	clear(s.osfps)
	clear(s.osfpOrder)
	s.osfpOrder = s.osfpOrder[:0]
	for _, r := range s.otOrder {
		r.TS = micros(s.minute)
		s.recs = append(s.recs, r)
	}
	for _, r := range s.assetOrder {
		s.recs = append(s.recs, r)
	}
	clear(s.assets)
	clear(s.assetOrder)
	s.assetOrder = s.assetOrder[:0]
	clear(s.arp)
	clear(s.eth)
	clear(s.ot)
	clear(s.arpOrder)
	clear(s.ethOrder)
	clear(s.otOrder)
	s.arpOrder, s.ethOrder, s.otOrder = s.arpOrder[:0], s.ethOrder[:0], s.otOrder[:0]
	start, end := micros(s.minute), micros(s.minute+int64(time.Minute))
	s.recs = append(s.recs, &record.SensorStats{TS: start, TSEnd: end, Frames: s.frames, Bytes: s.bytes,
		ActiveConns: uint64(len(s.active))})
	s.stats.Packets += s.frames
	s.stats.Bytes += s.bytes
	s.frames, s.bytes = 0, 0
	b := &record.Batch{Header: record.Header{Schema: record.SchemaVersion, SensorID: s.sensorID, Seq: s.seq,
		Start: start, End: end}, Records: s.recs}
	s.stats.Records += uint64(len(s.recs))
	s.stats.Batches++
	s.recs = nil
	s.seq++
	if s.err == nil {
		s.err = s.put(b)
	}
}

// close ends the span as the sensor's Close does: connections still open
// are written with End "shutdown" in creation order, then the last minute.
func (s *recordSink) close() error {
	for _, m := range s.msgs {
		s.stats.msg(m.Kind, m.sent)
	}
	if !s.started {
		return s.err
	}
	s.expire(s.now)
	open := make([]*connAcc, len(s.active))
	copy(open, s.active)
	sortBySeq(open)
	for _, a := range open {
		s.finishAs(a, "shutdown")
	}
	s.endMinute()
	return s.err
}

func sortBySeq(a []*connAcc) {
	slices.SortFunc(a, func(x, y *connAcc) int { return cmp.Compare(x.seq, y.seq) })
}

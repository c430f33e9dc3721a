package flow

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/record"
)

// t0 is a minute boundary (2024-01-01 00:00:00 UTC) in ns.
const t0 = int64(1704067200) * int64(time.Second)

const (
	msec   = int64(time.Millisecond)
	second = int64(time.Second)
	minute = int64(time.Minute)
)

const (
	flagS  = decode.TCPSyn
	flagSA = decode.TCPSyn | decode.TCPAck
	flagA  = decode.TCPAck
	flagPA = decode.TCPPsh | decode.TCPAck
	flagFA = decode.TCPFin | decode.TCPAck
	flagR  = decode.TCPRst
	flagRA = decode.TCPRst | decode.TCPAck
)

var (
	ipA = netip.MustParseAddr("192.168.1.10")
	ipB = netip.MustParseAddr("192.168.1.20")
	ipC = netip.MustParseAddr("192.168.1.30")
)

// macOf gives every test address a distinct MAC ending in its last octet.
func macOf(a netip.Addr) [6]byte {
	b := a.As16()
	return [6]byte{0x02, 0, 0, 0, b[14], b[15]}
}

// sink collects emitted records and checks their order: nothing of a UID
// after its final record.
type sink struct {
	t      testing.TB
	conns  []*record.Conn
	ivs    []*record.ConnInterval
	closed map[string]bool
}

func newSink(t testing.TB) *sink { return &sink{t: t, closed: map[string]bool{}} }

func (s *sink) emit(r record.Record) {
	switch r := r.(type) {
	case *record.Conn:
		if s.closed[r.UID] {
			s.t.Errorf("second final record for %s", r.UID)
		}
		s.closed[r.UID] = true
		s.conns = append(s.conns, r)
	case *record.ConnInterval:
		if s.closed[r.UID] {
			s.t.Errorf("interval record for %s after its final record", r.UID)
		}
		s.ivs = append(s.ivs, r)
	default:
		s.t.Errorf("unexpected record %T", r)
	}
}

// only returns the single final record, failing otherwise.
func (s *sink) only() *record.Conn {
	s.t.Helper()
	if len(s.conns) != 1 {
		s.t.Fatalf("got %d conn records, want 1: %s", len(s.conns), s.describe())
	}
	return s.conns[0]
}

func (s *sink) describe() string {
	out := ""
	for _, c := range s.conns {
		out += fmt.Sprintf("\n  %s %s:%d>%s:%d %s %s %s o=%d/%d r=%d/%d end=%s", c.UID, c.OrigH, c.OrigP, c.RespH, c.RespP,
			c.Proto, c.ConnState, c.History, c.OrigPkts, c.OrigBytes, c.RespPkts, c.RespBytes, c.End)
	}
	return out
}

// intervalsOf returns the interval records of uid.
func (s *sink) intervalsOf(uid string) []*record.ConnInterval {
	var out []*record.ConnInterval
	for _, iv := range s.ivs {
		if iv.UID == uid {
			out = append(out, iv)
		}
	}
	return out
}

// checkSums asserts that every connection's intervals add up to its final
// record and that minutes are distinct and increasing.
func (s *sink) checkSums() {
	s.t.Helper()
	sums := map[string]*record.ConnInterval{}
	lastTS := map[string]record.Micros{}
	for _, iv := range s.ivs {
		a := sums[iv.UID]
		if a == nil {
			a = &record.ConnInterval{}
			sums[iv.UID] = a
		} else if iv.TS <= lastTS[iv.UID] {
			s.t.Errorf("%s: interval at %d after one at %d", iv.UID, iv.TS, lastTS[iv.UID])
		}
		lastTS[iv.UID] = iv.TS
		if iv.TS%60_000_000 != 0 {
			s.t.Errorf("%s: interval ts %d not a minute start", iv.UID, iv.TS)
		}
		a.OrigBytes += iv.OrigBytes
		a.RespBytes += iv.RespBytes
		a.OrigPkts += iv.OrigPkts
		a.RespPkts += iv.RespPkts
		a.OrigIPBytes += iv.OrigIPBytes
		a.RespIPBytes += iv.RespIPBytes
		a.OrigL2Bytes += iv.OrigL2Bytes
		a.RespL2Bytes += iv.RespL2Bytes
	}
	for _, c := range s.conns {
		a := sums[c.UID]
		if a == nil {
			s.t.Errorf("%s: no interval records", c.UID)
			continue
		}
		got := [8]uint64{a.OrigBytes, a.RespBytes, a.OrigPkts, a.RespPkts, a.OrigIPBytes, a.RespIPBytes, a.OrigL2Bytes, a.RespL2Bytes}
		want := [8]uint64{c.OrigBytes, c.RespBytes, c.OrigPkts, c.RespPkts, c.OrigIPBytes, c.RespIPBytes, c.OrigL2Bytes, c.RespL2Bytes}
		if got != want {
			s.t.Errorf("%s: interval sums %v != final %v", c.UID, got, want)
		}
	}
}

// ep is one side of a hand-made conversation.
type ep struct {
	ip   netip.Addr
	port uint16
	seq  uint32
}

// talk builds packets between a and b, keeping sequence numbers and time.
type talk struct {
	tab  *Table
	now  int64
	step int64 // time between packets
	a, b ep
	vlan [2]uint16
}

func newTalk(tab *Table, a, b ep) *talk {
	return &talk{tab: tab, now: t0 + 10*second, step: msec, a: a, b: b}
}

// send sends a segment of n payload bytes at the sender's current sequence
// number (advancing it), acknowledging the peer's current one when ACK is set.
func (x *talk) send(fromA bool, flags uint8, n int) *decode.Packet {
	src, dst := &x.a, &x.b
	if !fromA {
		src, dst = dst, src
	}
	p := x.sendAt(fromA, flags, src.seq, payloadAt(src.seq, n))
	src.seq += uint32(n)
	if flags&(decode.TCPSyn|decode.TCPFin) != 0 {
		src.seq++
	}
	_ = dst
	return p
}

// sendAt sends a segment with an explicit sequence number and payload.
func (x *talk) sendAt(fromA bool, flags uint8, seq uint32, payload []byte) *decode.Packet {
	src, dst := x.a, x.b
	if !fromA {
		src, dst = dst, src
	}
	p := tcpPacket(x.now, src.ip, src.port, dst.ip, dst.port, flags, seq, 0, payload)
	if flags&decode.TCPAck != 0 {
		p.Ack = dst.seq
	}
	p.VLANs = x.vlan
	x.feed(p)
	return p
}

func (x *talk) feed(p *decode.Packet) {
	if !x.tab.Packet(p) {
		panic("packet refused")
	}
	x.now += x.step
}

// payloadAt is stream content whose bytes tell their sequence number.
func payloadAt(seq uint32, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seq + uint32(i))
	}
	return b
}

func ipPacket(ts int64, src, dst netip.Addr, proto uint8, l4hdr int, payload []byte) *decode.Packet {
	p := &decode.Packet{
		TS: ts, HasEth: true, SrcMAC: macOf(src), DstMAC: macOf(dst),
		SrcIP: src, DstIP: dst, Proto: proto, TTL: 64, Payload: payload,
	}
	if src.Is4() {
		p.L3, p.EtherType, p.IPHdrLen = decode.L3IPv4, 0x0800, 20
	} else {
		p.L3, p.EtherType, p.IPHdrLen = decode.L3IPv6, 0x86dd, 40
	}
	p.IPLen = p.IPHdrLen + l4hdr + len(payload)
	p.WireLen = max(14+p.IPLen, 60)
	return p
}

func tcpPacket(ts int64, src netip.Addr, sport uint16, dst netip.Addr, dport uint16, flags uint8, seq, ack uint32, payload []byte) *decode.Packet {
	p := ipPacket(ts, src, dst, decode.ProtoTCP, 20, payload)
	p.SrcPort, p.DstPort, p.Flags, p.Seq, p.Ack, p.Window, p.TCPHdrLen = sport, dport, flags, seq, ack, 8192, 20
	return p
}

func udpPacket(ts int64, src netip.Addr, sport uint16, dst netip.Addr, dport uint16, n int) *decode.Packet {
	p := ipPacket(ts, src, dst, decode.ProtoUDP, 8, make([]byte, n))
	p.SrcPort, p.DstPort = sport, dport
	return p
}

// icmpPacket builds an ICMP(v6) message with a body of n bytes after the
// 8-byte header (the decoder's Payload starts after the first 4).
func icmpPacket(ts int64, src, dst netip.Addr, typ, code uint8, n int) *decode.Packet {
	proto := decode.ProtoICMP
	if !src.Is4() {
		proto = decode.ProtoICMPv6
	}
	p := ipPacket(ts, src, dst, proto, 4, make([]byte, 4+n))
	p.ICMPType, p.ICMPCode = typ, code
	return p
}

// recorder is a Handler that keeps what it was given.
type recorder struct {
	want    bool // WantPayload to set on the first Payload call
	stream  [2][]byte
	gaps    [2][]int
	events  []string // "P0:5" payload dir 0 of 5 bytes, "G1:3" gap, "C"
	closed  int
	onFirst func(c *Conn, dir Dir) // replaces setting want on the first call
	offered bool
}

func (r *recorder) Payload(c *Conn, dir Dir, ts int64, data []byte) {
	if r.onFirst != nil {
		r.onFirst(c, dir)
	} else if !r.offered {
		c.WantPayload = r.want
	}
	r.offered = true
	r.stream[dir] = append(r.stream[dir], data...)
	r.events = append(r.events, fmt.Sprintf("P%d:%d", dir, len(data)))
}

func (r *recorder) Gap(c *Conn, dir Dir, n int) {
	r.gaps[dir] = append(r.gaps[dir], n)
	r.events = append(r.events, fmt.Sprintf("G%d:%d", dir, n))
}

func (r *recorder) Closed(c *Conn) {
	r.closed++
	r.events = append(r.events, "C")
}

package gen

import (
	"time"

	"github.com/otsight/otsight/internal/gen/pcapw"
	"github.com/otsight/otsight/internal/gen/wire"
)

// Stats counts what a run generated.
type Stats struct {
	Packets uint64
	Bytes   uint64 // on the wire, without FCS
	// Messages counts application messages by generator kind
	// ("modbus/3", "s7comm/1/04", "dns", …).
	Messages map[string]uint64
	Records  uint64
	Batches  uint64
}

func (s *Stats) msg(kind string, n uint64) {
	if s.Messages == nil {
		s.Messages = map[string]uint64{}
	}
	s.Messages[kind] += n
}

// packetSink encodes packets to frames and hands them to a capture writer.
type packetSink struct {
	w     pcapw.Writer
	buf   []byte
	err   error
	stats *Stats
	x     msgCtx
	// Real-time pacing: packet time t is written no earlier than wall
	// clock wall0 + (t - t0).
	pace      bool
	t0, wall0 int64
	// msgs lists every message that was sent, for the statistics.
	msgs []*Msg
}

func newPacketSink(w pcapw.Writer, st *Stats) *packetSink {
	return &packetSink{w: w, buf: make([]byte, 0, 2048), stats: st}
}

func (s *packetSink) bulk(*conv, int64) bool { return false }

func (s *packetSink) tick(t int64) {
	if !s.pace {
		return
	}
	if s.wall0 == 0 {
		s.t0, s.wall0 = t, time.Now().UnixNano()
		return
	}
	if d := (t - s.t0) - (time.Now().UnixNano() - s.wall0); d > 0 {
		s.w.Flush()
		time.Sleep(time.Duration(d))
	}
}

func (s *packetSink) packet(p *pkt) {
	if s.err != nil {
		return
	}
	s.buf = encode(s.buf[:0], p, &s.x)
	if p.st != nil {
		if p.st.msg.sent == 0 {
			s.msgs = append(s.msgs, p.st.msg)
		}
		p.st.msg.sent++
	}
	s.stats.Packets++
	s.stats.Bytes += uint64(len(s.buf))
	s.err = s.w.WriteFrame(p.ts, s.buf)
}

func (s *packetSink) finish() error {
	for _, m := range s.msgs {
		s.stats.msg(m.Kind, m.sent)
	}
	if s.err != nil {
		return s.err
	}
	return s.w.Flush()
}

// encode appends the frame of p to b.
func encode(b []byte, p *pkt, x *msgCtx) []byte {
	c := p.c
	src, dst := p.ends()
	dstMAC := dst.MAC
	*x = msgCtx{c: c, n: p.n, ts: p.ts, dir: p.dir}
	switch c.proto {
	case protoARP:
		if p.dir == 0 {
			dstMAC = wire.Broadcast
		}
		b = wire.AppendEth(b, dstMAC, src.MAC, c.vlan(), wire.EtherARP)
		b = p.st.msg.Enc(b, x)
		return wire.Pad(b, 0)
	case protoEther:
		b = wire.AppendEth(b, dstMAC, src.MAC, c.vlan(), c.etherTyp)
		b = p.st.msg.Enc(b, x)
		return wire.Pad(b, 0)
	}
	b = wire.AppendEth(b, dstMAC, src.MAC, c.vlan(), wire.EtherIPv4)
	st := src.Dev.Stack
	src.ipID++
	ip := wire.IPHeader{Src: src.IP, Dst: dst.IP, TTL: st.TTL, DF: st.DF, ID: src.ipID}
	var mk wire.Mark
	if c.proto == wire.ProtoUDP {
		sport, dport := c.sport, c.dport
		if p.dir == 1 {
			sport, dport = dport, sport
		}
		b, mk = wire.StartUDP(b, &ip, sport, dport)
		b = p.st.msg.Enc(b, x)
		return wire.Pad(wire.FinishUDP(b, mk), 0)
	}
	var opts [40]byte
	th := wire.TCPHeader{SrcPort: c.sport, DstPort: c.dport, Seq: p.seq, Ack: p.ack, Flags: p.flags, Window: st.Window}
	if p.dir == 1 {
		th.SrcPort, th.DstPort = c.dport, c.sport
	}
	tsval := c.ts[p.dir] + uint32((p.ts-c.start)/int64(time.Millisecond))
	tsecr := c.ts[p.dir^1] + uint32(max(p.ts-c.start-c.rtt, 0)/int64(time.Millisecond))
	peer := dst.Dev.Stack
	switch {
	case p.flags&wire.SYN != 0 && p.dir == 0:
		th.Options = wire.SynOptions(opts[:0], st, nil, tsval, 0)
	case p.flags&wire.SYN != 0:
		th.Options = wire.SynOptions(opts[:0], st, peer, tsval, tsecr)
	default:
		if c.neg.TS {
			th.Options = wire.TSOption(opts[:0], tsval, tsecr)
		}
		if st.WScale >= 0 && peer.WScale >= 0 {
			th.Window = 1026
		}
		if p.flags&wire.RST != 0 {
			th.Window = 0
		}
	}
	b, mk = wire.StartTCP(b, &ip, &th)
	if p.st != nil {
		b = p.st.msg.Enc(b, x)
	}
	return wire.Pad(wire.FinishTCP(b, mk), 0)
}

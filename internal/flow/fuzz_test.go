package flow

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// The fuzz input is a config byte followed by 20-byte packet descriptions:
//
//	0     bits 0-1 protocol (TCP, UDP, ICMP, ICMPv6), bit 2 the handler's
//	      WantPayload answer, bit 3 zero window, bits 4-5 time unit of the
//	      delay (1 ms, 10 ms, 1 s, 10 s)
//	1     bits 0-1 source host, 2-3 destination host, 4 IPv6, 5-6 VLANs
//	2-5   source and destination port
//	6-7   TCP flags, or ICMP type and code
//	8-15  sequence and acknowledgement numbers
//	16-17 payload length (mod 1500)
//	18-19 delay since the previous packet
//
// TCP payload bytes are the low byte of their sequence number, so the
// handler can check that in-order delivery never reorders, repeats or skips
// bytes without a Gap.
const fuzzRecord = 20

var fuzzHosts = [2][4]netip.Addr{
	{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3"), netip.MustParseAddr("255.255.255.255")},
	{netip.MustParseAddr("fe80::1"), netip.MustParseAddr("fe80::2"), netip.MustParseAddr("2001:db8::3"), netip.MustParseAddr("ff02::1")},
}

var fuzzProtos = [4]uint8{decode.ProtoTCP, decode.ProtoUDP, decode.ProtoICMP, decode.ProtoICMPv6}

var fuzzUnits = [4]int64{msec, 10 * msec, second, 10 * second}

// fuzzPacket decodes one packet description; now is advanced by its delay.
func fuzzPacket(b []byte, now *int64, buf []byte) *decode.Packet {
	proto := fuzzProtos[b[0]&3]
	v6 := b[1]&0x10 != 0
	switch proto {
	case decode.ProtoICMP:
		v6 = false
	case decode.ProtoICMPv6:
		v6 = true
	}
	fam := 0
	if v6 {
		fam = 1
	}
	*now += int64(binary.BigEndian.Uint16(b[18:])) * fuzzUnits[b[0]>>4&3]
	n := int(binary.BigEndian.Uint16(b[16:])) % 1500
	seq := binary.BigEndian.Uint32(b[8:])
	first := seq
	if proto == decode.ProtoTCP && b[6]&decode.TCPSyn != 0 {
		first++ // data follows the SYN's sequence number
	}
	payload := buf[:n]
	for i := range payload {
		payload[i] = byte(first + uint32(i))
	}
	var p *decode.Packet
	src, dst := fuzzHosts[fam][b[1]&3], fuzzHosts[fam][b[1]>>2&3]
	switch proto {
	case decode.ProtoTCP:
		p = tcpPacket(*now, src, binary.BigEndian.Uint16(b[2:]), dst, binary.BigEndian.Uint16(b[4:]), b[6], seq, binary.BigEndian.Uint32(b[12:]), payload)
		if b[0]&8 != 0 {
			p.Window = 0
		}
	case decode.ProtoUDP:
		p = udpPacket(*now, src, binary.BigEndian.Uint16(b[2:]), dst, binary.BigEndian.Uint16(b[4:]), 0)
		p.Payload = payload
		p.IPLen += n
	default:
		p = icmpPacket(*now, src, dst, b[6], b[7], 0)
		p.Payload = payload
		p.IPLen += n
	}
	p.WireLen = max(14+p.IPLen, 60)
	switch b[1] >> 5 & 3 {
	case 1:
		p.VLANs = [2]uint16{10, 0}
	case 2:
		p.VLANs = [2]uint16{10, 5}
	}
	return p
}

// fuzzSeed describes real packets in the fuzz format.
func fuzzSeed(cfg byte, pkts []*decode.Packet) []byte {
	out := []byte{cfg}
	var hosts []netip.Addr
	host := func(a netip.Addr) byte {
		for i, h := range hosts {
			if h == a {
				return byte(i & 3)
			}
		}
		hosts = append(hosts, a)
		return byte((len(hosts) - 1) & 3)
	}
	var prev int64
	for i, p := range pkts {
		var r [fuzzRecord]byte
		for j, pr := range fuzzProtos {
			if pr == p.Proto {
				r[0] = byte(j)
			}
		}
		delay, unit := int64(0), 0
		if i > 0 {
			delay = p.TS - prev
		}
		for unit < 3 && delay/fuzzUnits[unit] > 0xFFFF {
			unit++
		}
		r[0] |= 4 | byte(unit)<<4
		r[1] = host(p.SrcIP) | host(p.DstIP)<<2
		if p.L3 == decode.L3IPv6 {
			r[1] |= 0x10
		}
		binary.BigEndian.PutUint16(r[2:], p.SrcPort)
		binary.BigEndian.PutUint16(r[4:], p.DstPort)
		r[6], r[7] = p.Flags, p.ICMPCode
		if p.Proto != decode.ProtoTCP {
			r[6] = p.ICMPType
		}
		binary.BigEndian.PutUint32(r[8:], p.Seq)
		binary.BigEndian.PutUint32(r[12:], p.Ack)
		binary.BigEndian.PutUint16(r[16:], uint16(min(len(p.Payload), 1499)))
		binary.BigEndian.PutUint16(r[18:], uint16(min(delay/fuzzUnits[unit], 0xFFFF)))
		prev = p.TS
		out = append(out, r[:]...)
	}
	return out
}

// fuzzHandler checks delivery while answering WantPayload as told.
type fuzzHandler struct {
	t      *testing.T
	want   bool
	next   map[string]*[2]int // expected low byte of the next TCP byte, -1 unknown
	closed map[string]bool
}

func (h *fuzzHandler) expect(c *Conn) *[2]int {
	e := h.next[c.UID]
	if e == nil {
		e = &[2]int{-1, -1}
		h.next[c.UID] = e
	}
	return e
}

func (h *fuzzHandler) Payload(c *Conn, dir Dir, ts int64, data []byte) {
	if h.closed[c.UID] || len(data) == 0 {
		h.t.Fatalf("%s: payload of %d bytes after close or empty", c.UID, len(data))
	}
	c.WantPayload = h.want
	if c.Proto != decode.ProtoTCP {
		return
	}
	e := h.expect(c)
	if e[dir] >= 0 && int(data[0]) != e[dir] {
		h.t.Fatalf("%s dir %d: stream continues with byte %d, want %d", c.UID, dir, data[0], e[dir])
	}
	for i := 1; i < len(data); i++ {
		if data[i] != data[i-1]+1 {
			h.t.Fatalf("%s dir %d: bytes out of order inside a delivery", c.UID, dir)
		}
	}
	e[dir] = int(data[len(data)-1]+1) & 0xFF
}

func (h *fuzzHandler) Gap(c *Conn, dir Dir, n int) {
	if h.closed[c.UID] || n <= 0 || c.Proto != decode.ProtoTCP {
		h.t.Fatalf("%s: gap of %d after close or on protocol %d", c.UID, n, c.Proto)
	}
	if e := h.expect(c); e[dir] >= 0 {
		e[dir] = (e[dir] + n) & 0xFF
	}
}

func (h *fuzzHandler) Closed(c *Conn) {
	if h.closed[c.UID] {
		h.t.Fatalf("%s closed twice", c.UID)
	}
	h.closed[c.UID] = true
}

// FuzzTable feeds arbitrary packet sequences, with tiny limits so eviction
// and buffer overflow happen, and checks that nothing panics, every packet
// is counted once, intervals add up to final records, TCP delivery stays in
// order, and the table ends empty.
func FuzzTable(f *testing.F) {
	for i, name := range []string{"modbus/modbus-and-non-modbus-p502.pcap", "it/wikipedia.pcap", "s7comm/s7comm_reading_plc_status.pcap", "it/icmp6-nd-options.pcap", "modbus/fuzz-72.pcap"} {
		dec := decode.NewDecoder(decode.Config{})
		var pkts []*decode.Packet
		for _, fr := range readCapture(f, pcaptest.Path(f, name)) {
			p, st := dec.Decode(fr.data, fr.link, fr.ts, fr.wire)
			if st == decode.OK && (p.L3 == decode.L3IPv4 || p.L3 == decode.L3IPv6) {
				q := *p
				pkts = append(pkts, &q)
			}
			if len(pkts) == 200 {
				break
			}
		}
		f.Add(fuzzSeed(byte(i*37), pkts))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) < 1 {
			return
		}
		cfg := Config{MaxConns: 1 + int(in[0]&7), MaxStreamBuffer: 64 << (in[0] >> 3 & 7)}
		s := newSink(t)
		h := &fuzzHandler{t: t, next: map[string]*[2]int{}, closed: map[string]bool{}}
		var tab *Table
		if in[0]&0x80 != 0 {
			tab = New(cfg, nil, s.emit, 9)
		} else {
			tab = New(cfg, h, s.emit, 9)
		}
		now, accepted := t0, 0
		buf := make([]byte, 1500)
		var advanced int64
		for b := in[1:]; len(b) >= fuzzRecord; b = b[fuzzRecord:] {
			p := fuzzPacket(b[:fuzzRecord], &now, buf)
			h.want = b[0]&4 != 0
			if now-advanced >= second {
				tab.Advance(now)
				advanced = now
			}
			if !tab.Packet(p) {
				t.Fatalf("packet refused: %+v", p)
			}
			accepted++
		}
		tab.Flush(now)
		checkRun(t, tab, s, accepted)
		for uid := range h.next {
			if !h.closed[uid] {
				t.Fatalf("%s never closed", uid)
			}
		}
	})
}

package decode

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"testing"
	"time"
)

const t0 = int64(1_700_000_000_000_000_000)

// feed decodes Ethernet frames 1 ms apart and returns their statuses; the
// Packet returned for the last frame is left in d.
func feed(d *Decoder, start int64, frames ...[]byte) []Status {
	var out []Status
	for i, f := range frames {
		_, st := d.Decode(f, LinkEthernet, start+int64(i)*int64(time.Millisecond), len(f))
		out = append(out, st)
	}
	return out
}

func wantStatuses(t *testing.T, got []Status, want ...Status) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("statuses = %v, want %v", got, want)
	}
}

// udp4Datagram is a 3028-byte IPv4 UDP datagram and its three fragments as
// Ethernet frames (1480 + 1480 + 48 payload bytes).
func udp4Datagram() (data []byte, frags [][]byte) {
	data = seq(7, 3000)
	pkt := ipv4Pkt(ProtoUDP, udpDgram(data))
	return data, [][]byte{
		eth(0x0800, fragment4(pkt, 0, 1480, true)),
		eth(0x0800, fragment4(pkt, 1480, 1480, true)),
		eth(0x0800, fragment4(pkt, 2960, 48, false)),
	}
}

func TestReassemblyIPv4Orders(t *testing.T) {
	data, frags := udp4Datagram()
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			d := NewDecoder(DefaultConfig())
			in := [][]byte{frags[order[0]], frags[order[1]], frags[order[2]]}
			st := feed(d, t0, in[:2]...)
			wantStatuses(t, st, FragmentHeld, FragmentHeld)
			p := &d.pkt
			eq(t, "held L3", p.L3, L3IPv4)
			eq(t, "held Proto", p.Proto, ProtoUDP)
			eq(t, "held IPID", p.IPID, 0x1234)
			p, last := d.Decode(in[2], LinkEthernet, t0+int64(time.Second), len(in[2]))
			eq(t, "status", last, OK)
			eq(t, "Reassembled", p.Reassembled, true)
			eq(t, "IPLen", p.IPLen, 3028)
			eq(t, "IPHdrLen", p.IPHdrLen, 20)
			eq(t, "IPFlags", p.IPFlags, 0)
			eq(t, "IPID", p.IPID, 0x1234)
			eq(t, "Proto", p.Proto, ProtoUDP)
			eq(t, "SrcIP", p.SrcIP, ip4A)
			eq(t, "SrcPort", p.SrcPort, 44818)
			eq(t, "DstPort", p.DstPort, 2222)
			eq(t, "TS (last fragment's)", p.TS, t0+int64(time.Second))
			if !bytes.Equal(p.Payload, data) {
				t.Errorf("reassembled payload differs (%d bytes, want %d)", len(p.Payload), len(data))
			}
			c := d.Counters()
			eq(t, "Delivered", c.Delivered, 1)
			eq(t, "FragHeld", c.FragHeld, 2)
			eq(t, "FragAbsorbed", c.FragAbsorbed, 2)
			eq(t, "FragPending", c.FragPending, 0)
			eq(t, "Reassembled", c.Reassembled, 1)
			balanced(t, c)
			eq(t, "datagrams left", d.frag.live, 0)
		})
	}
}

func TestReassemblyOverlaps(t *testing.T) {
	data, frags := udp4Datagram()
	pkt := ipv4Pkt(ProtoUDP, udpDgram(data))
	// The same bytes [1472, 2960) again: agrees with what arrived.
	agreeing := eth(0x0800, fragment4(pkt, 1472, 1488, true))
	// [1472, 1480) with other bytes: a conflicting overlap.
	bad := fragment4(pkt, 1472, 16, true)
	bad[20] ^= 0xff
	conflicting := eth(0x0800, bad)
	// A second "last" fragment that ends elsewhere.
	otherEnd := eth(0x0800, fragment4(pkt, 2960, 40, false))
	// A middle fragment beyond the known end.
	pastEnd := eth(0x0800, fragment4(cat(pkt, make([]byte, 64)), 2960, 64, true))

	t.Run("exact retransmission", func(t *testing.T) {
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, frags[0], frags[0], frags[1], frags[2]), FragmentHeld, FragmentHeld, FragmentHeld, OK)
		eq(t, "payload", bytes.Equal(d.pkt.Payload, data), true)
		c := d.Counters()
		eq(t, "FragAbsorbed", c.FragAbsorbed, 3)
		balanced(t, c)
	})
	t.Run("agreeing overlap", func(t *testing.T) {
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, frags[0], agreeing, frags[2]), FragmentHeld, FragmentHeld, OK)
		eq(t, "payload", bytes.Equal(d.pkt.Payload, data), true)
	})
	for _, tc := range []struct {
		name   string
		frames [][]byte
	}{
		{"conflicting bytes", [][]byte{frags[0], conflicting}},
		{"two different ends", [][]byte{frags[2], otherEnd}},
		{"middle fragment past the end", [][]byte{frags[2], pastEnd}},
		{"last fragment before received data", [][]byte{pastEnd, frags[2]}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDecoder(Config{})
			wantStatuses(t, feed(d, t0, tc.frames...), FragmentHeld, errStatus(CauseFragOverlap))
			c := d.Counters()
			eq(t, "frag_overlap (held one + this one)", c.Errors[CauseFragOverlap], 2)
			eq(t, "FragDiscarded", c.FragDiscarded, 1)
			eq(t, "FragPending", c.FragPending, 0)
			balanced(t, c)
			eq(t, "datagrams left", d.frag.live, 0)
		})
	}
}

func TestReassemblyRejects(t *testing.T) {
	data, frags := udp4Datagram()
	pkt := ipv4Pkt(ProtoUDP, udpDgram(data))
	big := cat(ipv4Pkt(ProtoUDP, nil)[:20], make([]byte, 16))
	binary.BigEndian.PutUint16(big[6:], 0x2000|65528/8)
	binary.BigEndian.PutUint16(big[2:], 36)

	t.Run("non-final fragment off the 8-byte grid", func(t *testing.T) {
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, eth(0x0800, fragment4(pkt, 0, 1479, true))), errStatus(CauseFragBad))
	})
	t.Run("empty non-final fragment", func(t *testing.T) {
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, eth(0x0800, fragment4(pkt, 8, 0, true))), errStatus(CauseFragBad))
	})
	t.Run("beyond 65535 bytes drops the datagram", func(t *testing.T) {
		d := NewDecoder(Config{})
		held := cat(big)
		binary.BigEndian.PutUint16(held[6:], 0x2000)
		wantStatuses(t, feed(d, t0, eth(0x0800, held), eth(0x0800, big)), FragmentHeld, errStatus(CauseFragTooBig))
		c := d.Counters()
		eq(t, "frag_too_big", c.Errors[CauseFragTooBig], 2)
		balanced(t, c)
	})
	t.Run("not captured whole", func(t *testing.T) {
		d := NewDecoder(Config{})
		f := frags[0][:100]
		_, st := d.Decode(f, LinkEthernet, t0, len(frags[0]))
		eq(t, "status", st, errStatus(CauseFragTruncated))
		eq(t, "L3", d.pkt.L3, L3IPv4)
	})
	t.Run("whole datagram too long for its first header", func(t *testing.T) {
		// Fragments with 20-byte headers reach 65515 payload bytes: legal
		// for them, but the first fragment has a 60-byte header.
		d := NewDecoder(Config{})
		whole := ipv4Pkt(ProtoUDP, make([]byte, 65515))
		opts := make([]byte, 40)
		first := ipv4WithOpts(ProtoUDP, opts, whole[20:20+1480])
		first[6] = 0x20
		st := feed(d, t0, eth(0x0800, first))
		for off := 1480; off < 65515; off += 1480 {
			n := min(1480, 65515-off)
			st = append(st, feed(d, t0, eth(0x0800, fragment4(whole, off, n, off+n < 65515)))...)
		}
		eq(t, "last status", st[len(st)-1], errStatus(CauseFragTooBig))
		c := d.Counters()
		eq(t, "frag_too_big", c.Errors[CauseFragTooBig], uint64(len(st)))
		balanced(t, c)
	})
}

func TestReassemblyLimits(t *testing.T) {
	_, frags := udp4Datagram()
	withID := func(f []byte, id uint16) []byte {
		f = cat(f)
		binary.BigEndian.PutUint16(f[14+4:], id)
		return f
	}
	t.Run("timeout by packet time", func(t *testing.T) {
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, frags[0], frags[1]), FragmentHeld, FragmentHeld)
		// 29 s after the first fragment nothing expires...
		eq(t, "Expire at 29 s", d.Expire(t0+29*int64(time.Second)), 0)
		// ...and a frame at 30 s expires the datagram before being decoded.
		_, st := d.Decode(frags[2], LinkEthernet, t0+30*int64(time.Second), len(frags[2]))
		eq(t, "late last fragment", st, FragmentHeld)
		c := d.Counters()
		eq(t, "frag_timeout", c.Errors[CauseFragTimeout], 2)
		eq(t, "FragDiscarded", c.FragDiscarded, 2)
		eq(t, "FragPending", c.FragPending, 1)
		balanced(t, c)
		eq(t, "Expire at end of input", d.Expire(1<<62), 1)
		c = d.Counters()
		eq(t, "frag_timeout", c.Errors[CauseFragTimeout], 3)
		eq(t, "FragPending", c.FragPending, 0)
		balanced(t, c)
	})
	t.Run("too many datagrams evicts the oldest", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.FragMaxDatagrams = 2
		d := NewDecoder(cfg)
		st := feed(d, t0, withID(frags[0], 1), withID(frags[0], 2), withID(frags[1], 1), withID(frags[0], 3),
			withID(frags[1], 3), withID(frags[2], 3), withID(frags[2], 1))
		// ID 3 evicts ID 1 (the oldest, 2 frames held) and completes; the
		// last fragment of ID 1 then starts a new datagram, with room again.
		wantStatuses(t, st, FragmentHeld, FragmentHeld, FragmentHeld, FragmentHeld, FragmentHeld, OK, FragmentHeld)
		c := d.Counters()
		eq(t, "frag_table_full", c.Errors[CauseFragTableFull], 2)
		eq(t, "FragPending", c.FragPending, 2)
		eq(t, "Reassembled", c.Reassembled, 1)
		balanced(t, c)
	})
	t.Run("memory bound evicts the oldest", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.FragMemory = 1 // raised to one largest datagram: 32 chunks of 2 KiB
		d := NewDecoder(cfg)
		pkt := ipv4Pkt(ProtoUDP, make([]byte, 65000))
		var spread [][]byte
		for off := 0; off < 32*fragChunkSize; off += fragChunkSize {
			spread = append(spread, eth(0x0800, fragment4(pkt, off, 8, true)))
		}
		for _, st := range feed(d, t0, spread...) {
			eq(t, "spread fragment", st, FragmentHeld)
		}
		eq(t, "chunks in use", d.frag.nChunk-len(d.frag.freeCh), 32)
		wantStatuses(t, feed(d, t0, withID(frags[0], 9)), FragmentHeld)
		c := d.Counters()
		eq(t, "frag_memory_full", c.Errors[CauseFragMemoryFull], 32)
		eq(t, "chunks allocated", d.frag.nChunk, 32)
		balanced(t, c)
	})
	t.Run("memory bound spares the datagram being filled", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.FragMemory = 1
		d := NewDecoder(cfg)
		pkt := ipv4Pkt(ProtoUDP, make([]byte, 65000))
		var older [][]byte // 31 chunks for the oldest datagram
		for off := 0; off < 31*fragChunkSize; off += fragChunkSize {
			older = append(older, eth(0x0800, fragment4(pkt, off, 8, true)))
		}
		feed(d, t0, older...)
		feed(d, t0+1, withID(frags[0], 9)) // a younger datagram takes the last chunk
		// The oldest needs a 32nd chunk: the younger one goes, not itself.
		wantStatuses(t, feed(d, t0+2, eth(0x0800, fragment4(pkt, 31*fragChunkSize, 8, true))), FragmentHeld)
		c := d.Counters()
		eq(t, "frag_memory_full", c.Errors[CauseFragMemoryFull], 1)
		eq(t, "FragPending", c.FragPending, 32)
		balanced(t, c)
	})
	t.Run("interleaved datagrams", func(t *testing.T) {
		d := NewDecoder(Config{})
		st := feed(d, t0, withID(frags[0], 1), withID(frags[0], 2), withID(frags[1], 2), withID(frags[1], 1),
			withID(frags[2], 1), withID(frags[2], 2))
		wantStatuses(t, st, FragmentHeld, FragmentHeld, FragmentHeld, FragmentHeld, OK, OK)
		eq(t, "Reassembled", d.Counters().Reassembled, 2)
	})
	t.Run("many datagrams reuse slots", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.FragMaxDatagrams = 8
		d := NewDecoder(cfg)
		for id := range 200 {
			feed(d, t0, withID(frags[1], uint16(id)))
			if id >= 4 {
				feed(d, t0, withID(frags[2], uint16(id-4)), withID(frags[0], uint16(id-4)))
			}
		}
		c := d.Counters()
		eq(t, "Reassembled", c.Reassembled, 196)
		eq(t, "frag_table_full", c.Errors[CauseFragTableFull], 0)
		eq(t, "datagrams live", d.frag.live, 4)
		eq(t, "datagram slots allocated", len(d.frag.dgrams), 5)
		balanced(t, c)
	})
	t.Run("flood stays bounded", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.FragMaxDatagrams = 8
		d := NewDecoder(cfg)
		for id := range 1000 {
			feed(d, t0, withID(frags[0], uint16(id)))
		}
		c := d.Counters()
		eq(t, "frag_table_full", c.Errors[CauseFragTableFull], 992)
		eq(t, "FragPending", c.FragPending, 8)
		eq(t, "datagram slots allocated", len(d.frag.dgrams), 8)
		eq(t, "chunks allocated", d.frag.nChunk, fragSlab)
		eq(t, "chunks in use", d.frag.nChunk-len(d.frag.freeCh), 8)
		balanced(t, c)
	})
}

func TestReassemblyIPv6(t *testing.T) {
	data := seq(3, 2000)
	pkt := ipv6Pkt(ProtoUDP, udpDgram(data))
	t.Run("plain", func(t *testing.T) {
		d := NewDecoder(Config{})
		st := feed(d, t0, eth(0x86dd, fragment6(pkt, 1232, 776, false, 77)), eth(0x86dd, fragment6(pkt, 0, 1232, true, 77)))
		wantStatuses(t, st, FragmentHeld, OK)
		p := &d.pkt
		eq(t, "Reassembled", p.Reassembled, true)
		eq(t, "IPID", p.IPID, 77)
		eq(t, "IPLen", p.IPLen, 40+8+2000)
		eq(t, "IPHdrLen", p.IPHdrLen, 40)
		eq(t, "Proto", p.Proto, ProtoUDP)
		eq(t, "payload", bytes.Equal(p.Payload, data), true)
	})
	t.Run("held fragment fields", func(t *testing.T) {
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, eth(0x86dd, fragment6(pkt, 0, 1232, true, 78))), FragmentHeld)
		eq(t, "L3", d.pkt.L3, L3IPv6)
		eq(t, "Proto", d.pkt.Proto, ProtoUDP)
		eq(t, "IPID", d.pkt.IPID, 78)
		eq(t, "IPHdrLen", d.pkt.IPHdrLen, 48)
	})
	t.Run("hop-by-hop before the fragment header", func(t *testing.T) {
		frag := func(off, n int, more bool) []byte {
			return eth(0x86dd, ipv6Pkt(nhHopByHop, cat(ext6(nhFragment, 8), fragHdr6(ProtoUDP, off, more, 9), pkt[40+off:40+off+n])))
		}
		d := NewDecoder(Config{})
		wantStatuses(t, feed(d, t0, frag(0, 1000, true), frag(1000, 1008, false)), FragmentHeld, OK)
		p := &d.pkt
		eq(t, "IPHdrLen", p.IPHdrLen, 48)
		eq(t, "IPLen", p.IPLen, 40+8+8+2000)
		eq(t, "Proto", p.Proto, ProtoUDP)
		eq(t, "payload", bytes.Equal(p.Payload, data), true)
	})
	t.Run("not captured whole", func(t *testing.T) {
		d := NewDecoder(Config{})
		f := eth(0x86dd, fragment6(pkt, 0, 1232, true, 79))
		_, st := d.Decode(f[:200], LinkEthernet, t0, len(f))
		eq(t, "status", st, errStatus(CauseFragTruncated))
		eq(t, "IPID", d.pkt.IPID, 79)
	})
	t.Run("IPv4 and IPv6 with the same ID never mix", func(t *testing.T) {
		_, frags := udp4Datagram()
		f4 := cat(frags[0])
		binary.BigEndian.PutUint16(f4[14+4:], 5)
		d := NewDecoder(Config{})
		st := feed(d, t0, f4, eth(0x86dd, fragment6(pkt, 1232, 776, false, 5)))
		wantStatuses(t, st, FragmentHeld, FragmentHeld)
	})
	t.Run("reassembled datagram that fails to decode", func(t *testing.T) {
		bad := ipv6Pkt(ProtoTCP, cat(tcpSeg(TCPAck, nil, seq(0, 1500))))
		bad[40+12] = 0x30 // data offset 3
		d := NewDecoder(Config{})
		st := feed(d, t0, eth(0x86dd, fragment6(bad, 0, 1000, true, 1)), eth(0x86dd, fragment6(bad, 1000, 520, false, 1)))
		wantStatuses(t, st, FragmentHeld, errStatus(CauseTCPBadOffset))
		c := d.Counters()
		eq(t, "FragAbsorbed", c.FragAbsorbed, 1)
		balanced(t, c)
	})
}

// TestReassemblerIndex drives the open-addressing index through many
// inserts and deletes in a small table (long probe runs that wrap around)
// and checks it against a map after every step.
func TestReassemblerIndex(t *testing.T) {
	var cnt Counters
	var r reassembler
	r.init(8, int64(time.Hour), 1, &cnt) // 16 slots
	model := map[fragKey]int32{}
	rng := uint64(1)
	next := func() uint64 { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng }
	key := func(i uint64) fragKey {
		var k fragKey
		binary.BigEndian.PutUint64(k[:], i%64) // few distinct keys: many collisions over time
		return k
	}
	for step := range 20000 {
		k := key(next())
		h := maphashKey(&r, &k)
		_, idx := r.find(&k, h)
		want, ok := model[k]
		if ok != (idx >= 0) || (ok && idx != want) {
			t.Fatalf("step %d: find = %d, model %d (%v)", step, idx, want, ok)
		}
		switch {
		case ok:
			r.release(idx)
			delete(model, k)
		case r.live < r.maxDgrams:
			model[k] = r.create(&k, h, 0)
		}
		if r.live != len(model) {
			t.Fatalf("step %d: %d live, model %d", step, r.live, len(model))
		}
		for mk, mi := range model {
			if _, idx := r.find(&mk, maphashKey(&r, &mk)); idx != mi {
				t.Fatalf("step %d: key lost after a deletion: find = %d, want %d", step, idx, mi)
			}
		}
	}
}

func maphashKey(r *reassembler, k *fragKey) uint64 { return maphash.Bytes(r.seed, k[:]) }

package decode

import (
	"bytes"
	"maps"
	"slices"
	"testing"
	"unsafe"
)

// fuzzLinks are the link types FuzzDecode tries every input with: all the
// decoder knows, and one it does not.
var fuzzLinks = []LinkType{LinkNull, LinkEthernet, LinkPPP, LinkPPPHDLC, LinkRaw, LinkRawBSD, LinkRawOBSD,
	LinkLoop, LinkSLL, LinkIPv4, LinkIPv6, LinkSLL2, 147}

// fuzzConfig keeps the per-input Decoder small, so fuzzing stays fast.
func fuzzConfig() Config {
	cfg := DefaultConfig()
	cfg.DedupTableSize = 64
	cfg.FragMaxDatagrams = 4
	cfg.FragMemory = 1
	return cfg
}

// within reports whether sub lies inside one of the buffers.
func within(sub []byte, bufs ...[]byte) bool {
	if len(sub) == 0 {
		return true
	}
	s := uintptr(unsafe.Pointer(unsafe.SliceData(sub)))
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		if s >= lo && s+uintptr(len(sub)) <= lo+uintptr(len(b)) {
			return true
		}
	}
	return false
}

// checkPacket asserts what must hold whatever the input: slices alias the
// frame (or the reassembly buffer) and lengths are consistent.
func checkPacket(t *testing.T, d *Decoder, data []byte, p *Packet, st Status) {
	t.Helper()
	out := d.frag.out
	for name, s := range map[string][]byte{"Payload": p.Payload, "L3Payload": p.L3Payload, "TCPOpts": p.TCPOpts, "IPOptions": p.IPOptions} {
		if !within(s, data, out) {
			t.Fatalf("%s (%d bytes) points outside the frame (status %v)", name, len(s), st)
		}
	}
	if st == OK && (p.L3 == L3IPv4 || p.L3 == L3IPv6) {
		if p.IPHdrLen > p.IPLen || p.IPLen > 65535+40 || p.IPHdrLen < 20 {
			t.Fatalf("IPHdrLen %d, IPLen %d", p.IPHdrLen, p.IPLen)
		}
		if p.Proto == ProtoTCP && (p.TCPHdrLen < 20 || p.TCPHdrLen > 60) {
			t.Fatalf("TCPHdrLen %d", p.TCPHdrLen)
		}
	}
	if p.NVLAN < 0 || st.IsError() != (st.Cause() != CauseNone) {
		t.Fatalf("inconsistent status %v / NVLAN %d", st, p.NVLAN)
	}
}

// FuzzDecode decodes arbitrary bytes as every link type: Decode must never
// panic, and what it returns must be consistent.
func FuzzDecode(f *testing.F) {
	for _, fs := range loadAll(f) {
		// A few frames of every capture: the first ones and a spread.
		for i := 0; i < len(fs); i += max(1, len(fs)/4) {
			f.Add(fs[i].data)
		}
	}
	for _, seed := range [][]byte{
		eth(0x86dd, ipv6Pkt(nhRouting, cat(ext6(nhAH, 16), []byte{nhFragment, 1, 0, 0}, make([]byte, 4), fragHdr6(ProtoTCP, 8, true, 3), make([]byte, 8)))),
		cat(macB[:], macA[:], be16(20), []byte{0xaa, 0xaa, 3, 0, 0, 0}, be16(0x8100), be16(1), be16(0x0800)),
		cat([]byte{0xff, 0x03, 0x21}, ipv4Pkt(ProtoICMP, icmpMsg(8, 0, nil))),
		cat(be16(0), be16(1), be16(6), make([]byte, 8), be16(0x88a8), be16(1), be16(0x0806), arpPkt(1)),
		eth(0x0800, fragment4(ipv4Pkt(ProtoUDP, udpDgram(seq(0, 64))), 8, 16, true)),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(fuzzConfig())
		for i, link := range fuzzLinks {
			for _, wire := range []int{len(data), len(data) + 1000} {
				p, st := d.Decode(data, link, int64(i)*1e9, wire)
				checkPacket(t, d, data, p, st)
			}
		}
		d.Expire(1 << 62)
		balanced(t, d.Counters())
	})
}

// FuzzReassembly cuts a UDP datagram into fragments as the plan says (sizes,
// order, retransmissions), feeds them, and checks the reassembled payload.
// When the plan's first byte is odd it instead feeds fragments with
// arbitrary offsets and bytes, where only robustness and accounting count.
func FuzzReassembly(f *testing.F) {
	n := 0
	all := loadAll(f)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		for _, fr := range all[name] {
			d := NewDecoder(Config{})
			if p, st := d.Decode(fr.data, fr.link, 0, fr.wire); st == OK && p.Proto == ProtoUDP && len(p.Payload) > 16 && n < 40 {
				n++
				f.Add(bytes.Clone(p.Payload), []byte{byte(n * 2), 3, 1, 0x85, 2}, n%2 == 0)
				f.Add(bytes.Clone(p.Payload), []byte{byte(n*2 + 1), 0, 200, 7, 30, 1, 2}, n%2 == 1)
				break
			}
		}
	}
	f.Add(seq(0, 3000), []byte{0, 184, 184, 5}, false)
	f.Add(seq(0, 3000), []byte{1, 184, 184, 5}, true)
	f.Fuzz(func(t *testing.T, payload, plan []byte, v6 bool) {
		if len(payload) > 9000 || len(plan) == 0 || len(plan) > 64 {
			return
		}
		var pkt []byte
		if v6 {
			pkt = ipv6Pkt(ProtoUDP, udpDgram(payload))
		} else {
			pkt = ipv4Pkt(ProtoUDP, udpDgram(payload))
		}
		cfg := fuzzConfig()
		cfg.DedupWindow = 0
		d := NewDecoder(cfg)
		if plan[0]&1 == 1 {
			chaos(t, d, pkt, v6, plan[1:])
			return
		}
		// Cut the IP payload into pieces of (b%64+1)*8 bytes.
		hl := 20
		if v6 {
			hl = 40
		}
		body := len(pkt) - hl
		type piece struct{ off, n int }
		var pieces []piece
		for i, off := 1, 0; off < body; i++ {
			n := body - off
			if i < len(plan) {
				n = min(n, (int(plan[i]%64)+1)*8)
			}
			pieces = append(pieces, piece{off, n})
			off += n
		}
		if len(pieces) < 2 {
			return // not fragmented
		}
		// Reorder by the plan, and resend pieces whose plan byte has the high bit.
		order := make([]piece, 0, 2*len(pieces))
		for i, pc := range pieces {
			order = append(order, pc)
			if b := plan[i%len(plan)]; b&0x80 != 0 {
				order = append(order, pc)
			}
		}
		for i := range order {
			j := int(plan[i%len(plan)]) % len(order)
			order[i], order[j] = order[j], order[i]
		}
		completed := 0
		for i, pc := range order {
			more := pc.off+pc.n < body
			var frame []byte
			if v6 {
				frame = eth(0x86dd, fragment6(pkt, pc.off, pc.n, more, 42))
			} else {
				frame = eth(0x0800, fragment4(pkt, pc.off, pc.n, more))
			}
			p, st := d.Decode(frame, LinkEthernet, int64(i), len(frame))
			checkPacket(t, d, frame, p, st)
			switch st {
			case OK:
				completed++
				if !p.Reassembled || !bytes.Equal(p.Payload, payload) || p.SrcPort != 44818 {
					t.Fatalf("reassembled %d payload bytes (reassembled=%v), want %d", len(p.Payload), p.Reassembled, len(payload))
				}
			case FragmentHeld:
			default:
				t.Fatalf("piece %d (%d+%d of %d): %v", i, pc.off, pc.n, body, st)
			}
		}
		if completed == 0 {
			t.Fatalf("%d pieces, %d frames sent, nothing reassembled", len(pieces), len(order))
		}
		d.Expire(1 << 62)
		c := d.Counters()
		balanced(t, c)
		if c.FragPending != 0 || d.frag.live != 0 {
			t.Fatalf("state left after Expire: %+v", c)
		}
	})
}

// chaos feeds fragments of pkt at offsets and lengths taken from plan, some
// with corrupted bytes, then checks robustness and the accounting.
func chaos(t *testing.T, d *Decoder, pkt []byte, v6 bool, plan []byte) {
	hl := 20
	if v6 {
		hl = 40
	}
	body := pkt[hl:]
	for i := 0; i+2 < len(plan); i += 3 {
		off := int(plan[i]) * 8 % (len(body) + 8)
		n := min(int(plan[i+1])*8+int(plan[i+2]&7), len(body)-min(off, len(body)))
		off = min(off, len(body))
		data := slices.Clone(body[off : off+n])
		if plan[i+2]&0x40 != 0 && len(data) > 0 {
			data[0] ^= 0xff
		}
		whole := cat(pkt[:hl], body[:off], data, body[off+n:])
		more := plan[i+2]&0x80 != 0
		var frame []byte
		if v6 {
			frame = eth(0x86dd, fragment6(whole, off, n, more, 7))
		} else {
			frame = eth(0x0800, fragment4(whole, off, n, more))
		}
		p, st := d.Decode(frame, LinkEthernet, int64(i)*1e9, len(frame))
		checkPacket(t, d, frame, p, st)
	}
	d.Expire(1 << 62)
	balanced(t, d.Counters())
}

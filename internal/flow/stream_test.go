package flow

import (
	"bytes"
	"slices"
	"testing"
)

// streamTalk opens a connection A:40000 → B:502 (ISNs 1000 and 5000) with a
// handshake unless midstream, with a handler that wants payload.
func streamTalk(t *testing.T, cfg Config, h *recorder, handshake bool) (*Table, *sink, *talk) {
	s := newSink(t)
	tab := New(cfg, h, s.emit, 3)
	x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
	if handshake {
		x.send(true, flagS, 0)
		x.send(false, flagSA, 0)
		x.send(true, flagA, 0)
	}
	return tab, s, x
}

// seg sends A's bytes [seq, seq+n) with content telling their position.
func (x *talk) seg(seq uint32, n int) { x.sendAt(true, flagPA, seq, payloadAt(seq, n)) }

func checkEvents(t *testing.T, h *recorder, want ...string) {
	t.Helper()
	if !slices.Equal(h.events, want) {
		t.Errorf("events %v, want %v", h.events, want)
	}
}

func TestStreamDelivery(t *testing.T) {
	t.Run("in order, both directions", func(t *testing.T) {
		h := &recorder{want: true}
		tab, _, x := streamTalk(t, Config{}, h, true)
		x.send(true, flagPA, 10)
		x.send(false, flagPA, 5)
		x.send(true, flagPA, 7)
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "P1:5", "P0:7", "C")
		if !bytes.Equal(h.stream[0], payloadAt(1001, 17)) || !bytes.Equal(h.stream[1], payloadAt(5001, 5)) {
			t.Error("wrong stream content")
		}
	})
	t.Run("reordered segments are buffered until the hole fills", func(t *testing.T) {
		h := &recorder{want: true}
		tab, _, x := streamTalk(t, Config{}, h, true)
		x.seg(1011, 10)
		if st := tab.Stats(); st.StreamBytes != 10 || len(h.events) != 0 {
			t.Fatalf("after the early segment: %d bytes buffered, events %v", st.StreamBytes, h.events)
		}
		x.seg(1001, 10)
		if st := tab.Stats(); st.StreamBytes != 0 {
			t.Errorf("%d bytes still buffered", st.StreamBytes)
		}
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "P0:10", "C")
		if !bytes.Equal(h.stream[0], payloadAt(1001, 20)) {
			t.Error("wrong stream content")
		}
	})
	t.Run("retransmissions and overlaps are delivered once", func(t *testing.T) {
		h := &recorder{want: true}
		tab, _, x := streamTalk(t, Config{}, h, true)
		x.seg(1001, 10)
		x.seg(1001, 10) // retransmission
		x.seg(1006, 10) // overlaps 5 old bytes
		x.seg(1031, 10) // out of order
		x.seg(1021, 15) // out of order, overlapping the previous
		x.seg(1031, 10) // retransmission of buffered data
		x.seg(1011, 12) // fills the hole and overlaps
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "P0:5", "P0:7", "P0:13", "P0:5", "C")
		if !bytes.Equal(h.stream[0], payloadAt(1001, 40)) {
			t.Errorf("stream %v", h.stream[0])
		}
	})
	t.Run("a hole the peer acknowledges is a gap", func(t *testing.T) {
		h := &recorder{want: true}
		tab, s, x := streamTalk(t, Config{}, h, true)
		x.seg(1001, 10)
		x.seg(1021, 10) // 1011..1020 lost
		x.a.seq = 1031
		x.send(false, flagA, 0)
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "G0:10", "P0:10", "C")
		c := s.only()
		if c.MissedBytes != 10 || c.History != "ShADaG" || c.OrigBytes != 30 {
			t.Errorf("missed %d history %q bytes %d", c.MissedBytes, c.History, c.OrigBytes)
		}
		if st := tab.Stats(); st.GapBytes != 10 || st.StreamBytes != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("too much out-of-order data gives up the hole", func(t *testing.T) {
		h := &recorder{want: true}
		tab, _, x := streamTalk(t, Config{MaxStreamBuffer: 25}, h, true)
		x.seg(1011, 10) // 1001..1010 lost
		x.seg(1021, 10)
		x.seg(1031, 10) // 30 bytes would wait: skip the hole
		tab.Flush(x.now)
		checkEvents(t, h, "G0:10", "P0:10", "P0:10", "P0:10", "C")
		if !bytes.Equal(h.stream[0], payloadAt(1011, 30)) {
			t.Error("wrong stream content")
		}
	})
	t.Run("holes left at the end are gaps", func(t *testing.T) {
		h := &recorder{want: true}
		tab, s, x := streamTalk(t, Config{}, h, true)
		x.seg(1001, 10)
		x.seg(1021, 10) // 1011..1020 lost, never acknowledged
		x.a.seq = 1041  // 1031..1040 lost too, before the FIN
		x.send(true, flagFA, 0)
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "G0:10", "P0:10", "G0:10", "C")
		if c := s.only(); c.MissedBytes != 20 || c.History != "ShADFG" {
			t.Errorf("missed %d history %q", c.MissedBytes, c.History)
		}
	})
	t.Run("midstream delivery starts at the first data seen", func(t *testing.T) {
		h := &recorder{want: true}
		tab, _, x := streamTalk(t, Config{}, h, false)
		x.a.seq, x.b.seq = 70000, 90000
		x.send(false, flagPA, 4) // from the server port: B stays the responder
		x.send(true, flagPA, 6)
		tab.Flush(x.now)
		checkEvents(t, h, "P1:4", "P0:6", "C")
		if !bytes.Equal(h.stream[0], payloadAt(70000, 6)) || !bytes.Equal(h.stream[1], payloadAt(90000, 4)) {
			t.Error("wrong stream content")
		}
	})
}

func TestPayloadContract(t *testing.T) {
	t.Run("declined connections get one offer per direction", func(t *testing.T) {
		h := &recorder{want: false}
		tab, _, x := streamTalk(t, Config{}, h, true)
		x.send(true, flagPA, 10)
		x.send(false, flagPA, 5)
		x.send(true, flagPA, 10)
		x.seg(1041, 10) // out of order: not even buffered
		if st := tab.Stats(); st.StreamBytes != 0 {
			t.Errorf("%d bytes buffered for a declined connection", st.StreamBytes)
		}
		x.send(false, flagPA, 5)
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "P1:5", "C")
	})
	t.Run("wanting payload again resumes after a gap", func(t *testing.T) {
		h := &recorder{}
		h.onFirst = func(c *Conn, dir Dir) {
			// Decline on the client's bytes, accept on the server's.
			if len(h.events) < 2 {
				c.WantPayload = dir == FromResp
			}
		}
		tab, s, x := streamTalk(t, Config{}, h, true)
		x.send(true, flagPA, 10)
		x.send(true, flagPA, 10) // skipped
		x.send(false, flagPA, 5)
		x.seg(1001, 10) // a late retransmission of delivered bytes: never again
		x.send(true, flagPA, 10)
		tab.Flush(x.now)
		checkEvents(t, h, "P0:10", "P1:5", "G0:10", "P0:10", "C")
		if c := s.only(); c.MissedBytes != 0 || c.History != "ShADdT" {
			t.Errorf("missed %d history %q: skipped bytes are not lost bytes", c.MissedBytes, c.History)
		}
	})
	t.Run("UDP and ICMP", func(t *testing.T) {
		for _, want := range []bool{false, true} {
			h := &recorder{want: want}
			tab, _ := newTestTable(t, h)
			tab.Packet(udpPacket(t0, ipA, 40000, ipB, 502, 12))
			tab.Packet(udpPacket(t0+1, ipA, 40000, ipB, 502, 0)) // empty: never delivered
			tab.Packet(udpPacket(t0+2, ipA, 40000, ipB, 502, 13))
			tab.Packet(udpPacket(t0+3, ipB, 502, ipA, 40000, 14))
			tab.Packet(udpPacket(t0+4, ipB, 502, ipA, 40000, 15))
			tab.Flush(t0 + 5)
			if want {
				checkEvents(t, h, "P0:12", "P0:13", "P1:14", "P1:15", "C")
			} else {
				checkEvents(t, h, "P0:12", "P1:14", "C")
			}
		}
		h := &recorder{want: true}
		tab, _ := newTestTable(t, h)
		tab.Packet(icmpPacket(t0, ipA, ipB, 8, 0, 56))
		tab.Flush(t0)
		checkEvents(t, h, "P0:60", "C") // identifier, sequence number and data
	})
}

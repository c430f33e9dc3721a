package flow

import (
	"net/netip"
	"regexp"
	"testing"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/record"
)

func newTestTable(t *testing.T, h Handler) (*Table, *sink) {
	s := newSink(t)
	return New(Config{IfaceLabels: []string{"eth0", "eth1"}}, h, s.emit, 42), s
}

var uidRE = regexp.MustCompile(`^C[0-9A-Za-z]{11}$`)

// A complete connection: handshake, a request and its reply, both FINs and
// the final ACK. Zeek logs it as SF with history ShADadFf.
func TestTCPCompleteConnection(t *testing.T) {
	tab, s := newTestTable(t, nil)
	x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
	x.send(true, flagS, 0)
	x.send(false, flagSA, 0)
	x.send(true, flagA, 0)
	x.send(true, flagPA, 12)
	x.send(false, flagA, 0)
	x.send(false, flagPA, 9)
	x.send(true, flagA, 0)
	x.send(true, flagFA, 0)
	x.send(false, flagFA, 0) // at +8 ms: completes the close
	x.send(true, flagA, 0)   // after both FINs: not part of the duration

	closeDone := t0 + 10*second + 8*msec
	tab.Advance(closeDone + 5*second - 1)
	if len(s.conns) != 0 {
		t.Fatalf("closed connection left before tcp_close_delay: %s", s.describe())
	}
	tab.Advance(closeDone + 5*second)
	c := s.only()
	want := record.Conn{
		TS: record.Micros((t0 + 10*second) / 1000), UID: c.UID,
		OrigH: ipA, OrigP: 40000, RespH: ipB, RespP: 502, Proto: "tcp",
		Duration: 8000, OrigBytes: 12, RespBytes: 9, ConnState: "SF", History: "ShADadFf",
		OrigPkts: 6, OrigIPBytes: 6*40 + 12, OrigL2Bytes: 5*60 + 66,
		RespPkts: 4, RespIPBytes: 4*40 + 9, RespL2Bytes: 3*60 + 63,
		OrigMAC: macOf(ipA), RespMAC: macOf(ipB), Iface: "eth0", End: EndClosed,
	}
	if *c != want {
		t.Errorf("conn record\n got %+v\nwant %+v", *c, want)
	}
	if !uidRE.MatchString(c.UID) {
		t.Errorf("uid %q is not Zeek-like", c.UID)
	}
	if len(s.ivs) != 1 || s.ivs[0].TS != record.Micros(t0/1000) {
		t.Errorf("intervals %+v, want one at the minute start", s.ivs)
	}
	s.checkSums()
	st := tab.Stats()
	if st != (Stats{Created: 1, Closed: 1, Packets: 10}) {
		t.Errorf("stats %+v", st)
	}
}

// step is one packet of a scripted exchange between A (40000) and B (502).
type step struct {
	fromA bool
	flags uint8
	n     int
}

// run plays steps, lets every timer run out, flushes, and returns the
// records.
func run(t *testing.T, steps []step) *sink {
	t.Helper()
	tab, s := newTestTable(t, nil)
	x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
	for _, st := range steps {
		x.send(st.fromA, st.flags, st.n)
	}
	tab.Advance(x.now + 6*second)
	tab.Flush(x.now + 6*second)
	s.checkSums()
	return s
}

// Every conn_state Zeek's conn_state() can give a TCP connection.
func TestTCPConnStates(t *testing.T) {
	hs := []step{{true, flagS, 0}, {false, flagSA, 0}, {true, flagA, 0}}
	with := func(more ...step) []step { return append(append([]step{}, hs...), more...) }
	cases := []struct {
		name    string
		steps   []step
		state   string
		history string
		end     string
	}{
		{"S0", []step{{true, flagS, 0}}, "S0", "S", EndTimeout},
		{"REJ", []step{{true, flagS, 0}, {false, flagRA, 0}}, "REJ", "Sr", EndClosed},
		{"S1", hs, "S1", "ShA", EndShutdown},
		{"SF", with(step{true, flagFA, 0}, step{false, flagFA, 0}), "SF", "ShAFf", EndClosed},
		{"S2", with(step{true, flagFA, 0}), "S2", "ShAF", EndShutdown},
		{"S3", with(step{false, flagFA, 0}), "S3", "ShAf", EndShutdown},
		{"RSTO", with(step{true, flagR, 0}), "RSTO", "ShAR", EndClosed},
		{"RSTR", with(step{false, flagR, 0}), "RSTR", "ShAr", EndClosed},
		{"RSTOS0", []step{{true, flagS, 0}, {true, flagR, 0}}, "RSTOS0", "SR", EndClosed},
		{"RSTRH", []step{{false, flagSA, 0}, {false, flagR, 0}}, "RSTRH", "^hr", EndClosed},
		{"SH", []step{{true, flagS, 0}, {true, flagFA &^ flagA, 0}}, "SH", "SF", EndClosed},
		{"SHR", []step{{false, flagSA, 0}, {false, flagFA, 0}}, "SHR", "^hf", EndClosed},
		{"OTH midstream", []step{{true, flagPA, 10}}, "OTH", "D", EndShutdown},
		{"OTH SYN-ACK only", []step{{false, flagSA, 0}}, "OTH", "^h", EndShutdown},
		{"RST after data, no handshake", []step{{true, flagPA, 10}, {false, flagRA, 0}}, "RSTRH", "Dr", EndClosed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := run(t, tc.steps).only()
			if c.ConnState != tc.state || c.History != tc.history || c.End != tc.end {
				t.Errorf("got %s %q end=%s, want %s %q end=%s", c.ConnState, c.History, c.End, tc.state, tc.history, tc.end)
			}
			if c.OrigH != ipA || c.OrigP != 40000 {
				t.Errorf("orig %s:%d, want the client", c.OrigH, c.OrigP)
			}
		})
	}
}

func TestTCPHistoryLetters(t *testing.T) {
	hs := []step{{true, flagS, 0}, {false, flagSA, 0}, {true, flagA, 0}}
	t.Run("retransmissions are logged at 1, 10 and 100", func(t *testing.T) {
		for _, tc := range []struct {
			repeats int
			history string
		}{{1, "ShADT"}, {9, "ShADT"}, {10, "ShADTT"}, {99, "ShADTT"}, {100, "ShADTTT"}} {
			tab, s := newTestTable(t, nil)
			x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
			for _, st := range hs {
				x.send(st.fromA, st.flags, st.n)
			}
			x.send(true, flagPA, 10)
			for range tc.repeats {
				x.sendAt(true, flagPA, 1001, payloadAt(1001, 10))
			}
			tab.Flush(x.now)
			if c := s.only(); c.History != tc.history || c.OrigBytes != 10 || c.OrigPkts != uint64(3+tc.repeats) {
				t.Errorf("%d retransmissions: history %q bytes %d pkts %d", tc.repeats, c.History, c.OrigBytes, c.OrigPkts)
			}
		}
	})
	t.Run("zero window", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		for _, st := range hs {
			x.send(st.fromA, st.flags, st.n)
		}
		p := tcpPacket(x.now, ipB, 502, ipA, 40000, flagA, x.b.seq, x.a.seq, nil)
		p.Window = 0
		x.feed(p)
		tab.Flush(x.now)
		if h := s.only().History; h != "ShAaw" {
			t.Errorf("history %q, want ShAaw", h)
		}
	})
	t.Run("odd flag combinations", func(t *testing.T) {
		c := run(t, append(append([]step{}, hs...), step{true, flagFA | flagR, 0}, step{false, flagSA | flagR, 0})).only()
		if c.History != "ShAIq" {
			t.Errorf("history %q, want ShAIq", c.History)
		}
	})
	t.Run("control packets repeat at new sequence numbers", func(t *testing.T) {
		// A FIN, then data and a second FIN further on: Zeek logs F twice.
		c := run(t, append(append([]step{}, hs...), step{true, flagFA, 0}, step{true, flagFA, 5})).only()
		if c.History != "ShAFF" {
			t.Errorf("history %q, want ShAFF", c.History)
		}
	})
}

func TestTCPSequenceBytes(t *testing.T) {
	t.Run("wraparound", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 0xFFFFFF00}, ep{ipB, 502, 7})
		x.send(true, flagS, 0)
		x.send(false, flagSA, 0)
		x.send(true, flagA, 0)
		for range 4 {
			x.send(true, flagPA, 100) // crosses 2^32 on the third segment
			x.send(false, flagA, 0)
		}
		tab.Flush(x.now)
		if c := s.only(); c.OrigBytes != 400 || c.RespBytes != 0 {
			t.Errorf("bytes %d/%d, want 400/0", c.OrigBytes, c.RespBytes)
		}
	})
	t.Run("midstream counts from the first sequence number seen", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1_000_000}, ep{ipB, 502, 9_000_000})
		x.send(true, flagPA, 30)
		x.send(false, flagPA, 20)
		x.send(true, flagA, 0)
		tab.Flush(x.now)
		if c := s.only(); c.OrigBytes != 30 || c.RespBytes != 20 || c.ConnState != "OTH" || c.History != "DdA" {
			t.Errorf("got %d/%d %s %q, want 30/20 OTH DdA", c.OrigBytes, c.RespBytes, c.ConnState, c.History)
		}
	})
	t.Run("bytes acknowledged but not captured still count", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		x.send(true, flagS, 0)
		x.send(false, flagSA, 0)
		x.send(true, flagA, 0)
		x.a.seq += 500 // 500 bytes lost in capture
		x.send(false, flagA, 0)
		tab.Flush(x.now)
		if c := s.only(); c.OrigBytes != 500 || c.MissedBytes != 0 {
			t.Errorf("orig bytes %d missed %d, want 500 and 0 (gaps are measured only for payload consumers)", c.OrigBytes, c.MissedBytes)
		}
	})
}

func TestFlipping(t *testing.T) {
	cases := []struct {
		name         string
		p            func() *decode.Packet
		origP, respP uint16
		history      string
	}{
		{"SYN+ACK first", func() *decode.Packet {
			return tcpPacket(t0, ipB, 40000, ipA, 50000, flagSA, 1, 2, nil)
		}, 50000, 40000, "^h"},
		{"midstream from a server port", func() *decode.Packet {
			return tcpPacket(t0, ipB, 502, ipA, 40000, flagPA, 1, 2, []byte("x"))
		}, 40000, 502, "^d"},
		{"midstream to a server port", func() *decode.Packet {
			return tcpPacket(t0, ipA, 40000, ipB, 502, flagPA, 1, 2, []byte("x"))
		}, 40000, 502, "D"},
		{"midstream between server ports, from the lower", func() *decode.Packet {
			return tcpPacket(t0, ipB, 102, ipA, 502, flagPA, 1, 2, []byte("x"))
		}, 502, 102, "^d"},
		{"midstream between server ports, from the higher", func() *decode.Packet {
			return tcpPacket(t0, ipB, 502, ipA, 102, flagPA, 1, 2, []byte("x"))
		}, 502, 102, "D"},
		{"SYN from a server port", func() *decode.Packet {
			return tcpPacket(t0, ipB, 502, ipA, 40000, flagS, 1, 0, nil)
		}, 502, 40000, "S"},
		{"UDP reply first", func() *decode.Packet { return udpPacket(t0, ipB, 53, ipA, 40000, 10) }, 40000, 53, "^d"},
		{"UDP client to server", func() *decode.Packet { return udpPacket(t0, ipA, 68, ipB, 67, 10) }, 68, 67, "D"},
		{"UDP server to client port", func() *decode.Packet { return udpPacket(t0, ipB, 67, ipA, 68, 10) }, 68, 67, "^d"},
		{"UDP between server ports", func() *decode.Packet { return udpPacket(t0, ipB, 502, ipA, 47808, 10) }, 502, 47808, "D"},
		{"UDP to broadcast", func() *decode.Packet {
			return udpPacket(t0, ipB, 67, netip.MustParseAddr("255.255.255.255"), 68, 10)
		}, 67, 68, "D"},
		{"UDP to multicast", func() *decode.Packet {
			return udpPacket(t0, ipB, 1900, netip.MustParseAddr("239.255.255.250"), 40000, 10)
		}, 1900, 40000, "D"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tab, s := newTestTable(t, nil)
			p := tc.p()
			tab.Packet(p)
			tab.Flush(p.TS)
			c := s.only()
			if c.OrigP != tc.origP || c.RespP != tc.respP || c.History != tc.history {
				t.Errorf("got %d>%d %q, want %d>%d %q", c.OrigP, c.RespP, c.History, tc.origP, tc.respP, tc.history)
			}
			// The originator's MAC is the one its packets carry.
			if (c.OrigH == p.SrcIP) != (c.OrigMAC == p.SrcMAC) {
				t.Errorf("orig %s has MAC %s", c.OrigH, c.OrigMAC)
			}
		})
	}
}

func TestTCPConnectionReuse(t *testing.T) {
	t.Run("SYN after close", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		for _, st := range []step{{true, flagS, 0}, {false, flagSA, 0}, {true, flagA, 0}, {true, flagFA, 0}, {false, flagFA, 0}, {true, flagA, 0}} {
			x.send(st.fromA, st.flags, st.n)
		}
		x.send(true, flagS, 0) // within tcp_close_delay, next ISN
		tab.Flush(x.now)
		if len(s.conns) != 2 {
			t.Fatalf("want 2 connections: %s", s.describe())
		}
		if a, b := s.conns[0], s.conns[1]; a.History != "ShAFf" || a.End != EndClosed || a.OrigPkts != 4 ||
			b.History != "S" || b.End != EndShutdown || b.OrigPkts != 1 || a.UID == b.UID {
			t.Errorf("got %s", s.describe())
		}
		if st := tab.Stats(); st.Closed != 1 || st.Flushed != 1 || st.Reused != 0 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("SYN with a new ISN on an open connection", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		for _, st := range []step{{true, flagS, 0}, {false, flagSA, 0}, {true, flagA, 0}} {
			x.send(st.fromA, st.flags, st.n)
		}
		x.sendAt(true, flagS, 1000, nil) // retransmitted SYN: same connection
		x.sendAt(true, flagS, 777777, nil)
		tab.Flush(x.now)
		if len(s.conns) != 2 || s.conns[0].End != EndReused || s.conns[0].OrigPkts != 3 || s.conns[1].OrigPkts != 1 {
			t.Fatalf("got %s", s.describe())
		}
		if st := tab.Stats(); st.Reused != 1 {
			t.Errorf("stats %+v", st)
		}
	})
}

func TestTimeouts(t *testing.T) {
	t.Run("UDP inactivity, expired lazily by the next packet", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		tab.Packet(udpPacket(t0, ipA, 40000, ipB, 161, 10))
		tab.Packet(udpPacket(t0+60*second-1, ipB, 161, ipA, 40000, 20))
		tab.Packet(udpPacket(t0+120*second-1, ipA, 40000, ipB, 161, 10)) // exactly udp_inactivity later
		tab.Flush(t0 + 120*second)
		if len(s.conns) != 2 || s.conns[0].End != EndTimeout || s.conns[0].ConnState != "SF" ||
			s.conns[0].OrigPkts != 1 || s.conns[0].RespPkts != 1 || s.conns[1].ConnState != "S0" {
			t.Fatalf("got %s", s.describe())
		}
		if st := tab.Stats(); st.TimedOut != 1 || st.Flushed != 1 {
			t.Errorf("stats %+v", st)
		}
	})
	t.Run("TCP inactivity", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		for _, st := range []step{{true, flagS, 0}, {false, flagSA, 0}, {true, flagA, 0}} {
			x.send(st.fromA, st.flags, st.n)
		}
		last := x.now - x.step
		tab.Advance(last + 5*minute - 1)
		if len(s.conns) != 0 {
			t.Fatal("expired early")
		}
		tab.Advance(last + 5*minute)
		if c := s.only(); c.End != EndTimeout || c.ConnState != "S1" {
			t.Errorf("got %s", s.describe())
		}
	})
	t.Run("attempt counts from the first SYN", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		syn := func(at int64) { tab.Packet(tcpPacket(at, ipA, 40000, ipB, 502, flagS, 1000, 0, nil)) }
		syn(t0)
		syn(t0 + 1*second)
		syn(t0 + 3*second)
		tab.Advance(t0 + 5*second - 1)
		if len(s.conns) != 0 {
			t.Fatal("expired early")
		}
		tab.Advance(t0 + 5*second)
		syn(t0 + 7*second)
		tab.Flush(t0 + 7*second)
		if len(s.conns) != 2 || s.conns[0].OrigPkts != 3 || s.conns[0].End != EndTimeout ||
			s.conns[0].ConnState != "S0" || s.conns[0].Duration != 3_000_000 || s.conns[1].OrigPkts != 1 {
			t.Errorf("got %s", s.describe())
		}
	})
	t.Run("late packets land in a closed connection until tcp_close_delay", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
		for _, st := range []step{{true, flagS, 0}, {false, flagSA, 0}, {true, flagA, 0}, {true, flagFA, 0}, {false, flagFA, 0}} {
			x.send(st.fromA, st.flags, st.n)
		}
		closed := x.now - x.step
		x.now = closed + 4*second
		x.send(true, flagA, 0) // late ACK: same connection
		x.now = closed + 5*second
		x.send(true, flagA, 0) // after the delay: a new, partial connection
		tab.Flush(x.now)
		if len(s.conns) != 2 || s.conns[0].OrigPkts != 4 || s.conns[0].End != EndClosed ||
			s.conns[0].Duration != 4000 || s.conns[1].History != "A" || s.conns[1].ConnState != "OTH" {
			t.Errorf("got %s", s.describe())
		}
	})
}

func TestEviction(t *testing.T) {
	s := newSink(t)
	tab := New(Config{MaxConns: 3}, nil, s.emit, 1)
	for i := range 4 {
		tab.Packet(udpPacket(t0+int64(i)*second, ipA, uint16(40000+i), ipB, 53, 10))
	}
	tab.Packet(udpPacket(t0+5*second, ipA, 40001, ipB, 53, 10)) // refresh 40001
	tab.Packet(udpPacket(t0+6*second, ipA, 40004, ipB, 53, 10)) // evicts 40002, the least recent
	if len(s.conns) != 2 || s.conns[0].OrigP != 40000 || s.conns[1].OrigP != 40002 ||
		s.conns[0].End != EndEvicted || s.conns[1].End != EndEvicted {
		t.Fatalf("got %s", s.describe())
	}
	if st := tab.Stats(); st.Evicted != 2 || st.Active != 3 || st.Created != 5 {
		t.Errorf("stats %+v", st)
	}
	tab.Flush(t0 + 7*second)
	s.checkSums()
}

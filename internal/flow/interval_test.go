package flow

import (
	"net/netip"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
)

func TestIntervalsUDP(t *testing.T) {
	s := newSink(t)
	tab := New(Config{UDPInactivity: 10 * time.Minute}, nil, s.emit, 7)
	req := func(at int64, n int) { tab.Packet(udpPacket(at, ipA, 40000, ipB, 161, n)) }
	rsp := func(at int64, n int) { tab.Packet(udpPacket(at, ipB, 161, ipA, 40000, n)) }

	req(t0+10*second, 10)
	rsp(t0+50*second, 20)
	if len(s.ivs) != 0 {
		t.Fatal("interval emitted before its minute ended")
	}
	req(t0+65*second, 30) // the first packet of minute 1 closes minute 0
	if len(s.ivs) != 1 {
		t.Fatalf("%d intervals after the minute rolled over, want 1", len(s.ivs))
	}
	rsp(t0+3*minute+30*second, 40)
	tab.Advance(t0 + 4*minute)
	tab.Flush(t0 + 4*minute)

	c := s.only()
	want := []record.ConnInterval{
		{TS: record.Micros(t0 / 1000), OrigPkts: 1, OrigBytes: 10, OrigIPBytes: 38, OrigL2Bytes: 60, RespPkts: 1, RespBytes: 20, RespIPBytes: 48, RespL2Bytes: 62},
		{TS: record.Micros((t0 + minute) / 1000), OrigPkts: 1, OrigBytes: 30, OrigIPBytes: 58, OrigL2Bytes: 72},
		{TS: record.Micros((t0 + 3*minute) / 1000), RespPkts: 1, RespBytes: 40, RespIPBytes: 68, RespL2Bytes: 82},
	}
	if len(s.ivs) != len(want) {
		t.Fatalf("%d intervals, want %d", len(s.ivs), len(want))
	}
	for i, iv := range s.ivs {
		w := want[i]
		w.UID, w.OrigH, w.OrigP, w.RespH, w.RespP, w.Proto = c.UID, ipA, 40000, ipB, 161, "udp"
		if *iv != w {
			t.Errorf("interval %d\n got %+v\nwant %+v", i, *iv, w)
		}
	}
	if c.OrigPkts != 2 || c.OrigBytes != 40 || c.RespPkts != 2 || c.RespBytes != 60 || c.ConnState != "SF" || c.History != "Dd" {
		t.Errorf("final %+v", *c)
	}
	s.checkSums()
}

// TCP payload sizes come from sequence numbers, which can grow on the
// peer's packets (an ACK for data the capture missed). The growth belongs
// to the minute it was seen in.
func TestIntervalsTCPSequenceGrowth(t *testing.T) {
	tab, s := newTestTable(t, nil)
	x := newTalk(tab, ep{ipA, 40000, 1000}, ep{ipB, 502, 5000})
	x.now = t0 + 50*second
	x.send(true, flagS, 0)
	x.send(false, flagSA, 0)
	x.send(true, flagA, 0)
	x.send(true, flagPA, 100)
	x.now = t0 + 62*second
	x.a.seq += 500 // never captured
	x.send(false, flagA, 0)
	x.now = t0 + 2*minute + 5*second
	x.send(true, flagFA, 0)
	x.send(false, flagFA, 0)
	x.send(true, flagA, 0)
	tab.Flush(x.now)

	c := s.only()
	ivs := s.intervalsOf(c.UID)
	if len(ivs) != 3 {
		t.Fatalf("%d intervals, want 3", len(ivs))
	}
	got := [][4]uint64{}
	for _, iv := range ivs {
		got = append(got, [4]uint64{iv.OrigPkts, iv.OrigBytes, iv.RespPkts, iv.RespBytes})
	}
	want := [][4]uint64{{3, 100, 1, 0}, {0, 500, 1, 0}, {2, 0, 1, 0}}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("interval %d (pkts, bytes each way) = %v, want %v", i, got[i], want[i])
		}
	}
	if c.OrigBytes != 600 || c.ConnState != "SF" {
		t.Errorf("final orig bytes %d state %s", c.OrigBytes, c.ConnState)
	}
	s.checkSums()
}

func TestICMP(t *testing.T) {
	v6a, v6b := netip.MustParseAddr("fe80::1"), netip.MustParseAddr("fe80::2")
	t.Run("echo request and reply are one connection across a minute", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		tab.Packet(icmpPacket(t0+59*second+500*msec, ipA, ipB, 8, 0, 56))
		tab.Packet(icmpPacket(t0+60*second+200*msec, ipB, ipA, 0, 0, 56))
		tab.Flush(t0 + 61*second)
		c := s.only()
		if c.Proto != "icmp" || c.OrigH != ipA || c.OrigP != 8 || c.RespP != 0 || c.ConnState != "OTH" ||
			c.History != "" || c.OrigBytes != 56 || c.RespBytes != 56 || c.OrigIPBytes != 84 || c.Duration != 700_000 {
			t.Errorf("got %+v", *c)
		}
		if len(s.ivs) != 2 || s.ivs[0].OrigPkts != 1 || s.ivs[0].RespPkts != 0 || s.ivs[1].RespPkts != 1 {
			t.Errorf("intervals %+v", s.ivs)
		}
		s.checkSums()
	})
	t.Run("keying", func(t *testing.T) {
		tab, s := newTestTable(t, nil)
		for i, p := range []struct {
			src, dst  netip.Addr
			typ, code uint8
		}{
			{ipA, ipB, 8, 0},   // 1: echo A→B
			{ipB, ipA, 0, 0},   // 1: its reply
			{ipB, ipA, 8, 0},   // 2: echo B→A
			{ipA, ipB, 3, 1},   // 3: unreachable A→B
			{ipB, ipA, 3, 1},   // 4: unreachable B→A, one-way: not the same
			{ipA, ipB, 3, 1},   // 3 again
			{ipA, ipB, 13, 0},  // 5: timestamp request
			{ipB, ipA, 14, 0},  // 5: timestamp reply
			{v6a, v6b, 135, 0}, // 6: neighbour solicitation
			{v6b, v6a, 136, 0}, // 6: advertisement
			{v6a, v6b, 128, 0}, // 7: echo v6
			{v6b, v6a, 129, 0}, // 7
			{v6b, v6a, 3, 0},   // 8: time exceeded v6
			{v6a, v6b, 143, 0}, // 9: MLDv2 report
			{ipA, ipB, 10, 0},  // 10: router solicitation v4
			{ipB, ipA, 9, 0},   // 10: advertisement
		} {
			tab.Packet(icmpPacket(t0+int64(i)*msec, p.src, p.dst, p.typ, p.code, 8))
		}
		tab.Flush(t0 + second)
		type key struct {
			orig         netip.Addr
			origP, respP uint16
			op, rp       uint64
		}
		var got []key
		for _, c := range s.conns {
			got = append(got, key{c.OrigH, c.OrigP, c.RespP, c.OrigPkts, c.RespPkts})
		}
		want := []key{
			{ipA, 8, 0, 1, 1}, {ipB, 8, 0, 1, 0}, {ipA, 3, 1, 2, 0}, {ipB, 3, 1, 1, 0}, {ipA, 13, 14, 1, 1},
			{v6a, 135, 136, 1, 1}, {v6a, 128, 129, 1, 1}, {v6b, 3, 0, 1, 0}, {v6a, 143, 0, 1, 0}, {ipA, 10, 9, 1, 1},
		}
		if len(got) != len(want) {
			t.Fatalf("got %d connections, want %d: %s", len(got), len(want), s.describe())
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("conn %d: got %+v, want %+v", i, got[i], want[i])
			}
		}
	})
}

func TestUDPStates(t *testing.T) {
	for _, tc := range []struct {
		name    string
		pkts    [][2]int // direction (0 = A→B), size
		state   string
		history string
		ob, rb  uint64
	}{
		{"request and reply", [][2]int{{0, 38}, {1, 89}}, "SF", "Dd", 38, 89},
		{"request only", [][2]int{{0, 38}, {0, 38}}, "S0", "D", 76, 0},
		{"reply only", [][2]int{{1, 300}}, "SHR", "^d", 0, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, s := newTestTable(t, nil)
			for i, p := range tc.pkts {
				if p[0] == 0 {
					tab.Packet(udpPacket(t0+int64(i)*msec, ipA, 40000, ipB, 53, p[1]))
				} else {
					tab.Packet(udpPacket(t0+int64(i)*msec, ipB, 53, ipA, 40000, p[1]))
				}
			}
			tab.Flush(t0 + second)
			c := s.only()
			if c.ConnState != tc.state || c.History != tc.history || c.OrigBytes != tc.ob || c.RespBytes != tc.rb || c.OrigP != 40000 {
				t.Errorf("got %s %q %d/%d orig_p %d", c.ConnState, c.History, c.OrigBytes, c.RespBytes, c.OrigP)
			}
		})
	}
}

func TestVLANAndIface(t *testing.T) {
	tab, s := newTestTable(t, nil)
	p := udpPacket(t0, ipA, 40000, ipB, 53, 10)
	p.VLANs, p.NVLAN, p.Iface = [2]uint16{100, 7}, 2, 1
	tab.Packet(p)
	q := udpPacket(t0+msec, ipB, 53, ipA, 40000, 10)
	q.VLANs, q.NVLAN, q.Iface = [2]uint16{100, 7}, 2, 0 // other interface, same connection
	tab.Packet(q)
	other := udpPacket(t0+2*msec, ipA, 40000, ipB, 53, 10)
	other.VLANs, other.NVLAN = [2]uint16{100, 0}, 1 // other inner VLAN: another connection
	tab.Packet(other)
	tab.Flush(t0 + second)
	if len(s.conns) != 2 {
		t.Fatalf("got %s", s.describe())
	}
	a, b := s.conns[0], s.conns[1]
	if a.VLAN != 100 || a.InnerVLAN != 7 || a.Iface != "eth1" || a.RespPkts != 1 || b.InnerVLAN != 0 || b.Iface != "eth0" {
		t.Errorf("got %+v / %+v", *a, *b)
	}
	if s.ivs[0].VLAN != 100 {
		t.Errorf("interval VLAN %d", s.ivs[0].VLAN)
	}
}

// UIDs depend only on the seed and the order of creation.
func TestUIDsReproducible(t *testing.T) {
	uids := func(seed uint64) []string {
		s := newSink(t)
		tab := New(Config{}, nil, s.emit, seed)
		for i := range 3 {
			tab.Packet(udpPacket(t0, ipA, uint16(40000+i), ipC, 53, 1))
		}
		tab.Flush(t0)
		var out []string
		for _, c := range s.conns {
			out = append(out, c.UID)
		}
		return out
	}
	a, b, c := uids(1), uids(1), uids(2)
	if a[0] != b[0] || a[1] != b[1] || a[2] != b[2] || a[0] == a[1] || a[0] == c[0] {
		t.Errorf("uids %v %v %v", a, b, c)
	}
	if a[0] != makeUID(1, 1) || len(a[0]) != 12 {
		t.Errorf("uid %q", a[0])
	}
}

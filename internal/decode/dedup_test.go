package decode

import (
	"testing"
	"time"
)

func TestDuplicates(t *testing.T) {
	ms := int64(time.Millisecond)
	tcp := eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPAck, nil, []byte("read"))))
	cclink := pad(eth(0x890f, []byte{0x01, 0x02, 0x03}))
	type in struct {
		frame []byte
		at    int64 // offset from t0
		wire  int   // 0 = len(frame)
	}
	for _, tc := range []struct {
		name string
		cfg  func(*Config)
		in   []in
		want []Status
	}{
		{name: "mirrored copy", in: []in{{tcp, 0, 0}, {tcp, 3000, 0}}, want: []Status{OK, Duplicate}},
		{name: "window is inclusive", in: []in{{tcp, 0, 0}, {tcp, 2 * ms, 0}}, want: []Status{OK, Duplicate}},
		{name: "beyond the window", in: []in{{tcp, 0, 0}, {tcp, 2*ms + 1, 0}}, want: []Status{OK, OK}},
		{name: "window restarts at the latest copy", in: []in{{tcp, 0, 0}, {tcp, ms + ms/2, 0}, {tcp, 3 * ms, 0}}, want: []Status{OK, Duplicate, Duplicate}},
		{name: "earlier copy from another interface", in: []in{{tcp, ms, 0}, {tcp, 0, 0}}, want: []Status{OK, Duplicate}},
		{name: "same bytes, other wire length", in: []in{{tcp, 0, 0}, {tcp, 10, 1500}}, want: []Status{OK, OK}},
		{name: "different bytes", in: []in{{tcp, 0, 0}, {eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPAck, nil, []byte("reae")))), 10, 0}}, want: []Status{OK, OK}},
		{name: "disabled", cfg: func(c *Config) { c.DedupWindow = 0 }, in: []in{{tcp, 0, 0}, {tcp, 0, 0}}, want: []Status{OK, OK}},
		{name: "ARP is deduplicated", in: []in{{pad(eth(0x0806, arpPkt(1))), 0, 0}, {pad(eth(0x0806, arpPkt(1))), 1, 0}}, want: []Status{OK, Duplicate}},
		{name: "broken frames are deduplicated", in: []in{{tcp[:10], 0, 60}, {tcp[:10], 1, 60}}, want: []Status{errStatus(CauseEthTruncated), Duplicate}},
		{name: "cyclic non-IP frames are not by default", in: []in{{cclink, 0, 0}, {cclink, 100_000, 0}}, want: []Status{OK, OK}},
		{name: "cyclic non-IP frames with DedupL2", cfg: func(c *Config) { c.DedupL2 = true }, in: []in{{cclink, 0, 0}, {cclink, 100_000, 0}}, want: []Status{OK, Duplicate}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			d := NewDecoder(cfg)
			var got []Status
			for _, f := range tc.in {
				wire := f.wire
				if wire == 0 {
					wire = len(f.frame)
				}
				_, st := d.Decode(f.frame, LinkEthernet, t0+f.at, wire)
				got = append(got, st)
			}
			wantStatuses(t, got, tc.want...)
			c := d.Counters()
			var dups uint64
			for _, st := range tc.want {
				if st == Duplicate {
					dups++
				}
			}
			eq(t, "Duplicates", c.Duplicates, dups)
			balanced(t, c)
		})
	}
}

// TestDuplicateFragmentNeverReachesReassembly checks that a mirrored copy of
// a fragment is a Duplicate, not a second held fragment.
func TestDuplicateFragmentNeverReachesReassembly(t *testing.T) {
	_, frags := udp4Datagram()
	d := NewDecoder(DefaultConfig())
	var got []Status
	for i, f := range [][]byte{frags[0], frags[0], frags[1], frags[2], frags[2]} {
		_, st := d.Decode(f, LinkEthernet, t0+int64(i)*10_000, len(f))
		got = append(got, st)
	}
	wantStatuses(t, got, FragmentHeld, Duplicate, FragmentHeld, OK, Duplicate)
	c := d.Counters()
	eq(t, "FragHeld", c.FragHeld, 2)
	eq(t, "FragAbsorbed", c.FragAbsorbed, 2)
	eq(t, "Duplicates", c.Duplicates, 2)
	balanced(t, c)
}

// TestDuplicateTableForgets documents the filter's only error: with more
// distinct frames in the window than one bucket holds, an old copy can be
// forgotten and its duplicate goes through. The table here has one bucket.
func TestDuplicateTableForgets(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DedupTableSize = dedupWays
	d := NewDecoder(cfg)
	frame := func(i byte) []byte { return eth(0x0800, ipv4Pkt(ProtoUDP, udpDgram([]byte{i}))) }
	for i := range byte(dedupWays + 1) {
		if _, st := d.Decode(frame(i), LinkEthernet, t0+int64(i), 100); st != OK {
			t.Fatalf("frame %d: %v", i, st)
		}
	}
	_, st := d.Decode(frame(0), LinkEthernet, t0+10, 100)
	eq(t, "oldest frame, evicted", st, OK)
	_, st = d.Decode(frame(dedupWays), LinkEthernet, t0+11, 100)
	eq(t, "newest frame, remembered", st, Duplicate)
}

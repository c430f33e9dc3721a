package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/netip"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// readBack runs benchcap with args and reads its output with the sensor's
// own capture reader.
func readBack(t *testing.T, args ...string) (*description, []capture.Info, [][]byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "bench.pcapng")
	var stdout bytes.Buffer
	args = append([]string{"-pcaps", pcaptest.Dir(t), "-o", out}, args...)
	if err := run(args, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	var d description
	if err := json.Unmarshal(stdout.Bytes(), &d); err != nil {
		t.Fatalf("description %q: %v", stdout.String(), err)
	}
	src, err := capture.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var infos []capture.Info
	var frames [][]byte
	for {
		data, ci, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("reading the output back: %v", err)
		}
		infos = append(infos, ci)
		frames = append(frames, bytes.Clone(data))
	}
	return &d, infos, frames
}

// TestEthernetRounds: two rounds and a bit of the Ethernet captures (76,630
// frames from 140 files a round, as tshark counts them), read back intact,
// time moving forward, round 1 a copy of round 0 between other hosts.
func TestEthernetRounds(t *testing.T) {
	d, infos, frames := readBack(t, "-size", strconv.Itoa(32<<20))
	const perRound = 76630
	if d.InputFiles != 140 || d.FramesPerRound != perRound {
		t.Fatalf("%d files, %d frames a round; want 140, %d", d.InputFiles, d.FramesPerRound, perRound)
	}
	if int64(len(infos)) != d.Frames || len(infos) <= 2*perRound {
		t.Fatalf("read %d frames back, description says %d; want more than two rounds", len(infos), d.Frames)
	}
	if infos[0].TS != startTime {
		t.Errorf("first frame at %d, want %d", infos[0].TS, startTime)
	}
	var wire int64
	for i, ci := range infos {
		wire += int64(ci.WireLen)
		if ci.Link != decode.LinkEthernet {
			t.Fatalf("frame %d: link type %d", i, ci.Link)
		}
		if i > 0 && ci.TS < infos[i-1].TS {
			t.Fatalf("frame %d at %d, before frame %d at %d", i, ci.TS, i-1, infos[i-1].TS)
		}
	}
	if wire != d.WireBytes {
		t.Errorf("wire bytes %d, description says %d", wire, d.WireBytes)
	}
	// The first frame of the first capture (attacks/CL5000EIP-Change_Time_Attempt.pcap)
	// is 192.168.10.105 → 192.168.10.120 over IPv4: rounds 1 and 2 XOR
	// their number into the third octet of both addresses, and change
	// nothing else.
	for r, want := range []string{"192.168.10.105", "192.168.11.105", "192.168.8.105"} {
		f := frames[r*perRound]
		src, _ := netip.AddrFromSlice(f[26:30])
		dst, _ := netip.AddrFromSlice(f[30:34])
		wantDst := netip.AddrFrom4([4]byte{192, 168, 10 ^ byte(r), 120})
		if src.String() != want || dst != wantDst {
			t.Errorf("round %d: %v → %v, want %s → %v", r, src, dst, want, wantDst)
		}
		g := bytes.Clone(f)
		g[28] ^= byte(r)
		g[32] ^= byte(r)
		if !bytes.Equal(g, frames[0]) {
			t.Errorf("round %d's first frame differs from round 0's beyond the addresses", r)
		}
	}
	if gap := infos[perRound].TS - infos[perRound-1].TS; gap != int64(1e9) {
		t.Errorf("round 1 starts %d ns after round 0 ends, want the 1 s file gap", gap)
	}
}

// TestAllLinks: with -all-links every shared capture is kept, 78,533 frames
// a round (the manifest's total), each on an interface of its link type.
func TestAllLinks(t *testing.T) {
	d, infos, _ := readBack(t, "-all-links", "-size", "1")
	if d.FramesPerRound != 78533 || d.Frames != 1 || len(infos) != 1 {
		t.Fatalf("%d frames a round, %d written, %d read; want 78533, 1, 1", d.FramesPerRound, d.Frames, len(infos))
	}
	want := map[string]int{"0": 1619, "1": 76630, "113": 262, "228": 22}
	if len(d.LinkTypes) != len(want) {
		t.Errorf("link types %v, want %v", d.LinkTypes, want)
	}
	for k, n := range want {
		if d.LinkTypes[k] != n {
			t.Errorf("link type %s: %d frames a round, want %d", k, d.LinkTypes[k], n)
		}
	}
	_, infos, _ = readBack(t, "-all-links", "-size", strconv.Itoa(16<<20))
	seen := map[decode.LinkType]int{}
	for _, ci := range infos[:78533] {
		seen[ci.Link]++
	}
	for k, n := range want {
		l, _ := strconv.Atoi(k)
		if seen[decode.LinkType(l)] != n {
			t.Errorf("read back %d frames of link type %s in round 0, want %d", seen[decode.LinkType(l)], k, n)
		}
	}
}

// TestVary checks which address bytes change, link type by link type.
func TestVary(t *testing.T) {
	ipv4 := func(src, dst [4]byte) []byte {
		h := make([]byte, 20)
		h[0] = 0x45
		copy(h[12:], src[:])
		copy(h[16:], dst[:])
		return h
	}
	ipv6 := func(src, dst netip.Addr) []byte {
		h := make([]byte, 40)
		h[0] = 0x60
		s, d := src.As16(), dst.As16()
		copy(h[8:], s[:])
		copy(h[24:], d[:])
		return h
	}
	eth := func(typ uint16, tags int, ip []byte) []byte {
		f := make([]byte, 12, 64)
		for range tags {
			f = append(f, 0x81, 0x00, 0, 1)
		}
		return append(append(f, byte(typ>>8), byte(typ)), ip...)
	}
	cat := func(a, b []byte) []byte { return append(bytes.Clone(a), b...) }
	unicast4 := ipv4([4]byte{10, 1, 2, 3}, [4]byte{172, 16, 5, 255})
	varied4 := ipv4([4]byte{10, 1, 2 ^ 7, 3}, [4]byte{172, 16, 5 ^ 7, 255})
	ll := netip.MustParseAddr("fe80::21b:1bff:fe00:1")
	llVaried := netip.MustParseAddr("fe80::21b:1bff:f900:1") // byte 12: 0xfe ^ 7
	mc := netip.MustParseAddr("ff02::1:ff00:1")
	null := []byte{2, 0, 0, 0}
	sll := make([]byte, 16)
	sll[14], sll[15] = 0x08, 0x00
	for _, c := range []struct {
		name     string
		link     decode.LinkType
		in, want []byte
	}{
		{"ethernet ipv4", decode.LinkEthernet, eth(0x0800, 0, unicast4), eth(0x0800, 0, varied4)},
		{"two vlan tags", decode.LinkEthernet, eth(0x0800, 2, unicast4), eth(0x0800, 2, varied4)},
		{"multicast, broadcast kept", decode.LinkEthernet,
			eth(0x0800, 0, ipv4([4]byte{224, 0, 0, 251}, [4]byte{255, 255, 255, 255})),
			eth(0x0800, 0, ipv4([4]byte{224, 0, 0, 251}, [4]byte{255, 255, 255, 255}))},
		{"ipv6 to solicited-node multicast", decode.LinkEthernet, eth(0x86dd, 0, ipv6(ll, mc)), eth(0x86dd, 0, ipv6(llVaried, mc))},
		{"ipv6 unspecified kept", decode.LinkEthernet,
			eth(0x86dd, 0, ipv6(netip.IPv6Unspecified(), ll)), eth(0x86dd, 0, ipv6(netip.IPv6Unspecified(), llVaried))},
		{"arp kept", decode.LinkEthernet, eth(0x0806, 0, unicast4), eth(0x0806, 0, unicast4)},
		{"bsd null", decode.LinkNull, cat(null, unicast4), cat(null, varied4)},
		{"linux sll", decode.LinkSLL, cat(sll, unicast4), cat(sll, varied4)},
		{"raw ipv4", decode.LinkIPv4, unicast4, varied4},
		{"truncated ip header kept", decode.LinkRaw, unicast4[:19], unicast4[:19]},
	} {
		got := bytes.Clone(c.in)
		vary(got, c.link, 7)
		if !bytes.Equal(got, c.want) {
			t.Errorf("%s:\n got % x\nwant % x", c.name, got, c.want)
		}
	}
}

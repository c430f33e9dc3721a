package decode

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/otsight/otsight/internal/pcaptest"
)

// capFrame is one frame of a capture file, held in memory.
type capFrame struct {
	data []byte
	ts   int64
	wire int
	link LinkType
}

// readCapture reads every frame of a pcap or pcapng file with gopacket's
// readers (internal/capture is written separately; the decoder's tests must
// not depend on it). A file cut short in the middle of a frame yields the
// frames before the cut, as tshark shows them.
func readCapture(tb testing.TB, path string) []capFrame {
	tb.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("read %s: %v", path, err)
	}
	if len(raw) < 4 {
		tb.Fatalf("%s: too short for a capture file", path)
	}
	var (
		next func() ([]byte, gopacket.CaptureInfo, error)
		link func(ci gopacket.CaptureInfo) LinkType
	)
	if binary.LittleEndian.Uint32(raw) == 0x0A0D0D0A {
		r, err := pcapgo.NewNgReader(bytes.NewReader(raw), pcapgo.DefaultNgReaderOptions)
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		next = r.ReadPacketData
		link = func(ci gopacket.CaptureInfo) LinkType {
			intf, err := r.Interface(ci.InterfaceIndex)
			if err != nil {
				tb.Fatalf("%s: interface %d: %v", path, ci.InterfaceIndex, err)
			}
			return LinkType(intf.LinkType)
		}
	} else {
		r, err := pcapgo.NewReader(bytes.NewReader(raw))
		if err != nil {
			tb.Fatalf("%s: %v", path, err)
		}
		next = r.ReadPacketData
		lt := LinkType(r.LinkType())
		link = func(gopacket.CaptureInfo) LinkType { return lt }
	}
	var out []capFrame
	for {
		data, ci, err := next()
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				tb.Logf("%s: stopped after %d frames: %v", path, len(out), err)
			}
			return out
		}
		out = append(out, capFrame{data: bytes.Clone(data), ts: ci.Timestamp.UnixNano(), wire: ci.Length, link: link(ci)})
	}
}

// captureFiles lists the shared captures and this package's own test
// captures, keyed by the name the golden files use: the path relative to
// the shared directory, or "testdata/…".
func captureFiles(tb testing.TB) map[string]string {
	tb.Helper()
	dir := pcaptest.Dir(tb)
	files := map[string]string{}
	for _, f := range pcaptest.Files(tb) {
		rel, err := filepath.Rel(dir, f)
		if err != nil {
			tb.Fatal(err)
		}
		files[filepath.ToSlash(rel)] = f
	}
	local, err := filepath.Glob("testdata/*.pcap")
	if err != nil {
		tb.Fatal(err)
	}
	for _, f := range local {
		files[filepath.ToSlash(f)] = f
	}
	return files
}

var (
	allFramesOnce sync.Once
	allFrames     map[string][]capFrame
)

// loadAll reads every capture once per test binary.
func loadAll(tb testing.TB) map[string][]capFrame {
	tb.Helper()
	allFramesOnce.Do(func() {
		allFrames = map[string][]capFrame{}
		for name, path := range captureFiles(tb) {
			allFrames[name] = readCapture(tb, path)
		}
	})
	if len(allFrames) == 0 {
		tb.Fatal("no captures loaded")
	}
	return allFrames
}

var updateFragments = flag.Bool("update-fragments", false, "rewrite testdata/fragments.pcap from fragmentCapture")

// fragmentCapture is the synthetic capture testdata/fragments.pcap: the
// shared captures contain no IP fragment at all, so this one puts IPv4 and
// IPv6 fragments in front of tshark (scripts/golden-decode.sh) to check that
// tshark and the reassembler agree on which frame completes a datagram.
func fragmentCapture() []capFrame {
	var frames [][]byte
	add := func(f ...[]byte) { frames = append(frames, f...) }
	withID4 := func(f []byte, id uint16) []byte { binary.BigEndian.PutUint16(f[4:], id); return f }

	// 1. IPv4 UDP, three fragments in order.
	_, frags := udp4Datagram()
	add(frags...)
	// 2. An ordinary TCP segment in between.
	add(eth(0x0800, ipv4Pkt(ProtoTCP, tcpSeg(TCPPsh|TCPAck, nil, []byte("between")))))
	// 3. IPv4 ICMP echo of 2000 bytes, fragments last, first, middle.
	echo := withID4(ipv4Pkt(ProtoICMP, icmpMsg(8, 0, cat(be16(1), be16(1), seq(0, 1996)))), 0x2001)
	add(eth(0x0800, fragment4(echo, 1480, 520, false)), eth(0x0800, fragment4(echo, 0, 1000, true)), eth(0x0800, fragment4(echo, 1000, 480, true)))
	// 4. IPv6 UDP, two fragments in reverse order.
	udp6 := ipv6Pkt(ProtoUDP, udpDgram(seq(3, 2000)))
	add(eth(0x86dd, fragment6(udp6, 1232, 776, false, 77)), eth(0x86dd, fragment6(udp6, 0, 1232, true, 77)))
	// 5. IPv6 with a hop-by-hop header before the fragment header.
	hbh := func(off, n int, more bool) []byte {
		return eth(0x86dd, ipv6Pkt(nhHopByHop, cat(ext6(nhFragment, 8), fragHdr6(ProtoUDP, off, more, 9), udp6[40+off:40+off+n])))
	}
	add(hbh(0, 1000, true), hbh(1000, 1008, false))
	// 6. The first fragment of a datagram that never completes.
	lost := withID4(ipv4Pkt(ProtoUDP, udpDgram(seq(1, 3000))), 0x3001)
	add(eth(0x0800, fragment4(lost, 0, 1480, true)))
	// 7. A datagram whose first fragment is sent twice: a retransmission,
	// not a mirror duplicate, as frames are 5 ms apart.
	again := withID4(ipv4Pkt(ProtoUDP, udpDgram(seq(9, 2000))), 0x4001)
	add(eth(0x0800, fragment4(again, 0, 1480, true)), eth(0x0800, fragment4(again, 0, 1480, true)), eth(0x0800, fragment4(again, 1480, 528, false)))

	out := make([]capFrame, len(frames))
	for i, f := range frames {
		out[i] = capFrame{data: f, ts: t0 + int64(i)*5*int64(time.Millisecond), wire: len(f), link: LinkEthernet}
	}
	return out
}

// TestFragmentCaptureUpToDate keeps testdata/fragments.pcap equal to what
// fragmentCapture builds (go test -run FragmentCapture -update-fragments
// rewrites it; then rerun scripts/golden-decode.sh).
func TestFragmentCaptureUpToDate(t *testing.T) {
	var buf bytes.Buffer
	w := pcapgo.NewWriterNanos(&buf)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, f := range fragmentCapture() {
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(0, f.ts), CaptureLength: len(f.data), Length: f.wire}
		if err := w.WritePacket(ci, f.data); err != nil {
			t.Fatal(err)
		}
	}
	const path = "testdata/fragments.pcap"
	if *updateFragments {
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run FragmentCapture -update-fragments)", err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Fatalf("%s is stale: run go test -run FragmentCapture -update-fragments, then scripts/golden-decode.sh", path)
	}
}

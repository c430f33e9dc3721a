//go:build linux

package capture

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/otsight/otsight/internal/decode"
)

// vethLab is a network namespace with two veth pairs: the test captures on
// capA and capB and sends from their peers, inside the namespace only.
type vethLab struct {
	ns string
	ip string
}

func newVethLab(t *testing.T) *vethLab {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("live capture test skipped: needs root for network namespaces and AF_PACKET")
	}
	ip, err := exec.LookPath("ip")
	if err != nil {
		t.Skip("live capture test skipped: needs the ip command (iproute2)")
	}
	lab := &vethLab{ns: fmt.Sprintf("otsight-capture-%d", os.Getpid()), ip: ip}
	lab.run(t, "netns", "add", lab.ns)
	t.Cleanup(func() { exec.Command(ip, "netns", "del", lab.ns).Run() })
	// With IPv6 on, the kernel would send router solicitations and MLD
	// reports on the new links: frames the test does not expect.
	lab.in(t, func() error {
		for _, k := range []string{"all", "default"} {
			// Absent when the kernel has no IPv6, which is as good.
			os.WriteFile("/proc/sys/net/ipv6/conf/"+k+"/disable_ipv6", []byte("1"), 0)
		}
		return nil
	})
	for _, p := range []string{"A", "B"} {
		lab.run(t, "-n", lab.ns, "link", "add", "cap"+p, "type", "veth", "peer", "name", "peer"+p)
	}
	// A mirror port has no address: capB gets one to draw the warning.
	lab.run(t, "-n", lab.ns, "addr", "add", "192.0.2.1/24", "dev", "capB")
	for _, dev := range []string{"capA", "peerA", "capB", "peerB"} {
		lab.run(t, "-n", lab.ns, "link", "set", dev, "up")
	}
	return lab
}

func (l *vethLab) run(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(l.ip, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

// in runs fn on a thread switched into the namespace. Sockets created there
// stay in the namespace whichever thread uses them later. The thread is
// never switched back: it ends with its locked goroutine.
func (l *vethLab) in(t *testing.T, fn func() error) {
	t.Helper()
	errc := make(chan error)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open("/run/netns/" + l.ns)
		if err != nil {
			errc <- err
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("setns: %w", err)
			return
		}
		errc <- fn()
	}()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// sender writes raw frames on one of the lab's peer interfaces.
type sender struct {
	fd    int
	index int
}

func (l *vethLab) sender(t *testing.T, dev string) *sender {
	t.Helper()
	s := &sender{fd: -1}
	l.in(t, func() error {
		ifi, err := net.InterfaceByName(dev)
		if err != nil {
			return err
		}
		s.index = ifi.Index
		s.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0)
		return err
	})
	t.Cleanup(func() { unix.Close(s.fd) })
	return s
}

func (s *sender) send(t *testing.T, frame []byte) {
	t.Helper()
	if err := unix.Sendto(s.fd, frame, 0, &unix.SockaddrLinklayer{Ifindex: s.index}); err != nil {
		t.Fatalf("send: %v", err)
	}
}

// testFrame builds an Ethernet frame with EtherType 0x88b5 (local
// experimental) and the given VLAN tags (TPID, TCI pairs).
func testFrame(src byte, text string, tags ...uint16) []byte {
	b := []byte{0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, src}
	for _, v := range tags {
		b = append(b, byte(v>>8), byte(v))
	}
	b = append(b, 0x88, 0xb5)
	b = append(b, text...)
	for len(b) < 60 {
		b = append(b, 0)
	}
	return b
}

// TestLiveCapture captures on two veth interfaces at once and checks every
// frame, its interface and label, the VLAN tags the kernel strips and the
// reader puts back, the counters, and the warning about an addressed port.
func TestLiveCapture(t *testing.T) {
	lab := newVethLab(t)
	var logs bytes.Buffer
	cfg := LiveConfig{
		Interfaces:   []LiveInterface{{Name: "capA", Label: "lineA"}, {Name: "capB", Label: "lineB"}},
		BlockSize:    4 * os.Getpagesize(),
		NumBlocks:    4,
		BlockTimeout: 10 * time.Millisecond,
		Timeout:      300 * time.Millisecond,
		Logger:       slog.New(slog.NewTextHandler(&logs, nil)),
	}
	var src Source
	lab.in(t, func() (err error) {
		src, err = OpenLive(cfg)
		return err
	})
	defer src.Close()
	peers := []*sender{lab.sender(t, "peerA"), lab.sender(t, "peerB")}

	start := time.Now()
	sent := [2][][]byte{}
	for i := range 5 {
		sent[0] = append(sent[0], testFrame(0xa, fmt.Sprintf("lineA #%d", i)))
	}
	sent[0] = append(sent[0], testFrame(0xa, "lineA 802.1Q VLAN 100 PCP 5", 0x8100, 5<<13|100))
	for i := range 6 {
		sent[1] = append(sent[1], testFrame(0xb, fmt.Sprintf("lineB #%d", i)))
	}
	sent[1] = append(sent[1],
		testFrame(0xb, "lineB priority tag, VLAN 0 PCP 3", 0x8100, 3<<13),
		testFrame(0xb, "lineB 802.1ad outer 20 inner 30", 0x88a8, 20, 0x8100, 30))
	for p := range peers {
		for _, f := range sent[p] {
			peers[p].send(t, f)
		}
	}

	// Read until every frame has come and the interfaces fall quiet, so
	// that a stray extra frame would be seen too.
	var got [2][][]byte
	for idle := 0; idle < 10; {
		data, info, err := src.Next()
		if errors.Is(err, ErrTimeout) {
			if len(got[0]) == len(sent[0]) && len(got[1]) == len(sent[1]) {
				break
			}
			idle++
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if info.Iface < 0 || info.Iface > 1 || info.Link != decode.LinkEthernet ||
			info.CapLen != len(data) || info.WireLen != len(data) ||
			info.TS < start.UnixNano() || info.TS > time.Now().UnixNano() {
			t.Fatalf("frame %q: %+v", data, info)
		}
		got[info.Iface] = append(got[info.Iface], bytes.Clone(data))
	}
	for i, label := range []string{"lineA", "lineB"} {
		if len(got[i]) != len(sent[i]) {
			t.Errorf("%s: %d frames, want %d", label, len(got[i]), len(sent[i]))
			continue
		}
		for j := range sent[i] {
			if !bytes.Equal(got[i][j], sent[i][j]) {
				t.Errorf("%s frame %d:\n got % x\nwant % x", label, j, got[i][j], sent[i][j])
			}
		}
	}
	want := []IfaceStats{{Label: "lineA", Packets: 6}, {Label: "lineB", Packets: 8}}
	if st := src.Stats(); !equalStats(st, want) {
		t.Errorf("Stats %+v, want %+v", st, want)
	}

	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.Next(); err != io.EOF {
		t.Errorf("Next after Close: %v, want io.EOF", err)
	}
	if st := src.Stats(); !equalStats(st, want) {
		t.Errorf("Stats after Close %+v, want %+v", st, want)
	}
	if n := strings.Count(logs.String(), "level=WARN"); n != 1 ||
		!strings.Contains(logs.String(), "interface=capB label=lineB addresses=[192.0.2.1/24]") {
		t.Errorf("want one warning, about capB's address; log:\n%s", logs.String())
	}
}

func equalStats(a, b []IfaceStats) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestLiveDrops overflows a small ring while nobody reads: the kernel's
// drop counter must account for every frame that was not delivered.
func TestLiveDrops(t *testing.T) {
	lab := newVethLab(t)
	cfg := LiveConfig{
		Interfaces:   []LiveInterface{{Name: "capA"}},
		BlockSize:    os.Getpagesize(),
		NumBlocks:    2,
		BlockTimeout: 10 * time.Millisecond,
		Timeout:      300 * time.Millisecond,
		Logger:       slog.New(slog.DiscardHandler),
	}
	var src Source
	lab.in(t, func() (err error) {
		src, err = OpenLive(cfg)
		return err
	})
	defer src.Close()
	peer := lab.sender(t, "peerA")
	const n = 200 // well below the kernel's 1000-frame backlog, far above the ring's ~50
	for i := range n {
		peer.send(t, testFrame(0xa, fmt.Sprintf("burst #%d", i)))
	}
	var st []IfaceStats
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		if st = src.Stats(); st[0].Packets+st[0].KernelDrops == n {
			break
		}
		runtime.Gosched()
	}
	if st[0].Packets+st[0].KernelDrops != n || st[0].KernelDrops == 0 || st[0].Label != "capA" {
		t.Fatalf("Stats %+v: want delivered + dropped = %d, some dropped", st, n)
	}
	read := 0
	for {
		_, _, err := src.Next()
		if errors.Is(err, ErrTimeout) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		read++
	}
	if uint64(read) != st[0].Packets {
		t.Errorf("read %d frames, kernel delivered %d", read, st[0].Packets)
	}
}

// TestLiveCloseWakesNext: Close ends a Next that waits without a timeout.
func TestLiveCloseWakesNext(t *testing.T) {
	lab := newVethLab(t)
	cfg := DefaultLiveConfig()
	cfg.Interfaces = []LiveInterface{{Name: "capA"}, {Name: "capB"}}
	cfg.Logger = slog.New(slog.DiscardHandler)
	var src Source
	lab.in(t, func() (err error) {
		src, err = OpenLive(cfg)
		return err
	})
	errc := make(chan error)
	go func() {
		_, _, err := src.Next()
		errc <- err
	}()
	if err := src.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != io.EOF {
		t.Fatalf("Next: %v, want io.EOF", err)
	}
}

func TestOpenLiveErrors(t *testing.T) {
	cfg := DefaultLiveConfig()
	cfg.Interfaces = []LiveInterface{{Name: "otsight-none0", Label: "x"}}
	if _, err := OpenLive(cfg); err == nil || !strings.Contains(err.Error(), "interface otsight-none0") {
		t.Errorf("missing interface: %v", err)
	}
	cfg.Interfaces = nil
	if _, err := OpenLive(cfg); err == nil {
		t.Errorf("no interfaces accepted")
	}
}

// TestLiveNextDoesNotAllocate: reading frames from the ring, VLAN tags put
// back included, allocates nothing.
func TestLiveNextDoesNotAllocate(t *testing.T) {
	lab := newVethLab(t)
	cfg := LiveConfig{
		Interfaces:   []LiveInterface{{Name: "capA"}},
		BlockSize:    16 * os.Getpagesize(),
		NumBlocks:    8,
		BlockTimeout: 10 * time.Millisecond,
		Timeout:      time.Second,
		Logger:       slog.New(slog.DiscardHandler),
	}
	var src Source
	lab.in(t, func() (err error) {
		src, err = OpenLive(cfg)
		return err
	})
	defer src.Close()
	peer := lab.sender(t, "peerA")
	const n = 300
	for i := range n {
		peer.send(t, testFrame(0xa, fmt.Sprintf("frame %d", i), 0x8100, uint16(i%4000+1)))
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); runtime.Gosched() {
		if st := src.Stats(); st[0].Packets+st[0].KernelDrops == n {
			break
		}
	}
	if st := src.Stats(); st[0].Packets != n {
		t.Fatalf("Stats %+v, want %d frames delivered", st, n)
	}
	var failed error
	allocs := testing.AllocsPerRun(n-1, func() {
		if _, _, err := src.Next(); err != nil {
			failed = err
		}
	})
	if failed != nil {
		t.Fatal(failed)
	}
	if allocs != 0 {
		t.Errorf("%.2f allocations per frame, want 0", allocs)
	}
}

//go:build linux

package capture

import (
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/otsight/otsight/internal/decode"
)

// Offsets in the TPACKET_V3 ring (linux/if_packet.h). A block starts with
// struct tpacket_block_desc, whose tpacket_hdr_v1 sits 8 bytes in; each
// frame starts with struct tpacket3_hdr, followed by a struct sockaddr_ll,
// then (at tp_mac) the frame.
const (
	blkStatus   = 8  // block_status: TP_STATUS_KERNEL or TP_STATUS_USER
	blkNumPkts  = 12 // num_pkts
	blkFirstPkt = 16 // offset_to_first_pkt

	pktNextOffset = 0
	pktSec        = 4
	pktNsec       = 8
	pktSnapLen    = 12
	pktLen        = 16
	pktStatus     = 20
	pktMac        = 24 // u16
	pktVLANTCI    = 32 // hv1.tp_vlan_tci
	pktVLANTPID   = 36 // hv1.tp_vlan_tpid, u16

	// pktHeadroom is where the frame may start at the earliest once a
	// VLAN tag is put back in front of it: after the tpacket3_hdr (48
	// bytes, aligned) and the sockaddr_ll (20 bytes).
	pktHeadroom = 48 + 20

	vlanTagLen = 4
)

// ring is one interface's AF_PACKET socket and its memory-mapped TPACKET_V3
// receive ring. The socket is only ever read: there is no transmit ring and
// nothing is written to it.
type ring struct {
	name      string
	index     int // position in LiveConfig.Interfaces
	fd        int
	wake      int // eventfd that interrupts the poller on Close
	mem       []byte
	blockSize int
	numBlocks int
	link      decode.LinkType

	// turn passes between the poller and the consumer: the poller looks
	// for the next filled block only after the consumer gave the previous
	// one back. One block per interface with the consumer is plenty (it
	// reads one at a time, and the kernel keeps filling the others), and
	// it keeps poll(2) honest: the kernel reports the socket readable
	// while the block before the one it fills belongs to user space, so
	// polling with a block still out would spin.
	turn chan struct{}

	mu     sync.Mutex // guards the counters and fd against Close
	closed bool
	stats  IfaceStats
}

// openRing sets up capture on one interface. The socket is created with
// protocol 0, which receives nothing, and bound to the interface with
// ETH_P_ALL only once the ring exists, so no frame of another interface
// slips in first.
func openRing(index int, ifc LiveInterface, cfg *LiveConfig) (_ *ring, err error) {
	dev, err := net.InterfaceByName(ifc.Name)
	if err != nil {
		return nil, fmt.Errorf("capture: interface %s: %w", ifc.Name, err)
	}
	r := &ring{
		name:      ifc.Name,
		index:     index,
		fd:        -1,
		wake:      -1,
		blockSize: cfg.BlockSize,
		numBlocks: cfg.NumBlocks,
		stats:     IfaceStats{Label: labelOf(ifc)},
	}
	defer func() {
		if err != nil {
			r.release()
			err = fmt.Errorf("capture: interface %s: %w", ifc.Name, err)
		}
	}()
	if r.fd, err = unix.Socket(unix.AF_PACKET, unix.SOCK_RAW|unix.SOCK_CLOEXEC, 0); err != nil {
		return r, fmt.Errorf("AF_PACKET socket: %w", err)
	}
	if r.link, err = linkTypeOfDevice(r.fd, ifc.Name); err != nil {
		return r, err
	}
	if err = unix.SetsockoptInt(r.fd, unix.SOL_PACKET, unix.PACKET_VERSION, unix.TPACKET_V3); err != nil {
		return r, fmt.Errorf("TPACKET_V3: %w", err)
	}
	// The sensor's own transmissions are not traffic of the monitored
	// network. Kernels before 4.20 lack the option; they just keep them.
	_ = unix.SetsockoptInt(r.fd, unix.SOL_PACKET, unix.PACKET_IGNORE_OUTGOING, 1)
	req := unix.TpacketReq3{
		Block_size:     uint32(cfg.BlockSize),
		Block_nr:       uint32(cfg.NumBlocks),
		Frame_size:     uint32(cfg.BlockSize), // TPACKET_V3 packs frames of any size; this only satisfies the checks
		Frame_nr:       uint32(cfg.NumBlocks),
		Retire_blk_tov: uint32(cfg.BlockTimeout.Milliseconds()),
	}
	if err = unix.SetsockoptTpacketReq3(r.fd, unix.SOL_PACKET, unix.PACKET_RX_RING, &req); err != nil {
		return r, fmt.Errorf("receive ring of %d × %d bytes: %w", cfg.NumBlocks, cfg.BlockSize, err)
	}
	// Writable because the reader hands blocks back by writing their
	// status word, and puts stripped VLAN tags back in place.
	if r.mem, err = unix.Mmap(r.fd, 0, cfg.BlockSize*cfg.NumBlocks, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED); err != nil {
		return r, fmt.Errorf("map receive ring: %w", err)
	}
	if err = unix.Bind(r.fd, &unix.SockaddrLinklayer{Protocol: htons(unix.ETH_P_ALL), Ifindex: dev.Index}); err != nil {
		return r, fmt.Errorf("bind: %w", err)
	}
	mreq := unix.PacketMreq{Ifindex: int32(dev.Index), Type: unix.PACKET_MR_PROMISC}
	if err = unix.SetsockoptPacketMreq(r.fd, unix.SOL_PACKET, unix.PACKET_ADD_MEMBERSHIP, &mreq); err != nil {
		return r, fmt.Errorf("promiscuous mode: %w", err)
	}
	if r.wake, err = unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK); err != nil {
		return r, fmt.Errorf("eventfd: %w", err)
	}
	r.turn = make(chan struct{}, 1)
	r.turn <- struct{}{}
	warnIfNotMirror(cfg.Logger, dev, r.stats.Label)
	return r, nil
}

// linkTypeOfDevice tells what frames from the interface start with.
func linkTypeOfDevice(fd int, name string) (decode.LinkType, error) {
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return 0, err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFHWADDR, ifr); err != nil {
		return 0, fmt.Errorf("hardware type: %w", err)
	}
	switch hw := ifr.Uint16(); hw {
	case unix.ARPHRD_ETHER, unix.ARPHRD_LOOPBACK:
		return decode.LinkEthernet, nil
	case unix.ARPHRD_NONE: // tun devices and the like carry bare IP
		return decode.LinkRaw, nil
	default:
		return 0, fmt.Errorf("unsupported hardware type %d (not Ethernet)", hw)
	}
}

// warnIfNotMirror points out configurations that suggest the interface is
// not a dedicated mirror port, or not yet usable as one.
func warnIfNotMirror(log *slog.Logger, dev *net.Interface, label string) {
	if dev.Flags&net.FlagUp == 0 {
		log.Warn("capture interface is down: no frames until it is brought up", "interface", dev.Name, "label", label)
	}
	addrs, err := dev.Addrs()
	if err != nil || len(addrs) == 0 {
		return
	}
	list := make([]string, len(addrs))
	for i, a := range addrs {
		list[i] = a.String()
	}
	log.Warn("capture interface has IP addresses: a mirror port normally has none, and the host may transmit on it",
		"interface", dev.Name, "label", label, "addresses", list)
}

func htons(v uint16) uint16 {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], v)
	return binary.NativeEndian.Uint16(b[:])
}

// block returns block i of the ring.
func (r *ring) block(i int) []byte {
	return r.mem[i*r.blockSize : (i+1)*r.blockSize : (i+1)*r.blockSize]
}

// status is the block's status word, shared with the kernel: the kernel
// publishes a filled block by setting TP_STATUS_USER, the reader gives it
// back by writing TP_STATUS_KERNEL. Atomic access orders these hand-overs
// with the reads of the block's contents.
func status(block []byte) *uint32 {
	return (*uint32)(unsafe.Pointer(&block[blkStatus]))
}

// poll feeds the consumer: it waits for each block in ring order to be
// filled and passes it on. It stops when done is closed or the wake eventfd
// fires.
func (r *ring) poll(ready chan<- blockRef, done <-chan struct{}, log *slog.Logger) {
	fds := []unix.PollFd{{Fd: int32(r.fd), Events: unix.POLLIN}, {Fd: int32(r.wake), Events: unix.POLLIN}}
	for next := 0; ; next = (next + 1) % r.numBlocks {
		select {
		case <-r.turn:
		case <-done:
			return
		}
		for atomic.LoadUint32(status(r.block(next)))&unix.TP_STATUS_USER == 0 {
			_, err := unix.Poll(fds, -1)
			switch {
			case fds[1].Revents != 0:
				return
			case err != nil && !errors.Is(err, unix.EINTR):
				log.Error("capture: poll failed; the interface delivers no more frames", "interface", r.name, "error", err)
				return
			case fds[0].Revents&unix.POLLERR != 0:
				// A pending socket error (the interface went down,
				// say) keeps poll returning until it is read.
				e, _ := unix.GetsockoptInt(r.fd, unix.SOL_SOCKET, unix.SO_ERROR)
				log.Warn("capture: socket error", "interface", r.name, "error", unix.Errno(e))
			}
		}
		select {
		case ready <- blockRef{ring: r, block: next}:
		case <-done:
			return
		}
	}
}

// giveBack returns block i to the kernel once the consumer is done with it.
func (r *ring) giveBack(i int) {
	atomic.StoreUint32(status(r.block(i)), unix.TP_STATUS_KERNEL)
	r.turn <- struct{}{} // never blocks: only one block is ever out
}

// interrupt wakes the poller so it can see that the source is closing.
func (r *ring) interrupt() {
	var one [8]byte
	binary.NativeEndian.PutUint64(one[:], 1)
	_, _ = unix.Write(r.wake, one[:]) // the eventfd, not the capture socket
}

// readStats adds the kernel's counters, which reset on every read, to the
// running totals. The caller holds r.mu.
func (r *ring) readStats() {
	if r.closed || r.fd < 0 {
		return
	}
	st, err := unix.GetsockoptTpacketStatsV3(r.fd, unix.SOL_PACKET, unix.PACKET_STATISTICS)
	if err != nil {
		return
	}
	// tp_packets counts dropped frames too.
	r.stats.Packets += uint64(st.Packets - st.Drops)
	r.stats.KernelDrops += uint64(st.Drops)
	r.stats.Freezes += uint64(st.Freeze_q_cnt)
}

// Stats returns the interface's counters.
func (r *ring) Stats() IfaceStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.readStats()
	return r.stats
}

// release unmaps the ring and closes the descriptors, keeping the final
// counters. The poller must have stopped.
func (r *ring) release() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.readStats()
	r.closed = true
	var errs []error
	if r.mem != nil {
		errs = append(errs, unix.Munmap(r.mem))
		r.mem = nil
	}
	for _, fd := range []*int{&r.fd, &r.wake} {
		if *fd >= 0 {
			errs = append(errs, unix.Close(*fd))
			*fd = -1
		}
	}
	return errors.Join(errs...)
}

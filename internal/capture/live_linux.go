//go:build linux

package capture

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/otsight/otsight/internal/decode"
)

// OpenLive captures every frame arriving on the configured interfaces, in
// promiscuous mode, through one AF_PACKET TPACKET_V3 receive ring per
// interface. It needs CAP_NET_RAW. Frames carry Info.Iface, the interface's
// position in cfg.Interfaces; Stats reports the kernel's counters per
// interface under its label.
//
// Frames are not copied: Next returns them in place in the ring (a VLAN tag
// the kernel stripped is put back in front of the frame), and a block of the
// ring goes back to the kernel when Next moves past its last frame. Close
// may be called from any goroutine, also to end a Next that is waiting; a
// frame returned before Close must not be used after it.
func OpenLive(cfg LiveConfig) (Source, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := cfg.validate(os.Getpagesize()); err != nil {
		return nil, err
	}
	s := &liveSource{done: make(chan struct{}), timeout: cfg.Timeout}
	// All sockets are created here, in the caller's thread, before any
	// goroutine starts: a caller may have switched the thread to another
	// network namespace.
	for i, ifc := range cfg.Interfaces {
		r, err := openRing(i, ifc, &cfg)
		if err != nil {
			for _, r := range s.rings {
				r.release()
			}
			return nil, err
		}
		s.rings = append(s.rings, r)
	}
	// Each ring has at most one block out, so pollers never wait here.
	s.ready = make(chan blockRef, len(s.rings))
	for _, r := range s.rings {
		s.pollers.Add(1)
		go func() {
			defer s.pollers.Done()
			r.poll(s.ready, s.done, cfg.Logger)
		}()
	}
	return s, nil
}

// blockRef is a filled ring block, passed from a poller to the consumer.
type blockRef struct {
	ring  *ring
	block int
}

// liveSource merges the rings' blocks into one stream of frames. One
// goroutine per interface waits for the kernel; the consumer calling Next
// reads the blocks they pass on and gives each back when done.
type liveSource struct {
	rings   []*ring
	ready   chan blockRef
	done    chan struct{} // closed by Close
	pollers sync.WaitGroup
	timeout time.Duration
	timer   *time.Timer // reused by the consumer for LiveConfig.Timeout

	// mu is held by Next while it touches ring memory, so that Close does
	// not unmap a ring under it. It is not held while Next waits.
	mu      sync.Mutex
	closed  bool
	cur     blockRef
	blk     []byte // the block being read
	holding bool   // cur has not been given back yet
	left    int    // frames left in blk
	pos     int    // offset in blk of the next frame
	scratch []byte // a frame with its VLAN tag restored, when the ring has no room

	closeOnce sync.Once
	closeErr  error
}

// Next returns the next frame from any interface; see Source. With
// LiveConfig.Timeout set it returns ErrTimeout when none arrives in time.
func (s *liveSource) Next() ([]byte, Info, error) {
	s.mu.Lock()
	for {
		if s.closed {
			s.mu.Unlock()
			return nil, Info{}, io.EOF
		}
		if s.left > 0 {
			if data, info, ok := s.frame(); ok {
				s.mu.Unlock()
				return data, info, nil
			}
			s.left = 0 // a malformed block: leave the rest of it
		}
		if s.holding {
			s.cur.ring.giveBack(s.cur.block)
			s.holding = false
		}
		select {
		case ref := <-s.ready:
			s.take(ref)
			continue
		default:
		}
		s.mu.Unlock()
		ref, err := s.wait()
		s.mu.Lock()
		switch {
		case s.closed:
			// Loop to return io.EOF.
		case err != nil:
			s.mu.Unlock()
			return nil, Info{}, err
		default:
			s.take(ref)
		}
	}
}

// wait blocks until a poller passes a block, the source closes, or the
// timeout passes.
func (s *liveSource) wait() (blockRef, error) {
	var expired <-chan time.Time
	if s.timeout > 0 {
		if s.timer == nil {
			s.timer = time.NewTimer(s.timeout)
		} else {
			s.timer.Reset(s.timeout)
		}
		expired = s.timer.C
	}
	select {
	case ref := <-s.ready:
		return ref, nil
	case <-s.done:
		return blockRef{}, io.EOF
	case <-expired:
		return blockRef{}, ErrTimeout
	}
}

// take starts reading a block.
func (s *liveSource) take(ref blockRef) {
	s.cur, s.holding = ref, true
	s.blk = ref.ring.block(ref.block)
	s.left = int(binary.NativeEndian.Uint32(s.blk[blkNumPkts:]))
	s.pos = int(binary.NativeEndian.Uint32(s.blk[blkFirstPkt:]))
}

// frame decodes the frame at s.pos and moves past it. It reports false if
// the kernel's offsets do not fit in the block, which would be a kernel bug;
// the slicing would panic otherwise.
func (s *liveSource) frame() ([]byte, Info, bool) {
	ne := binary.NativeEndian
	blk, p := s.blk, s.pos
	if p < 0 || p > len(blk)-pktHeadroom {
		return nil, Info{}, false
	}
	snap := int(ne.Uint32(blk[p+pktSnapLen:]))
	mac := p + int(ne.Uint16(blk[p+pktMac:]))
	end := mac + snap
	if mac < p+pktHeadroom || end > len(blk) {
		return nil, Info{}, false
	}
	r := s.cur.ring
	info := Info{
		TS:      int64(ne.Uint32(blk[p+pktSec:]))*1e9 + int64(ne.Uint32(blk[p+pktNsec:])),
		CapLen:  snap,
		WireLen: int(ne.Uint32(blk[p+pktLen:])),
		Link:    r.link,
		Iface:   r.index,
	}
	data := blk[mac:end:end]
	if st := ne.Uint32(blk[p+pktStatus:]); st&unix.TP_STATUS_VLAN_VALID != 0 && r.link == decode.LinkEthernet && snap >= 12 {
		// The kernel took the outermost VLAN tag off into the header
		// (a tag with VLAN 0, priority only, too); the decoder and
		// the records need it in the frame.
		tpid := uint16(0x8100)
		if st&unix.TP_STATUS_VLAN_TPID_VALID != 0 {
			tpid = ne.Uint16(blk[p+pktVLANTPID:])
		}
		data = s.restoreTag(blk, p, mac, end, tpid, uint16(ne.Uint32(blk[p+pktVLANTCI:])))
		info.CapLen += vlanTagLen
		info.WireLen += vlanTagLen
	}
	s.left--
	next := int(ne.Uint32(blk[p+pktNextOffset:]))
	if next <= 0 {
		s.left = 0
	}
	s.pos = p + next
	return data, info, true
}

// restoreTag puts a VLAN tag back behind the MAC addresses of the frame at
// blk[mac:end]. The ring leaves room in front of every frame, so the
// addresses move 4 bytes forward in place; the copy into scratch is a
// fallback that a standard kernel never takes.
func (s *liveSource) restoreTag(blk []byte, p, mac, end int, tpid, tci uint16) []byte {
	var tag [vlanTagLen]byte
	binary.BigEndian.PutUint16(tag[0:], tpid)
	binary.BigEndian.PutUint16(tag[2:], tci)
	if mac-vlanTagLen >= p+pktHeadroom {
		start := mac - vlanTagLen
		copy(blk[start:], blk[mac:mac+12])
		copy(blk[start+12:], tag[:])
		return blk[start:end:end]
	}
	s.scratch = append(s.scratch[:0], blk[mac:mac+12]...)
	s.scratch = append(s.scratch, tag[:]...)
	s.scratch = append(s.scratch, blk[mac+12:end]...)
	return s.scratch
}

// Stats reports each interface's kernel counters: frames placed in the ring,
// frames dropped because the ring was full, and how often the ring froze.
func (s *liveSource) Stats() []IfaceStats {
	out := make([]IfaceStats, len(s.rings))
	for i, r := range s.rings {
		out[i] = r.Stats()
	}
	return out
}

// Close stops the pollers, releases the rings and sockets, and makes Next
// return io.EOF. Stats keeps reporting the final counters.
func (s *liveSource) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		for _, r := range s.rings {
			r.interrupt()
		}
		s.pollers.Wait()
		s.mu.Lock()
		defer s.mu.Unlock()
		s.closed = true
		errs := make([]error, len(s.rings))
		for i, r := range s.rings {
			errs[i] = r.release()
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = errors.Join(errors.New("capture: close"), err)
		}
	})
	return s.closeErr
}

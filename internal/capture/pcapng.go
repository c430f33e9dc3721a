package capture

import (
	"fmt"
	"io"
	"math/bits"

	"github.com/otsight/otsight/internal/decode"
)

// pcapng block types this reader interprets; every other block is skipped.
const (
	blockSHB = 0x0a0d0d0a // section header; also the file's magic number
	blockIDB = 0x00000001 // interface description
	blockOPB = 0x00000002 // obsolete packet block
	blockSPB = 0x00000003 // simple packet block
	blockEPB = 0x00000006 // enhanced packet block
)

const (
	byteOrderMagic = 0x1a2b3c4d

	// maxBlockLen rejects block lengths no writer produces; Wireshark has
	// the same limit. Frames are capped separately by maxFrameLen.
	maxBlockLen = 16 << 20

	minSHBLen = 28 // header, byte-order magic, version, section length, trailer
	minIDBLen = 20
	minEPBLen = 32
	minOPBLen = 32
	minSPBLen = 16

	optEndOfOpt = 0
	optTSResol  = 9  // if_tsresol
	optTSOffset = 14 // if_tsoffset
)

// ngIface is what a packet needs from its interface description block.
type ngIface struct {
	link    decode.LinkType
	snapLen uint32
	ts      tsScale
}

// tsScale converts a pcapng timestamp, counted in units of the interface's
// if_tsresol, to nanoseconds since the epoch.
type tsScale struct {
	mul    uint64 // decimal resolution of 1e-9 s or coarser: units * mul
	div    uint64 // decimal resolution finer than 1e-9 s: units / div
	shift  uint   // binary resolution (mul = div = 0): units * 1e9 >> shift
	offset int64  // if_tsoffset, in nanoseconds
}

// newTSScale decodes if_tsresol: the top bit selects a power of two rather
// than of ten, the rest is the negative exponent.
func newTSScale(resol uint8) (tsScale, error) {
	exp := uint(resol & 0x7f)
	if resol&0x80 != 0 {
		if exp > 63 {
			return tsScale{}, fmt.Errorf("if_tsresol 2^-%d is finer than this reader supports", exp)
		}
		return tsScale{shift: exp}, nil
	}
	switch {
	case exp <= 9:
		return tsScale{mul: pow10(9 - exp)}, nil
	case exp <= 19:
		return tsScale{div: pow10(exp - 9)}, nil
	}
	return tsScale{}, fmt.Errorf("if_tsresol 10^-%d is finer than this reader supports", exp)
}

func pow10(n uint) uint64 {
	v := uint64(1)
	for range n {
		v *= 10
	}
	return v
}

func (s tsScale) nanos(units uint64) int64 {
	switch {
	case s.mul != 0:
		return int64(units*s.mul) + s.offset
	case s.div != 0:
		return int64(units/s.div) + s.offset
	}
	hi, lo := bits.Mul64(units, 1e9)
	if s.shift > 0 {
		lo = lo>>s.shift | hi<<(64-s.shift)
	}
	return int64(lo) + s.offset
}

// pcapngReader reads pcapng: a sequence of sections, each a section header
// followed by interface descriptions, packets and other blocks.
type pcapngReader struct {
	fileSource
	order  byteOrder
	ifaces []ngIface // of the current section
	lastTS int64     // for simple packet blocks, which carry no timestamp
}

// openPcapng reads the first section header, so that a file that merely
// starts with the right four bytes is rejected at once.
func openPcapng(in *input) (*pcapngReader, error) {
	r := &pcapngReader{fileSource: fileSource{in: in}, ifaces: make([]ngIface, 0, 4)}
	if err := r.readSHB(); err != nil {
		return nil, err
	}
	return r, nil
}

// Next returns the next frame; see Source.
func (r *pcapngReader) Next() ([]byte, Info, error) {
	if r.ended() {
		return nil, Info{}, io.EOF
	}
	in := r.in
	for {
		off := in.off
		// Twelve bytes: type, length, and for a section header the
		// byte-order magic that says how to read the length.
		h, err := in.peek(12)
		if err != nil {
			if err == io.EOF {
				r.done = true
				return nil, Info{}, io.EOF
			}
			return nil, Info{}, r.cutShort(off, "block header", err)
		}
		btype := r.order.u32(h)
		if btype == blockSHB {
			if err := r.readSHB(); err != nil {
				return nil, Info{}, err
			}
			continue
		}
		blen := r.order.u32(h[4:])
		if blen < 12 || blen%4 != 0 || blen > maxBlockLen {
			return nil, Info{}, r.damage(off, fmt.Sprintf("invalid length %d in block of type 0x%x", blen, btype), nil)
		}
		switch btype {
		case blockEPB, blockSPB, blockOPB:
			b, err := r.block(off, int(blen))
			if err != nil {
				return nil, Info{}, err
			}
			data, info, err := r.packet(off, btype, b)
			if err != nil {
				return nil, Info{}, err
			}
			in.discard(len(b))
			r.frames.Add(1)
			r.lastTS = info.TS
			return data, info, nil
		case blockIDB:
			b, err := r.block(off, int(blen))
			if err != nil {
				return nil, Info{}, err
			}
			if err := r.addInterface(off, b); err != nil {
				return nil, Info{}, err
			}
			in.discard(len(b))
		default:
			if err := r.skipBlock(off, int64(blen)); err != nil {
				return nil, Info{}, err
			}
		}
	}
}

// block returns a whole block of blen bytes after checking that its trailing
// length repeats the leading one, which catches most corruption early.
func (r *pcapngReader) block(off int64, blen int) ([]byte, error) {
	b, err := r.in.peek(blen)
	if err != nil {
		return nil, r.cutShort(off, fmt.Sprintf("block (%d bytes announced)", blen), err)
	}
	if t := r.order.u32(b[blen-4:]); int(t) != blen {
		return nil, r.damage(off, fmt.Sprintf("block trailer says %d bytes, header says %d", t, blen), nil)
	}
	return b, nil
}

// skipBlock passes over a block this reader does not interpret, without
// holding it in memory, and checks its trailer.
func (r *pcapngReader) skipBlock(off, blen int64) error {
	if err := r.in.skip(blen - 4); err != nil {
		return r.cutShort(off, fmt.Sprintf("block (%d bytes announced)", blen), err)
	}
	t, err := r.in.peek(4)
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return r.cutShort(off, fmt.Sprintf("block (%d bytes announced)", blen), err)
	}
	if v := r.order.u32(t); int64(v) != blen {
		return r.damage(off, fmt.Sprintf("block trailer says %d bytes, header says %d", v, blen), nil)
	}
	r.in.discard(4)
	return nil
}

// readSHB starts a new section: it fixes the byte order and forgets the
// previous section's interfaces.
func (r *pcapngReader) readSHB() error {
	in := r.in
	off := in.off
	h, err := in.peek(12)
	if err != nil {
		return r.cutShort(off, "section header", eofIsUnexpected(err))
	}
	switch bom := h[8:12]; {
	case bom[0] == 0x4d && bom[1] == 0x3c && bom[2] == 0x2b && bom[3] == 0x1a:
		r.order.big = false
	case bom[0] == 0x1a && bom[1] == 0x2b && bom[2] == 0x3c && bom[3] == 0x4d:
		r.order.big = true
	default:
		return r.damage(off, fmt.Sprintf("section header has no byte-order magic (found % x)", bom), nil)
	}
	blen := r.order.u32(h[4:])
	if blen < minSHBLen || blen%4 != 0 || blen > maxBlockLen {
		return r.damage(off, fmt.Sprintf("invalid section header length %d", blen), nil)
	}
	b, err := r.block(off, int(blen))
	if err != nil {
		return err
	}
	if major := r.order.u16(b[12:]); major != 1 {
		return r.damage(off, fmt.Sprintf("unsupported pcapng version %d.%d", major, r.order.u16(b[14:])), nil)
	}
	r.ifaces = r.ifaces[:0]
	in.discard(len(b))
	return nil
}

// addInterface records an interface description block's link type, snapshot
// length and timestamp resolution.
func (r *pcapngReader) addInterface(off int64, b []byte) error {
	if len(b) < minIDBLen {
		return r.damage(off, fmt.Sprintf("interface description block too short (%d bytes)", len(b)), nil)
	}
	ifc := ngIface{
		link:    linkTypeOf(uint32(r.order.u16(b[8:]))),
		snapLen: r.order.u32(b[12:]),
		ts:      tsScale{mul: 1000}, // microseconds unless if_tsresol says otherwise
	}
	opts := b[16 : len(b)-4]
	for len(opts) >= 4 {
		code, n := r.order.u16(opts), int(r.order.u16(opts[2:]))
		if code == optEndOfOpt {
			break
		}
		if 4+n > len(opts) {
			return r.damage(off, fmt.Sprintf("option %d of interface %d overruns its block", code, len(r.ifaces)), nil)
		}
		val := opts[4 : 4+n]
		switch {
		case code == optTSResol && n >= 1:
			offset := ifc.ts.offset
			ts, err := newTSScale(val[0])
			if err != nil {
				return r.damage(off, fmt.Sprintf("interface %d", len(r.ifaces)), err)
			}
			ifc.ts, ifc.ts.offset = ts, offset
		case code == optTSOffset && n >= 8:
			ifc.ts.offset = int64(r.order.u64(val)) * 1e9
		}
		// Option values are padded to 32 bits; the last padding may be
		// missing in sloppy files, which the loop condition absorbs.
		opts = opts[min(len(opts), 4+(n+3)&^3):]
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

// packet extracts the frame from an enhanced, simple or obsolete packet
// block b, whose length and trailer have been checked.
func (r *pcapngReader) packet(off int64, btype uint32, b []byte) ([]byte, Info, error) {
	minLen := minEPBLen
	switch btype {
	case blockOPB:
		minLen = minOPBLen
	case blockSPB:
		minLen = minSPBLen
	}
	if len(b) < minLen {
		return nil, Info{}, r.damage(off, fmt.Sprintf("packet block too short (%d bytes)", len(b)), nil)
	}
	o := r.order
	var (
		ifIndex         uint32
		ts              uint64
		capLen, wireLen uint32
		dataOff         = 28 // enhanced and obsolete blocks
	)
	switch btype {
	case blockEPB:
		ifIndex = o.u32(b[8:])
		ts = uint64(o.u32(b[12:]))<<32 | uint64(o.u32(b[16:]))
		capLen, wireLen = o.u32(b[20:]), o.u32(b[24:])
	case blockOPB:
		ifIndex = uint32(o.u16(b[8:])) // followed by a 16-bit drop count
		ts = uint64(o.u32(b[12:]))<<32 | uint64(o.u32(b[16:]))
		capLen, wireLen = o.u32(b[20:]), o.u32(b[24:])
	case blockSPB:
		dataOff = 12
		wireLen = o.u32(b[8:])
	}
	if int(ifIndex) >= len(r.ifaces) {
		return nil, Info{}, r.damage(off, fmt.Sprintf("packet on interface %d, but the section describes %d", ifIndex, len(r.ifaces)), nil)
	}
	ifc := &r.ifaces[ifIndex]
	info := Info{Link: ifc.link}
	if btype == blockSPB {
		// The frame fills the block up to the trailer, padding aside; its
		// captured length follows from the original length and the
		// interface's snapshot length. There is no timestamp: repeating
		// the previous one keeps time monotonic for the consumer.
		capLen = min(wireLen, uint32(len(b)-minSPBLen))
		if ifc.snapLen != 0 {
			capLen = min(capLen, ifc.snapLen)
		}
		info.TS = r.lastTS
	} else {
		info.TS = ifc.ts.nanos(ts)
	}
	if capLen > maxFrameLen {
		return nil, Info{}, r.damage(off, fmt.Sprintf("captured length %d exceeds the %d-byte limit", capLen, maxFrameLen), nil)
	}
	end := dataOff + int(capLen)
	if end > len(b)-4 {
		return nil, Info{}, r.damage(off, fmt.Sprintf("captured length %d does not fit in a %d-byte block", capLen, len(b)), nil)
	}
	info.CapLen, info.WireLen = int(capLen), int(wireLen)
	return b[dataOff:end:end], info, nil
}

func eofIsUnexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

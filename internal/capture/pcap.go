package capture

import (
	"encoding/binary"
	"fmt"
	"io"

	"github.com/otsight/otsight/internal/decode"
)

// Classic pcap magic numbers, as the first four bytes read in little-endian
// order. The writer stores the magic in its own byte order, so each exists
// swapped as well.
const (
	magicMicro    = 0xa1b2c3d4 // microsecond timestamps
	magicNano     = 0xa1b23c4d // nanosecond timestamps
	magicModified = 0xa1b2cd34 // Kuznetzov's patched libpcap: 8 more bytes per record
)

const (
	pcapHeaderLen     = 24
	pcapRecordLen     = 16
	modifiedRecordLen = 24

	// maxFrameLen caps a frame's captured length. It is the largest
	// snapshot length tcpdump and Wireshark use, far above any real frame,
	// so a bigger value means a corrupt file rather than a big frame.
	maxFrameLen = 256 << 10
)

// byteOrder reads the integers of a file written on a little- or big-endian
// host. It is a value switch rather than binary.ByteOrder so the calls
// inline on the per-frame path.
type byteOrder struct{ big bool }

func (o byteOrder) u16(b []byte) uint16 {
	if o.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (o byteOrder) u32(b []byte) uint32 {
	if o.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

func (o byteOrder) u64(b []byte) uint64 {
	if o.big {
		return binary.BigEndian.Uint64(b)
	}
	return binary.LittleEndian.Uint64(b)
}

// pcapReader reads classic pcap: a 24-byte file header, then one record
// header and the frame bytes per frame.
type pcapReader struct {
	fileSource
	order   byteOrder
	fracNs  int64 // nanoseconds per unit of the timestamp's fraction field
	recLen  int
	link    decode.LinkType
	snapLen uint32
}

// openPcap reads the file header. magic is the first four bytes read as
// little-endian.
func openPcap(in *input, magic uint32) (*pcapReader, error) {
	p := &pcapReader{fileSource: fileSource{in: in}, fracNs: 1000, recLen: pcapRecordLen}
	switch magic {
	case magicMicro:
	case magicNano:
		p.fracNs = 1
	case magicModified:
		p.recLen = modifiedRecordLen
	default:
		p.order.big = true
		switch magic {
		case swap32(magicNano):
			p.fracNs = 1
		case swap32(magicModified):
			p.recLen = modifiedRecordLen
		}
	}
	h, err := in.peek(pcapHeaderLen)
	if err != nil {
		return nil, p.cutShort(0, "pcap file header", err)
	}
	if major := p.order.u16(h[4:]); major != 2 {
		return nil, p.damage(0, fmt.Sprintf("unsupported pcap version %d.%d", major, p.order.u16(h[6:])), nil)
	}
	p.snapLen = p.order.u32(h[16:])
	p.link = linkTypeOf(p.order.u32(h[20:]))
	in.discard(pcapHeaderLen)
	return p, nil
}

// Next returns the next frame; see Source.
func (p *pcapReader) Next() ([]byte, Info, error) {
	if p.ended() {
		return nil, Info{}, io.EOF
	}
	in := p.in
	off := in.off
	h, err := in.peek(p.recLen)
	if err != nil {
		if err == io.EOF {
			p.done = true
			return nil, Info{}, io.EOF
		}
		return nil, Info{}, p.cutShort(off, "record header", err)
	}
	sec := p.order.u32(h[0:])
	frac := p.order.u32(h[4:])
	capLen := p.order.u32(h[8:])
	wireLen := p.order.u32(h[12:])
	if capLen > maxFrameLen {
		return nil, Info{}, p.damage(off, fmt.Sprintf("captured length %d exceeds the %d-byte limit", capLen, maxFrameLen), nil)
	}
	n := p.recLen + int(capLen)
	rec, err := in.peek(n)
	if err != nil {
		return nil, Info{}, p.cutShort(off, fmt.Sprintf("frame record (%d captured bytes announced)", capLen), err)
	}
	in.discard(n)
	p.frames.Add(1)
	info := Info{
		TS:      int64(sec)*1e9 + int64(frac)*p.fracNs,
		CapLen:  int(capLen),
		WireLen: int(wireLen),
		Link:    p.link,
	}
	// The capacity limit keeps a careless append by the caller from
	// overwriting the next record in the buffer.
	return rec[p.recLen:n:n], info, nil
}

func swap32(v uint32) uint32 {
	return v>>24 | v>>8&0xff00 | v<<8&0xff0000 | v<<24
}

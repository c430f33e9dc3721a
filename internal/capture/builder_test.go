package capture

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"testing"
)

// This file builds capture files byte by byte, for the formats and corner
// cases the shared captures do not cover (big-endian files, nanosecond
// pcap, several pcapng sections and link types, simple and obsolete packet
// blocks).

// endian is what binary.LittleEndian and binary.BigEndian both offer.
type endian interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// rec is one frame to write: its timestamp in the file's own units.
type rec struct {
	sec, frac uint32 // classic pcap
	units     uint64 // pcapng
	wire      uint32
	data      []byte
}

// buildPcap writes a classic pcap file with the given magic in the given
// byte order; magicModified adds the 8 extra bytes per record.
func buildPcap(order endian, magic, link uint32, recs ...rec) []byte {
	var b []byte
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = order.AppendUint32(b, 0) // thiszone
	b = order.AppendUint32(b, 0) // sigfigs
	b = order.AppendUint32(b, 65535)
	b = order.AppendUint32(b, link)
	for _, r := range recs {
		b = order.AppendUint32(b, r.sec)
		b = order.AppendUint32(b, r.frac)
		b = order.AppendUint32(b, uint32(len(r.data)))
		b = order.AppendUint32(b, r.wire)
		if magic == magicModified {
			b = append(b, 0, 0, 0, 7, 0, 8, 0, 0) // ifindex, protocol, pkt_type, pad
		}
		b = append(b, r.data...)
	}
	return b
}

// ngBuilder writes pcapng blocks.
type ngBuilder struct {
	order endian
	b     []byte
}

func (w *ngBuilder) block(btype uint32, body []byte) *ngBuilder {
	body = pad4(body)
	n := uint32(12 + len(body))
	w.b = w.order.AppendUint32(w.b, btype)
	w.b = w.order.AppendUint32(w.b, n)
	w.b = append(w.b, body...)
	w.b = w.order.AppendUint32(w.b, n)
	return w
}

func pad4(b []byte) []byte {
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// section starts a new section in byte order o.
func (w *ngBuilder) section(o endian) *ngBuilder {
	w.order = o
	var body []byte
	body = o.AppendUint32(body, byteOrderMagic)
	body = o.AppendUint16(body, 1)
	body = o.AppendUint16(body, 0)
	body = o.AppendUint64(body, ^uint64(0))       // section length unknown
	body = w.opt(body, 4, []byte("otsight test")) // shb_userappl
	body = w.opt(body, optEndOfOpt, nil)
	return w.block(blockSHB, body)
}

func (w *ngBuilder) opt(b []byte, code uint16, val []byte) []byte {
	b = w.order.AppendUint16(b, code)
	b = w.order.AppendUint16(b, uint16(len(val)))
	return pad4(append(b, val...))
}

// iface describes an interface; opts are code/value pairs.
func (w *ngBuilder) iface(link uint16, snap uint32, opts ...any) *ngBuilder {
	var body []byte
	body = w.order.AppendUint16(body, link)
	body = w.order.AppendUint16(body, 0)
	body = w.order.AppendUint32(body, snap)
	for i := 0; i < len(opts); i += 2 {
		body = w.opt(body, uint16(opts[i].(int)), opts[i+1].([]byte))
	}
	if len(opts) > 0 {
		body = w.opt(body, optEndOfOpt, nil)
	}
	return w.block(blockIDB, body)
}

func (w *ngBuilder) epb(ifc uint32, r rec) *ngBuilder {
	var body []byte
	body = w.order.AppendUint32(body, ifc)
	body = w.order.AppendUint32(body, uint32(r.units>>32))
	body = w.order.AppendUint32(body, uint32(r.units))
	body = w.order.AppendUint32(body, uint32(len(r.data)))
	body = w.order.AppendUint32(body, r.wire)
	body = pad4(append(body, r.data...))
	body = w.opt(body, 1, []byte("a comment")) // opt_comment
	body = w.opt(body, optEndOfOpt, nil)
	return w.block(blockEPB, body)
}

func (w *ngBuilder) opb(ifc uint16, r rec) *ngBuilder {
	var body []byte
	body = w.order.AppendUint16(body, ifc)
	body = w.order.AppendUint16(body, 3) // drops count
	body = w.order.AppendUint32(body, uint32(r.units>>32))
	body = w.order.AppendUint32(body, uint32(r.units))
	body = w.order.AppendUint32(body, uint32(len(r.data)))
	body = w.order.AppendUint32(body, r.wire)
	return w.block(blockOPB, append(body, r.data...))
}

// spb writes a simple packet block holding data, whose original length was
// wire.
func (w *ngBuilder) spb(wire uint32, data []byte) *ngBuilder {
	body := w.order.AppendUint32(nil, wire)
	return w.block(blockSPB, append(body, data...))
}

// frame is what a reader returned for one frame, copied.
type frame struct {
	data []byte
	info Info
}

// readAll reads src to the end, returning the frames and the error that
// ended them (nil at a clean end). It checks that the source stays at
// io.EOF afterwards.
func readAll(t testing.TB, src Source) ([]frame, error) {
	t.Helper()
	var out []frame
	for {
		data, info, err := src.Next()
		if err != nil {
			if _, _, again := src.Next(); again != io.EOF {
				t.Fatalf("Next after %v returned %v, want io.EOF", err, again)
			}
			if err == io.EOF {
				err = nil
			}
			return out, err
		}
		if len(data) != info.CapLen {
			t.Fatalf("frame %d: %d bytes, Info.CapLen %d", len(out)+1, len(data), info.CapLen)
		}
		out = append(out, frame{bytes.Clone(data), info})
	}
}

// readBytes opens b in memory and reads it to the end.
func readBytes(t testing.TB, b []byte) ([]frame, error) {
	t.Helper()
	src, err := OpenReader("test", bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	defer src.Close()
	return readAll(t, src)
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

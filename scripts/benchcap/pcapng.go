package main

import (
	"encoding/binary"
	"io"
)

// pcapng block types and option codes this writer emits.
const (
	ngSectionHeader        = 0x0a0d0d0a
	ngInterfaceDescription = 0x00000001
	ngEnhancedPacket       = 0x00000006
	ngByteOrderMagic       = 0x1a2b3c4d
	ngOptTSResol           = 9 // if_tsresol
)

// ngWriter writes a minimal little-endian pcapng file: one section,
// interface descriptions with nanosecond timestamps, enhanced packet blocks.
// The first write error sticks and turns later writes into no-ops.
type ngWriter struct {
	w   io.Writer
	n   int64 // bytes written
	err error
	buf [32]byte
}

var le = binary.LittleEndian

func (w *ngWriter) write(b []byte) {
	if w.err != nil {
		return
	}
	m, err := w.w.Write(b)
	w.n += int64(m)
	w.err = err
}

// sectionHeader starts the section: version 1.0, section length unknown
// (-1), no options.
func (w *ngWriter) sectionHeader() {
	b := w.buf[:28]
	le.PutUint32(b[0:], ngSectionHeader)
	le.PutUint32(b[4:], 28)
	le.PutUint32(b[8:], ngByteOrderMagic)
	le.PutUint16(b[12:], 1)
	le.PutUint16(b[14:], 0)
	le.PutUint64(b[16:], ^uint64(0))
	le.PutUint32(b[24:], 28)
	w.write(b)
}

// interfaceDescription describes the next interface: its link type, no
// snapshot limit, and if_tsresol 10^-9 so that packet timestamps are
// nanoseconds, the resolution the capture reader keeps.
func (w *ngWriter) interfaceDescription(link uint16) {
	const n = 32 // 16 fixed + if_tsresol option (4 + 1 padded to 4) + end of options (4) + trailer (4)
	b := w.buf[:n]
	clear(b)
	le.PutUint32(b[0:], ngInterfaceDescription)
	le.PutUint32(b[4:], n)
	le.PutUint16(b[8:], link)
	le.PutUint32(b[12:], 0) // snaplen: none
	le.PutUint16(b[16:], ngOptTSResol)
	le.PutUint16(b[18:], 1)
	b[20] = 9
	// b[24:28] is opt_endofopt, zero.
	le.PutUint32(b[28:], n)
	w.write(b)
}

// enhancedPacket writes one frame captured on interface iface at ts
// (nanoseconds since the epoch).
func (w *ngWriter) enhancedPacket(iface uint32, ts int64, data []byte, wireLen int) {
	padded := (len(data) + 3) &^ 3
	n := uint32(32 + padded)
	h := w.buf[:28]
	le.PutUint32(h[0:], ngEnhancedPacket)
	le.PutUint32(h[4:], n)
	le.PutUint32(h[8:], iface)
	le.PutUint32(h[12:], uint32(uint64(ts)>>32))
	le.PutUint32(h[16:], uint32(ts))
	le.PutUint32(h[20:], uint32(len(data)))
	le.PutUint32(h[24:], uint32(wireLen))
	w.write(h)
	w.write(data)
	var tail [8]byte // up to three bytes of padding, then the trailing length
	pad := padded - len(data)
	le.PutUint32(tail[pad:], n)
	w.write(tail[:pad+4])
}

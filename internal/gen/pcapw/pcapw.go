// Package pcapw writes capture files: classic pcap with nanosecond
// timestamps and pcapng with one Ethernet interface of nanosecond
// resolution. Output depends only on the frames written (no host name,
// operating system or clock of the machine), so a generator's runs are
// byte-for-byte reproducible.
package pcapw

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strings"
)

// Writer writes frames to a capture file.
type Writer interface {
	// WriteFrame writes one Ethernet frame captured at ts (ns since the
	// Unix epoch) whole.
	WriteFrame(ts int64, frame []byte) error
	// Flush writes buffered data out.
	Flush() error
}

const (
	linkEthernet = 1
	snapLen      = 65535
)

// New returns a pcapng writer when name ends in .pcapng, else a pcap writer.
func New(w io.Writer, name string) (Writer, error) {
	if strings.HasSuffix(strings.ToLower(name), ".pcapng") {
		return NewPcapng(w)
	}
	return NewPcap(w)
}

// Pcap writes classic pcap files (magic a1b23c4d: nanosecond timestamps).
type Pcap struct {
	w   *bufio.Writer
	hdr [16]byte
}

// NewPcap writes the file header and returns the writer.
func NewPcap(w io.Writer) (*Pcap, error) {
	p := &Pcap{w: bufio.NewWriterSize(w, 1<<20)}
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b23c4d)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], snapLen)
	binary.LittleEndian.PutUint32(h[20:], linkEthernet)
	if _, err := p.w.Write(h[:]); err != nil {
		return nil, fmt.Errorf("pcap header: %w", err)
	}
	return p, nil
}

// WriteFrame implements Writer.
func (p *Pcap) WriteFrame(ts int64, frame []byte) error {
	binary.LittleEndian.PutUint32(p.hdr[0:], uint32(ts/1e9))
	binary.LittleEndian.PutUint32(p.hdr[4:], uint32(ts%1e9))
	binary.LittleEndian.PutUint32(p.hdr[8:], uint32(len(frame)))
	binary.LittleEndian.PutUint32(p.hdr[12:], uint32(len(frame)))
	if _, err := p.w.Write(p.hdr[:]); err != nil {
		return err
	}
	_, err := p.w.Write(frame)
	return err
}

// Flush implements Writer.
func (p *Pcap) Flush() error { return p.w.Flush() }

// Pcapng writes pcapng files: a section header, one interface description
// (Ethernet, if_tsresol 9) and an enhanced packet block per frame.
type Pcapng struct {
	w   *bufio.Writer
	hdr [28]byte
}

// NewPcapng writes the section header and interface description.
func NewPcapng(w io.Writer) (*Pcapng, error) {
	p := &Pcapng{w: bufio.NewWriterSize(w, 1<<20)}
	shb := make([]byte, 28)
	binary.LittleEndian.PutUint32(shb[0:], 0x0a0d0d0a)
	binary.LittleEndian.PutUint32(shb[4:], 28)
	binary.LittleEndian.PutUint32(shb[8:], 0x1a2b3c4d)
	binary.LittleEndian.PutUint16(shb[12:], 1)
	binary.LittleEndian.PutUint64(shb[16:], ^uint64(0)) // section length unknown
	binary.LittleEndian.PutUint32(shb[24:], 28)
	idb := make([]byte, 32)
	binary.LittleEndian.PutUint32(idb[0:], 1)
	binary.LittleEndian.PutUint32(idb[4:], 32)
	binary.LittleEndian.PutUint16(idb[8:], linkEthernet)
	binary.LittleEndian.PutUint32(idb[12:], snapLen)
	// if_tsresol = 9 (10^-9 s), then opt_endofopt.
	binary.LittleEndian.PutUint16(idb[16:], 9)
	binary.LittleEndian.PutUint16(idb[18:], 1)
	idb[20] = 9
	binary.LittleEndian.PutUint32(idb[28:], 32)
	if _, err := p.w.Write(shb); err != nil {
		return nil, fmt.Errorf("pcapng header: %w", err)
	}
	if _, err := p.w.Write(idb); err != nil {
		return nil, fmt.Errorf("pcapng header: %w", err)
	}
	return p, nil
}

// WriteFrame implements Writer.
func (p *Pcapng) WriteFrame(ts int64, frame []byte) error {
	pad := (4 - len(frame)%4) % 4
	total := 32 + len(frame) + pad
	h := p.hdr[:]
	binary.LittleEndian.PutUint32(h[0:], 6)
	binary.LittleEndian.PutUint32(h[4:], uint32(total))
	binary.LittleEndian.PutUint32(h[8:], 0)
	binary.LittleEndian.PutUint32(h[12:], uint32(uint64(ts)>>32))
	binary.LittleEndian.PutUint32(h[16:], uint32(ts))
	binary.LittleEndian.PutUint32(h[20:], uint32(len(frame)))
	binary.LittleEndian.PutUint32(h[24:], uint32(len(frame)))
	if _, err := p.w.Write(h); err != nil {
		return err
	}
	if _, err := p.w.Write(frame); err != nil {
		return err
	}
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[pad:], uint32(total))
	_, err := p.w.Write(tail[:pad+4])
	return err
}

// Flush implements Writer.
func (p *Pcapng) Flush() error { return p.w.Flush() }

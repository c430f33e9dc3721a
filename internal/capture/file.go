package capture

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// OpenFile opens a pcap or pcapng capture file. The format is recognised by
// the file's magic number, never by its name: captures are often renamed.
//
// A file source has a single interface, labelled with the file's name, and
// every frame has Info.Iface 0, even when a pcapng file describes several
// capture interfaces: the file is one input to the sensor, and a frame's
// link type, what differs between interfaces, travels in Info.Link.
func OpenFile(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("capture: %w", err)
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	src, err := open(path, f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	src.base().closer = f
	return src, nil
}

// OpenReader reads a pcap or pcapng capture from r, for example standard
// input; name labels the source in errors and statistics. Closing the
// source does not close r.
func OpenReader(name string, r io.Reader) (Source, error) {
	size := int64(-1)
	// In-memory readers know their length; a small input then gets a
	// small buffer.
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	return open(name, r, size)
}

// fileReader is a Source reading a capture file.
type fileReader interface {
	Source
	base() *fileSource
}

// open recognises the format from the first four bytes.
func open(name string, r io.Reader, size int64) (fileReader, error) {
	in := newInput(name, r, size)
	m, err := in.peek(4)
	switch err {
	case nil:
	case io.EOF:
		return nil, fmt.Errorf("capture: %s: empty file: %w", name, ErrNotCapture)
	case io.ErrUnexpectedEOF:
		return nil, fmt.Errorf("capture: %s: %w (only %d bytes)", name, ErrNotCapture, in.end-in.pos)
	default:
		return nil, fmt.Errorf("capture: %s: %w", name, err)
	}
	switch magic := binary.LittleEndian.Uint32(m); magic {
	case blockSHB:
		return openPcapng(in)
	case magicMicro, magicNano, magicModified,
		swap32(magicMicro), swap32(magicNano), swap32(magicModified):
		return openPcap(in, magic)
	}
	magic := binary.BigEndian.Uint32(m)
	if c := compressedBy(magic); c != "" {
		return nil, fmt.Errorf("capture: %s: %w (magic 0x%08x: %s-compressed; decompress it first)", name, ErrNotCapture, magic, c)
	}
	return nil, fmt.Errorf("capture: %s: %w (magic 0x%08x)", name, ErrNotCapture, magic)
}

// compressedBy names the compressor whose magic number starts a file, the
// usual reason a capture does not open.
func compressedBy(magic uint32) string {
	switch {
	case magic>>16 == 0x1f8b:
		return "gzip"
	case magic == 0x28b52ffd:
		return "zstd"
	case magic == 0xfd377a58:
		return "xz"
	case magic>>8 == 0x425a68:
		return "bzip2"
	case magic == 0x04224d18:
		return "lz4"
	}
	return ""
}

// fileSource is the state the pcap and pcapng readers share.
type fileSource struct {
	in     *input
	closer io.Closer     // the file OpenFile opened, nil for OpenReader
	frames atomic.Uint64 // read by Stats, possibly from another goroutine
	done   bool          // after io.EOF or damage, Next returns io.EOF
	closed atomic.Bool   // set by Close, possibly from another goroutine

	closeOnce sync.Once
	closeErr  error
}

func (f *fileSource) base() *fileSource { return f }

// ended reports whether Next must return io.EOF.
func (f *fileSource) ended() bool { return f.done || f.closed.Load() }

// damage ends the source with a FileError at offset off.
func (f *fileSource) damage(off int64, reason string, err error) error {
	f.done = true
	return &FileError{Name: f.in.name, Offset: off, Reason: reason, Err: err}
}

// cutShort ends the source because the input ended, or failed, in the
// middle of what (a record, a block).
func (f *fileSource) cutShort(off int64, what string, err error) error {
	if err == io.ErrUnexpectedEOF {
		return f.damage(off, "truncated "+what, err)
	}
	return f.damage(off, "reading "+what, err)
}

// Stats reports the frames read so far as a single interface named after the
// file. Files record no kernel drops.
func (f *fileSource) Stats() []IfaceStats {
	return []IfaceStats{{Label: f.in.name, Packets: f.frames.Load()}}
}

// Close releases the file; Next returns io.EOF from then on.
func (f *fileSource) Close() error {
	f.closed.Store(true)
	f.closeOnce.Do(func() {
		if f.closer == nil {
			return
		}
		if err := f.closer.Close(); err != nil {
			f.closeErr = fmt.Errorf("capture: close %s: %w", f.in.name, err)
		}
	})
	return f.closeErr
}

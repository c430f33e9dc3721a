package capture

import (
	"errors"
	"io"
)

// Buffer sizes for reading capture files. Frames are handed out as slices of
// the buffer, so it must hold the largest block the formats allow us to keep
// (it grows, rarely, when one does not fit).
const (
	defaultBufSize = 1 << 20
	minBufSize     = 4 << 10
)

// input reads a capture through one large buffer and hands out slices of it,
// so no frame is ever copied or allocated. A slice stays valid until the next
// call to peek or skip, which may move unread bytes to the front.
type input struct {
	name     string
	r        io.Reader
	buf      []byte
	pos, end int   // unread bytes are buf[pos:end]
	off      int64 // offset in the file of buf[pos]
	err      error // sticky error from r (io.EOF at the end)
}

// newInput sizes the buffer for a reader whose total length is sizeHint
// (negative when unknown): no bigger than the file, no bigger than 1 MiB.
func newInput(name string, r io.Reader, sizeHint int64) *input {
	n := defaultBufSize
	if sizeHint >= 0 && sizeHint < int64(n) {
		n = max(int(sizeHint), minBufSize)
	}
	return &input{name: name, r: r, buf: make([]byte, n)}
}

// peek returns the next n bytes without consuming them. When the input ends
// first it returns io.EOF if no byte was left and io.ErrUnexpectedEOF if some
// were; read errors pass through.
func (in *input) peek(n int) ([]byte, error) {
	if in.end-in.pos < n {
		if err := in.fill(n); err != nil {
			return nil, err
		}
	}
	return in.buf[in.pos : in.pos+n], nil
}

// discard consumes n bytes that a previous peek returned.
func (in *input) discard(n int) {
	in.pos += n
	in.off += int64(n)
}

// skip consumes n bytes that need not be held in memory at once.
func (in *input) skip(n int64) error {
	for {
		avail := int64(in.end - in.pos)
		if n <= avail {
			in.discard(int(n))
			return nil
		}
		in.off += avail
		n -= avail
		in.pos, in.end = 0, 0
		if err := in.fill(1); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return err
		}
	}
}

// errNoProgress stops a reader that keeps returning neither data nor error.
var errNoProgress = errors.New("reader returned no data and no error 100 times")

// fill makes at least n unread bytes available, reading as much as the buffer
// holds so that most calls to peek are served without a read.
func (in *input) fill(n int) error {
	if len(in.buf)-in.pos < n {
		// Move the unread tail to the front; this is what invalidates
		// slices handed out earlier.
		in.end = copy(in.buf, in.buf[in.pos:in.end])
		in.pos = 0
	}
	empty := 0
	for in.end-in.pos < n && in.err == nil {
		if in.end == len(in.buf) {
			// Grow by doubling as data actually arrives, so that a
			// block length claimed by a short or hostile input never
			// allocates more than twice the input's size.
			grown := make([]byte, min(2*len(in.buf), n))
			copy(grown, in.buf[:in.end])
			in.buf = grown
		}
		m, err := in.r.Read(in.buf[in.end:])
		in.end += m
		switch {
		case err != nil:
			in.err = err
		case m == 0:
			if empty++; empty == 100 {
				in.err = errNoProgress
			}
		}
	}
	avail := in.end - in.pos
	switch {
	case avail >= n:
		return nil
	case in.err != io.EOF:
		return in.err
	case avail == 0:
		return io.EOF
	}
	return io.ErrUnexpectedEOF
}

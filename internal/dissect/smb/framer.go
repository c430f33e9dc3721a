package smb

import "encoding/binary"

// maxPrefix bounds the bytes of one NBSS message kept for parsing: the
// headers and the session setup and tree connect bodies fit; the rest of a
// large message (READ and WRITE data) is skipped without being buffered.
const maxPrefix = 16 << 10

// maxPDU is the largest NBSS message accepted (MS-SMB2 allows 24-bit
// lengths; larger is out of step).
const maxPDU = 1 << 24

// framer cuts one direction's byte stream into NBSS messages and hands on
// each message's first maxPrefix bytes.
type framer struct {
	hdr    [4]byte
	nhdr   int
	buf    []byte // a prefix that spans segments
	want   int    // prefix bytes of the current message
	whole  int    // its full length
	skip   int    // bytes of the current message after the prefix
	inPDU  bool
	resync bool // out of step: waiting for a segment that starts a message
}

// feed calls emit for every message's prefix, with the message's NBSS type
// and full length. When the stream cannot be framed (an unknown NBSS type)
// the framer waits for a segment that starts a message.
func (f *framer) feed(data []byte, emit func(typ byte, msg []byte, whole int)) {
	if f.resync {
		if !startsMessage(data) {
			return
		}
		*f = framer{buf: f.buf[:0]}
	}
	for len(data) > 0 {
		if f.skip > 0 {
			n := min(f.skip, len(data))
			f.skip -= n
			data = data[n:]
			continue
		}
		if !f.inPDU {
			n := copy(f.hdr[f.nhdr:], data)
			f.nhdr += n
			data = data[n:]
			if f.nhdr < 4 {
				return
			}
			f.nhdr = 0
			l := nbssLen(f.hdr[:])
			switch f.hdr[0] {
			case nbssMessage, nbssRequest, nbssPositive, nbssNegative, nbssRetarget, nbssKeepalive:
			default:
				f.lost()
				return
			}
			if f.hdr[0] != nbssMessage && l > 1024 {
				f.lost() // session control packets are small
				return
			}
			f.whole, f.want, f.inPDU = l, min(l, maxPrefix), true
			f.buf = f.buf[:0]
		}
		if f.want == 0 || (len(f.buf) == 0 && len(data) >= f.want) {
			n := f.want
			msg := data[:n]
			data = data[n:]
			f.done(emit, msg)
			continue
		}
		n := min(f.want-len(f.buf), len(data))
		f.buf = append(f.buf, data[:n]...)
		data = data[n:]
		if len(f.buf) == f.want {
			f.done(emit, f.buf)
		}
	}
}

func (f *framer) done(emit func(byte, []byte, int), msg []byte) {
	f.inPDU = false
	f.skip = f.whole - f.want
	emit(f.hdr[0], msg, f.whole)
	f.buf = f.buf[:0]
}

// lost puts the framer out of step.
func (f *framer) lost() {
	*f = framer{buf: f.buf[:0], resync: true}
}

// gap accounts for n lost bytes: inside skipped data they are harmless;
// anywhere else the framer is out of step.
func (f *framer) gap(n int) {
	if f.resync {
		return
	}
	if f.skip >= n && !f.inPDU {
		f.skip -= n
		return
	}
	f.lost()
}

// startsMessage reports whether a segment starts with an NBSS message
// holding an SMB header.
func startsMessage(p []byte) bool {
	return len(p) >= 8 && p[0] == nbssMessage && knownSignature(binary.BigEndian.Uint32(p[4:]))
}

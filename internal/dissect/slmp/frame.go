package slmp

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Frame layouts (SH-080956ENG, "Message format"; SH-080008, "3E frame" and
// "4E frame"). Binary frames carry little-endian numbers; ASCII frames carry
// the same fields as upper-case hex digits, most significant first.
//
//	binary 3E request   5000 net pc io(2) st len(2) timer(2) cmd(2) sub(2) data
//	binary 3E response  D000 net pc io(2) st len(2) end(2) data
//	binary 4E request   5400 serial(2) 0000 net pc io(2) st len(2) timer cmd sub data
//	binary 4E response  D400 serial(2) 0000 net pc io(2) st len(2) end data
//
// len counts the bytes after itself (in ASCII frames: characters).
type frame struct {
	ascii, fourE, resp bool
	serial             uint16
	io                 uint16
	total              int    // frame length in bytes
	cmd, sub, end      uint16 // cmd/sub for requests, end code for responses
	data               []byte // request data after the subcommand, response data after the end code
}

// layout gives the offsets of a frame kind.
type layout struct {
	lenOff, hdrLen, ioOff, serialOff int
	numLen                           int // bytes per 16-bit field: 2 binary, 4 ASCII
}

var (
	bin3E   = layout{lenOff: 7, hdrLen: 9, ioOff: 4, serialOff: -1, numLen: 2}
	bin4E   = layout{lenOff: 11, hdrLen: 13, ioOff: 8, serialOff: 2, numLen: 2}
	ascii3E = layout{lenOff: 14, hdrLen: 18, ioOff: 8, serialOff: -1, numLen: 4}
	ascii4E = layout{lenOff: 22, hdrLen: 26, ioOff: 16, serialOff: 4, numLen: 4}
)

// kind classifies the subheader: the layout, whether it is ASCII, 4E and a
// response. ok is false for anything else.
func kind(b []byte) (l *layout, ascii, fourE, resp, ok bool) {
	if len(b) < 2 {
		return nil, false, false, false, false
	}
	switch binary.BigEndian.Uint16(b) {
	case 0x5000:
		return &bin3E, false, false, false, true
	case 0xD000:
		return &bin3E, false, false, true, true
	case 0x5400:
		return &bin4E, false, true, false, true
	case 0xD400:
		return &bin4E, false, true, true, true
	}
	if len(b) < 4 || b[2] != '0' || b[3] != '0' {
		return nil, false, false, false, false
	}
	switch string(b[:2]) {
	case "50":
		return &ascii3E, true, false, false, true
	case "D0":
		return &ascii3E, true, false, true, true
	case "54":
		return &ascii4E, true, true, false, true
	case "D4":
		return &ascii4E, true, true, true, true
	}
	return nil, false, false, false, false
}

// num reads a 16-bit field: little-endian binary or four hex digits.
func num(b []byte, ascii bool) (uint16, bool) {
	if !ascii {
		if len(b) < 2 {
			return 0, false
		}
		return binary.LittleEndian.Uint16(b), true
	}
	if len(b) < 4 {
		return 0, false
	}
	var v uint16
	for _, c := range b[:4] {
		d, ok := hexDigit(c)
		if !ok {
			return 0, false
		}
		v = v<<4 | uint16(d)
	}
	return v, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// pduLength is the dissect.PDULength of SLMP: the length of the frame at the
// start of b, 0 when more bytes are needed, -1 when b does not start a frame.
func pduLength(b []byte) int {
	l, ascii, _, resp, ok := kind(b)
	if !ok {
		if len(b) < 4 && (len(b) < 2 || b[0] == '5' || b[0] == 'D') {
			return 0 // an ASCII subheader may still be arriving
		}
		return -1
	}
	if len(b) < l.hdrLen {
		return 0
	}
	n, ok := num(b[l.lenOff:], ascii)
	if !ok {
		return -1
	}
	// A request holds at least timer, command and subcommand; a response
	// at least the end code.
	min := 3 * l.numLen
	if resp {
		min = l.numLen
	}
	if int(n) < min {
		return -1
	}
	return l.hdrLen + int(n)
}

// parseFrame decodes the frame that fills b (as cut by pduLength).
func parseFrame(b []byte) (f frame, ok bool) {
	l, ascii, fourE, resp, ok := kind(b)
	if !ok || len(b) < l.hdrLen {
		return f, false
	}
	f = frame{ascii: ascii, fourE: fourE, resp: resp, total: len(b)}
	if f.io, ok = num(b[l.ioOff:], ascii); !ok {
		return f, false
	}
	if fourE {
		if f.serial, ok = num(b[l.serialOff:], ascii); !ok {
			return f, false
		}
	}
	p := b[l.hdrLen:]
	if resp {
		if f.end, ok = num(p, ascii); !ok {
			return f, false
		}
		f.data = p[l.numLen:]
		return f, true
	}
	// Skip the monitoring timer.
	if f.cmd, ok = num(p[l.numLen:], ascii); !ok {
		return f, false
	}
	if f.sub, ok = num(p[2*l.numLen:], ascii); !ok {
		return f, false
	}
	f.data = p[3*l.numLen:]
	return f, true
}

// plausibleIO reports whether a request destination module I/O number is
// one the manual defines: the own station's CPU (03FF), a CPU of a
// multiple-CPU system (03D0–03D3 control/standby/system A/B, 03E0–03E3
// CPU 1–4), or a multidrop station / intelligent module start I/O (0000–01FF).
func plausibleIO(io uint16) bool {
	return io == 0x03FF || (io >= 0x03D0 && io <= 0x03D3) || (io >= 0x03E0 && io <= 0x03E3) || io < 0x0200
}

// detect recognises an SLMP frame at the start of a flow's first payload:
// a complete frame with a plausible module I/O and, for requests, a command
// from the manual.
func detect(_ dissect.Dir, p []byte) bool {
	n := pduLength(p)
	if n <= 0 || n > len(p) {
		return false
	}
	f, ok := parseFrame(p[:n])
	if !ok || !plausibleIO(f.io) {
		return false
	}
	if f.resp {
		// Normal completion, or an error code from the manual's ranges
		// (CPU 4000–4FFF, module C000–CFFF and above).
		return f.end == 0 || f.end >= 0x4000
	}
	_, known := commands[f.cmd]
	return known
}

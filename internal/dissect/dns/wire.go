package dns

import (
	"encoding/binary"
	"net/netip"
)

// headerLen is the fixed DNS header: id, flags and four section counts.
const headerLen = 12

// header is a decoded DNS message header.
type header struct {
	id, flags      uint16
	qd, an, ns, ar uint16
}

func parseHeader(b []byte) (h header, ok bool) {
	if len(b) < headerLen {
		return h, false
	}
	return header{
		id: binary.BigEndian.Uint16(b), flags: binary.BigEndian.Uint16(b[2:]),
		qd: binary.BigEndian.Uint16(b[4:]), an: binary.BigEndian.Uint16(b[6:]),
		ns: binary.BigEndian.Uint16(b[8:]), ar: binary.BigEndian.Uint16(b[10:]),
	}, true
}

func (h header) response() bool { return h.flags&0x8000 != 0 }
func (h header) opcode() uint8  { return uint8(h.flags>>11) & 0xf }
func (h header) rcode() uint8   { return uint8(h.flags) & 0xf }
func (h header) aa() bool       { return h.flags&0x0400 != 0 }
func (h header) tc() bool       { return h.flags&0x0200 != 0 }
func (h header) rd() bool       { return h.flags&0x0100 != 0 }
func (h header) ra() bool       { return h.flags&0x0080 != 0 }

// z is the reserved bit plus, in DNSSEC-aware traffic, the AD and CD bits
// (Zeek's Z field keeps all three).
func (h header) z() uint8 { return uint8(h.flags>>4) & 0x7 }

// nbnsBroadcast is the NetBIOS B flag: the packet was broadcast.
func (h header) nbnsBroadcast() bool { return h.flags&0x0010 != 0 }

// Limits on what one message may make us do.
const (
	maxName     = 255 // text form of a name is cut here
	maxPointers = 16  // compression pointers followed per name
	maxAnswers  = 16  // answers kept in a record
	maxRRs      = 64  // resource records walked per message
)

// nameReader reads domain names into a reusable buffer.
type nameReader struct {
	buf [maxName + 4]byte
	n   int
}

func (r *nameReader) put(c byte) {
	if r.n < maxName {
		r.buf[r.n] = c
		r.n++
	}
}

// putLabelByte writes one label byte, escaping what would be ambiguous or
// unprintable in the dotted text form as \DDD (as dig and Zeek do).
func (r *nameReader) putLabelByte(c byte) {
	switch {
	case c == '.' || c == '\\':
		r.put('\\')
		r.put(c)
	case c < 0x21 || c > 0x7e:
		r.put('\\')
		r.put('0' + c/100)
		r.put('0' + c/10%10)
		r.put('0' + c%10)
	default:
		r.put(c)
	}
}

// read decodes the name at off in msg, following compression pointers. It
// returns the dotted text (valid until the next read), the offset after the
// name where it started, and false when the name is malformed.
func (r *nameReader) read(msg []byte, off int) (name []byte, next int, ok bool) {
	r.n = 0
	next = -1
	jumps := 0
	for {
		if off >= len(msg) {
			return nil, 0, false
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if next < 0 {
				next = off + 1
			}
			return r.buf[:r.n], next, true
		case l&0xc0 == 0xc0:
			if off+1 >= len(msg) || jumps >= maxPointers {
				return nil, 0, false
			}
			if next < 0 {
				next = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
			jumps++
		case l&0xc0 != 0:
			return nil, 0, false // extended label types are obsolete
		default:
			if off+1+l > len(msg) {
				return nil, 0, false
			}
			if r.n > 0 {
				r.put('.')
			}
			for _, c := range msg[off+1 : off+1+l] {
				r.putLabelByte(c)
			}
			off += 1 + l
		}
	}
}

// question is the first question of a message.
type question struct {
	name         string
	qtype, class uint16
}

// rr is one resource record; rdata aliases the message.
type rr struct {
	name       []byte // valid until the next name read
	typ, class uint16
	ttl        uint32
	rdata      []byte
	rdataOff   int
}

// readRR decodes the resource record at off.
func (r *nameReader) readRR(msg []byte, off int) (x rr, next int, ok bool) {
	x.name, off, ok = r.read(msg, off)
	if !ok || off+10 > len(msg) {
		return x, 0, false
	}
	x.typ = binary.BigEndian.Uint16(msg[off:])
	x.class = binary.BigEndian.Uint16(msg[off+2:])
	x.ttl = binary.BigEndian.Uint32(msg[off+4:])
	n := int(binary.BigEndian.Uint16(msg[off+8:]))
	off += 10
	if off+n > len(msg) {
		return x, 0, false
	}
	x.rdata, x.rdataOff = msg[off:off+n], off
	return x, off + n, true
}

// addrOf returns the address of an A or AAAA record.
func addrOf(x *rr) (netip.Addr, bool) {
	switch {
	case x.typ == typeA && len(x.rdata) == 4:
		return netip.AddrFrom4([4]byte(x.rdata)), true
	case x.typ == typeAAAA && len(x.rdata) == 16:
		return netip.AddrFrom16([16]byte(x.rdata)), true
	}
	return netip.Addr{}, false
}

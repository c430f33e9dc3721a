package enip

import "encoding/binary"

// cipMsg is what one CIP message-router request or response says.
type cipMsg struct {
	svc      uint8 // service without the response bit
	resp     bool
	status   uint8 // general status (responses)
	class    uint16
	inst     uint32
	hasClass bool
	hasInst  bool
	tag      []byte // first ANSI symbolic segment of the path (Logix tag)
	data     []byte // request or response data after the header
	// route is the first hop of the route path of the Unconnected_Send
	// that carried the request: port<<8 | link address, with routed set.
	route  uint16
	routed bool
}

// parseCIP reads a message-router request (service, path) or response
// (service|0x80, reserved, general status, additional status). It reports
// false when b is too short for the header it announces.
func parseCIP(b []byte) (m cipMsg, ok bool) {
	if len(b) < 2 {
		return m, false
	}
	m.svc = b[0] & 0x7f
	m.resp = b[0]&0x80 != 0
	if m.resp {
		if len(b) < 4 {
			return m, false
		}
		m.status = b[2]
		n := 4 + 2*int(b[3])
		if n > len(b) {
			return m, false
		}
		m.data = b[n:]
		return m, true
	}
	n := 2 + 2*int(b[1])
	if n > len(b) {
		return m, false
	}
	m.parsePath(b[2:n])
	m.data = b[n:]
	return m, true
}

// parsePath takes the class, instance and first symbolic segment of an
// EPATH (CIP Vol. 1, appendix C). It stops at the first segment it does not
// know: those carry nothing this dissector reports.
func (m *cipMsg) parsePath(p []byte) {
	for len(p) > 0 {
		seg := p[0]
		switch {
		case seg&0xe0 == 0x20: // logical segment
			var v uint32
			var n int
			switch seg & 0x03 {
			case 0:
				if len(p) < 2 {
					return
				}
				v, n = uint32(p[1]), 2
			case 1:
				if len(p) < 4 {
					return
				}
				v, n = uint32(binary.LittleEndian.Uint16(p[2:])), 4
			case 2:
				if len(p) < 6 {
					return
				}
				v, n = binary.LittleEndian.Uint32(p[2:]), 6
			default:
				return
			}
			switch (seg >> 2) & 0x07 {
			case 0:
				if !m.hasClass {
					m.class, m.hasClass = uint16(v), true
				}
			case 1:
				if !m.hasInst {
					m.inst, m.hasInst = v, true
				}
			}
			p = p[n:]
		case seg == 0x91: // ANSI extended symbolic segment
			if len(p) < 2 || len(p) < 2+int(p[1]) {
				return
			}
			l := int(p[1])
			if m.tag == nil {
				m.tag = p[2 : 2+l]
			}
			p = p[2+l+l&1:]
		case seg&0xe0 == 0x00: // port segment
			n := 2
			if seg&0x10 != 0 {
				if len(p) < 2 {
					return
				}
				n = 2 + int(p[1])
				n += n & 1
			}
			if seg&0x0f == 0x0f {
				n += 2
			}
			if n > len(p) {
				return
			}
			p = p[n:]
		default:
			return
		}
	}
}

// unconnectedSend returns the embedded request of an Unconnected_Send
// request's data (CIP Vol. 1, 3-5.6.2): priority/tick, timeout ticks, size,
// message, a pad byte when the size is odd, route path size in words, a
// reserved byte, route path. It also returns the first hop of the route
// when that is a port segment with a one-byte link address (port 1 link 2:
// slot 2 of a ControlLogix backplane).
func unconnectedSend(data []byte) (msg []byte, route uint16, routed, ok bool) {
	if len(data) < 4 {
		return nil, 0, false, false
	}
	n := int(binary.LittleEndian.Uint16(data[2:]))
	if 4+n > len(data) {
		return nil, 0, false, false
	}
	msg = data[4 : 4+n]
	rest := data[4+n+n&1:]
	if len(rest) >= 4 && rest[2]&0xe0 == 0 && rest[2]&0x10 == 0 && rest[2]&0x0f != 0x0f {
		route, routed = uint16(rest[2]&0x0f)<<8|uint16(rest[3]), true
	}
	return msg, route, routed, true
}

// multipleServices calls f with each embedded message of a
// Multiple_Service_Packet request or response data: count, offsets from the
// count field, messages. It stops at the first bad offset.
func multipleServices(data []byte, f func(b []byte)) {
	if len(data) < 2 {
		return
	}
	count := int(binary.LittleEndian.Uint16(data))
	if 2+2*count > len(data) {
		return
	}
	for i := range count {
		start := int(binary.LittleEndian.Uint16(data[2+2*i:]))
		end := len(data)
		if i+1 < count {
			end = int(binary.LittleEndian.Uint16(data[4+2*i:]))
		}
		if start < 2+2*count || start > end || end > len(data) {
			return
		}
		f(data[start:end])
	}
}

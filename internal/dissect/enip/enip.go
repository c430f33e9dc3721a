// Package enip dissects EtherNet/IP: the encapsulation protocol on TCP and
// UDP 44818 with the CIP explicit messages it carries (SendRRData,
// SendUnitData), and class-0/1 implicit I/O on UDP 2222.
//
// One message is one encapsulation message (several may share a TCP segment,
// one may span segments) or one I/O datagram. Codes:
//
//	"63"     encapsulation command in hex (ListIdentity)
//	"6f/54"  command/CIP service in hex (SendRRData carrying Forward_Open);
//	         the service is the one the target executes: an
//	         Unconnected_Send request is reported as the request it carries
//	         (its reply comes back as that service's reply), a
//	         Multiple_Service_Packet as 0a with its embedded services in
//	         Detail
//	"io"     one class-0/1 I/O datagram (CPF with a sequenced address item)
//	"malformed"  a UDP datagram shorter than the encapsulation it announces
//
// Detail is the request path, "class=0x01 inst=1" or "tag=Name" (Logix
// symbolic path), with " route=1/2" (port/link of the first hop) when the
// request came through Unconnected_Send; replies repeat their request's.
// A Multiple_Service_Packet lists its distinct embedded services instead:
// "svc=4c,4d".
//
// Error marks an encapsulation status other than success, a CIP general
// status other than success, and undecodable CPF or CIP content (Detail
// "malformed").
package enip

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is the EtherNet/IP dissector.
var Spec = &dissect.Spec{
	Name:     dissect.NameENIP,
	TCPPorts: []uint16{44818},
	UDPPorts: []uint16{44818, 2222},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return &Parser{} },
}

const headerLen = 24

// CPF item types (CIP Vol. 2, 2-6).
const (
	itemNull          = 0x0000
	itemIdentity      = 0x000c
	itemConnAddress   = 0x00a1
	itemConnData      = 0x00b1
	itemUnconnData    = 0x00b2
	itemSequencedAddr = 0x8002
)

// Detect recognises an EtherNet/IP payload: one or more whole encapsulation
// messages with a known command, zero options and a plausible status, or a
// class-0/1 I/O datagram. NOP is not accepted on its own: 24 zero bytes would
// look like one.
func Detect(_ dissect.Dir, b []byte) bool {
	if isIO(b) {
		return true
	}
	n := 0
	for len(b) > 0 {
		if len(b) < headerLen {
			return false
		}
		cmd := binary.LittleEndian.Uint16(b)
		l := headerLen + int(binary.LittleEndian.Uint16(b[2:]))
		status := binary.LittleEndian.Uint32(b[8:])
		if cmd > 0xff || cmd == cmdNOP || commandNames[cmd] == "" || l > len(b) ||
			binary.LittleEndian.Uint32(b[20:]) != 0 || (status > 3 && status != 0x64 && status != 0x65 && status != 0x69) {
			return false
		}
		switch cmd {
		case cmdRegister:
			if l != headerLen+4 || binary.LittleEndian.Uint16(b[headerLen:]) != 1 {
				return false
			}
		case cmdSendRRData, cmdSendUnitData:
			if status == 0 && (l < headerLen+8 || binary.LittleEndian.Uint32(b[4:]) == 0 && cmd == cmdSendUnitData) {
				return false
			}
		}
		b = b[l:]
		n++
	}
	return n > 0
}

// isIO reports whether b is a class-0/1 I/O datagram: a CPF whose first item
// is a sequenced address item, whose items fill the datagram exactly.
func isIO(b []byte) bool {
	if len(b) < 2+4+8+4 {
		return false
	}
	count := binary.LittleEndian.Uint16(b)
	if count < 2 || count > 4 ||
		binary.LittleEndian.Uint16(b[2:]) != itemSequencedAddr || binary.LittleEndian.Uint16(b[4:]) != 8 {
		return false
	}
	p := b[2:]
	for range count {
		if len(p) < 4 {
			return false
		}
		l := 4 + int(binary.LittleEndian.Uint16(p[2:]))
		if l > len(p) {
			return false
		}
		p = p[l:]
	}
	return len(p) == 0
}

// pduLength cuts encapsulation messages out of a TCP stream.
func pduLength(b []byte) int {
	if len(b) < headerLen {
		return 0
	}
	if b[1] != 0 { // commands are < 0x100
		return -1
	}
	return headerLen + int(binary.LittleEndian.Uint16(b[2:]))
}

// Parser is the state of one EtherNet/IP connection or flow.
type Parser struct {
	streams [2]dissect.Stream
	msg     dissect.Message
	det     details
	// lastClass and lastDetail remember, per service, the class and Detail
	// of the last request, to name and describe its reply (replies carry
	// no path).
	lastClass  [128]uint16
	lastTag    [128]bool
	lastDetail [128]string
	lastRoute  [128]uint16 // port<<8 | link, 0xffff when not routed
	ctx        *dissect.Context
	emitPDU    func([]byte)
}

// Parse implements dissect.Parser.
func (p *Parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	if ctx.Ep.Transport != dissect.TCP {
		if isIO(data) {
			p.emit(ctx, "io", "io", dissect.Indication, false, "")
			return
		}
		if len(data) < headerLen || headerLen+int(binary.LittleEndian.Uint16(data[2:])) > len(data) {
			p.emit(ctx, "malformed", "malformed", p.dirOf(ctx), true, "")
			return
		}
		p.encap(data[:headerLen+int(binary.LittleEndian.Uint16(data[2:]))])
		return
	}
	if p.emitPDU == nil {
		p.emitPDU = p.encap
	}
	s := &p.streams[ctx.Dir&1]
	s.Max = headerLen + 0xffff // the largest message the length field allows
	s.Feed(data, pduLength, p.emitPDU)
}

// Gap implements dissect.GapParser: the stream resynchronises on the next
// segment that starts a message.
func (p *Parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

func (p *Parser) dirOf(ctx *dissect.Context) dissect.MsgDir {
	if ctx.Dir == dissect.FromOrig {
		return dissect.Request
	}
	return dissect.Response
}

func (p *Parser) emit(ctx *dissect.Context, code, fn string, dir dissect.MsgDir, isErr bool, detail string) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameENIP, Code: code, Function: fn, Dir: dir, Error: isErr, Detail: detail}
	if dir != dissect.Indication {
		m.Swap = (dir == dissect.Request) != (ctx.Dir == dissect.FromOrig)
	}
	ctx.Out.Message(ctx, m)
}

// encap dissects one whole encapsulation message.
func (p *Parser) encap(b []byte) {
	ctx := p.ctx
	cmd := binary.LittleEndian.Uint16(b)
	status := binary.LittleEndian.Uint32(b[8:])
	data := b[headerLen:]
	code, fn := hexCodes[cmd&0xff], commandNames[cmd&0xff]
	if fn == "" {
		fn = "Unknown_Command"
	}
	dir := p.dirOf(ctx)
	switch cmd {
	case cmdListIdentity, cmdListServices, cmdListInterfaces:
		// A request has no data; its reply lists items.
		dir = dissect.Request
		if len(data) > 0 || status != 0 {
			dir = dissect.Response
		}
	case cmdNOP, cmdUnregister:
		dir = dissect.Request
	}
	if status != 0 {
		p.emit(ctx, code, fn, dissect.Response, true, "")
		return
	}
	switch cmd {
	case cmdSendRRData, cmdSendUnitData:
		p.sendData(cmd, code, fn, dir, data)
		return
	case cmdListIdentity:
		if dir == dissect.Response {
			p.listIdentity(data)
		}
	}
	p.emit(ctx, code, fn, dir, false, "")
}

// sendData dissects the CPF of SendRRData/SendUnitData: interface handle,
// timeout, then an address item and a data item carrying CIP.
func (p *Parser) sendData(cmd uint16, code, fn string, dir dissect.MsgDir, data []byte) {
	cip, ok := cpfData(data)
	if !ok {
		p.emit(p.ctx, code, fn, dir, true, "malformed")
		return
	}
	if cip == nil { // no data item: nothing to say beyond the command
		p.emit(p.ctx, code, fn, dir, false, "")
		return
	}
	p.cip(cmd, cip)
}

// cpfData returns the CIP message of the first data item of a
// SendRRData/SendUnitData CPF (nil when there is none), skipping the
// sequence count of a connected data item.
func cpfData(data []byte) ([]byte, bool) {
	if len(data) < 8 {
		return nil, false
	}
	count := int(binary.LittleEndian.Uint16(data[6:]))
	items := data[8:]
	for range count {
		if len(items) < 4 {
			return nil, false
		}
		typ := binary.LittleEndian.Uint16(items)
		l := int(binary.LittleEndian.Uint16(items[2:]))
		if 4+l > len(items) {
			return nil, false
		}
		body := items[4 : 4+l]
		switch typ {
		case itemUnconnData:
			return body, true
		case itemConnData:
			if len(body) < 2 {
				return nil, false
			}
			return body[2:], true
		}
		items = items[4+l:]
	}
	return nil, true
}

// cip reports one CIP message carried by cmd.
func (p *Parser) cip(cmd uint16, b []byte) {
	ctx := p.ctx
	m, ok := parseCIP(b)
	if !ok {
		p.emit(ctx, hexCodes[cmd], commandNames[cmd], p.dirOf(ctx), true, "malformed")
		return
	}
	if m.resp {
		p.cipResponse(cmd, &m)
		return
	}
	if m.svc == svcUnconnectedSend && m.class == classConnManager && m.tag == nil {
		if inner, route, routed, ok := unconnectedSend(m.data); ok {
			if im, ok := parseCIP(inner); ok && !im.resp {
				p.remember(&m, p.det.path(&m))
				m = im
				m.route, m.routed = route, routed
			}
		}
	}
	detail := p.det.path(&m)
	if m.svc == svcMultiple {
		var l serviceList
		multipleServices(m.data, func(e []byte) {
			em, ok := parseCIP(e)
			if !ok || em.resp {
				return
			}
			l.add(em.svc)
			p.remember(&em, p.det.path(&em))
		})
		detail = p.det.services(&l)
	}
	p.remember(&m, detail)
	p.emit(ctx, cipCode(cmd, m.svc), serviceName(m.svc, m.class, m.tag != nil), dissect.Request, false, detail)
}

func (p *Parser) remember(m *cipMsg, detail string) {
	p.lastClass[m.svc] = m.class
	p.lastTag[m.svc] = m.tag != nil
	p.lastDetail[m.svc] = detail
	p.lastRoute[m.svc] = 0xffff
	if m.routed {
		p.lastRoute[m.svc] = m.route
	}
}

func (p *Parser) cipResponse(cmd uint16, m *cipMsg) {
	detail := p.lastDetail[m.svc]
	if m.svc == svcMultiple {
		var l serviceList
		multipleServices(m.data, func(e []byte) {
			if em, ok := parseCIP(e); ok && em.resp {
				l.add(em.svc)
			}
		})
		detail = p.det.services(&l)
	}
	if m.svc == 0x01 && m.status == 0 && p.lastClass[0x01] == classIdentity && !p.lastTag[0x01] {
		p.identityAttributes(m.data, p.lastRoute[0x01])
	}
	p.emit(p.ctx, cipCode(cmd, m.svc), serviceName(m.svc, p.lastClass[m.svc], p.lastTag[m.svc]),
		dissect.Response, m.status != 0, detail)
}

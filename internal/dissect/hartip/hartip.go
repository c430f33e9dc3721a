// Package hartip dissects HART-IP (FieldComm Group HCF_SPEC-085) on UDP and
// TCP port 5094: the 8-byte HART-IP header and, in Token-Passing
// (pass-through) PDUs, the HART command frame inside.
//
// Unit: one HART-IP message. Code is the message ID in decimal ("0"
// Session Initiate, "1" Session Close, "2" Keep Alive, "4" Direct PDU,
// "5" Read Audit Log, "128" Discovery) or, for a Token-Passing PDU carrying a HART frame,
// "3/<command>" with the HART command number in hex as docs/protocols.md
// prescribes for two-level codes ("3/0" Command 0, "3/30" Command 48).
// IDs 4 (Direct PDU) and 5 (Read Audit Log) are HART-IP version 2; 128
// (Discovery) is in the FieldComm Group reference server.
// Function is the message name or the HART command's name (commands.go).
//
// Errors: message type Error (3) and NAK (15); a response whose HART-IP
// status, or whose HART response code, is an error; a HART response whose
// first status byte has bit 7 set (communication error); malformed
// messages. Response codes classed as warnings by HCF_SPEC-307 (8, 14,
// 24–27 and 96–111, e.g. "set to nearest possible value") are not errors.
package hartip

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// Port is HART-IP's registered UDP and TCP port. Over UDP a server may
// answer a Session Initiate from another port (5095 is common) and keep
// the session there, hence the AnyPort heuristic.
const Port = 5094

// Spec recognises HART-IP by port and, strictly (exact length, known
// version, type and message ID), on any port.
var Spec = &dissect.Spec{
	Name:     dissect.NameHARTIP,
	TCPPorts: []uint16{Port},
	UDPPorts: []uint16{Port},
	Detect:   detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return &parser{} },
}

// headerLen is Version(1) MessageType(1) MessageID(1) Status(1)
// SequenceNumber(2) ByteCount(2); ByteCount includes the header.
const headerLen = 8

// Message types.
const (
	typeRequest  = 0
	typeResponse = 1
	typePublish  = 2
	typeError    = 3
	typeNAK      = 15
)

// Message IDs.
const (
	idSessionInitiate = 0
	idSessionClose    = 1
	idKeepAlive       = 2
	idTokenPassing    = 3
	idDirectPDU       = 4
	idReadAuditLog    = 5
	idDiscovery       = 128
)

func idName(id byte) string {
	switch id {
	case idSessionInitiate:
		return "Session Initiate"
	case idSessionClose:
		return "Session Close"
	case idKeepAlive:
		return "Keep Alive"
	case idTokenPassing:
		return "Token-Passing PDU"
	case idDirectPDU:
		return "Direct PDU"
	case idReadAuditLog:
		return "Read Audit Log"
	case idDiscovery:
		return "Discovery"
	}
	return ""
}

func knownID(id byte) bool { return idName(id) != "" }

func knownType(t byte) bool { return t <= typeError || t == typeNAK }

// idCodes are the decimal message-ID codes of the known IDs.
var idCodes = map[byte]string{0: "0", 1: "1", 2: "2", 3: "3", 4: "4", 5: "5", 128: "128"}

// cmdCodes are "3/<cmd hex>" for every 8-bit HART command, built once.
var cmdCodes = func() (c [256]string) {
	for i := range c {
		c[i] = "3/" + strconv.FormatUint(uint64(i), 16)
	}
	return c
}()

const (
	codeMalformed = "malformed"
	codeReserved  = "reserved"
)

// detect accepts a payload that starts with a well-formed HART-IP message:
// version 1 or 2, a known type and ID, a length equal to the payload (or
// followed directly by another message header), and for Session Initiate
// and Token-Passing messages the length and HART delimiter they must have.
// It does not allocate.
func detect(_ dissect.Dir, b []byte) bool {
	if len(b) < headerLen || (b[0] != 1 && b[0] != 2) || !knownType(b[1]) || !knownID(b[2]) {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[6:]))
	switch {
	case n == len(b):
	case n >= headerLen && n+2 <= len(b) && (b[n] == 1 || b[n] == 2) && knownType(b[n+1]):
		// Several messages in one TCP segment: the next one must start
		// right after this one.
	default:
		return false
	}
	if b[1] == typeRequest && b[3] != 0 {
		return false // requests carry no status
	}
	switch b[2] {
	case idSessionInitiate:
		return b[1] == typeNAK || b[1] == typeError || n >= headerLen+5
	case idTokenPassing:
		return n >= headerLen+4 && validDelimiter(b[headerLen:n])
	}
	return true
}

// pduLength cuts HART-IP messages out of a TCP stream.
func pduLength(b []byte) int {
	if len(b) < headerLen {
		return 0
	}
	if (b[0] != 1 && b[0] != 2) || !knownType(b[1]) {
		return -1
	}
	n := int(binary.BigEndian.Uint16(b[6:]))
	if n < headerLen {
		return -1
	}
	return n
}

// isError classifies a HART response code or HART-IP status (HCF_SPEC-307
// response code classes): 0 is success; 8, 14, 24–27 and 96–111 are
// warnings; every other value is an error.
func isError(rc byte) bool {
	switch {
	case rc == 0, rc == 8, rc == 14, rc >= 24 && rc <= 27, rc >= 96 && rc <= 111:
		return false
	}
	return true
}

// parser is the state of one HART-IP connection or UDP flow.
type parser struct {
	msg     dissect.Message
	streams [2]dissect.Stream
	ctx     *dissect.Context
	emit    func([]byte)
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	if ctx.Ep.Transport != dissect.TCP {
		p.message(ctx, data)
		return
	}
	if p.emit == nil {
		p.emit = func(pdu []byte) { p.message(p.ctx, pdu) }
	}
	p.ctx = ctx
	s := &p.streams[ctx.Dir&1]
	before := s.Desyncs
	s.Feed(data, pduLength, p.emit)
	if s.Desyncs != before {
		p.malformed(ctx)
	}
	p.ctx = nil
}

// Gap implements dissect.GapParser: resynchronise on the next segment.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

func (p *parser) malformed(ctx *dissect.Context) {
	p.msg = dissect.Message{Protocol: dissect.NameHARTIP, Code: codeMalformed, Function: codeMalformed,
		Dir: dissect.Request, Error: true, Swap: ctx.Dir == dissect.FromResp}
	ctx.Out.Message(ctx, &p.msg)
}

// message reports one HART-IP message.
func (p *parser) message(ctx *dissect.Context, b []byte) {
	if len(b) < headerLen || (b[0] != 1 && b[0] != 2) {
		p.malformed(ctx)
		return
	}
	n := int(binary.BigEndian.Uint16(b[6:]))
	if n < headerLen || n > len(b) {
		p.malformed(ctx)
		return
	}
	b = b[:n]
	typ, id, status := b[1], b[2], b[3]
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameHARTIP, Code: codeReserved, Function: "Reserved"}
	if c, ok := idCodes[id]; ok {
		m.Code, m.Function = c, idName(id)
	}
	switch typ {
	case typeRequest:
		m.Dir = dissect.Request
	case typePublish:
		m.Dir = dissect.Indication
	default:
		m.Dir = dissect.Response
	}
	if m.Dir == dissect.Request {
		m.Swap = ctx.Dir == dissect.FromResp
	} else if m.Dir == dissect.Response {
		m.Swap = ctx.Dir == dissect.FromOrig
	}
	switch {
	case typ == typeError || typ == typeNAK:
		m.Error = true
	case !knownType(typ):
		m.Error = true
	case typ != typeRequest && isError(status):
		m.Error = true
	}
	if id == idTokenPassing {
		p.tokenPassing(ctx, m, b[headerLen:], typ)
	}
	ctx.Out.Message(ctx, m)
}

// Package opcua dissects OPC UA Binary over TCP (OPC UA Part 6, UA
// Connection Protocol and UA Secure Conversation).
//
// One message is one message chunk. Codes:
//
//	"HEL" "ACK" "ERR" "RHE"  connection protocol messages
//	"MSG/631"  secure conversation message type / numeric id of the
//	           service's binary encoding node (ReadRequest); "OPN/446" and
//	           "CLO/452" likewise
//	"MSG/encrypted"  a chunk of a secure channel whose security policy is
//	           not None and whose body does not start with a known service
//	           (encrypted); counted, not decoded
//	"MSG/chunk"  an intermediate chunk ('C') after the first of a message;
//	           the final chunk carries the service of the first
//	"MSG/abort"  an abort chunk ('A')
//	"MSG/other"  a service id outside the standard table (its Function is
//	           "unknown")
//
// Error marks ERR messages, ServiceFault responses, abort chunks and
// malformed chunks ("malformed"). OpenSecureChannel messages carry the
// security policy (and, when readable, the security mode) in Detail:
// "policy=None mode=None" is a channel without any protection.
package opcua

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is the OPC UA Binary dissector.
var Spec = &dissect.Spec{
	Name:     dissect.NameOPCUA,
	TCPPorts: []uint16{4840},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

const headerLen = 8

// maxChunk bounds the chunk size the stream accepts (the largest receive
// buffer stacks negotiate in practice is well below).
const maxChunk = 1 << 20

// msgType returns the canonical message type of a chunk header, "" when the
// bytes are not one, and whether the type is a secure conversation type.
func msgType(b []byte) (string, bool) {
	switch string(b[:3]) {
	case "MSG":
		return "MSG", true
	case "OPN":
		return "OPN", true
	case "CLO":
		return "CLO", true
	case "HEL":
		return "HEL", false
	case "ACK":
		return "ACK", false
	case "ERR":
		return "ERR", false
	case "RHE":
		return "RHE", false
	}
	return "", false
}

// validHeader checks a chunk header: known type, chunk type F (or C/A for
// secure conversation messages) and a size that can hold the type's fixed
// fields.
func validHeader(b []byte) (size int, ok bool) {
	t, secure := msgType(b)
	if t == "" {
		return 0, false
	}
	switch b[3] {
	case 'F':
	case 'C', 'A':
		if !secure {
			return 0, false
		}
	default:
		return 0, false
	}
	size = int(binary.LittleEndian.Uint32(b[4:]))
	minSize := headerLen + 4
	switch t {
	case "HEL":
		minSize = headerLen + 24
	case "ACK":
		minSize = headerLen + 20
	case "MSG", "CLO":
		minSize = headerLen + 16
	}
	return size, size >= minSize && size <= maxChunk
}

// Detect recognises one or more whole OPC UA chunks.
func Detect(_ dissect.Dir, b []byte) bool {
	n := 0
	for len(b) > 0 {
		if len(b) < headerLen {
			return false
		}
		size, ok := validHeader(b)
		if !ok || size > len(b) {
			return false
		}
		if string(b[:3]) == "HEL" && binary.LittleEndian.Uint32(b[8:]) > 0xff {
			return false // protocol version: 0 so far
		}
		b = b[size:]
		n++
	}
	return n > 0
}

func pduLength(b []byte) int {
	if len(b) < headerLen {
		return 0
	}
	size, ok := validHeader(b)
	if !ok {
		return -1
	}
	return size
}

// Parser is the state of one OPC UA connection.
type Parser struct {
	streams [2]dissect.Stream
	msg     dissect.Message
	ctx     *dissect.Context
	emitPDU func([]byte)
	// protected is set once an OpenSecureChannel names a policy other than
	// None: bodies may then be encrypted.
	protected bool
	// pending is, per direction, the service of a message whose first
	// chunk was 'C' (0: none).
	pending [2]uint32
	// pendingType is the message type of that message.
	pendingType [2]string
}

func newParser() *Parser {
	p := &Parser{}
	p.streams[0].Max, p.streams[1].Max = maxChunk, maxChunk
	p.emitPDU = p.chunk
	return p
}

// Parse implements dissect.Parser.
func (p *Parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	p.streams[ctx.Dir&1].Feed(data, pduLength, p.emitPDU)
}

// Gap implements dissect.GapParser: the stream resynchronises on the next
// segment that starts a chunk.
func (p *Parser) Gap(ctx *dissect.Context, _ int) {
	p.streams[ctx.Dir&1].Reset()
	p.pending[ctx.Dir&1] = 0
}

func (p *Parser) emit(code, fn string, dir dissect.MsgDir, isErr bool, detail string) {
	ctx := p.ctx
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameOPCUA, Code: code, Function: fn, Dir: dir, Error: isErr, Detail: detail}
	if dir != dissect.Indication {
		m.Swap = (dir == dissect.Request) != (ctx.Dir == dissect.FromOrig)
	}
	ctx.Out.Message(ctx, m)
}

func (p *Parser) dirOf() dissect.MsgDir {
	if p.ctx.Dir == dissect.FromOrig {
		return dissect.Request
	}
	return dissect.Response
}

// chunk dissects one whole chunk.
func (p *Parser) chunk(b []byte) {
	t, secure := msgType(b)
	if !secure {
		switch t {
		case "HEL":
			p.emit("HEL", "Hello", dissect.Request, false, "")
		case "ACK":
			p.emit("ACK", "Acknowledge", dissect.Response, false, "")
		case "ERR":
			p.emit("ERR", "Error", dissect.Response, true, "")
		case "RHE":
			p.emit("RHE", "ReverseHello", dissect.Indication, false, "")
		}
		return
	}
	d := p.ctx.Dir & 1
	switch b[3] {
	case 'A':
		p.pending[d] = 0
		p.emit(abortCodes[t], "Abort", p.dirOf(), true, "")
		return
	}
	body, policy, ok := secureBody(t, b)
	if !ok {
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	var detail string
	if t == "OPN" {
		if policy != "None" {
			p.protected = true
		}
		detail = policyDetail(policy, -1)
	}
	if p.pending[d] != 0 && p.pendingType[d] == t {
		// Later chunk of a multi-chunk message: no type id of its own.
		id := p.pending[d]
		if b[3] == 'F' {
			p.pending[d] = 0
			p.service(t, id, nil, detail)
			return
		}
		p.emit(chunkCodes[t], "Chunk", p.dirOf(), false, detail)
		return
	}
	id, rest, ok := typeID(body)
	if !ok || (p.protected && !knownService(id)) {
		if p.protected {
			p.emit(encryptedCodes[t], "Encrypted", p.dirOf(), false, detail)
			return
		}
		p.emit("malformed", "malformed", p.dirOf(), true, detail)
		return
	}
	if b[3] == 'C' {
		p.pending[d], p.pendingType[d] = id, t
		p.emit(chunkCodes[t], "Chunk", p.dirOf(), false, detail)
		return
	}
	if id == idOpenRequest && policy == "None" {
		detail = policyDetail(policy, openRequestMode(rest))
	}
	p.service(t, id, rest, detail)
}

// service reports a whole service message.
func (p *Parser) service(t string, id uint32, body []byte, detail string) {
	s, known := services[id]
	if !known {
		p.emit(otherCodes[t], "unknown", p.dirOf(), false, detail)
		return
	}
	dir := dissect.Request
	if s.response {
		dir = dissect.Response
	}
	if body != nil && id == idGetEndpoints {
		p.identity(id, body)
	}
	p.emit(knownCodes[codeKey{t, id}], s.name, dir, id == idServiceFault, detail)
}

func knownService(id uint32) bool {
	_, ok := services[id]
	return ok
}

var (
	abortCodes     = map[string]string{"MSG": "MSG/abort", "OPN": "OPN/abort", "CLO": "CLO/abort"}
	chunkCodes     = map[string]string{"MSG": "MSG/chunk", "OPN": "OPN/chunk", "CLO": "CLO/chunk"}
	encryptedCodes = map[string]string{"MSG": "MSG/encrypted", "OPN": "OPN/encrypted", "CLO": "CLO/encrypted"}
	otherCodes     = map[string]string{"MSG": "MSG/other", "OPN": "OPN/other", "CLO": "CLO/other"}
)

// secureBody skips the secure channel id and the security and sequence
// headers of a MSG/OPN/CLO chunk. For OPN it returns the policy name of the
// asymmetric security header.
func secureBody(t string, b []byte) (body []byte, policy string, ok bool) {
	r := reader{b: b[headerLen:]}
	r.u32() // secure channel id
	if t == "OPN" {
		uri := r.bytes()
		r.bytes() // sender certificate
		r.bytes() // receiver certificate thumbprint
		policy = "other"
		if n, ok := securityPolicies[string(uri)]; ok {
			policy = n
		}
	} else {
		r.u32() // token id
	}
	r.u32() // sequence number
	r.u32() // request id
	if r.bad {
		return nil, "", false
	}
	return r.b, policy, true
}

// typeID reads the numeric NodeId (namespace 0) of a body's type and
// returns the rest of the body.
func typeID(b []byte) (uint32, []byte, bool) {
	r := reader{b: b}
	ns, id, numeric := r.nodeID()
	if r.bad || !numeric || ns != 0 {
		return 0, nil, false
	}
	return id, r.b, true
}

// openRequestMode reads the SecurityMode of an OpenSecureChannelRequest
// body (after its type id): RequestHeader, ClientProtocolVersion,
// RequestType, SecurityMode.
func openRequestMode(b []byte) int {
	r := reader{b: b}
	r.requestHeader()
	r.u32() // client protocol version
	r.u32() // request type
	mode := r.u32()
	if r.bad || mode >= uint32(len(securityModes)) {
		return -1
	}
	return int(mode)
}

// policyDetails caches "policy=X" and "policy=X mode=Y" strings.
var policyDetails = map[[2]string]string{}

func init() {
	names := []string{"other"}
	for _, n := range securityPolicies {
		names = append(names, n)
	}
	for _, n := range names {
		policyDetails[[2]string{n, ""}] = "policy=" + n
		for _, m := range securityModes {
			policyDetails[[2]string{n, m}] = "policy=" + n + " mode=" + m
		}
	}
}

func policyDetail(policy string, mode int) string {
	m := ""
	if mode >= 0 {
		m = securityModes[mode]
	}
	return policyDetails[[2]string{policy, m}]
}

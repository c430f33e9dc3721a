package s7comm

import (
	"github.com/otsight/otsight/internal/dissect"
)

// S7comm-plus opcodes (first octet of the data part).
const (
	plusRequest      = 0x31
	plusResponse     = 0x32
	plusNotification = 0x33
	plusResponse2    = 0x02
)

// plusKeepAlive is the protocol "version" of S7comm-plus keep-alive frames.
const plusKeepAlive = 0xfe

var plusOpNames = map[byte]string{
	plusRequest: "Request", plusResponse: "Response",
	plusNotification: "Notification", plusResponse2: "Response2",
}

// plusFuncNames are S7comm-plus function codes (Wireshark s7comm_plus
// plugin's table, restated).
var plusFuncNames = map[uint16]string{
	0x04b1: "Error", 0x04bb: "Explore", 0x04ca: "CreateObject",
	0x04d4: "DeleteObject", 0x04f2: "SetVariable", 0x04fc: "GetVariable",
	0x0506: "AddLink", 0x051a: "RemoveLink", 0x0524: "GetLink",
	0x0542: "SetMultiVariables", 0x054c: "GetMultiVariables",
	0x0556: "BeginSequence", 0x0560: "EndSequence", 0x056b: "Invoke",
	0x057c: "SetVarSubStreamed", 0x0586: "GetVarSubStreamed",
	0x0590: "GetVariablesAddress", 0x059a: "Abort",
}

var plusVersions = [4]string{"", "V1", "V2", "V3"}

// plus decodes one S7comm-plus TSDU. Header: 0x72, protocol version, data
// length (2); with version 3 an integrity part (digest length, digest)
// precedes the data, which starts with opcode, 2 reserved octets and the
// function code (absent in notifications). The last fragment of a PDU ends
// with a trailer 0x72, version, 0x0000; a PDU longer than one TSDU
// continues, with a header of its own, in the next TSDUs, which are not
// counted again. The integrity digest is counted, not verified.
func (p *Parser) plus(b []byte) {
	d := p.ctx.Dir & 1
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameS7commPlus}
	if len(b) < 4 {
		p.plusCont[d] = false
		p.malformed()
		return
	}
	ver := b[1]
	n := int(b[2])<<8 | int(b[3])
	trailer := len(b) >= 4+n+4 && b[4+n] == protoS7Plus
	if p.plusCont[d] {
		p.plusCont[d] = !trailer
		return
	}
	p.plusCont[d] = !trailer && len(b) == 4+n
	if ver == plusKeepAlive {
		m.Code, m.Function, m.Dir = "fe", "Keep alive", dissect.Indication
		p.emit()
		return
	}
	off := 4
	if ver == 3 {
		if len(b) < 5 {
			p.malformed()
			return
		}
		off += 1 + int(b[4])
	}
	if int(ver) < len(plusVersions) {
		m.Detail = plusVersions[ver]
	}
	if off >= len(b) {
		p.malformed()
		return
	}
	op := b[off]
	m.Function = plusOpNames[op]
	switch op {
	case plusRequest:
		m.Dir = dissect.Request
	case plusResponse, plusResponse2:
		m.Dir = dissect.Response
	default:
		m.Dir = dissect.Indication
	}
	if op == plusNotification || off+5 > len(b) {
		m.Code = p.plusCode(op, 0, false)
		p.emit()
		return
	}
	fn := uint16(b[off+3])<<8 | uint16(b[off+4])
	if name, ok := plusFuncNames[fn]; ok {
		m.Function = name
	}
	m.Error = fn == 0x04b1
	m.Code = p.plusCode(op, fn, true)
	p.emit()
}

// plusCode returns "op/func" in hex (or "op" alone), cached per connection.
func (p *Parser) plusCode(op byte, fn uint16, withFn bool) string {
	k := 2<<24 | uint32(op)<<16 | uint32(fn)
	if !withFn {
		k = 3<<24 | uint32(op)
	}
	if s, ok := p.detail.m[k]; ok {
		return s
	}
	s := hex2(op)
	if withFn {
		s += "/" + hex2(byte(fn>>8)) + hex2(byte(fn))
	}
	if p.detail.m == nil {
		p.detail.m = make(map[uint32]string)
	}
	if len(p.detail.m) < maxDetails {
		p.detail.m[k] = s
	}
	return s
}

package iec104

import (
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// parser is the state of one IEC 104 connection.
type parser struct {
	streams [2]dissect.Stream
	details map[uint32]string
	msg     dissect.Message
	ctx     *dissect.Context
	onAPDU  func([]byte)
}

func newParser() *parser {
	p := &parser{}
	p.msg.Protocol = dissect.NameIEC104
	p.onAPDU = p.apdu
	return p
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	p.streams[ctx.Dir&1].Feed(data, apduLength, p.onAPDU)
	p.ctx = nil
}

// Gap implements dissect.GapParser: drop the partial APDU; apduLength finds
// the next start octet's frame only if the gap ended on a boundary.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

// apdu handles one complete APDU (start octet and length included).
func (p *parser) apdu(b []byte) {
	ctx := p.ctx
	c := b[2:]
	m := &p.msg
	m.Error, m.Detail = false, ""
	switch {
	case c[0]&1 == 0:
		p.iFrame(c)
	case c[0]&3 == 1:
		m.Code, m.Function, m.Dir = "S", "Supervisory", dissect.Indication
	default:
		m.Code = uCodes[c[0]]
		switch c[0] {
		case uStartAct, uStopAct, uTestAct:
			m.Function, m.Dir = uNames[c[0]], dissect.Request
		case uStartCon, uStopCon, uTestCon:
			m.Function, m.Dir = uNames[c[0]], dissect.Response
		default:
			m.Function, m.Dir = "unknown", dissect.Indication
		}
	}
	// Rows are keyed by the connection's originator as requester: a
	// request from the responder side, or a response from the originator
	// side, is the other way round.
	m.Swap = m.Dir == dissect.Request && ctx.Dir == dissect.FromResp ||
		m.Dir == dissect.Response && ctx.Dir == dissect.FromOrig
	ctx.Out.Message(ctx, m)
}

// iFrame fills the message for an I-format frame's ASDU.
func (p *parser) iFrame(c []byte) {
	m := &p.msg
	asdu := c[ctrlLen:]
	if len(asdu) < asduHeader {
		m.Code, m.Function, m.Dir, m.Error = "malformed", "malformed", dissect.Indication, true
		return
	}
	typ, cot := asdu[0], asdu[2]
	cause := cot & 0x3f
	m.Code, m.Function = typeCodes[typ], typeNames[typ]
	m.Error = cot&0x40 != 0 || cause >= cotUnknownLo && cause <= cotUnknownHi
	switch {
	case cause == cotAct || cause == cotDeact || cause == cotReq:
		m.Dir = dissect.Request
	case cause == cotActCon || cause == cotDeactCon || cause == cotActTerm,
		cause >= 20 && cause <= 41, cause >= cotUnknownLo && cause <= cotUnknownHi:
		m.Dir = dissect.Response
	default:
		m.Dir = dissect.Indication
	}
	m.Detail = p.detail(cot, uint16(asdu[4])|uint16(asdu[5])<<8)
}

// maxDetails bounds the detail cache; a station rarely uses more than a
// handful of common addresses and causes.
const maxDetails = 256

// detail returns "cot=<cause> ca=<common address>[ neg][ test]", cached so
// that a steady stream of ASDUs costs no formatting.
func (p *parser) detail(cot byte, ca uint16) string {
	k := uint32(cot)<<16 | uint32(ca)
	if s, ok := p.details[k]; ok {
		return s
	}
	if p.details == nil || len(p.details) >= maxDetails {
		p.details = make(map[uint32]string, 16)
	}
	b := make([]byte, 0, 40)
	b = append(b, "cot="...)
	b = append(b, cotNames[cot&0x3f]...)
	b = append(b, " ca="...)
	b = strconv.AppendUint(b, uint64(ca), 10)
	if cot&0x40 != 0 {
		b = append(b, " neg"...)
	}
	if cot&0x80 != 0 {
		b = append(b, " test"...)
	}
	s := string(b)
	p.details[k] = s
	return s
}

package dns

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// parser is the state of one flow of one of the four protocols.
type parser struct {
	proto   string
	nbns    bool
	streams [2]dissect.Stream
	onPDU   func([]byte) // p.tcpPDU, bound once
	ctx     *dissect.Context
	msg     dissect.Message
	names   nameReader
	pending pendingQueries
}

func newFor(proto string) func() dissect.Parser {
	return func() dissect.Parser {
		p := &parser{proto: proto, nbns: proto == dissect.NameNBNS}
		p.onPDU = p.tcpPDU
		return p
	}
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	if ctx.Ep.Transport != dissect.TCP {
		p.message(ctx, data)
		return
	}
	p.ctx = ctx
	p.streams[ctx.Dir&1].Feed(data, tcpLength, p.onPDU)
	p.ctx = nil
}

// Close implements dissect.Closer: queries still waiting when the flow ends
// are written as query-only records, as Zeek does at connection removal.
func (p *parser) Close(ctx *dissect.Context) {
	for len(p.pending.q) > 0 {
		ctx.Out.Record(ctx, p.pending.remove(0))
	}
}

// Gap implements dissect.GapParser: lost bytes break the length framing.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

func (p *parser) tcpPDU(pdu []byte) { p.message(p.ctx, pdu[2:]) }

// tcpLength frames DNS over TCP: a 2-byte length, then the message. A zero
// length cannot start a message.
func tcpLength(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	n := int(binary.BigEndian.Uint16(b))
	if n == 0 {
		return -1
	}
	return n + 2
}

// message handles one DNS message.
func (p *parser) message(ctx *dissect.Context, b []byte) {
	p.pending.expire(ctx)
	m := &p.msg
	*m = dissect.Message{Protocol: p.proto}
	h, ok := parseHeader(b)
	if !ok {
		m.Code, m.Function, m.Dir, m.Error = codeMalformed, codeMalformed, dissect.Indication, true
		ctx.Out.Message(ctx, m)
		return
	}
	op := h.opcode()
	m.Code = codes[op]
	if p.nbns {
		m.Function = nbnsOpcodeName(op)
	} else {
		m.Function = opcodeName(op)
	}
	m.Dir = dissect.Request
	if h.response() {
		m.Dir = dissect.Response
		m.Error = h.rcode() != 0
	}
	// A request sent by the flow's responder, or a response sent by its
	// originator (mDNS announcements), has requester and responder swapped.
	m.Swap = h.response() == (ctx.Dir == dissect.FromOrig)
	ctx.Out.Message(ctx, m)
	p.records(ctx, h, b)
}

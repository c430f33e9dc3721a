package s7comm

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/mms"
)

// Application protocol identifiers, the first octet of a COTP TSDU.
const (
	protoS7     = 0x32
	protoS7Plus = 0x72
)

// Parser is the per-connection state: TPKT framing and COTP reassembly per
// direction, S7comm-plus fragment state, and the MMS decoder.
type Parser struct {
	stream [2]dissect.Stream
	tsdu   [2][]byte // COTP DT user data waiting for its EOT
	// plusCont is set while an S7comm-plus PDU continues in the next TSDU
	// of that direction.
	plusCont [2]bool
	mms      mms.Decoder
	msg      dissect.Message
	detail   detailCache
	ctx      *dissect.Context
	emitFn   func([]byte)
}

// NewParser returns a parser for one connection.
func NewParser() *Parser {
	p := &Parser{}
	p.emitFn = p.tpdu
	return p
}

// Parse implements dissect.Parser.
func (p *Parser) Parse(ctx *dissect.Context, data []byte) {
	d := ctx.Dir & 1
	p.ctx = ctx
	p.stream[d].Feed(data, tpktLength, p.emitFn)
	p.ctx = nil
}

// Gap implements dissect.GapParser: framing and reassembly restart.
func (p *Parser) Gap(ctx *dissect.Context, _ int) {
	d := ctx.Dir & 1
	p.stream[d].Reset()
	p.tsdu[d] = p.tsdu[d][:0]
	p.plusCont[d] = false
}

// tpdu handles one TPKT packet: a COTP TPDU.
func (p *Parser) tpdu(pkt []byte) {
	if len(pkt) < 7 {
		return
	}
	li := int(pkt[4])
	if pkt[5]&0xf0 != cotpDT || li < 2 || 5+li > len(pkt) {
		// Connection management and expedited data: not application
		// messages.
		return
	}
	d := p.ctx.Dir & 1
	eot := pkt[6]&0x80 != 0
	user := pkt[5+li:]
	if !eot {
		if len(p.tsdu[d])+len(user) > maxTSDU {
			p.tsdu[d] = p.tsdu[d][:0]
			return
		}
		p.tsdu[d] = append(p.tsdu[d], user...)
		return
	}
	if len(p.tsdu[d]) > 0 {
		if len(p.tsdu[d])+len(user) <= maxTSDU {
			p.tsdu[d] = append(p.tsdu[d], user...)
			user = p.tsdu[d]
		}
		p.tsdu[d] = p.tsdu[d][:0]
	}
	if len(user) == 0 {
		return
	}
	p.dispatch(user)
}

// dispatch reports one complete TSDU under the protocol it carries.
func (p *Parser) dispatch(tsdu []byte) {
	d := p.ctx.Dir & 1
	switch {
	case tsdu[0] == protoS7:
		p.plusCont[d] = false
		p.s7(tsdu)
	case tsdu[0] == protoS7Plus:
		p.plus(tsdu)
	default:
		p.plusCont[d] = false
		p.mms.Decode(p.ctx, tsdu)
	}
}

// emit sends p.msg, with Swap set when a request travels from the
// responder (or a response from the originator).
func (p *Parser) emit() {
	fromResp := p.ctx.Dir == dissect.FromResp
	switch p.msg.Dir {
	case dissect.Request:
		p.msg.Swap = fromResp
	case dissect.Response:
		p.msg.Swap = !fromResp
	default:
		p.msg.Swap = false
	}
	p.ctx.Out.Message(p.ctx, &p.msg)
}

package modbus

import (
	"github.com/otsight/otsight/internal/dissect"
)

// pendingSlots bounds the requests remembered for matching responses;
// Modbus/TCP clients rarely pipeline more than a few.
const pendingSlots = 16

// request is what a response needs from its request.
type request struct {
	tid    uint16
	used   bool
	fc     uint8
	sub    uint16
	hasSub bool
	detail detailKey
}

// parser is the state of one Modbus/TCP connection or Modbus/UDP flow.
type parser struct {
	streams [2]dissect.Stream
	pending [pendingSlots]request
	next    int
	details detailCache
	msg     dissect.Message
	ctx     *dissect.Context
	onADU   func([]byte)
}

func newParser() *parser {
	p := &parser{}
	p.msg.Protocol = dissect.NameModbus
	p.onADU = p.adu
	return p
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	defer func() { p.ctx = nil }()
	if ctx.Ep.Transport == dissect.UDP {
		for len(data) > 0 {
			n := aduLength(data)
			if n <= 0 || n > len(data) {
				return
			}
			p.adu(data[:n])
			data = data[n:]
		}
		return
	}
	p.streams[ctx.Dir&1].Feed(data, aduLength, p.onADU)
}

// Gap implements dissect.GapParser: the bytes after a gap start mid-ADU, so
// the partial one is dropped and alignment is found again by aduLength.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

// clientDir tells which side of the connection is the Modbus client: the
// originator, unless the originator uses port 502 and the responder does
// not (a connection oriented the wrong way round, seen midstream).
func clientDir(ep *dissect.Endpoints) dissect.Dir {
	if ep.OrigP == Port && ep.RespP != Port {
		return dissect.FromResp
	}
	return dissect.FromOrig
}

// adu handles one complete MBAP ADU (header included).
func (p *parser) adu(b []byte) {
	ctx := p.ctx
	tid := uint16(b[0])<<8 | uint16(b[1])
	unit := b[6]
	pdu := b[mbapLen:]
	fc := pdu[0]
	base := fc & 0x7f
	client := clientDir(ctx.Ep)
	m := &p.msg
	m.Code = codes[base]
	m.Error = false
	m.Swap = client == dissect.FromResp
	if ctx.Dir == client {
		r := p.remember(tid)
		r.fc = base
		r.sub, r.hasSub = subCode(base, pdu)
		r.detail = requestDetail(unit, base, pdu)
		m.Dir = dissect.Request
		m.Function = functionName(base, r.sub, r.hasSub)
		m.Detail = p.details.text(r.detail)
		ctx.Out.Message(ctx, m)
		return
	}
	m.Dir = dissect.Response
	var d detailKey
	sub, hasSub := uint16(0), false
	if r := p.match(tid, base); r != nil {
		d, sub, hasSub = r.detail, r.sub, r.hasSub
		r.used = false
	} else {
		d = responseDetail(unit, base, pdu)
		sub, hasSub = subCode(base, pdu)
	}
	if fc&0x80 != 0 {
		m.Error = true
		if len(pdu) > 1 {
			d.exc = pdu[1]
		}
	} else if base == 43 && len(pdu) > 1 && pdu[1] == meiDeviceID {
		p.identity(ctx, pdu)
	}
	m.Function = functionName(base, sub, hasSub)
	m.Detail = p.details.text(d)
	ctx.Out.Message(ctx, m)
}

// remember returns the slot for a new request, reusing the oldest.
func (p *parser) remember(tid uint16) *request {
	r := &p.pending[p.next]
	p.next = (p.next + 1) % pendingSlots
	*r = request{tid: tid, used: true}
	return r
}

// match finds the outstanding request a response answers.
func (p *parser) match(tid uint16, fc uint8) *request {
	for i := range p.pending {
		r := &p.pending[i]
		if r.used && r.tid == tid && r.fc == fc {
			return r
		}
	}
	return nil
}

// subCode returns the Diagnostics sub-function or the MEI type, which
// requests and normal responses both carry.
func subCode(fc uint8, pdu []byte) (uint16, bool) {
	switch {
	case fc == 8 && len(pdu) >= 3 && pdu[0]&0x80 == 0:
		return uint16(pdu[1])<<8 | uint16(pdu[2]), true
	case fc == 43 && len(pdu) >= 2 && pdu[0]&0x80 == 0:
		return uint16(pdu[1]), true
	}
	return 0, false
}

func be16(b []byte) uint32 { return uint32(b[0])<<8 | uint32(b[1]) }

// requestDetail reads the addressed range of a request PDU.
func requestDetail(unit, fc uint8, pdu []byte) detailKey {
	d := detailKey{unit: unit}
	switch fc {
	case 1, 2, 3, 4, 15, 16:
		if len(pdu) >= 5 {
			d.setRange(be16(pdu[1:]), be16(pdu[3:]))
		}
	case 5, 6, 22, 24:
		if len(pdu) >= 3 {
			d.kind, d.a = kindAddr, be16(pdu[1:])
		}
	case 23:
		if len(pdu) >= 9 {
			d.setRange(be16(pdu[1:]), be16(pdu[3:]))
			d.kind = kindReadWrite
			d.c, d.d = rangeEnd(be16(pdu[5:]), be16(pdu[7:]))
		}
	}
	return d
}

// responseDetail reads what a response without a known request reveals:
// the write functions echo their address (and quantity).
func responseDetail(unit, fc uint8, pdu []byte) detailKey {
	if pdu[0]&0x80 != 0 {
		return detailKey{unit: unit}
	}
	switch fc {
	case 5, 6, 15, 16, 22:
		return requestDetail(unit, fc, pdu)
	}
	return detailKey{unit: unit}
}

func rangeEnd(addr, qty uint32) (uint32, uint32) {
	if qty == 0 {
		return addr, addr
	}
	return addr, addr + qty - 1
}

package http

import "github.com/otsight/otsight/internal/dissect"

// addBody counts n body bytes of the current message of s.
func (p *parser) addBody(s *side, n uint64) {
	s.remain -= min(n, s.remain)
	if s.tx == nil {
		return
	}
	if s.response {
		s.tx.rec.ResponseBodyLen += n
	} else {
		s.tx.rec.RequestBodyLen += n
	}
}

// newTxn queues a transaction for a request.
func (p *parser) newTxn(ctx *dissect.Context) *txn {
	if len(p.pending) >= maxPending {
		p.emit(ctx, p.pending[0])
	}
	p.depth++
	t := &txn{}
	t.rec.TransDepth = p.depth
	p.pending = append(p.pending, t)
	return t
}

// forResponse returns the oldest transaction still waiting for its final
// response (interim responses leave it waiting), or a new one without a
// request.
func (p *parser) forResponse(ctx *dissect.Context) *txn {
	for _, t := range p.pending {
		if !t.respStarted {
			return t
		}
	}
	t := p.newTxn(ctx)
	t.rec.TS = ctx.TS
	t.reqDone = true
	return t
}

// emit writes a transaction's record and drops it from the queue.
func (p *parser) emit(ctx *dissect.Context, t *txn) {
	for i, q := range p.pending {
		if q == t {
			n := copy(p.pending[i:], p.pending[i+1:])
			p.pending[i+n] = nil
			p.pending = p.pending[:i+n]
			break
		}
	}
	ep := ctx.Ep
	r := &t.rec
	if r.TS == 0 {
		r.TS = ctx.TS
	}
	r.OrigH, r.OrigP, r.RespH, r.RespP = ep.OrigH, ep.OrigP, ep.RespH, ep.RespP
	r.OrigMAC, r.RespMAC, r.VLAN, r.Iface = ep.OrigMAC, ep.RespMAC, ep.VLAN, ep.Iface
	ctx.Out.Record(ctx, r)
	if r.Server != "" && r.Server != p.server {
		p.server = r.Server
		identity(ctx, r.Server, t.respDir)
	}
}

// Gap implements dissect.GapParser: lost bytes inside a body of known
// length are counted and parsing goes on; anywhere else the direction waits
// for a segment that starts a message.
func (p *parser) Gap(ctx *dissect.Context, n int) {
	s := &p.sides[ctx.Dir&1]
	switch s.st {
	case stDead, stResync:
		return
	case stToClose:
		p.addBody(s, uint64(n))
		return
	case stBody, stChunkData:
		if uint64(n) < s.remain {
			p.addBody(s, uint64(n))
			return
		}
		if uint64(n) == s.remain && s.st == stBody {
			p.addBody(s, uint64(n))
			p.endMessage(ctx, s)
			return
		}
	}
	p.cut(ctx, s)
	s.st = stResync
}

// Close implements dissect.Closer: a body that ran to the end is complete,
// and every transaction still held is written.
func (p *parser) Close(ctx *dissect.Context) {
	for i := range p.sides {
		s := &p.sides[i]
		if s.st != stDead && s.tx != nil {
			p.cut(ctx, s)
		}
	}
	for len(p.pending) > 0 {
		p.emit(ctx, p.pending[0])
	}
}

package smb

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Bounds on what one connection may make the parser hold.
const (
	maxDialects = 32 // dialects kept from a negotiate request
	maxTrees    = 16 // tree connects waiting for their response
	maxCompound = 64 // SMB2 commands read from one NBSS message
)

// pendingTree is a tree connect request waiting for its response.
type pendingTree struct {
	id  uint64 // SMB2 MessageId, or SMB1 PID<<16|MID
	rec *record.SMB
}

// parser is the state of one connection.
type parser struct {
	msg   dissect.Message
	fr    [2]framer
	neg   *record.SMB // negotiate waiting for its response
	sess  *record.SMB // session setup in progress
	trees []pendingTree
	// serverIsOrig is set when responses were seen coming from the
	// connection's originator.
	serverIsOrig bool
	// ctx of the current call, for the framer's callback.
	ctx *dissect.Context
	// emitFn is the framer callback, bound once so Parse does not allocate.
	emitFn func(typ byte, msg []byte, whole int)
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	if p.emitFn == nil {
		p.emitFn = p.nbss
	}
	p.ctx = ctx
	p.fr[ctx.Dir&1].feed(data, p.emitFn)
	p.ctx = nil
}

// Gap implements dissect.GapParser: lost bytes inside skipped message data
// are harmless; elsewhere that direction waits for a segment that starts a
// message.
func (p *parser) Gap(ctx *dissect.Context, n int) { p.fr[ctx.Dir&1].gap(n) }

// Close implements dissect.Closer: exchanges without their final response
// are written as they stand.
func (p *parser) Close(ctx *dissect.Context) {
	if p.neg != nil {
		p.write(ctx, p.neg)
		p.neg = nil
	}
	if p.sess != nil {
		p.write(ctx, p.sess)
		p.sess = nil
	}
	for _, t := range p.trees {
		p.write(ctx, t.rec)
	}
	p.trees = nil
}

// nbss handles one NBSS message's prefix.
func (p *parser) nbss(typ byte, msg []byte, whole int) {
	if typ != nbssMessage || whole == 0 {
		return // session request, response and keepalive: no SMB inside
	}
	ctx := p.ctx
	var sig uint32
	if len(msg) >= 4 {
		sig = binary.BigEndian.Uint32(msg)
	}
	switch {
	case sig == sigSMB1 && len(msg) >= 32:
		p.smb1(ctx, msg)
	case sig == sigSMB2 && len(msg) >= 64:
		p.smb2(ctx, msg)
	case sig == sigTransform || sig == sigCompress:
		// encrypted or compressed: the commands are not visible
	case sig == sigSMB2:
		p.malformed(ctx, dissect.NameSMB2)
	default:
		p.malformed(ctx, dissect.NameSMB)
	}
}

// malformed reports a message that is not SMB, or an SMB2 header with a
// command code beyond any defined one.
func (p *parser) malformed(ctx *dissect.Context, proto string) {
	m := &p.msg
	*m = dissect.Message{Protocol: proto, Code: codeMalformed, Function: codeMalformed,
		Dir: dissect.Request, Error: true, Swap: ctx.Dir == dissect.FromResp}
	ctx.Out.Message(ctx, m)
}

// codeMalformed is the Code of an NBSS message that holds no SMB header.
const codeMalformed = "malformed"

// message reports one SMB header.
func (p *parser) message(ctx *dissect.Context, proto, code, function string, response bool, status uint32) {
	m := &p.msg
	*m = dissect.Message{Protocol: proto, Code: code, Function: function, Dir: dissect.Request}
	if response {
		m.Dir = dissect.Response
		m.Error = status != 0 && status != statusMoreProcessing
		m.Swap = ctx.Dir == dissect.FromOrig
		p.serverIsOrig = ctx.Dir == dissect.FromOrig
	} else {
		m.Swap = ctx.Dir == dissect.FromResp
	}
	ctx.Out.Message(ctx, m)
}

// newRecord starts a record for an exchange.
func newRecord(ctx *dissect.Context, action, version string) *record.SMB {
	return &record.SMB{TS: ctx.TS, Action: action, Version: version}
}

// write completes a record with the connection's endpoints, writes it and
// reports the identities it reveals.
func (p *parser) write(ctx *dissect.Context, r *record.SMB) {
	ep := ctx.Ep
	r.OrigH, r.OrigP, r.RespH, r.RespP = ep.OrigH, ep.OrigP, ep.RespH, ep.RespP
	r.OrigMAC, r.RespMAC, r.VLAN, r.Iface = ep.OrigMAC, ep.RespMAC, ep.VLAN, ep.Iface
	ctx.Out.Record(ctx, r)
	identity(ctx, r, p.serverIsOrig)
}

// pushTree queues a tree connect request.
func (p *parser) pushTree(ctx *dissect.Context, id uint64, r *record.SMB) {
	if len(p.trees) >= maxTrees {
		p.write(ctx, p.trees[0].rec)
		p.trees = p.trees[1:]
	}
	p.trees = append(p.trees, pendingTree{id, r})
}

// popTree returns the tree connect request a response answers.
func (p *parser) popTree(id uint64) *record.SMB {
	for i, t := range p.trees {
		if t.id == id {
			p.trees = append(p.trees[:i], p.trees[i+1:]...)
			return t.rec
		}
	}
	return nil
}

// session returns the session setup in progress, starting one.
func (p *parser) session(ctx *dissect.Context, version string) *record.SMB {
	if p.sess == nil {
		p.sess = newRecord(ctx, record.SMBSessionSetup, version)
	}
	p.sess.Version = version
	return p.sess
}

// endSession writes the session setup when its final response arrived.
func (p *parser) endSession(ctx *dissect.Context, status uint32) {
	if p.sess == nil || status == statusMoreProcessing {
		return
	}
	p.sess.Status, p.sess.ResponseSeen = status, true
	p.write(ctx, p.sess)
	p.sess = nil
}

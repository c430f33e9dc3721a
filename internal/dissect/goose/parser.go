package goose

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// goosePdu context tags (IEC 61850-8-1 Annex A).
const (
	tagGocbRef    = 0x80
	tagDatSet     = 0x82
	tagGoID       = 0x83
	tagStNum      = 0x85
	tagSqNum      = 0x86
	tagSimulation = 0x87 // "test" in edition 1
)

// simulateBit is the Ed.2 simulate flag in Reserved 1.
const simulateBit = 0x8000

// publisher is what is remembered about one GOOSE publisher.
type publisher struct {
	stNum    uint32
	detail   string // gocbRef
	test     string // gocbRef + " (test)"
	lastID   record.Micros
	hasIDRec bool
}

// Parser is the GOOSE state shared by all frames of the Ethertype.
type Parser struct {
	pubs map[string]*publisher
	key  []byte
	msg  dissect.Message
}

// NewParser returns a GOOSE parser.
func NewParser() *Parser {
	return &Parser{pubs: make(map[string]*publisher)}
}

// Parse implements dissect.Parser: one frame payload after the Ethertype.
func (p *Parser) Parse(ctx *dissect.Context, b []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameGOOSE, Dir: dissect.Indication, Function: "GOOSE"}
	apdu, res1, ok := header(b)
	if !ok {
		p.malformed(ctx)
		return
	}
	tag, pdu, _, ok := tlv(apdu)
	if !ok {
		p.malformed(ctx)
		return
	}
	if tag != 0x61 {
		// Only goosePdu [APPLICATION 1] travels on 0x88B8 (GSE management
		// has Ethertype 0x88B9).
		p.malformed(ctx)
		return
	}
	var ref, goID []byte
	var st uint32
	var haveSt, test bool
	for len(pdu) > 0 {
		t, v, rest, ok := tlv(pdu)
		if !ok {
			break
		}
		pdu = rest
		switch t {
		case tagGocbRef:
			ref = printable(v)
		case tagGoID:
			goID = printable(v)
		case tagStNum:
			st, haveSt = uint32Of(v)
		case tagSimulation:
			test = len(v) == 1 && v[0] != 0
		}
		if t >= tagSimulation {
			break // stNum and the flags come before confRev and allData
		}
	}
	if len(ref) == 0 || !haveSt {
		p.malformed(ctx)
		return
	}
	test = test || res1&simulateBit != 0
	pub, known := p.lookup(ctx.Ep.OrigMAC, ref)
	m.Code, m.Function = CodePublish, "GOOSE retransmission"
	if known && pub.stNum != st {
		m.Code, m.Function = CodeStateChange, "GOOSE state change"
	}
	pub.stNum = st
	m.Detail = pub.detail
	if test {
		m.Detail = pub.test
	}
	ctx.Out.Message(ctx, m)
	if !pub.hasIDRec || ctx.TS-pub.lastID >= identityEvery || ctx.TS < pub.lastID {
		pub.hasIDRec, pub.lastID = true, ctx.TS
		name := goID
		if len(name) == 0 {
			name = ref
		}
		ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: ctx.Ep.OrigMAC, Protocol: dissect.NameGOOSE,
			Message: "GOOSE", Name: string(name), Role: "IED", VLAN: ctx.Ep.VLAN})
	}
}

// lookup returns the publisher state of (mac, gocbRef), creating it.
func (p *Parser) lookup(mac record.MAC, ref []byte) (*publisher, bool) {
	p.key = append(append(p.key[:0], mac[:]...), ref...)
	if pub, ok := p.pubs[string(p.key)]; ok {
		return pub, true
	}
	if len(p.pubs) >= maxPublishers {
		clear(p.pubs)
	}
	d := string(ref)
	pub := &publisher{detail: d, test: d + " (test)"}
	p.pubs[string(p.key)] = pub
	return pub, false
}

func (p *Parser) malformed(ctx *dissect.Context) {
	p.msg.Code, p.msg.Function, p.msg.Error, p.msg.Detail = CodeMalformed, "GOOSE", true, ""
	ctx.Out.Message(ctx, &p.msg)
}

package goose

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// svState is what is remembered about one SV stream.
type svState struct {
	detail string
	lastID record.Micros
	seen   bool
}

// SVParser is the Sampled Values state shared by all frames of the
// Ethertype.
type SVParser struct {
	streams map[string]*svState
	key     []byte
	msg     dissect.Message
}

// NewSVParser returns a Sampled Values parser.
func NewSVParser() *SVParser {
	return &SVParser{streams: make(map[string]*svState)}
}

// Parse implements dissect.Parser. savPdu [APPLICATION 0] holds noASDU [0]
// and seqASDU [2], a sequence of ASDUs whose first element is svID [0].
func (p *SVParser) Parse(ctx *dissect.Context, b []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameSV, Dir: dissect.Indication, Code: CodeSample, Function: "sampled values"}
	apdu, _, ok := header(b)
	var svID []byte
	if ok {
		svID, ok = firstSvID(apdu)
	}
	if !ok {
		m.Code, m.Error = CodeMalformed, true
		ctx.Out.Message(ctx, m)
		return
	}
	mac := ctx.Ep.OrigMAC
	p.key = append(append(p.key[:0], mac[:]...), svID...)
	s, found := p.streams[string(p.key)]
	if !found {
		if len(p.streams) >= maxPublishers {
			clear(p.streams)
		}
		s = &svState{detail: string(svID)}
		p.streams[string(p.key)] = s
	}
	m.Detail = s.detail
	ctx.Out.Message(ctx, m)
	if !s.seen || ctx.TS-s.lastID >= identityEvery || ctx.TS < s.lastID {
		s.seen, s.lastID = true, ctx.TS
		ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, Protocol: dissect.NameSV,
			Message: "sampled values", Name: s.detail, Role: "merging unit", VLAN: ctx.Ep.VLAN})
	}
}

// firstSvID returns the svID of the first ASDU.
func firstSvID(apdu []byte) ([]byte, bool) {
	tag, pdu, _, ok := tlv(apdu)
	if !ok || tag != 0x60 {
		return nil, false
	}
	for len(pdu) > 0 {
		t, v, rest, ok := tlv(pdu)
		if !ok {
			return nil, false
		}
		pdu = rest
		if t != 0xa2 {
			continue
		}
		_, asdu, _, ok := tlv(v)
		if !ok {
			return nil, false
		}
		t, id, _, ok := tlv(asdu)
		if !ok || t != 0x80 {
			return nil, false
		}
		return printable(id), true
	}
	return nil, false
}

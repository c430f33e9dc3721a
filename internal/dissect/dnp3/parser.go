package dnp3

import (
	"github.com/otsight/otsight/internal/dissect"
)

// maxFragment bounds a reassembled application fragment. IEEE 1815 devices
// default to 2048 octets; larger configured sizes are allowed for.
const maxFragment = 16 << 10

// transport reassembles one direction's transport segments.
type transport struct {
	buf    []byte
	active bool
	seq    byte
}

// direction is the state of one direction of a connection or flow.
type direction struct {
	stream  dissect.Stream
	tr      transport
	desyncs int
	// afterGap suppresses the "malformed" report of the resync that a
	// capture gap causes: that frame was lost, not malformed.
	afterGap bool
}

// parser is the state of one DNP3 connection or flow.
type parser struct {
	dirs    [2]direction
	user    [250]byte
	details detailCache
	msg     dissect.Message
	ctx     *dissect.Context
	onFrame func([]byte)
}

func newParser() *parser {
	p := &parser{}
	p.msg.Protocol = dissect.NameDNP3
	p.onFrame = p.frame
	return p
}

// Parse implements dissect.Parser.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	defer func() { p.ctx = nil }()
	d := &p.dirs[ctx.Dir&1]
	if ctx.Ep.Transport == dissect.UDP {
		p.datagram(data)
		return
	}
	d.stream.Feed(data, frameLength, p.onFrame)
	if d.stream.Desyncs != d.desyncs {
		d.desyncs = d.stream.Desyncs
		if !d.afterGap {
			p.malformed()
		}
		d.tr.active = false
	}
	if d.stream.Desyncs == d.desyncs && d.stream.Buffered() == 0 {
		d.afterGap = false
	}
}

// Gap implements dissect.GapParser: the partial frame and any fragment in
// reassembly are lost.
func (p *parser) Gap(ctx *dissect.Context, _ int) {
	d := &p.dirs[ctx.Dir&1]
	d.stream.Reset()
	d.tr.active = false
	d.afterGap = true
}

// datagram handles one UDP datagram: whole frames, one after another.
func (p *parser) datagram(b []byte) {
	for len(b) > 0 {
		n := frameLength(b)
		if n <= 0 || n > len(b) {
			p.malformed()
			p.dirs[p.ctx.Dir&1].tr.active = false
			return
		}
		p.frame(b[:n])
		b = b[n:]
	}
}

// frame handles one complete link frame whose header CRC is right.
func (p *parser) frame(b []byte) {
	d := &p.dirs[p.ctx.Dir&1]
	d.afterGap = false
	ctl := b[3]
	dst := uint16(b[4]) | uint16(b[5])<<8
	src := uint16(b[6]) | uint16(b[7])<<8
	if b[2] == minLen {
		p.link(ctl, src, dst)
		return
	}
	user, ok := p.userData(b[headerLen:])
	if !ok {
		p.malformed()
		d.tr.active = false
		return
	}
	if ctl&ctlPRM == 0 || ctl&ctlFunc != linkConfirmedData && ctl&ctlFunc != linkUnconfirmedData {
		return
	}
	if frag := d.tr.segment(user); frag != nil {
		p.fragment(frag, src, dst)
	}
}

// userData checks the CRC of every data block and returns the user data
// without them, in the parser's scratch buffer.
func (p *parser) userData(b []byte) ([]byte, bool) {
	n := 0
	for len(b) > 0 {
		l := min(len(b), blockLen+2)
		if l < 3 || !crcOK(b[:l]) {
			return nil, false
		}
		n += copy(p.user[n:], b[:l-2])
		b = b[l:]
	}
	return p.user[:n], true
}

// segment adds one transport segment and returns the application fragment
// it completes, or nil. A segment that does not follow in sequence drops
// the fragment being reassembled, as IEEE 1815 (8.2.1) requires.
func (t *transport) segment(s []byte) []byte {
	th, data := s[0], s[1:]
	fin, fir, seq := th&0x80 != 0, th&0x40 != 0, th&0x3f
	switch {
	case fir:
		t.buf = t.buf[:0]
		t.active = true
	case !t.active || seq != (t.seq+1)&0x3f:
		t.active = false
		return nil
	}
	t.seq = seq
	if len(t.buf)+len(data) > maxFragment {
		t.active = false
		return nil
	}
	t.buf = append(t.buf, data...)
	if !fin {
		return nil
	}
	t.active = false
	return t.buf
}

// emit reports the message, swapped when it goes against the connection's
// orientation (a request from the responder, a response from the
// originator).
func (p *parser) emit() {
	ctx, m := p.ctx, &p.msg
	m.Swap = m.Dir == dissect.Request && ctx.Dir == dissect.FromResp ||
		m.Dir == dissect.Response && ctx.Dir == dissect.FromOrig
	ctx.Out.Message(ctx, m)
}

// link reports a link frame without user data.
func (p *parser) link(ctl byte, src, dst uint16) {
	m := &p.msg
	k := ctl & (ctlPRM | ctlFunc)
	m.Code, m.Function = linkCodes[k], linkNames[k]
	m.Dir = dissect.Response
	if ctl&ctlPRM != 0 {
		m.Dir = dissect.Request
	}
	m.Error = k == linkNACK || k == linkNotSupported
	m.Detail = p.details.text(detailKey{src: src, dst: dst})
	p.emit()
}

// malformed reports bytes of a DNP3 stream or datagram that are not a
// valid frame.
func (p *parser) malformed() {
	m := &p.msg
	m.Code, m.Function, m.Dir, m.Error, m.Detail = "malformed", "malformed", dissect.Indication, true, ""
	p.emit()
}

// fragment reports one application fragment: application control,
// function code, IIN (responses only), object headers.
func (p *parser) fragment(f []byte, src, dst uint16) {
	m := &p.msg
	if len(f) < 2 {
		p.malformed()
		return
	}
	fc := f[1]
	m.Code, m.Function = funcCodes[fc], funcNames[fc]
	m.Error = false
	k := detailKey{src: src, dst: dst}
	objs := f[2:]
	switch {
	case fc < 128:
		m.Dir = dissect.Request
	case fc == fcUnsolicited:
		m.Dir = dissect.Indication
	default:
		m.Dir = dissect.Response
	}
	if fc == fcResponse || fc == fcUnsolicited || fc == fcAuthResponse {
		if len(objs) >= 2 {
			k.iin = objs[1] & iinRequestErrors
			m.Error = k.iin != 0
			objs = objs[2:]
		}
	}
	if len(objs) >= 2 {
		k.hasObj, k.group, k.variation = true, objs[0], objs[1]
	}
	m.Detail = p.details.text(k)
	p.emit()
}

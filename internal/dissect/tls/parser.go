package tls

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// maxHandshake bounds one reassembled handshake message; a longer one (or
// a length field that claims more) stops handshake parsing in that
// direction.
const maxHandshake = 64 << 10

// side is the state of one direction.
type side struct {
	records dissect.Stream
	// hs holds the start of a handshake message that continues in a later
	// record.
	hs []byte
	// encrypted is set after the side's ChangeCipherSpec: its later
	// handshake messages and alerts are ciphertext.
	encrypted bool
	// lost is set when a handshake message was too long or malformed.
	lost bool
}

type parser struct {
	msg   dissect.Message
	sides [2]side
	rec   *record.TLS // the connection's record, until written
	done  bool        // the record was written
	tls13 bool        // the server chose TLS 1.3: its handshake is encrypted
	retry bool        // the server sent a TLS 1.3 HelloRetryRequest
	ctx   *dissect.Context
}

// Parse implements dissect.Parser: the next bytes of one direction.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	p.sides[ctx.Dir].records.Feed(data, recordLength, p.record)
	p.ctx = nil
}

// Gap implements dissect.GapParser: lost bytes break the record framing and
// any partial handshake message.
func (p *parser) Gap(ctx *dissect.Context, _ int) {
	s := &p.sides[ctx.Dir]
	s.records.Reset()
	s.hs = s.hs[:0]
}

// Close implements dissect.Closer: a handshake the server did not complete
// is still written.
func (p *parser) Close(ctx *dissect.Context) { p.finish(ctx) }

// recordLength frames TLS records: content type 20-24, major version 3,
// length at most maxRecord.
func recordLength(b []byte) int {
	if len(b) < 5 {
		return 0
	}
	n := int(b[3])<<8 | int(b[4])
	if b[0] < ctChangeCipherSpec || b[0] > ctHeartbeat || b[1] != 3 || n > maxRecord {
		return -1
	}
	return 5 + n
}

// record handles one complete record of the current direction.
func (p *parser) record(rec []byte) {
	ctx := p.ctx
	s := &p.sides[ctx.Dir]
	body := rec[5:]
	switch rec[0] {
	case ctChangeCipherSpec:
		if p.tls13 || p.retry {
			// TLS 1.3 sends it only for middlebox compatibility (RFC 8446
			// §D.4); its encrypted records are application data.
			return
		}
		s.encrypted = true
		s.hs = s.hs[:0]
		if ctx.Dir == dissect.FromResp {
			p.finish(ctx) // an abbreviated (resumed) handshake ends here
		}
	case ctAlert:
		// An encrypted alert is longer than the two clear-text bytes.
		if !s.encrypted && len(body) == 2 {
			p.alert(ctx, body[0], body[1])
		}
	case ctHandshake:
		if s.encrypted || s.lost || (p.tls13 && ctx.Dir == dissect.FromResp) {
			return
		}
		p.handshakeRecord(ctx, s, body)
	}
}

// handshakeRecord splits a handshake record's fragment into messages,
// joining messages that span records.
func (p *parser) handshakeRecord(ctx *dissect.Context, s *side, frag []byte) {
	data := frag
	if len(s.hs) > 0 {
		if len(s.hs)+len(frag) > maxHandshake+4 {
			s.lost, s.hs = true, nil
			return
		}
		s.hs = append(s.hs, frag...)
		data = s.hs
	}
	for len(data) >= 4 {
		n := int(data[1])<<16 | int(data[2])<<8 | int(data[3])
		if n > maxHandshake {
			s.lost, s.hs = true, nil
			return
		}
		if len(data) < 4+n {
			break
		}
		p.handshake(ctx, data[0], data[4:4+n])
		if s.lost || (p.tls13 && ctx.Dir == dissect.FromResp) {
			s.hs = s.hs[:0]
			return // what follows a TLS 1.3 ServerHello is encrypted
		}
		data = data[4+n:]
	}
	// Keep the partial message; data may alias s.hs, which copy handles.
	s.hs = append(s.hs[:0], data...)
}

// handshake reports one complete handshake message and reads the hellos
// and the server's certificate into the record.
func (p *parser) handshake(ctx *dissect.Context, typ uint8, body []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameTLS, Code: hsCode[typ], Function: hsFunc[typ], Dir: ctx.Dir.MsgDir()}
	ctx.Out.Message(ctx, m)
	if p.done {
		return // a renegotiation: the record is already written
	}
	switch {
	case typ == hsClientHello && ctx.Dir == dissect.FromOrig:
		clientHello(p.record1(ctx), body)
	case typ == hsServerHello && ctx.Dir == dissect.FromResp:
		r := p.record1(ctx)
		// After a HelloRetryRequest the client sends a new ClientHello
		// and the server a real ServerHello, both in clear text.
		retry := serverHello(r, body)
		p.retry = p.retry || retry
		if r.Version == "TLSv13" && !retry {
			p.tls13 = true
			p.finish(ctx) // everything after the ServerHello is encrypted
		}
	case typ == hsCertificate && ctx.Dir == dissect.FromResp:
		certificate(p.record1(ctx), body)
	case typ == hsServerHelloDone && ctx.Dir == dissect.FromResp:
		p.finish(ctx)
	}
}

// alert reports a clear-text alert.
func (p *parser) alert(ctx *dissect.Context, level, desc uint8) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameTLS, Code: "alert", Function: alFunc[desc],
		Dir: ctx.Dir.MsgDir(), Error: level == 2}
	ctx.Out.Message(ctx, m)
	if !p.done {
		p.record1(ctx).LastAlert = alFunc[desc]
	}
}

// record1 returns the connection's record, creating it on first use.
func (p *parser) record1(ctx *dissect.Context) *record.TLS {
	if p.rec == nil {
		ep := ctx.Ep
		p.rec = &record.TLS{
			TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
			OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		}
	}
	return p.rec
}

// finish writes the record once, if the handshake showed anything.
func (p *parser) finish(ctx *dissect.Context) {
	if p.done || p.rec == nil {
		return
	}
	p.done = true
	ctx.Out.Record(ctx, p.rec)
	p.rec = nil
}

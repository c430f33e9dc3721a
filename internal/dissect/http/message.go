package http

import (
	"bytes"

	"github.com/otsight/otsight/internal/dissect"
)

// startLine begins a request or a response.
func (p *parser) startLine(ctx *dissect.Context, s *side, line []byte) {
	*s = side{dir: s.dir, line: s.line, st: stHeaders, length: -1}
	if bytes.HasPrefix(line, []byte("HTTP/")) {
		s.response = true
		if !isStatusLine(line) {
			p.malformed(ctx, s)
			return
		}
		s.response = true
		s.status = int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
		s.code, s.function = statusCodes[s.status], reason(s.status)
		t := p.forResponse(ctx)
		s.tx = t
		t.rec.ResponseSeen = true
		t.respDir = s.dir
		if s.status >= 200 || s.status == 101 {
			t.respStarted = true
			t.rec.StatusCode = uint16(s.status)
			t.rec.Version = versions[line[7]&1]
			if len(line) > 13 {
				t.rec.StatusMsg = p.keep(slotStatus, line[13:], maxStatusMsg)
			}
		}
		return
	}
	m, target, version, ok := splitRequest(line)
	if !ok || len(target) == 0 || !validVersion(version) {
		p.malformed(ctx, s)
		return
	}
	s.code = methods[string(m)]
	if s.code == "" {
		s.code = string(m)
	}
	s.function = s.code
	t := p.newTxn(ctx)
	t.rec.TS = ctx.TS
	t.rec.RequestSeen = true
	t.rec.Method = s.code
	t.rec.URI = text(target, maxURI)
	t.rec.Version = versions[version[7]&1]
	t.head, t.connect = s.code == "HEAD", s.code == "CONNECT"
	s.tx = t
}

// header keeps the headers the record and the body framing need.
func (p *parser) header(s *side, name, value []byte) {
	r := &s.tx.rec
	switch {
	case bytes.EqualFold(name, []byte("Content-Length")):
		n, ok := decimal(value)
		if !ok {
			s.tx.rec.Malformed = true
		} else if s.length < 0 {
			s.length = n
		}
	case bytes.EqualFold(name, []byte("Transfer-Encoding")):
		// chunked must be the last coding (RFC 9112 section 6.1)
		v := bytes.TrimSpace(value)
		if len(v) >= 7 && bytes.EqualFold(v[len(v)-7:], []byte("chunked")) {
			s.chunked = true
		}
	case bytes.EqualFold(name, []byte("Content-Type")):
		dst := &r.RequestContentType
		if s.response {
			dst = &r.ResponseContentType
		}
		if *dst == "" {
			slot := slotReqType
			if s.response {
				slot = slotRespType
			}
			*dst = p.keep(slot, value, maxMIME)
		}
	case s.response:
		if bytes.EqualFold(name, []byte("Server")) && r.Server == "" {
			r.Server = p.keep(slotServer, value, maxValue)
		}
	case bytes.EqualFold(name, []byte("Host")):
		if r.Host == "" {
			r.Host = p.keep(slotHost, value, maxValue)
		}
	case bytes.EqualFold(name, []byte("User-Agent")):
		if r.UserAgent == "" {
			r.UserAgent = p.keep(slotUserAgent, value, maxValue)
		}
	}
}

// endHeaders counts the message and decides how its body is delimited
// (RFC 9112 section 6.3).
func (p *parser) endHeaders(ctx *dissect.Context, s *side) {
	p.announce(ctx, s)
	t := s.tx
	if !s.response {
		switch {
		case s.chunked:
			s.st = stChunkSize
		case s.length > 0:
			s.st, s.remain = stBody, uint64(s.length)
		default:
			p.endMessage(ctx, s)
		}
		return
	}
	switch {
	case s.status == 101 || (t.connect && s.status >= 200 && s.status < 300):
		// The connection now carries another protocol.
		p.endMessage(ctx, s)
		p.sides[0].st, p.sides[1].st = stDead, stDead
	case s.status < 200:
		t.rec.InfoCode = uint16(s.status)
		s.tx, s.st = nil, stStart // the final response follows
	case t.head || s.status == 204 || s.status == 304:
		p.endMessage(ctx, s)
	case s.chunked:
		s.st = stChunkSize
	case s.length >= 0:
		s.st, s.remain = stBody, uint64(s.length)
		if s.length == 0 {
			p.endMessage(ctx, s)
		}
	default:
		s.st = stToClose
	}
}

// announce counts the current message once.
func (p *parser) announce(ctx *dissect.Context, s *side) {
	if s.announced || s.code == "" {
		return
	}
	s.announced = true
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameHTTP, Code: s.code, Function: s.function, Dir: dissect.Request}
	if s.response {
		m.Dir = dissect.Response
		m.Error = s.status >= 400
		m.Swap = s.dir == dissect.FromOrig
	} else {
		m.Swap = s.dir == dissect.FromResp
	}
	ctx.Out.Message(ctx, m)
}

// malformed counts a broken message (once) and puts the direction out of
// step until a segment starts a new message.
func (p *parser) malformed(ctx *dissect.Context, s *side) {
	if !s.announced {
		s.announced = true
		m := &p.msg
		*m = dissect.Message{Protocol: dissect.NameHTTP, Code: codeMalformed, Function: codeMalformed,
			Dir: dissect.Request, Error: true}
		if s.response {
			m.Dir = dissect.Response
		}
		m.Swap = (m.Dir == dissect.Response) == (s.dir == dissect.FromOrig)
		ctx.Out.Message(ctx, m)
	}
	if s.tx != nil {
		s.tx.rec.Malformed = true
	}
	p.cut(ctx, s)
	s.st = stResync
}

// cut ends the current message of s where it stands.
func (p *parser) cut(ctx *dissect.Context, s *side) {
	p.announce(ctx, s)
	if s.tx != nil {
		p.finish(ctx, s)
	}
	s.line = s.line[:0]
}

// endMessage completes the current message of s.
func (p *parser) endMessage(ctx *dissect.Context, s *side) {
	p.finish(ctx, s)
	s.st = stStart
}

// finish marks the current message's half of its transaction done and
// writes the transaction when both halves are.
func (p *parser) finish(ctx *dissect.Context, s *side) {
	t := s.tx
	s.tx = nil
	if t == nil {
		return
	}
	if s.response {
		t.respDone = true
	} else {
		t.reqDone = true
	}
	if t.reqDone && t.respDone {
		p.emit(ctx, t)
	}
}

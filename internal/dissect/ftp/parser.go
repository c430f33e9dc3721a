package ftp

import (
	"bytes"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// maxLine bounds a kept line; the rest of a longer line is skipped.
const maxLine = 512

// lines cuts one direction into lines ending in LF.
type lines struct {
	buf  []byte
	long bool // skipping the rest of an over-long line
}

// feed calls f for every complete line (without CR LF), in order.
func (l *lines) feed(data []byte, f func(line []byte)) {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if l.long || len(l.buf)+len(data) > maxLine {
				// Keep the start for the message; drop the rest.
				l.buf = append(l.buf, data[:max(0, min(len(data), maxLine-len(l.buf)))]...)
				l.long = true
				return
			}
			l.buf = append(l.buf, data...)
			return
		}
		line := data[:i]
		data = data[i+1:]
		if len(l.buf) > 0 || l.long {
			l.buf = append(l.buf, line[:max(0, min(len(line), maxLine-len(l.buf)))]...)
			line = l.buf
		}
		f(bytes.TrimSuffix(line, []byte("\r")))
		l.buf, l.long = l.buf[:0], false
	}
}

type parser struct {
	msg     dissect.Message
	in      [2]lines
	rec     *record.FTP
	done    bool
	tls     bool   // AUTH succeeded: the rest is TLS
	multi   []byte // code of the multi-line reply in progress ("230"), or nil
	multiAt [3]byte
	last    string // the last command's verb
	ctx     *dissect.Context
}

// Parse implements dissect.Parser: the next bytes of one direction.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	if p.tls {
		return
	}
	p.ctx = ctx
	if ctx.Dir == dissect.FromOrig {
		p.in[0].feed(data, p.command)
	} else {
		p.in[1].feed(data, p.reply)
	}
	p.ctx = nil
}

// Gap implements dissect.GapParser: drop the partial line.
func (p *parser) Gap(ctx *dissect.Context, _ int) {
	p.in[ctx.Dir] = lines{buf: p.in[ctx.Dir].buf[:0]}
	if ctx.Dir == dissect.FromResp {
		p.multi = nil
	}
}

// Close implements dissect.Closer: write the session's record.
func (p *parser) Close(ctx *dissect.Context) { p.finish(ctx) }

// command handles one line from the client.
func (p *parser) command(line []byte) {
	if len(line) == 0 {
		return
	}
	ctx := p.ctx
	r := p.record1(ctx)
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameFTP, Dir: dissect.Request}
	verb, arg, _ := bytes.Cut(line, []byte(" "))
	var up [4]byte
	if !letters(verb, up[:]) {
		m.Code, m.Function, m.Error = codeMalformed, codeMalformed, true
		ctx.Out.Message(ctx, m)
		return
	}
	code, ok := commands[string(up[:len(verb)])]
	if !ok {
		code = codeUnknown
	}
	m.Code, m.Function = code, code
	ctx.Out.Message(ctx, m)
	p.last = code
	if p.done {
		return
	}
	r.Commands++
	switch code {
	case "USER":
		if r.User == "" {
			r.User = text(bytes.TrimSpace(arg))
		}
	case "PASS":
		r.PasswordSent = true // the argument is never looked at
	}
}

// letters reports whether verb is 3 or 4 ASCII letters, and writes it in
// upper case to up.
func letters(verb, up []byte) bool {
	if len(verb) < 3 || len(verb) > 4 {
		return false
	}
	for i, c := range verb {
		switch {
		case c >= 'A' && c <= 'Z':
		case c >= 'a' && c <= 'z':
			c -= 'a' - 'A'
		default:
			return false
		}
		up[i] = c
	}
	return true
}

// reply handles one line from the server.
func (p *parser) reply(line []byte) {
	ctx := p.ctx
	if p.multi != nil {
		// Inside a multi-line reply: it ends at a line starting with the
		// same code and a space (RFC 959 §4.2).
		if len(line) >= 4 && bytes.Equal(line[:3], p.multi) && line[3] == ' ' {
			p.multi = nil
			p.replyDone(ctx, line)
		}
		return
	}
	if len(line) == 0 {
		return
	}
	if len(line) < 3 || !digits(line[:3]) || line[0] < '1' || line[0] > '5' || (len(line) > 3 && line[3] != ' ' && line[3] != '-') {
		m := &p.msg
		*m = dissect.Message{Protocol: dissect.NameFTP, Code: codeMalformed, Function: codeMalformed,
			Dir: dissect.Response, Error: true}
		p.record1(ctx)
		ctx.Out.Message(ctx, m)
		return
	}
	if len(line) > 3 && line[3] == '-' {
		copy(p.multiAt[:], line[:3])
		p.multi = p.multiAt[:]
		p.replyText(ctx, line) // the first line carries the text kept
		return
	}
	p.replyText(ctx, line)
	p.replyDone(ctx, line)
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// replyText keeps the text of the first line of a greeting or SYST reply.
func (p *parser) replyText(ctx *dissect.Context, line []byte) {
	r := p.record1(ctx)
	if p.done {
		return
	}
	txt := bytes.TrimSpace(line[min(len(line), 4):])
	switch {
	case string(line[:3]) == "220" && r.Banner == "" && r.Commands == 0:
		r.Banner = text(txt)
	case string(line[:3]) == "215" && p.last == "SYST" && r.Syst == "":
		r.Syst = text(txt)
	}
}

// replyDone reports a complete reply (its last line).
func (p *parser) replyDone(ctx *dissect.Context, line []byte) {
	n := int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameFTP, Code: replyCode[n-100], Function: replyClass[line[0]-'0'],
		Dir: dissect.Response, Error: line[0] >= '4'}
	ctx.Out.Message(ctx, m)
	r := p.record1(ctx)
	if !p.done {
		if m.Error {
			r.Errors++
		}
		if n == 230 {
			r.LoggedIn = true
		}
	}
	switch {
	case n == 234 && p.last == "AUTH":
		p.tls = true
		p.finish(ctx)
	case n == 221 && p.last == "QUIT":
		p.finish(ctx)
	}
}

// record1 returns the session's record, creating it on first use.
func (p *parser) record1(ctx *dissect.Context) *record.FTP {
	if p.rec == nil {
		ep := ctx.Ep
		p.rec = &record.FTP{
			TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
			OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		}
	}
	return p.rec
}

// finish writes the record once.
func (p *parser) finish(ctx *dissect.Context) {
	if p.done || p.rec == nil {
		return
	}
	p.done = true
	ctx.Out.Record(ctx, p.rec)
}

// text keeps the printable ASCII of a wire string, at most 255 bytes.
func text(v []byte) string {
	out := make([]byte, 0, min(len(v), 255))
	for _, c := range v {
		if len(out) == 255 {
			break
		}
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

package telnet

import (
	"bytes"
	"slices"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Bounds on what is kept of the server's text and the options.
const (
	maxBanner  = 256
	maxPrompt  = 128
	maxOptions = 16
)

// state is where one direction's command decoder is.
type state uint8

const (
	stData     state = iota
	stIAC            // after IAC
	stOption         // after IAC WILL/WONT/DO/DONT: the option byte
	stSubFirst       // after IAC SB: the option byte
	stSub            // inside a subnegotiation
	stSubIAC         // IAC inside a subnegotiation
	stEsc            // after ESC in the server's text
	stCSI            // inside an ANSI control sequence (ESC [ … final byte)
)

// side is the command decoder of one direction.
type side struct {
	st  state
	cmd uint8 // the negotiation command awaiting its option
}

type parser struct {
	msg   dissect.Message
	sides [2]side
	rec   *record.Telnet
	done  bool // the client typed: the record is written, text is no longer read
	// The server's text before the client's first keystroke.
	banner []byte
	line   []byte // the line being received, bounded by maxPrompt
	last   []byte // the last complete non-empty line
	ctx    *dissect.Context
}

// Parse implements dissect.Parser: the next bytes of one direction.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.record1(ctx)
	s := &p.sides[ctx.Dir]
	for _, c := range data {
		switch s.st {
		case stData, stEsc, stCSI:
			if c == cmdIAC {
				s.st = stIAC
				continue
			}
			p.data(ctx, s, c)
		case stIAC:
			p.command(ctx, s, c)
		case stOption:
			s.st = stData
			p.option(ctx, s.cmd, c)
		case stSubFirst:
			s.st = stSub
		case stSub:
			if c == cmdIAC {
				s.st = stSubIAC
			}
		case stSubIAC:
			switch c {
			case cmdIAC:
				s.st = stSub // an escaped 0xff inside the subnegotiation
			default:
				// IAC SE ends it; any other command ends it too, as it
				// cannot belong to the subnegotiation.
				p.command(ctx, s, c)
			}
		}
	}
}

// Gap implements dissect.GapParser: resynchronise on data.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.sides[ctx.Dir].st = stData }

// Close implements dissect.Closer: write the record if the client never
// typed.
func (p *parser) Close(ctx *dissect.Context) { p.finish(ctx) }

// command handles the byte after IAC.
func (p *parser) command(ctx *dissect.Context, s *side, c uint8) {
	if c == cmdIAC {
		// An escaped 0xff data byte.
		s.st = stData
		p.data(ctx, s, c)
		return
	}
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameTelnet, Code: cmdCode[c], Function: cmdFunc[c], Dir: dissect.Request}
	if ctx.Dir == dissect.FromResp {
		m.Dir = dissect.Response
	}
	ctx.Out.Message(ctx, m)
	switch c {
	case cmdWILL, cmdWONT, cmdDO, cmdDONT:
		s.st, s.cmd = stOption, c
	case cmdSB:
		s.st = stSubFirst
	default:
		s.st = stData
	}
}

// option records an option a side offers (WILL) or asks for (DO).
func (p *parser) option(ctx *dissect.Context, cmd, opt uint8) {
	if p.done || (cmd != cmdWILL && cmd != cmdDO) {
		return
	}
	list := &p.rec.ClientOptions
	if ctx.Dir == dissect.FromResp {
		list = &p.rec.ServerOptions
	}
	if name := optName[opt]; len(*list) < maxOptions && !slices.Contains(*list, name) {
		*list = append(*list, name)
	}
}

// data handles one data byte. The client's first one is its first
// keystroke: the server's text up to then is the banner. The client's data
// is never kept.
func (p *parser) data(ctx *dissect.Context, s *side, c uint8) {
	if p.done {
		s.st = stData
		return
	}
	if ctx.Dir == dissect.FromOrig {
		s.st = stData
		p.finish(ctx)
		return
	}
	switch s.st {
	case stEsc:
		s.st = stData
		if c == '[' {
			s.st = stCSI
		}
		return
	case stCSI:
		if c >= 0x40 && c <= 0x7e {
			s.st = stData
		}
		return
	}
	switch {
	case c == 0x1b:
		s.st = stEsc
	case c == '\n':
		if t := bytes.TrimSpace(p.line); len(t) > 0 {
			p.last = append(p.last[:0], t...)
		}
		p.line = p.line[:0]
		if n := len(p.banner); n > 0 && n < maxBanner && p.banner[n-1] != '\n' {
			p.banner = append(p.banner, '\n')
		}
	case c >= 0x20 && c < 0x7f:
		if len(p.line) < maxPrompt {
			p.line = append(p.line, c)
		}
		if len(p.banner) < maxBanner && (c != ' ' || len(p.banner) > 0) {
			p.banner = append(p.banner, c)
		}
	}
}

// record1 returns the session's record, creating it on first use.
func (p *parser) record1(ctx *dissect.Context) *record.Telnet {
	if p.rec == nil {
		ep := ctx.Ep
		p.rec = &record.Telnet{
			TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
			OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		}
	}
	return p.rec
}

// finish writes the record once, with the banner and prompt as they are.
func (p *parser) finish(ctx *dissect.Context) {
	if p.done || p.rec == nil {
		return
	}
	p.done = true
	r := p.rec
	r.Banner = string(bytes.TrimSpace(p.banner))
	prompt := bytes.TrimSpace(p.line)
	if len(prompt) == 0 {
		prompt = p.last
	}
	r.LoginPrompt = string(prompt)
	ctx.Out.Record(ctx, r)
	p.banner, p.line, p.last = nil, nil, nil
}

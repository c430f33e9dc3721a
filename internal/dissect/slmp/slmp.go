package slmp

import (
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Spec recognises SLMP / MC protocol 3E and 4E frames on the ports most
// often configured for them (the protocol has no registered port: every
// Ethernet module or built-in port is set up by the user) and, by its strict
// heuristic, on any other TCP or UDP port. TCP 5007 and UDP 5560 are left to
// MELSOFT; 61450/61451 belong to CC-Link IE Field Basic, which reuses the
// 3E framing.
var Spec = &dissect.Spec{
	Name:     dissect.NameSLMP,
	TCPPorts: []uint16{1025, 1026, 1027, 1028, 5000, 5001, 5002, 5010, 5011, 5012},
	UDPPorts: []uint16{1025, 1026, 1027, 1028, 5000, 5001, 5002, 5010, 5011, 5012},
	Detect:   detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

const (
	maxCache   = 4096 // bound of each per-connection string cache
	maxPending = 16   // 4E requests remembered for their responses
)

// pending is a request awaiting its response.
type pending struct {
	serial uint16
	code   string
	name   string
	cmd    uint16
	valid  bool
}

type parser struct {
	msg      dissect.Message
	streams  [2]dissect.Stream
	last3E   pending // 3E frames have no serial: the last request
	ring     [maxPending]pending
	next     int
	codes    map[uint32]string
	details  map[devKey]string
	ends     map[uint16]string
	ctx      *dissect.Context
	emitFunc func([]byte)
}

func newParser() *parser {
	p := &parser{codes: map[uint32]string{}, details: map[devKey]string{}, ends: map[uint16]string{}}
	p.emitFunc = p.frame
	return p
}

// Parse takes TCP stream data (cut into frames) or one UDP datagram (which
// may hold several frames).
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	if ctx.Ep.Transport == dissect.TCP {
		s := &p.streams[ctx.Dir&1]
		before := s.Desyncs
		s.Feed(data, pduLength, p.emitFunc)
		if s.Desyncs != before {
			p.malformed()
		}
		return
	}
	for len(data) > 0 {
		n := pduLength(data)
		if n <= 0 || n > len(data) {
			p.malformed()
			return
		}
		p.frame(data[:n])
		data = data[n:]
	}
}

// Gap resynchronises the stream after lost bytes.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

func (p *parser) malformed() {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameSLMP, Code: "malformed", Function: "malformed", Dir: dissect.Indication, Error: true}
	p.ctx.Out.Message(p.ctx, m)
}

// frame reports one complete frame.
func (p *parser) frame(b []byte) {
	f, ok := parseFrame(b)
	if !ok {
		p.malformed()
		return
	}
	ctx, m := p.ctx, &p.msg
	*m = dissect.Message{Protocol: dissect.NameSLMP}
	if !f.resp {
		m.Dir = dissect.Request
		m.Swap = ctx.Dir == dissect.FromResp
		m.Code = p.code(f.cmd, f.sub)
		c, known := commands[f.cmd]
		m.Function = c.name
		if !known {
			m.Function = "unknown"
		}
		if c.device {
			m.Detail = p.deviceDetail(f)
		}
		p.remember(f, m.Code, m.Function)
		ctx.Out.Message(ctx, m)
		return
	}
	m.Dir = dissect.Response
	m.Swap = ctx.Dir == dissect.FromOrig
	req := p.match(f)
	m.Code, m.Function = "unmatched", "unmatched"
	if req.valid {
		m.Code, m.Function = req.code, req.name
	}
	if f.end != 0 {
		m.Error = true
		m.Detail = p.endDetail(f.end)
		// An error response repeats the request's command and subcommand
		// after the responder's network/station/module/drop (9 bytes
		// binary, 18 characters ASCII: "Error information").
		if !req.valid {
			if cmd, sub, ok := errorInfo(f); ok {
				m.Code, m.Function = p.code(cmd, sub), commands[cmd].name
				if m.Function == "" {
					m.Function = "unknown"
				}
			}
		}
	}
	ctx.Out.Message(ctx, m)
	if req.valid && req.cmd == 0x0101 && f.end == 0 {
		p.typeName(f)
	}
}

func errorInfo(f frame) (cmd, sub uint16, ok bool) {
	off := 5
	if f.ascii {
		off = 10
	}
	if len(f.data) < off {
		return 0, 0, false
	}
	w := 2
	if f.ascii {
		w = 4
	}
	if cmd, ok = num(f.data[off:], f.ascii); !ok {
		return 0, 0, false
	}
	sub, ok = num(f.data[off+w:], f.ascii)
	return cmd, sub, ok
}

// remember keeps a request for the response that follows.
func (p *parser) remember(f frame, code, name string) {
	r := pending{serial: f.serial, code: code, name: name, cmd: f.cmd, valid: true}
	if !f.fourE {
		p.last3E = r
		return
	}
	p.ring[p.next] = r
	p.next = (p.next + 1) % maxPending
}

// match finds the request a response answers: by serial number in 4E
// frames, else the last 3E request (3E allows one outstanding request).
func (p *parser) match(f frame) pending {
	if !f.fourE {
		r := p.last3E
		p.last3E.valid = false
		return r
	}
	for i := range p.ring {
		if r := p.ring[i]; r.valid && r.serial == f.serial {
			p.ring[i].valid = false
			return r
		}
	}
	return pending{}
}

// code returns "cmd/sub" in hex, formatted once per connection.
func (p *parser) code(cmd, sub uint16) string {
	k := uint32(cmd)<<16 | uint32(sub)
	if s, ok := p.codes[k]; ok {
		return s
	}
	s := hex4(cmd) + "/" + hex4(sub)
	if len(p.codes) < maxCache {
		p.codes[k] = s
	}
	return s
}

func (p *parser) endDetail(end uint16) string {
	if s, ok := p.ends[end]; ok {
		return s
	}
	s := "end=" + strings.ToUpper(hex4(end))
	if len(p.ends) < maxCache {
		p.ends[end] = s
	}
	return s
}

func hex4(v uint16) string {
	s := strconv.FormatUint(uint64(v), 16)
	return strings.Repeat("0", 4-len(s)) + s
}

// typeName reports the CPU model a Read Type Name response gives: the model
// name (16 ASCII characters, space padded) and the model code (2 bytes
// little-endian; 4 hex digits in ASCII frames).
func (p *parser) typeName(f frame) {
	need := 18
	if f.ascii {
		need = 20
	}
	if len(f.data) < need {
		return
	}
	model := strings.TrimRight(string(f.data[:16]), " \x00")
	code, ok := num(f.data[16:], f.ascii)
	if !ok || model == "" || !printable(model) {
		return
	}
	ctx := p.ctx
	mac, ip := ctx.Ep.RespMAC, ctx.Ep.RespH
	if ctx.Dir == dissect.FromOrig {
		mac, ip = ctx.Ep.OrigMAC, ctx.Ep.OrigH
	}
	ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, IP: ip, VLAN: ctx.Ep.VLAN,
		Protocol: dissect.NameSLMP, Message: "Read Type Name (model code " + strings.ToUpper(hex4(code)) + ")",
		Vendor: "Mitsubishi Electric", Model: model, Role: "PLC"})
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return false
		}
	}
	return true
}

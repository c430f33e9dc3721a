package fins

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Spec recognises FINS on UDP and TCP 9600 and, by its heuristic, on any
// port: FINS/TCP by its "FINS" magic and length, FINS/UDP by a header whose
// reserved bits and byte are zero, a gateway count of at most 7 and a
// command code from the manual.
var Spec = &dissect.Spec{
	Name:     dissect.NameFINS,
	TCPPorts: []uint16{9600},
	UDPPorts: []uint16{9600},
	Detect:   detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

const (
	headerLen   = 10 // ICF … SID
	cmdLen      = headerLen + 2
	respLen     = cmdLen + 2
	icfResponse = 0x40
	icfReserved = 0x3E // bits 1–5 are always 0

	tcpHeaderLen = 16 // "FINS", length, command, error code
	tcpMaxLen    = 8 + 2012
	maxCache     = 4096

	// Controller Data Read (0501) response: model and version, 20 bytes
	// each, after the end code.
	modelLen = 20
)

// FINS/TCP commands (W342 section 7-4 "FINS/TCP Method").
var tcpCommands = [4]struct{ code, name string }{
	{"tcp/0", "node_address_data_send_client"},
	{"tcp/1", "node_address_data_send_server"},
	{"tcp/2", "frame_send"},
	{"tcp/3", "frame_send_error_notification"},
}

func detect(_ dissect.Dir, p []byte) bool {
	if len(p) >= 4 && string(p[:4]) == "FINS" {
		return len(p) >= tcpHeaderLen && tcpLength(p) > 0
	}
	if len(p) < cmdLen || p[0]&icfReserved != 0 || p[1] != 0 || p[2] > 7 {
		return false
	}
	_, known := commands[binary.BigEndian.Uint16(p[headerLen:])]
	return known
}

// tcpLength is the dissect.PDULength of FINS/TCP: 8 + the length field.
func tcpLength(b []byte) int {
	if len(b) < 8 {
		if n := min(len(b), 4); string(b[:n]) != "FINS"[:n] {
			return -1
		}
		return 0
	}
	if string(b[:4]) != "FINS" {
		return -1
	}
	n := binary.BigEndian.Uint32(b[4:])
	if n < 8 || n > tcpMaxLen {
		return -1
	}
	return 8 + int(n)
}

type parser struct {
	msg     dissect.Message
	streams [2]dissect.Stream
	ctx     *dissect.Context
	emit    func([]byte)
	codes   map[uint16]string
	details map[areaKey]string
	ends    map[uint16]string
}

func newParser() *parser {
	p := &parser{codes: map[uint16]string{}, details: map[areaKey]string{}, ends: map[uint16]string{}}
	p.emit = p.tcpFrame
	return p
}

// Parse takes TCP stream data or one UDP datagram (one FINS frame).
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	if ctx.Ep.Transport == dissect.TCP {
		s := &p.streams[ctx.Dir&1]
		before := s.Desyncs
		s.Feed(data, tcpLength, p.emit)
		if s.Desyncs != before {
			p.malformed()
		}
		return
	}
	if len(data) == 0 {
		return
	}
	p.frame(data)
}

// Gap resynchronises the stream after lost bytes.
func (p *parser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

func (p *parser) malformed() {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameFINS, Code: "malformed", Function: "malformed", Dir: dissect.Indication, Error: true}
	p.ctx.Out.Message(p.ctx, m)
}

// tcpFrame handles one FINS/TCP message: frame send (2) carries a FINS
// frame, which is the message; the others are messages of their own with
// code "tcp/<command>".
func (p *parser) tcpFrame(b []byte) {
	if len(b) < tcpHeaderLen {
		p.malformed()
		return
	}
	cmd := binary.BigEndian.Uint32(b[8:])
	errCode := binary.BigEndian.Uint32(b[12:])
	if cmd == 2 && errCode == 0 {
		p.frame(b[tcpHeaderLen:])
		return
	}
	ctx, m := p.ctx, &p.msg
	*m = dissect.Message{Protocol: dissect.NameFINS, Code: "tcp/other", Function: "unknown", Dir: dissect.Indication}
	if cmd < uint32(len(tcpCommands)) {
		m.Code, m.Function = tcpCommands[cmd].code, tcpCommands[cmd].name
	}
	switch cmd {
	case 0:
		m.Dir = dissect.Request
		m.Swap = ctx.Dir == dissect.FromResp
	case 1:
		m.Dir = dissect.Response
		m.Swap = ctx.Dir == dissect.FromOrig
	}
	m.Error = errCode != 0 || cmd == 3
	ctx.Out.Message(ctx, m)
}

// frame reports one FINS frame. Code is MRC/SRC in 4 hex digits; a frame
// shorter than header and command code is "malformed".
func (p *parser) frame(b []byte) {
	if len(b) < cmdLen {
		p.malformed()
		return
	}
	ctx, m := p.ctx, &p.msg
	*m = dissect.Message{Protocol: dissect.NameFINS}
	cmd := binary.BigEndian.Uint16(b[headerLen:])
	m.Code = p.code(cmd)
	m.Function = commands[cmd]
	if m.Function == "" {
		m.Function = "unknown"
	}
	if b[0]&icfResponse == 0 {
		m.Dir = dissect.Request
		m.Swap = ctx.Dir == dissect.FromResp
		if memoryCommands[cmd] {
			m.Detail = p.areaDetail(b[cmdLen:])
		}
		ctx.Out.Message(ctx, m)
		return
	}
	m.Dir = dissect.Response
	m.Swap = ctx.Dir == dissect.FromOrig
	if len(b) < respLen {
		m.Error = true
		m.Detail = "no end code"
		ctx.Out.Message(ctx, m)
		return
	}
	end := binary.BigEndian.Uint16(b[cmdLen:])
	// Bit 15 (relay error), bit 7 (fatal CPU error) and bit 6 (non-fatal
	// CPU error) are flags; the main and sub codes say whether the command
	// failed (W227 section 8).
	if end&0x7F3F != 0 {
		m.Error = true
		m.Detail = p.endDetail(end)
	}
	ctx.Out.Message(ctx, m)
	if cmd == 0x0501 && !m.Error {
		p.controllerData(b[respLen:])
	}
}

func (p *parser) code(cmd uint16) string {
	if s, ok := p.codes[cmd]; ok {
		return s
	}
	s := strconv.FormatUint(uint64(cmd), 16)
	s = strings.Repeat("0", 4-len(s)) + s
	if len(p.codes) < maxCache {
		p.codes[cmd] = s
	}
	return s
}

// endDetail spells an end code with its class, e.g. "end=1001 command
// format error".
func (p *parser) endDetail(end uint16) string {
	if s, ok := p.ends[end]; ok {
		return s
	}
	s := "end=" + strings.ToUpper(p.code(end&0x7F3F))
	if c := endClasses[byte(end>>8)&0x7F]; c != "" {
		s += " " + c
	}
	if len(p.ends) < maxCache {
		p.ends[end] = s
	}
	return s
}

type areaKey struct {
	area  byte
	addr  uint16
	bit   byte
	count uint16
}

// areaDetail describes the first memory area specification of a memory
// command: area name, word address (.bit for bit areas) and, where the
// command has one, the number of items: e.g. "DM word 100 n=10".
func (p *parser) areaDetail(d []byte) string {
	if len(d) < 4 {
		return ""
	}
	k := areaKey{area: d[0], addr: binary.BigEndian.Uint16(d[1:]), bit: d[3]}
	if len(d) >= 6 {
		k.count = binary.BigEndian.Uint16(d[4:])
	}
	if s, ok := p.details[k]; ok {
		return s
	}
	name := areas[k.area]
	if name == "" {
		name = "area=" + strings.ToUpper(strconv.FormatUint(uint64(k.area), 16))
	}
	s := name + " " + strconv.Itoa(int(k.addr))
	if k.bit != 0 {
		s += "." + strconv.Itoa(int(k.bit))
	}
	if k.count != 0 {
		s += " n=" + strconv.Itoa(int(k.count))
	}
	if len(p.details) < maxCache {
		p.details[k] = s
	}
	return s
}

// controllerData reports the controller model and version of a Controller
// Data Read response (20 ASCII characters each, space or NUL padded).
func (p *parser) controllerData(d []byte) {
	if len(d) < 2*modelLen {
		return
	}
	model := clean(d[:modelLen])
	version := clean(d[modelLen : 2*modelLen])
	if model == "" {
		return
	}
	ctx := p.ctx
	mac, ip := ctx.Ep.RespMAC, ctx.Ep.RespH
	if ctx.Dir == dissect.FromOrig {
		mac, ip = ctx.Ep.OrigMAC, ctx.Ep.OrigH
	}
	ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, IP: ip, VLAN: ctx.Ep.VLAN,
		Protocol: dissect.NameFINS, Message: "controller_data_read", Vendor: "OMRON",
		Model: model, Firmware: version, Role: "PLC"})
}

// clean returns the printable text of a field up to its first NUL (some
// CPUs, e.g. CP1L, put a second version string after it), without trailing
// spaces, or "" when it holds other bytes.
func clean(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	s := strings.TrimRight(string(b), " ")
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			return ""
		}
	}
	return s
}

package slmp

import (
	"encoding/binary"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// SpecMELSOFT recognises MELSOFT, the engineering protocol of GX Works and
// MX Component, on TCP 5007 and UDP 5560 and, by its heuristic, on any port
// (GX Developer also uses e.g. TCP 5001 ↔ 5562).
//
// Mitsubishi publishes no description. What is decoded here was taken from
// Nozomi Networks' Wireshark plug-in (NozomiNetworks/blackhat23-melsoft,
// Black Hat MEA 2023) and checked against every shared capture:
//
//	21-byte header  0x57 request / 0xD7 response; byte 1 0x00 or 0x01;
//	                the bytes 5–6 are 11 11; size of the rest at 19–20 (LE)
//	command header  24 bytes in requests (type 0x1C…), 26 in responses
//	                (type 0x9C…), with a status at 25–26 (big-endian,
//	                0 = success)
//	command data    command code (2 bytes, big-endian) at 45 (request) or
//	                47 (response), then reference, size, payload, footer
//
// Before that, TCP connections and UDP discovery exchange a 4-byte
// 0x5A 00 00 XX hello and a 0xDA 00 00 XX answer (XX = 01, 11, 22 or FF; the
// answer has 28 bytes for FF, else 14; bytes 4–5 of the 28-byte answer carry
// the CPU model code, the 14-byte one IPv4 addresses):
// their layout beyond that is not known. The payload of commands, the footer
// (authentication parameters) and the command codes without a name below are
// not decoded.
var SpecMELSOFT = &dissect.Spec{
	Name:     dissect.NameMELSOFT,
	TCPPorts: []uint16{5007},
	UDPPorts: []uint16{5560},
	Detect:   detectMELSOFT,
	AnyPort:  true,
	New:      func() dissect.Parser { return newMELSOFTParser() },
}

const (
	msHeaderLen    = 21
	msOffSize      = 19
	msOffReqCmd    = 45 // 21 + 24
	msOffRespCmd   = 47 // 21 + 26
	msOffStatus    = 25
	msOffModelName = 53 // Open Initial (0121) response: 16 ASCII characters
	msHello        = 0x5A
	msHelloAns     = 0xDA
	msRequest      = 0x57
	msResponse     = 0xD7
)

// melsoftCommands names the command codes Nozomi Networks identified (their
// plug-in's table; the capitalisation is theirs).
var melsoftCommands = map[uint16]string{
	0x0121: "Open Initial",
	0x0131: "Username Login",
	0x0132: "Password Login",
	0x0133: "Read User Information from PLC A",
	0x0134: "Read User Information from PLC B",
	0x0150: "Safety Run Mode Read",
	0x0410: "Modify Value",
	0x1001: "Remote Control Run",
	0x1002: "Remote Control Stop",
	0x1003: "Remote Control Pause",
	0x1006: "Remote Reset Ex",
	0x1120: "Safety Run Mode Change",
	0x1133: "User Information Registration",
	0x1859: "File List Read",
	0x1868: "File Read",
	0x1869: "File Write",
}

// helloKinds are the values of byte 3 of the hello seen in the captures.
var helloKinds = [256]bool{0x01: true, 0x11: true, 0x22: true, 0xFF: true}

// melsoftLength is the dissect.PDULength of MELSOFT.
func melsoftLength(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case msHello:
		if len(b) < 4 {
			return 0
		}
		if b[1] != 0 || b[2] != 0 || !helloKinds[b[3]] {
			return -1
		}
		return 4
	case msHelloAns:
		if len(b) < 4 {
			return 0
		}
		switch {
		case b[1] != 0 || b[2] != 0 || !helloKinds[b[3]]:
			return -1
		case b[3] == 0xFF:
			return 28
		}
		return 14
	case msRequest, msResponse:
		if len(b) < msHeaderLen {
			return 0
		}
		if b[1] > 1 || b[5] != 0x11 || b[6] != 0x11 {
			return -1
		}
		return msHeaderLen + int(binary.LittleEndian.Uint16(b[msOffSize:]))
	}
	return -1
}

// detectMELSOFT accepts a first payload that starts with a complete MELSOFT
// message: a hello (4 bytes, exactly), or a request/response whose size field
// matches and whose command header type is 0x1C / 0x9C.
func detectMELSOFT(_ dissect.Dir, p []byte) bool {
	n := melsoftLength(p)
	if n <= 0 || n > len(p) {
		return false
	}
	switch p[0] {
	case msHello:
		return len(p) == 4 || melsoftLength(p[4:]) > 0
	case msHelloAns:
		return true
	case msRequest:
		return n > msOffReqCmd+1 && p[msHeaderLen] == 0x1C
	}
	return n > msOffRespCmd+1 && p[msHeaderLen] == 0x9C
}

type melsoftParser struct {
	msg     dissect.Message
	streams [2]dissect.Stream
	ctx     *dissect.Context
	emit    func([]byte)
	codes   map[uint16]string
	ids     map[string]record.Micros // model → minute last reported
}

func newMELSOFTParser() *melsoftParser {
	p := &melsoftParser{codes: map[uint16]string{}, ids: map[string]record.Micros{}}
	p.emit = p.message
	return p
}

// Parse takes TCP stream data or one UDP datagram.
func (p *melsoftParser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	if ctx.Ep.Transport == dissect.TCP {
		s := &p.streams[ctx.Dir&1]
		before := s.Desyncs
		s.Feed(data, melsoftLength, p.emit)
		if s.Desyncs != before {
			p.malformed()
		}
		return
	}
	for len(data) > 0 {
		n := melsoftLength(data)
		if n <= 0 || n > len(data) {
			p.malformed()
			return
		}
		p.message(data[:n])
		data = data[n:]
	}
}

// Gap resynchronises the stream after lost bytes.
func (p *melsoftParser) Gap(ctx *dissect.Context, _ int) { p.streams[ctx.Dir&1].Reset() }

func (p *melsoftParser) malformed() {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameMELSOFT, Code: "malformed", Function: "malformed", Dir: dissect.Indication, Error: true}
	p.ctx.Out.Message(p.ctx, m)
}

// message reports one MELSOFT message. Codes: the command code in 4 hex
// digits; "5a" for the hello exchange; "short" for a request/response too
// short to hold a command code.
func (p *melsoftParser) message(b []byte) {
	ctx, m := p.ctx, &p.msg
	*m = dissect.Message{Protocol: dissect.NameMELSOFT}
	req := b[0] == msHello || b[0] == msRequest
	m.Dir = dissect.Response
	if req {
		m.Dir = dissect.Request
		m.Swap = ctx.Dir == dissect.FromResp
	} else {
		m.Swap = ctx.Dir == dissect.FromOrig
	}
	switch b[0] {
	case msHello, msHelloAns:
		m.Code, m.Function = "5a", "hello"
		ctx.Out.Message(ctx, m)
		return
	}
	off := msOffReqCmd
	if !req {
		off = msOffRespCmd
	}
	if len(b) < off+2 {
		m.Code, m.Function, m.Error = "short", "short", true
		ctx.Out.Message(ctx, m)
		return
	}
	cmd := binary.BigEndian.Uint16(b[off:])
	m.Code = p.code(cmd)
	m.Function = melsoftCommands[cmd]
	if m.Function == "" {
		m.Function = "unknown"
	}
	if !req {
		if st := binary.BigEndian.Uint16(b[msOffStatus:]); st != 0 {
			m.Error = true
			m.Detail = p.code(st) // e.g. 0240 answering 0162
		}
	}
	ctx.Out.Message(ctx, m)
	if !req && cmd == 0x0121 && !m.Error {
		p.openInitial(b)
	}
}

func (p *melsoftParser) code(v uint16) string {
	if s, ok := p.codes[v]; ok {
		return s
	}
	s := hex4(v)
	if len(p.codes) < maxCache {
		p.codes[v] = s
	}
	return s
}

// openInitial reports the CPU model the Open Initial (0121) response names:
// 16 ASCII characters at 53 (padded with spaces or NULs), followed by the
// model code (2 bytes, little-endian), as in SLMP's Read Type Name.
func (p *melsoftParser) openInitial(b []byte) {
	if len(b) < msOffModelName+18 {
		return
	}
	model := strings.TrimRight(string(b[msOffModelName:msOffModelName+16]), " \x00")
	if model == "" || !printable(model) {
		return
	}
	ctx := p.ctx
	minute := ctx.TS / 60_000_000
	if last, ok := p.ids[model]; ok && last == minute {
		return
	}
	if len(p.ids) >= maxCache {
		clear(p.ids)
	}
	p.ids[model] = minute
	mac, ip := ctx.Ep.RespMAC, ctx.Ep.RespH
	if ctx.Dir == dissect.FromOrig {
		mac, ip = ctx.Ep.OrigMAC, ctx.Ep.OrigH
	}
	code := binary.LittleEndian.Uint16(b[msOffModelName+16:])
	ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, IP: ip, VLAN: ctx.Ep.VLAN,
		Protocol: dissect.NameMELSOFT, Message: "Open Initial (model code " + strings.ToUpper(hex4(code)) + ")",
		Vendor: "Mitsubishi Electric", Model: model, Role: "PLC"})
}

// Package ethercat dissects EtherCAT (IEC 61158-4/6-12): frames with
// Ethertype 0x88A4, or the same frame in a UDP datagram to port 34980.
//
// Unit: one message per EtherCAT datagram (tshark reports one ecat.cmd per
// datagram). Code is the command number in decimal, Function its mnemonic
// (APRD, FPWR, LRW, …; table cmdNames). Frames of another type than 1
// (EtherCAT commands) are one message each, coded "nv" (type 4, network
// variables), "mailbox" (type 5, mailbox gateway) or "reserved".
//
// Direction: the master sends every frame with working counter 0 and the
// first slave sends it back with the locally-administered bit of the
// source MAC flipped; slaves increment the working counter of a datagram
// they serve. The parser therefore learns "returning" source MACs from
// frames with a non-zero working counter: datagrams of such frames are
// responses, the others requests. A returning datagram (other than NOP)
// whose working counter is still 0 reached no slave: it is an error. Over
// UDP, frames from the flow's responder are the returning ones.
package ethercat

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// EtherType is EtherCAT's Ethertype.
const EtherType = 0x88A4

// UDPPort is the port of EtherCAT frames carried in UDP datagrams.
const UDPPort = 34980

// Spec recognises EtherCAT frames on their Ethertype and in UDP datagrams
// to port 34980 whose frame header is consistent.
var Spec = &dissect.Spec{
	Name:       dissect.NameEtherCAT,
	EtherTypes: []uint16{EtherType},
	UDPPorts:   []uint16{UDPPort},
	Detect:     detect,
	New:        func() dissect.Parser { return newParser() },
}

// Frame header: 11-bit length, 1 reserved bit, 4-bit type (little-endian).
const (
	frameHeaderLen = 2
	typeCommands   = 1
	typeNetVars    = 4
	typeMailbox    = 5
)

// Datagram header: Cmd(1) Idx(1) Address(4) Len(2) IRQ(2); then data and a
// 2-byte working counter.
const (
	dgHeaderLen = 10
	dgWKCLen    = 2
	lenMask     = 0x07FF
	moreFlag    = 0x8000
)

// Commands (IEC 61158-4-12 command types).
const (
	cmdNOP  = 0
	cmdAPRD = 1
	cmdAPRW = 3
	cmdFPRD = 4
	cmdFPRW = 6
	cmdARMW = 13
	cmdFRMW = 14
)

var cmdNames = [15]string{"NOP", "APRD", "APWR", "APRW", "FPRD", "FPWR", "FPRW",
	"BRD", "BWR", "BRW", "LRD", "LWR", "LRW", "ARMW", "FRMW"}

var cmdCodes = func() (c [15]string) {
	for i := range c {
		c[i] = strconv.Itoa(i)
	}
	return c
}()

const (
	codeMalformed = "malformed"
	codeReserved  = "reserved"
)

// frameLen reads the frame header; ok is false when b cannot be one.
func frameLen(b []byte) (n int, typ byte, ok bool) {
	if len(b) < frameHeaderLen {
		return 0, 0, false
	}
	h := binary.LittleEndian.Uint16(b)
	return int(h & lenMask), byte(h >> 12), h&0x0800 == 0
}

// detect accepts a UDP payload that is one EtherCAT command frame whose
// first datagram header fits its length. It does not allocate.
func detect(_ dissect.Dir, b []byte) bool {
	n, typ, ok := frameLen(b)
	if !ok || typ != typeCommands || n < dgHeaderLen+dgWKCLen || frameHeaderLen+n > len(b) {
		return false
	}
	d := b[frameHeaderLen:]
	dl := int(binary.LittleEndian.Uint16(d[6:]) & lenMask)
	return d[0] <= cmdFRMW && dgHeaderLen+dl+dgWKCLen <= n
}

// maxLearned bounds the returning-MAC and detail caches.
const maxLearned = 64
const maxDetails = 1024

// parser is shared by all EtherCAT frames of an interface (or one UDP
// flow).
type parser struct {
	msg       dissect.Message
	returning []record.MAC
	details   map[uint32]string
}

func newParser() *parser { return &parser{details: map[uint32]string{}} }

func (p *parser) isReturning(mac record.MAC) bool {
	for _, m := range p.returning {
		if m == mac {
			return true
		}
	}
	return false
}

// Parse implements dissect.Parser: data starts at the EtherCAT frame header.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	n, typ, ok := frameLen(data)
	if !ok || frameHeaderLen+n > len(data) {
		p.malformed(ctx)
		return
	}
	body := data[frameHeaderLen : frameHeaderLen+n]
	if typ != typeCommands {
		*m = dissect.Message{Protocol: dissect.NameEtherCAT, Code: codeReserved, Function: "Reserved", Dir: dissect.Indication}
		switch typ {
		case typeNetVars:
			m.Code, m.Function = "nv", "Network variables"
		case typeMailbox:
			m.Code, m.Function = "mailbox", "Mailbox gateway"
		}
		ctx.Out.Message(ctx, m)
		return
	}
	var returning bool
	if ctx.Ep.Transport == dissect.Ether {
		src := ctx.Ep.OrigMAC
		returning = p.isReturning(src)
		if !returning && anyWKC(body) {
			returning = true
			if len(p.returning) < maxLearned {
				p.returning = append(p.returning, src)
			}
		}
	} else {
		// Over UDP the answer comes back from the flow's responder.
		returning = ctx.Dir == dissect.FromResp || anyWKC(body)
	}
	dir := dissect.Request
	if returning {
		dir = dissect.Response
	}
	for {
		// Too short also covers a More flag with nothing after it.
		if len(body) < dgHeaderLen+dgWKCLen {
			p.malformed(ctx)
			return
		}
		cmd := body[0]
		ln := binary.LittleEndian.Uint16(body[6:])
		end := dgHeaderLen + int(ln&lenMask) + dgWKCLen
		if end > len(body) {
			p.malformed(ctx)
			return
		}
		wkc := binary.LittleEndian.Uint16(body[end-dgWKCLen:])
		*m = dissect.Message{Protocol: dissect.NameEtherCAT, Code: codeReserved, Function: "Reserved", Dir: dir}
		if int(cmd) < len(cmdNames) {
			m.Code, m.Function = cmdCodes[cmd], cmdNames[cmd]
			m.Detail = p.detail(cmd, binary.LittleEndian.Uint16(body[2:]))
		}
		m.Error = returning && cmd != cmdNOP && wkc == 0
		ctx.Out.Message(ctx, m)
		if ln&moreFlag == 0 {
			return
		}
		body = body[end:]
	}
}

// anyWKC reports whether some datagram of a command frame body carries a
// non-zero working counter, i.e. the frame has passed a slave.
func anyWKC(body []byte) bool {
	for len(body) >= dgHeaderLen+dgWKCLen {
		ln := binary.LittleEndian.Uint16(body[6:])
		end := dgHeaderLen + int(ln&lenMask) + dgWKCLen
		if end > len(body) {
			return false
		}
		if binary.LittleEndian.Uint16(body[end-dgWKCLen:]) != 0 {
			return true
		}
		if ln&moreFlag == 0 {
			return false
		}
		body = body[end:]
	}
	return false
}

// detail names the addressed slave: "position N" (auto-increment address,
// counting down from 0) for AP/ARMW commands, "station 0xNNNN" (configured
// station address) for FP/FRMW commands; broadcast and logical commands
// address no single slave.
func (p *parser) detail(cmd byte, adp uint16) string {
	var kind uint32
	switch {
	case cmd >= cmdAPRD && cmd <= cmdAPRW, cmd == cmdARMW:
		kind = 1
	case cmd >= cmdFPRD && cmd <= cmdFPRW, cmd == cmdFRMW:
		kind = 2
	default:
		return ""
	}
	key := kind<<16 | uint32(adp)
	if d, ok := p.details[key]; ok {
		return d
	}
	if len(p.details) >= maxDetails {
		return ""
	}
	var d string
	if kind == 1 {
		d = "position " + strconv.Itoa(-int(int16(adp)))
	} else {
		h := strconv.FormatUint(uint64(adp), 16)
		for len(h) < 4 {
			h = "0" + h
		}
		d = "station 0x" + h
	}
	p.details[key] = d
	return d
}

func (p *parser) malformed(ctx *dissect.Context) {
	p.msg = dissect.Message{Protocol: dissect.NameEtherCAT, Code: codeMalformed, Function: codeMalformed,
		Dir: dissect.Indication, Error: true}
	ctx.Out.Message(ctx, &p.msg)
}

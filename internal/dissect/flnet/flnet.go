// Package flnet dissects FL-net (OPCN-2, JEMA JEM 1479 / JEM-TR 213), the
// Japanese FA control network: UDP broadcasts and unicasts between
// controllers on ports 55000 (cyclic transmission), 55001 (message
// transmission), 55002 (participation request) and 55003 (sending port).
//
// Every frame starts with the 64-byte FL-net header (JEM-TR 213; the
// layout is reproduced in the Omron CS1W/CJ1W-FLN22 Operation Manual,
// Appendix C "FL-net Header Format" and "Setting Data for FA Message
// Headers"): H_TYPE "FACN", TFL (total length), SNA/DNA (source and
// destination node address), V_SEQ, SEQ, M_CTL, ULS, M_SZ, M_ADD,
// MFT/M_RLT, reserved, TCD (transaction code), VER, common memory areas,
// MODE, PVER/PRI, CBN/TBN, BSIZE, LKS/TW, RCT.
//
// Unit: one FL-net frame (one UDP datagram). Code: the transaction code in
// decimal for the protocol's own frames (65000 token, 65001 cyclic, 65002
// participation request, 65003–65016 requests, 65203–65216 responses),
// "transparent" for transparent messages (TCD 0–59999) and "reserved"
// otherwise; Function: the frame's name (tcdNames). Detail: the source
// node number. Errors: a response whose M_RLT is not 0 (normal response;
// 1 abnormal response, 2 service not supported — FANUC FL-net board
// manual B-63434EN/02, Table 3-2) and malformed frames.
package flnet

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// Ports of FL-net (JEM-TR 213; Hitachi FL.NET manual table 8-3).
const (
	PortCyclic        = 55000
	PortMessage       = 55001
	PortParticipation = 55002
	PortSend          = 55003
)

// Spec recognises FL-net on its ports by the "FACN" header type and a
// total length equal to the datagram.
var Spec = &dissect.Spec{
	Name:     dissect.NameFLnet,
	UDPPorts: []uint16{PortCyclic, PortMessage, PortParticipation, PortSend},
	Detect:   detect,
	New:      func() dissect.Parser { return &parser{} },
}

// Header offsets (bytes from the start of the FL-net header).
const (
	headerLen = 64
	offTFL    = 4
	offSNA    = 8
	offMRLT   = 37
	offTCD    = 40
)

var magic = [4]byte{'F', 'A', 'C', 'N'}

// Transaction codes (Omron FLN22 manual Appendix C "FL-net Transaction
// Codes"; ProSoft MVI56E-FLN manual 4.4.2).
const (
	tcdTransparentMax = 59999
	tcdToken          = 65000
	tcdCyclic         = 65001
	tcdParticipation  = 65002
	tcdFirstRequest   = 65003
	tcdTrigger        = 65012
	tcdLastRequest    = 65016
	tcdFirstResponse  = 65203
	tcdLastResponse   = 65216
	tcdBase           = 65000
)

// tcdNames names the transaction codes 65000–65255 by offset from 65000.
var tcdNames = [256]string{
	0:   "Token",
	1:   "Cyclic",
	2:   "Participation request",
	3:   "Read byte block",
	4:   "Write byte block",
	5:   "Read word block",
	6:   "Write word block",
	7:   "Read network parameter",
	8:   "Write network parameter",
	9:   "Stop command",
	10:  "Run command",
	11:  "Read profile",
	12:  "Trigger",
	13:  "Read log data",
	14:  "Clear log data",
	15:  "Echoback message",
	16:  "Vendor message",
	203: "Read byte block",
	204: "Write byte block",
	205: "Read word block",
	206: "Write word block",
	207: "Read network parameter",
	208: "Write network parameter",
	209: "Stop command",
	210: "Run command",
	211: "Read profile",
	213: "Read log data",
	214: "Clear log data",
	215: "Echoback message",
	216: "Vendor message",
}

// tcdCodes are the decimal codes of the named transaction codes, built
// once.
var tcdCodes = func() (c [256]string) {
	for i, n := range tcdNames {
		if n != "" {
			c[i] = strconv.Itoa(tcdBase + i)
		}
	}
	return c
}()

// nodeDetails are "node N" for node numbers 0–255, built once.
var nodeDetails = func() (d [256]string) {
	for i := range d {
		d[i] = "node " + strconv.Itoa(i)
	}
	return d
}()

const (
	codeMalformed   = "malformed"
	codeReserved    = "reserved"
	codeTransparent = "transparent"
)

// detect accepts a datagram that is exactly one FL-net frame. It does not
// allocate.
func detect(_ dissect.Dir, b []byte) bool {
	return len(b) >= headerLen && [4]byte(b[:4]) == magic &&
		binary.BigEndian.Uint32(b[offTFL:]) == uint32(len(b))
}

// parser handles one UDP flow.
type parser struct {
	msg dissect.Message
}

// Parse implements dissect.Parser: one datagram.
func (p *parser) Parse(ctx *dissect.Context, b []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameFLnet}
	if len(b) < headerLen || [4]byte(b[:4]) != magic {
		m.Code, m.Function, m.Dir, m.Error = codeMalformed, codeMalformed, dissect.Indication, true
		ctx.Out.Message(ctx, m)
		return
	}
	tfl := binary.BigEndian.Uint32(b[offTFL:])
	tcd := binary.BigEndian.Uint16(b[offTCD:])
	m.Detail = nodeDetails[b[offSNA+3]]
	switch {
	case tcd <= tcdTransparentMax:
		m.Code, m.Function, m.Dir = codeTransparent, "Transparent message", dissect.Indication
	case tcd >= tcdBase && int(tcd-tcdBase) < len(tcdCodes) && tcdCodes[tcd-tcdBase] != "":
		m.Code, m.Function = tcdCodes[tcd-tcdBase], tcdNames[tcd-tcdBase]
		switch {
		case tcd >= tcdFirstRequest && tcd <= tcdLastRequest && tcd != tcdTrigger:
			m.Dir = dissect.Request
		case tcd >= tcdFirstResponse && tcd <= tcdLastResponse:
			m.Dir = dissect.Response
			m.Error = b[offMRLT] != 0
		default:
			m.Dir = dissect.Indication // token, cyclic, participation, trigger
		}
	default:
		m.Code, m.Function, m.Dir = codeReserved, "Reserved", dissect.Indication
	}
	switch m.Dir {
	case dissect.Request:
		m.Swap = ctx.Dir == dissect.FromResp
	case dissect.Response:
		m.Swap = ctx.Dir == dissect.FromOrig
	}
	if tfl < headerLen || tfl > uint32(len(b)) {
		m.Error = true // inconsistent total frame length
	}
	ctx.Out.Message(ctx, m)
}

package profinet

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// CMPort is the PROFINET IO context manager's well-known UDP port (the RPC
// endpoint mapper and first connect); later calls often use ephemeral ports.
const CMPort = 34964

// SpecCM recognises PROFINET IO context manager traffic: connectionless
// DCE/RPC (version 4) whose interface UUID is one of the PROFINET IO
// interfaces, on UDP 34964 and, by the same check, on any UDP port.
var SpecCM = &dissect.Spec{
	Name:     dissect.NamePNCM,
	UDPPorts: []uint16{CMPort},
	Detect:   detectCM,
	AnyPort:  true,
	New:      func() dissect.Parser { return &cmParser{} },
}

// clHeaderLen is the size of the connectionless DCE/RPC header (C706 §12.5).
const clHeaderLen = 80

// Offsets in the connectionless header.
const (
	offPType   = 1
	offDRep    = 4
	offIfUUID  = 24
	offOpnum   = 68
	offFragLen = 74
	offFragNum = 76
)

// Connectionless PDU types (C706 §12.5.3).
const (
	ptRequest   = 0
	ptPing      = 1
	ptResponse  = 2
	ptFault     = 3
	ptWorking   = 4
	ptNocall    = 5
	ptReject    = 6
	ptAck       = 7
	ptCancel    = 8
	ptFack      = 9
	ptCancelAck = 10
)

var ptypeNames = [11]string{"request", "ping", "response", "fault", "working", "nocall",
	"reject", "ack", "cl_cancel", "fack", "cancel_ack"}

// pnioUUIDTail is bytes 8–15 of every PROFINET IO interface UUID
// DEA0000x-6C97-11D1-8271-00A02442DF7D, stored as-is on the wire.
var pnioUUIDTail = [8]byte{0x82, 0x71, 0x00, 0xA0, 0x24, 0x42, 0xDF, 0x7D}

// Interfaces, numbered by the last digit of the UUID's first field.
const (
	ifDevice     = 1
	ifController = 2
	ifSupervisor = 3
	ifParamSrv   = 4
)

var ifNames = [5]string{"", "device", "controller", "supervisor", "parameter_server"}

// Operation numbers of the PROFINET IO interfaces (IEC 61158-6-10, RPC
// operations of the IO device/controller/supervisor interfaces).
var opNames = [6]string{"Connect", "Release", "Read", "Write", "Control", "ReadImplicit"}

// opCodes are the decimal opnum strings 0–15, built once.
var opCodes = func() (c [16]string) {
	for i := range c {
		c[i] = strconv.Itoa(i)
	}
	return c
}()

// cmDetails are "interface" for requests and responses and "interface
// pdutype" for the other PDU types, built once.
var cmDetails = func() (d [5][11]string) {
	for i := 1; i < len(d); i++ {
		for t := range d[i] {
			d[i][t] = ifNames[i]
			if t != ptRequest && t != ptResponse {
				d[i][t] += " " + ptypeNames[t]
			}
		}
	}
	return d
}()

// clHeader is the decoded part of a connectionless DCE/RPC header.
type clHeader struct {
	ptype   byte
	iface   int // 1–4 for a PROFINET IO interface, 0 otherwise
	opnum   uint16
	fragLen int
	fragNum uint16
}

// parseCL decodes the header of b; ok is false when b is not a
// connectionless DCE/RPC version 4 PDU.
func parseCL(b []byte) (h clHeader, ok bool) {
	if len(b) < clHeaderLen || b[0] != 4 || b[offPType] > ptCancelAck {
		return h, false
	}
	var bo binary.ByteOrder = binary.BigEndian
	switch b[offDRep] >> 4 {
	case 0:
	case 1:
		bo = binary.LittleEndian
	default:
		return h, false
	}
	h = clHeader{
		ptype:   b[offPType],
		opnum:   bo.Uint16(b[offOpnum:]),
		fragLen: int(bo.Uint16(b[offFragLen:])),
		fragNum: bo.Uint16(b[offFragNum:]),
	}
	u := b[offIfUUID:]
	tl := bo.Uint32(u)
	if tl&^0xF == 0xDEA00000 && tl&0xF >= ifDevice && tl&0xF <= ifParamSrv &&
		bo.Uint16(u[4:]) == 0x6C97 && bo.Uint16(u[6:]) == 0x11D1 && [8]byte(u[8:16]) == pnioUUIDTail {
		h.iface = int(tl & 0xF)
	}
	return h, true
}

// detectCM accepts a connectionless DCE/RPC PDU of a PROFINET IO interface
// whose fragment length fits the datagram. It does not allocate.
func detectCM(_ dissect.Dir, b []byte) bool {
	h, ok := parseCL(b)
	return ok && h.iface != 0 && h.fragLen <= len(b)-clHeaderLen
}

// cmParser reports the PDUs of one UDP flow.
type cmParser struct {
	msg dissect.Message
}

// Parse implements dissect.Parser: one datagram.
func (p *cmParser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NamePNCM}
	h, ok := parseCL(data)
	if !ok || (h.iface != 0 && h.fragLen > len(data)-clHeaderLen) {
		m.Code, m.Function, m.Dir, m.Error = codeMalformed, codeMalformed, dissect.Request, true
		m.Swap = ctx.Dir == dissect.FromResp
		ctx.Out.Message(ctx, m)
		return
	}
	if h.iface == 0 {
		return // another DCE/RPC interface (e.g. the endpoint mapper)
	}
	if int(h.opnum) < len(opCodes) {
		m.Code = opCodes[h.opnum]
	} else {
		m.Code = codeReserved
	}
	if int(h.opnum) < len(opNames) {
		m.Function = opNames[h.opnum]
	} else {
		m.Function = "Reserved"
	}
	m.Detail = cmDetails[h.iface][h.ptype]
	switch h.ptype {
	case ptRequest, ptPing, ptAck, ptCancel:
		m.Dir = dissect.Request
	default:
		m.Dir = dissect.Response
	}
	// Requests normally travel from the flow's originator, answers back.
	m.Swap = (m.Dir == dissect.Request) == (ctx.Dir == dissect.FromResp)
	switch h.ptype {
	case ptFault, ptReject:
		m.Error = true
	case ptResponse:
		// The first fragment of a response body starts with PNIOStatus
		// (ErrorCode, ErrorDecode, ErrorCode1, ErrorCode2); zero is success.
		body := data[clHeaderLen : clHeaderLen+h.fragLen]
		if h.fragNum == 0 && len(body) >= 4 && binary.BigEndian.Uint32(body) != 0 {
			m.Error = true
		}
	}
	ctx.Out.Message(ctx, m)
}

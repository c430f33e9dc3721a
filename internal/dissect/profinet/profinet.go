// Package profinet dissects PROFINET: the Ethertype 0x8892 frames (DCP name
// and address assignment, cyclic real-time data, alarms, PTCP time sync) and
// the PROFINET IO context manager (PN-CM: connect, read, write, control over
// connectionless DCE/RPC on UDP 34964 and ephemeral ports).
//
// Facts about the wire formats come from IEC 61158-6-10 (PROFINET IO
// application layer protocol), as described publicly by Wireshark's pn-rt,
// pn-dcp and pn-io dissectors and the p-net stack.
//
// Message units and codes (see docs/protocols.md):
//
//   - profinet_dcp: one DCP frame (FrameID 0xFEFC–0xFEFF). Code is
//     "serviceID/serviceType" in hex ("5/0" Identify request, "5/1" Identify
//     response, "4/0" Set request, "4/1" Set response, "3/0" Get, "6/0"
//     Hello); Function is the service name. A "request not supported"
//     response (service type bit 2) and a Control/Response block with a
//     non-zero BlockError are errors.
//   - profinet_rt: every other 0x8892 frame, coded by FrameID range:
//     rt_class3, rt_class2, rt_class1, alarm_high (0xFC01), alarm_low
//     (0xFE01), acyclic (other 0xFCxx/0xFExx), ptcp, fragment, reserved.
//     Detail is the FrameID in hex. An alarm frame carrying an RTA-ERR PDU
//     is an error.
//   - profinet_cm: one connectionless DCE/RPC PDU of a PROFINET IO
//     interface; Code is the operation number, Detail the interface (and the
//     PDU type when it is not a plain request or response).
package profinet

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// EtherType is PROFINET's Ethertype (RT, DCP, PTCP and alarms share it).
const EtherType = 0x8892

// Spec serves Ethertype 0x8892. Its parser reports each frame as
// profinet_dcp or profinet_rt according to the FrameID.
var Spec = &dissect.Spec{
	Name:       dissect.NamePNDCP,
	EtherTypes: []uint16{EtherType},
	New:        func() dissect.Parser { return newEtherParser() },
}

// etherParser handles all 0x8892 frames of a capture or interface.
type etherParser struct {
	msg dissect.Message
	rt  rtState
}

func newEtherParser() *etherParser { return &etherParser{rt: rtState{details: map[uint16]string{}}} }

// Parse implements dissect.Parser: data starts at the FrameID.
func (p *etherParser) Parse(ctx *dissect.Context, data []byte) {
	p.msg = dissect.Message{}
	if len(data) < 2 {
		p.msg = dissect.Message{Protocol: dissect.NamePNRT, Code: codeMalformed,
			Function: codeMalformed, Dir: dissect.Indication, Error: true}
		ctx.Out.Message(ctx, &p.msg)
		return
	}
	id := binary.BigEndian.Uint16(data)
	if id >= 0xFEFC && id <= 0xFEFF {
		p.parseDCP(ctx, id, data[2:])
		return
	}
	p.parseRT(ctx, id, data[2:])
}

// codeMalformed is the code of a truncated or inconsistent PDU.
const codeMalformed = "malformed"

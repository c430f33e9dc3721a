// Package bacnet dissects BACnet/IP (ASHRAE 135 annex J): BVLC, the network
// layer (NPDU) and the application layer (APDU) header with its service.
//
// One message is one BVLC message (one UDP datagram; each segment of a
// segmented APDU is one). Codes:
//
//	"0/12"     APDU type / service choice, both decimal: confirmed request
//	           (0), simple ack (2), complex ack (3) and error (5) carry the
//	           confirmed service, unconfirmed request (1) its own
//	"4" "6" "7" segment ack, reject, abort (no service)
//	"npdu/12"  network layer message type in hex
//	"bvlc/05"  BVLC function in hex, for BVLC messages without an NPDU
//	"malformed" a datagram too short for its BVLC, NPDU or APDU header
//
// Error marks Error, Reject and Abort PDUs and malformed datagrams. Detail
// names the object type and property a service addresses
// ("analog-input prop=85").
package bacnet

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is the BACnet/IP dissector.
var Spec = &dissect.Spec{
	Name:     dissect.NameBACnet,
	UDPPorts: []uint16{47808},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return &Parser{} },
}

const bvlcType = 0x81

// Detect recognises a BACnet/IP datagram: BVLC type 0x81, a known function
// and, for NPDU-carrying functions, an NPDU of protocol version 1 with the
// reserved control bits clear. The BVLC length must equal the datagram's,
// except for NPDU-carrying functions, where devices in the wild get it wrong
// and Wireshark decodes them anyway. It is tried on every UDP port, which
// covers the customary 47809–47823 range.
func Detect(_ dissect.Dir, b []byte) bool {
	if len(b) < 4 || b[0] != bvlcType || int(b[1]) >= len(bvlcNames) || bvlcNames[b[1]] == "" {
		return false
	}
	exact := int(binary.BigEndian.Uint16(b[2:])) == len(b)
	npdu, carries := npduOf(b)
	if !carries {
		return exact
	}
	return len(npdu) >= 2 && npdu[0] == 1 && npdu[1]&0x50 == 0
}

// npduOf returns the NPDU of a BVLC message whose function carries one.
func npduOf(b []byte) ([]byte, bool) {
	switch b[1] {
	case 0x04: // Forwarded-NPDU: original source B/IP address first
		if len(b) < 10 {
			return nil, true
		}
		return b[10:], true
	case 0x09, 0x0a, 0x0b:
		return b[4:], true
	}
	return nil, false
}

// Parser is the state of one BACnet/IP flow.
type Parser struct {
	msg dissect.Message
	det details
	ctx *dissect.Context
}

// Parse implements dissect.Parser: data is one UDP datagram.
func (p *Parser) Parse(ctx *dissect.Context, data []byte) {
	p.ctx = ctx
	if len(data) < 4 || data[0] != bvlcType {
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	// A BVLC length that disagrees with the datagram is tolerated, as
	// Wireshark does: the datagram's end bounds the message.
	if l := int(binary.BigEndian.Uint16(data[2:])); l >= 4 && l < len(data) {
		data = data[:l]
	}
	fn := data[1]
	npdu, carries := npduOf(data)
	if !carries {
		name := "unknown"
		if int(fn) < len(bvlcNames) && bvlcNames[fn] != "" {
			name = bvlcNames[fn]
		}
		dir := dissect.Request
		switch fn {
		case 0x00, 0x03, 0x07: // result and acks
			dir = dissect.Response
		}
		p.emit(bvlcCodes[fn], name, dir, false, "")
		return
	}
	p.npdu(npdu)
}

func (p *Parser) dirOf() dissect.MsgDir {
	if p.ctx.Dir == dissect.FromOrig {
		return dissect.Request
	}
	return dissect.Response
}

func (p *Parser) emit(code, fn string, dir dissect.MsgDir, isErr bool, detail string) {
	ctx := p.ctx
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameBACnet, Code: code, Function: fn, Dir: dir, Error: isErr, Detail: detail}
	if dir != dissect.Indication {
		m.Swap = (dir == dissect.Request) != (ctx.Dir == dissect.FromOrig)
	}
	ctx.Out.Message(ctx, m)
}

// npduInfo is the routing information of an NPDU that identity reports use.
type npduInfo struct {
	snet    uint16
	hasSNET bool
}

// npdu dissects the network layer header (ASHRAE 135, 6.2) and what it
// carries.
func (p *Parser) npdu(b []byte) {
	if len(b) < 2 || b[0] != 1 {
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	ctrl := b[1]
	i := 2
	var info npduInfo
	if ctrl&0x20 != 0 { // DNET, DLEN, DADR
		if i+3 > len(b) {
			p.emit("malformed", "malformed", p.dirOf(), true, "")
			return
		}
		i += 3 + int(b[i+2])
	}
	if ctrl&0x08 != 0 { // SNET, SLEN, SADR
		if i+3 > len(b) {
			p.emit("malformed", "malformed", p.dirOf(), true, "")
			return
		}
		info.snet, info.hasSNET = binary.BigEndian.Uint16(b[i:]), true
		i += 3 + int(b[i+2])
	}
	if ctrl&0x20 != 0 { // hop count
		i++
	}
	if i > len(b) || (ctrl&0x80 != 0 && i >= len(b)) {
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	if ctrl&0x80 != 0 {
		t := b[i]
		name := "proprietary"
		if int(t) < len(networkNames) {
			name = networkNames[t]
		} else if t < 0x80 {
			name = "reserved"
		}
		dir := dissect.Request
		switch t {
		case 0x01, 0x07, 0x13: // I-Am-Router, Initialize-Routing-Table-Ack, Network-Number-Is
			dir = dissect.Indication
		}
		p.emit(npduCodes[t], name, dir, false, "")
		return
	}
	p.apdu(b[i:], &info)
}

// Package dnp3 dissects DNP3 (IEEE 1815) over TCP and UDP: link frames with
// their CRCs, transport-layer reassembly of segments (FIR/FIN, sequence)
// into application fragments, and the application function of each
// fragment.
//
// Message unit: one message per reassembled application fragment (the unit
// of tshark's dnp3.al.func), coded by its decimal function code (Function:
// the IEEE 1815 name, e.g. READ, DIRECT_OPERATE, RESPONSE), plus one per link
// frame without user data (link status polls, resets, ACK/NACK), coded
// "link/<hex>" from the control octet's PRM bit and link function (link/49
// REQUEST_LINK_STATUS, link/0b LINK_STATUS, link/40 RESET_LINK_STATES,
// link/00 ACK, …). Transport segments that do not complete a fragment are
// not messages of their own.
//
// Errors: a response (RESPONSE, UNSOLICITED_RESPONSE, AUTHENTICATE_RESP)
// whose IIN2 says the request was refused (NO_FUNC_CODE_SUPPORT,
// OBJECT_UNKNOWN, PARAMETER_ERROR; the other IIN bits report device state,
// not failure); a link NACK or NOT_SUPPORTED; and malformed data, coded
// "malformed": a frame whose header or data CRC is wrong, or bytes in a
// DNP3 stream that are not a frame (a frame lost after a capture gap is not
// counted).
//
// Detail: "src=S dst=D" (link addresses) and, for fragments with objects,
// the first object header's group and variation ("g12v1"); refused
// responses add "iin=" and the IIN2 error flags.
package dnp3

import "github.com/otsight/otsight/internal/dissect"

// Port is the registered DNP3 port for TCP and UDP.
const Port = 20000

// Spec recognises DNP3 on TCP and UDP 20000 and, on any port, a payload
// starting with a link header whose CRC is right (see Detect).
var Spec = &dissect.Spec{
	Name:     dissect.NameDNP3,
	TCPPorts: []uint16{Port},
	UDPPorts: []uint16{Port},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

// Link frame layout: start 0x05 0x64, length (counting control, addresses
// and user data), control, destination (2, LE), source (2, LE), header CRC
// (2); then user data in blocks of up to 16 octets, each followed by its CRC.
const (
	start0    = 0x05
	start1    = 0x64
	headerLen = 10
	minLen    = 5 // control and addresses only
	blockLen  = 16
	// maxFrame is the largest frame: 250 octets of user data in 16 blocks.
	maxFrame = headerLen + 250 + 2*16
)

// Detect accepts a payload that starts with a DNP3 link header: the start
// octets, a length of at least 5 and a correct header CRC. The 16-bit CRC
// over the header is what makes this strict enough for any port.
func Detect(_ dissect.Dir, b []byte) bool {
	return len(b) >= headerLen && b[0] == start0 && b[1] == start1 && b[2] >= minLen && crcOK(b[:headerLen])
}

// frameLength is the dissect.PDULength of a DNP3 stream. A wrong header CRC
// makes the length untrustworthy, so it counts as out of sync.
func frameLength(b []byte) int {
	if b[0] != start0 || len(b) > 1 && b[1] != start1 || len(b) > 2 && b[2] < minLen {
		return -1
	}
	if len(b) < headerLen {
		return 0
	}
	if !crcOK(b[:headerLen]) {
		return -1
	}
	return frameSize(b[2])
}

// frameSize is the size on the wire of a frame with length octet l.
func frameSize(l byte) int {
	user := int(l) - minLen
	return headerLen + user + 2*((user+blockLen-1)/blockLen)
}

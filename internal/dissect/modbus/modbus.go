// Package modbus dissects Modbus/TCP (and Modbus/UDP, the same MBAP framing
// in datagrams): one message per ADU, coded by its function code, with the
// unit id and the addressed range as detail, exception responses as errors,
// and device identity from Read Device Identification (43/14) responses.
//
// Code scheme: the decimal function code without the exception bit, so an
// exception counts under the function that failed (as tshark's
// modbus.func_code does). Function is the name from the Modbus Application
// Protocol Specification; Diagnostics (8) and Encapsulated Interface
// Transport (43) are named by sub-function / MEI type where known.
//
// Detail: "unit=U" plus "addr=A" or "addr=A-B" (protocol addresses, 0-based)
// for the functions that address coils or registers, "write=C-D" for the
// write half of 23, and " exception=N" on exception responses. A response
// carries its request's detail (matched by transaction id) so that request
// and response rows agree.
package modbus

import "github.com/otsight/otsight/internal/dissect"

// Port is the registered Modbus/TCP and Modbus/UDP server port.
const Port = 502

// Spec recognises Modbus/TCP on TCP 502 and Modbus/UDP on UDP 502, and on any
// port a payload made only of well-formed MBAP ADUs with a defined function
// code (see Detect).
var Spec = &dissect.Spec{
	Name:     dissect.NameModbus,
	TCPPorts: []uint16{Port},
	UDPPorts: []uint16{Port},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

// MBAP header layout: transaction id (2), protocol id (2, always 0), length
// (2, counting the unit id and the PDU), unit id (1).
const (
	mbapLen = 7
	// minLen is the smallest length field: unit id and function code.
	minLen = 2
	// maxLen bounds the length field. The specification allows 254 (a
	// 253-byte PDU); Schneider's UMAS is seen using 255, so allow a little.
	maxLen = 260
	// maxDetectLen is the bound Detect applies.
	maxDetectLen = 256
)

// Detect accepts a payload that is one or more complete MBAP ADUs, each with
// protocol id 0, a length field within bounds and a function code that is
// defined (public, user-defined or UMAS); an exception response must hold at
// least unit, function and a defined exception code. Splitting the
// payload exactly into ADUs is what makes this strict enough for any port.
func Detect(_ dissect.Dir, b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		if len(b) < mbapLen+1 || b[2] != 0 || b[3] != 0 {
			return false
		}
		l := int(b[4])<<8 | int(b[5])
		if l < minLen || l > maxDetectLen || 6+l > len(b) {
			return false
		}
		fc := b[7]
		if !definedFunction(fc & 0x7f) {
			return false
		}
		if fc&0x80 != 0 && (l < 3 || !definedException(b[8])) {
			return false
		}
		b = b[6+l:]
	}
	return true
}

func definedFunction(fc uint8) bool {
	switch {
	case fc >= 1 && fc <= 8, fc == 11, fc == 12, fc >= 15 && fc <= 17,
		fc >= 20 && fc <= 24, fc == 43, fc == 90,
		fc >= 65 && fc <= 72, fc >= 100 && fc <= 110:
		return true
	}
	return false
}

func definedException(c uint8) bool {
	return c >= 1 && c <= 6 || c == 8 || c == 10 || c == 11
}

// aduLength is the dissect.PDULength of an MBAP stream.
func aduLength(b []byte) int {
	if len(b) < 6 {
		return 0
	}
	if b[2] != 0 || b[3] != 0 {
		return -1
	}
	l := int(b[4])<<8 | int(b[5])
	if l < minLen || l > maxLen {
		return -1
	}
	return 6 + l
}

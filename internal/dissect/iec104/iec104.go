// Package iec104 dissects IEC 60870-5-104 (telecontrol over TCP): one
// message per APDU, i.e. per APCI frame.
//
// Code scheme: "S" for S-format frames (receive acknowledgements),
// "U/<hex>" for U-format frames with the first control octet in lower-case
// hex (U/07 STARTDT act, U/0b STARTDT con, U/13 STOPDT act, U/23 STOPDT
// con, U/43 TESTFR act, U/83 TESTFR con), and the decimal ASDU type
// identification for I-format frames (Function: the IEC 60870-5-101/104
// mnemonic, e.g. 45 C_SC_NA_1, 100 C_IC_NA_1). An I frame too short to hold
// an ASDU header is coded "malformed" and is an error.
//
// Error: an ASDU with the P/N bit (negative confirmation) or with a cause
// of transmission 44–47 (unknown type, cause, common address or object
// address). Detail of I frames: "cot=<cause> ca=<common address>", with
// " neg" and " test" when those bits are set.
//
// Direction: U act frames are requests and con frames responses; I frames
// with cause act, deact or req are requests, with actcon, deactcon,
// actterm, an interrogation cause or an unknown-* cause responses, and all
// others (spontaneous, cyclic, background, init, return, file) indications;
// S frames are indications. A request sent by the connection's responder
// (e.g. TESTFR act from the controlled station), or a response sent by its
// originator, is reported with Swap.
package iec104

import "github.com/otsight/otsight/internal/dissect"

// Port is the registered IEC 60870-5-104 server port.
const Port = 2404

// Spec recognises IEC 60870-5-104 on TCP 2404 and, on any port, a payload
// made only of valid APDUs (see Detect).
var Spec = &dissect.Spec{
	Name:     dissect.NameIEC104,
	TCPPorts: []uint16{Port},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

// APCI: start octet 0x68, length of the rest (control field and ASDU),
// four control octets.
const (
	startByte = 0x68
	apciLen   = 6
	ctrlLen   = 4
	// maxLen is the largest length octet (an APDU is at most 255 bytes).
	maxLen = 253
	// asduHeader is type id, variable structure qualifier, cause of
	// transmission, originator address and a two-octet common address.
	asduHeader = 6
)

// Detect accepts a payload that is one or more complete APDUs, each well
// formed for its format: an I frame with a defined type id and a non-zero
// cause, an S frame with its reserved bits zero, or a U frame with exactly
// one defined function and zero sequence octets. Splitting the payload
// exactly into such frames is what makes this strict enough for any port.
func Detect(_ dissect.Dir, b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		if len(b) < apciLen || b[0] != startByte {
			return false
		}
		l := int(b[1])
		if l < ctrlLen || l > maxLen || 2+l > len(b) {
			return false
		}
		c := b[2 : 2+l]
		switch {
		case c[0]&1 == 0: // I format
			if l < ctrlLen+asduHeader || typeNames[c[4]] == "unknown" || c[6]&0x3f == 0 || c[2]&1 != 0 {
				return false
			}
		case c[0]&3 == 1: // S format
			if l != ctrlLen || c[0] != 0x01 || c[1] != 0 || c[2]&1 != 0 {
				return false
			}
		default: // U format
			if _, ok := uNames[c[0]]; !ok || l != ctrlLen || c[1] != 0 || c[2] != 0 || c[3] != 0 {
				return false
			}
		}
		b = b[2+l:]
	}
	return true
}

// apduLength is the dissect.PDULength of an IEC 104 stream.
func apduLength(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	if b[0] != startByte || b[1] < ctrlLen || b[1] > maxLen {
		return -1
	}
	return 2 + int(b[1])
}

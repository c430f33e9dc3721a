// Package s7comm dissects ISO-on-TCP (RFC 1006 TPKT + ISO 8073 COTP) on TCP
// port 102 and the three application protocols that share it: Siemens S7comm
// (protocol id 0x32), S7comm-plus (0x72) and, through package mms, IEC 61850
// MMS over the OSI session and presentation layers.
//
// One Spec serves the port because the registry tries one dissector per
// port first and the three protocols can only be told apart after COTP: the
// parser reassembles each direction's COTP data TPDUs into TSDUs (EOT bit)
// and reports every TSDU under the protocol it carries (dissect.NameS7comm,
// NameS7commPlus or NameMMS).
//
// Units: one S7comm PDU (TSDU starting with 0x32); one S7comm-plus PDU (a
// TSDU starting with 0x72, continuation fragments of a PDU spread over
// several TSDUs are not counted again); one MMS PDU. COTP connection
// management TPDUs (CR, CC, DR, DC, AK, ER, …) are not application messages
// and are not counted, as in tshark.
package s7comm

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/mms"
)

// Port is the ISO-TSAP port (RFC 1006).
const Port = 102

// Spec is the port 102 dissector. Its name is s7comm; messages carry the
// protocol of each TSDU.
var Spec = &dissect.Spec{
	Name:     dissect.NameS7comm,
	TCPPorts: []uint16{Port},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return NewParser() },
}

// COTP TPDU codes (ISO 8073 13.1, high nibble of the type octet) that
// matter here; the others (DR, DC, ED, AK, EA, RJ, ER) are skipped.
const (
	cotpDT = 0xf0
	cotpCR = 0xe0
	cotpCC = 0xd0
)

// maxTSDU bounds one reassembled COTP TSDU (S7 PDUs are at most 960 bytes,
// S7comm-plus and MMS PDUs are negotiated and stay well below this).
const maxTSDU = 64 << 10

// Detect accepts a TPKT header followed by a COTP header that only ISO-TSAP
// industrial traffic carries, on any port: a DT whose user data starts an
// S7comm or S7comm-plus header, an OSI session SPDU or a bare MMS PDU, or a
// CR/CC that names calling or called TSAPs. RDP, which also runs X.224 over
// TPKT, sends a CR without TSAPs and MCS PDUs in its DTs, so it is not
// claimed. A first segment holding only the 4-octet TPKT header (some MMS
// stacks send it apart) is accepted too.
func Detect(_ dissect.Dir, p []byte) bool {
	if !tpktHeader(p) {
		return false
	}
	if len(p) < 7 {
		// Some stacks send the TPKT header in a segment of its own.
		return len(p) == 4
	}
	li := int(p[4])
	typ := p[5] & 0xf0
	switch typ {
	case cotpDT:
		if li != 2 {
			return false
		}
		if len(p) < 8 {
			return true
		}
		return p[7] == protoS7 || p[7] == protoS7Plus || plausibleSession(p[7])
	case cotpCR, cotpCC:
		if li < 6 || 5+li > len(p) {
			return false
		}
		return hasTSAP(p[11 : 5+li])
	}
	// Disconnects, acknowledgements and errors alone do not identify the
	// protocol; the data that follows them will.
	return false
}

// tpktHeader checks RFC 1006 version 3, reserved 0 and a length that can
// hold a COTP header.
func tpktHeader(p []byte) bool {
	if len(p) < 4 || p[0] != 3 || p[1] != 0 {
		return false
	}
	n := int(p[2])<<8 | int(p[3])
	return n >= 7
}

// plausibleSession reports whether b can start an OSI session SPDU as used by
// MMS (give tokens/data transfer, connect, accept, finish, disconnect, abort).
func plausibleSession(b byte) bool {
	switch b {
	case 0x01, 0x0d, 0x0e, 0x09, 0x0a, 0x19, 0x0c:
		return true
	}
	return mms.IsPDUTag(b)
}

// hasTSAP reports whether COTP CR/CC variable parameters contain a calling
// (0xc1) or called (0xc2) TSAP.
func hasTSAP(vp []byte) bool {
	for len(vp) >= 2 {
		code, n := vp[0], int(vp[1])
		if 2+n > len(vp) {
			return false
		}
		if code == 0xc1 || code == 0xc2 {
			return true
		}
		vp = vp[2+n:]
	}
	return false
}

// tpktLength is the dissect.PDULength of TPKT framing.
func tpktLength(b []byte) int {
	if len(b) < 4 {
		if b[0] != 3 || (len(b) > 1 && b[1] != 0) {
			return -1
		}
		return 0
	}
	if b[0] != 3 || b[1] != 0 {
		return -1
	}
	n := int(b[2])<<8 | int(b[3])
	if n < 7 {
		return -1
	}
	return n
}

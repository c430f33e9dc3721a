// Package smb dissects SMB1 and SMB2/3 over TCP 445 (direct hosting) and
// over the NetBIOS session service on TCP 139 (RFC 1002 section 4.3), for
// what names software, operating systems, users and shares: SMB1 Negotiate
// and Session Setup AndX (NativeOS, NativeLanMan), SMB2 Negotiate, Session
// Setup and Tree Connect, and the NTLMSSP messages inside the session
// setups (version fields; domain, user and host names, never hashes).
//
// Messages: one per SMB1 header (the first command of an AndX chain) with
// Protocol smb and Code the command in hex ("0x72"), and one per SMB2 header
// (each command of a compound) with Protocol smb2 and Code "0x0000" …; a
// response whose NT status is not 0 (STATUS_MORE_PROCESSING_REQUIRED,
// 0xC0000016, excepted) or whose SMB1 DOS error class is not 0 is an error.
// Encrypted SMB3 messages (transform header 0xFD 'S' 'M' 'B') and NetBIOS
// session control packets are not messages; an NBSS message that holds
// no complete SMB header, or an SMB2 header with a command code over 0xff,
// counts with Code "malformed" and Error set (Protocol smb2 when the
// message starts with the SMB2 signature).
//
// Records: one smb record per negotiate, session setup (all rounds) and
// tree connect; asset_id records for the NativeOS strings ("smb native
// os") and NTLM version fields ("ntlm version") of each side.
package smb

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is SMB on TCP 445 and 139.
var Spec = &dissect.Spec{
	Name:     dissect.NameSMB,
	TCPPorts: []uint16{445, 139},
	Detect:   Detect,
	New:      func() dissect.Parser { return &parser{} },
}

// NetBIOS session service packet types (RFC 1002 section 4.3.1).
const (
	nbssMessage   = 0x00
	nbssRequest   = 0x81
	nbssPositive  = 0x82
	nbssNegative  = 0x83
	nbssRetarget  = 0x84
	nbssKeepalive = 0x85
)

// Protocol signatures at the start of an SMB message.
const (
	sigSMB1      = 0xff534d42 // 0xFF 'S' 'M' 'B'
	sigSMB2      = 0xfe534d42
	sigTransform = 0xfd534d42 // SMB 3.x encrypted message
	sigCompress  = 0xfc534d42 // SMB 3.1.1 compressed message
)

// Detect accepts a first payload that is an NBSS session request, or an NBSS
// message holding an SMB1, SMB2 or encrypted SMB3 header.
func Detect(_ dissect.Dir, p []byte) bool {
	if len(p) < 4 {
		return false
	}
	switch p[0] {
	case nbssRequest:
		// two encoded NetBIOS names of 34 bytes at least
		return p[1]&0xfe == 0 && nbssLen(p) >= 68 && len(p) >= 5 && p[4] == 0x20
	case nbssMessage:
		return len(p) >= 8 && nbssLen(p) >= 4 && knownSignature(binary.BigEndian.Uint32(p[4:]))
	}
	return false
}

func knownSignature(s uint32) bool {
	return s == sigSMB1 || s == sigSMB2 || s == sigTransform || s == sigCompress
}

// nbssLen is the length after the 4-byte header: 17 bits on 139 (RFC 1002),
// 24 bits on 445 (MS-SMB2 section 2.1), so all 24 are taken.
func nbssLen(p []byte) int { return int(p[1])<<16 | int(p[2])<<8 | int(p[3]) }

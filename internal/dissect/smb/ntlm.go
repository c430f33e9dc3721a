package smb

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/otsight/otsight/internal/record"
)

// NTLMSSP ([MS-NLMP] section 2.2) message types and flags.
const (
	ntlmNegotiate    = 1
	ntlmChallenge    = 2
	ntlmAuthenticate = 3

	flagUnicode = 0x00000001 // NTLMSSP_NEGOTIATE_UNICODE
	flagVersion = 0x02000000 // NTLMSSP_NEGOTIATE_VERSION
)

var ntlmSignature = []byte("NTLMSSP\x00")

// ntlm reads the NTLMSSP message inside a session setup's security blob
// (wrapped in SPNEGO, whose DER framing is skipped by looking for the
// signature) into r: NEGOTIATE and AUTHENTICATE come from the client,
// CHALLENGE from the server.
func ntlm(blob []byte, r *record.SMB) {
	i := bytes.Index(blob, ntlmSignature)
	if i < 0 {
		return
	}
	m := blob[i:]
	if len(m) < 12 {
		return
	}
	switch binary.LittleEndian.Uint32(m[8:]) {
	case ntlmNegotiate:
		if len(m) >= 16 {
			if v := ntlmVersion(m, binary.LittleEndian.Uint32(m[12:]), 32, 16, 24); v != "" {
				r.ClientNTLMVersion = v
			}
		}
	case ntlmChallenge:
		if len(m) < 24 {
			return
		}
		flags := binary.LittleEndian.Uint32(m[20:])
		if v := ntlmVersion(m, flags, 48, 12, 40); v != "" {
			r.ServerNTLMVersion = v
		}
		targetInfo(field(m, 40), r)
	case ntlmAuthenticate:
		if len(m) < 64 {
			return
		}
		flags := binary.LittleEndian.Uint32(m[60:])
		unicode := flags&flagUnicode != 0
		r.DomainName = str(field(m, 28), unicode)
		r.UserName = str(field(m, 36), unicode)
		r.HostName = str(field(m, 44), unicode)
		if v := ntlmVersion(m, flags, 64, 12, 20, 28, 36, 44, 52); v != "" {
			r.ClientNTLMVersion = v
		}
	}
}

// field returns the payload a security buffer descriptor (length, maximum
// length, offset) at off points to, or nil when it points outside m.
func field(m []byte, off int) []byte {
	if len(m) < off+8 {
		return nil
	}
	l := int(binary.LittleEndian.Uint16(m[off:]))
	o := int(binary.LittleEndian.Uint32(m[off+4:]))
	if l == 0 || o < 0 || o > len(m) || l > len(m)-o {
		return nil
	}
	return m[o : o+l]
}

// ntlmVersion formats the VERSION structure at off ("10.0.19041") when the
// flags announce it and no payload named by the descriptors at fields
// starts before its end (older peers put payload there instead).
func ntlmVersion(m []byte, flags uint32, off int, fields ...int) string {
	if flags&flagVersion == 0 || len(m) < off+8 {
		return ""
	}
	for _, f := range fields {
		if len(m) >= f+8 && binary.LittleEndian.Uint16(m[f:]) != 0 &&
			int(binary.LittleEndian.Uint32(m[f+4:])) < off+8 {
			return ""
		}
	}
	major, minor, build := m[off], m[off+1], binary.LittleEndian.Uint16(m[off+2:])
	if major == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d", major, minor, build)
}

// targetInfo reads the server's names from a CHALLENGE's AV pairs
// ([MS-NLMP] section 2.2.2.1).
func targetInfo(b []byte, r *record.SMB) {
	for len(b) >= 4 {
		id, l := binary.LittleEndian.Uint16(b), int(binary.LittleEndian.Uint16(b[2:]))
		if id == 0 || l > len(b)-4 {
			return
		}
		v := b[4 : 4+l]
		switch id {
		case 1:
			r.ServerNBComputerName = str(v, true)
		case 2:
			r.ServerNBDomainName = str(v, true)
		case 3:
			r.ServerDNSComputerName = str(v, true)
		case 4:
			r.ServerDNSDomainName = str(v, true)
		}
		b = b[4+l:]
	}
}

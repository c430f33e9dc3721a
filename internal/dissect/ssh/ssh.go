// Package ssh dissects the clear-text start of SSH (RFC 4253): the
// identification string each side sends first ("SSH-protoversion-
// softwareversion comments", §4.2; a server may send other lines before
// it), then the binary packets of the first key exchange up to each side's
// NEWKEYS, after which everything is encrypted. Nothing secret is kept.
//
// Messages: one per identification string, Code "banner" (Function
// "identification"), and one per clear-text binary packet, Code its message
// number in decimal (20 KEXINIT, 21 NEWKEYS, 30-34 key exchange method
// messages …; Function from msgNames). A DISCONNECT (1) is an error; a
// packet whose padding length does not fit counts with Code "malformed"
// and Error set and ends parsing of that direction. Messages from the
// originator (client) are requests, from the responder responses.
//
// Records: one ssh record per connection (record.SSH): both
// identification strings, the negotiated algorithms and the server's host
// key fingerprint.
package ssh

import (
	"bytes"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is SSH on TCP 22 and 2222, and on any port where a connection
// starts with an SSH-1.x or SSH-2.x identification string.
var Spec = &dissect.Spec{
	Name: dissect.NameSSH, TCPPorts: []uint16{22, 2222},
	Detect: Detect, AnyPort: true,
	New: func() dissect.Parser { return &parser{} },
}

// Detect accepts a payload that starts with "SSH-1." or "SSH-2." and a
// digit, as the identification string does.
func Detect(_ dissect.Dir, p []byte) bool {
	return len(p) >= 7 && (bytes.HasPrefix(p, []byte("SSH-2.")) || bytes.HasPrefix(p, []byte("SSH-1."))) &&
		p[6] >= '0' && p[6] <= '9'
}

// Message numbers the parser acts on (RFC 4250 §4.1).
const (
	msgDisconnect = 1
	msgKexInit    = 20
	msgNewKeys    = 21
	msgKexReply   = 31 // KEXDH_REPLY, KEX_ECDH_REPLY (RFC 5656)
	msgGexReply   = 33 // KEX_DH_GEX_REPLY (RFC 4419)
)

// msgNames are the clear-text messages' names (RFC 4250 §4.1, RFC 4419,
// RFC 8308). 30-49 depend on the key exchange method: 30 and 31 are also
// DH group exchange's REQUEST_OLD and GROUP.
var msgNames = map[uint8]string{
	1: "disconnect", 2: "ignore", 3: "unimplemented", 4: "debug",
	5: "service_request", 6: "service_accept", 7: "ext_info", 8: "newcompress",
	20: "kexinit", 21: "newkeys", 30: "kexdh_init", 31: "kexdh_reply",
	32: "kex_dh_gex_init", 33: "kex_dh_gex_reply", 34: "kex_dh_gex_request",
}

const (
	codeBanner    = "banner"
	codeMalformed = "malformed"
)

// Static message strings per number, so that a message costs no
// allocation.
var (
	msgCode [256]string
	msgFunc [256]string
)

func init() {
	for i := range 256 {
		msgCode[i] = strconv.Itoa(i)
		msgFunc[i] = "unknown"
		if n, ok := msgNames[uint8(i)]; ok {
			msgFunc[i] = n
		}
	}
}

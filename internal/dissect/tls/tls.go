// Package tls dissects the clear-text part of TLS (RFC 5246, RFC 8446) and
// SSLv3 on TCP: the record layer, the handshake messages before
// ChangeCipherSpec, and clear-text alerts. Nothing secret is kept: no keys,
// random values, session ids or application data.
//
// Messages: one per handshake message (reassembled across records and TCP
// segments, at most 64 KiB each), Code its type in decimal (1 ClientHello,
// 2 ServerHello, 11 Certificate, 14 ServerHelloDone, 16 ClientKeyExchange …;
// Function the registry name, see handshakeNames), and one per clear-text
// alert with Code "alert", Function its description (see alertNames) and
// Error set for a fatal alert. Handshake messages and alerts a side sends
// after its ChangeCipherSpec are encrypted and not counted, as tshark does
// not decode them either. Messages from the originator are requests, from
// the responder responses.
//
// Records: one tls record per connection (record.TLS) with the ClientHello's
// SNI, ALPN, supported versions and cipher count, the server's chosen
// version and cipher, and the leaf certificate's subject, issuer, serial,
// validity and DNS names for TLS 1.2 and older.
package tls

import (
	"github.com/otsight/otsight/internal/dissect"
)

// Spec is TLS on its registered TCP ports (HTTPS, LDAPS, IMAPS, POP3S,
// SMTPS, FTPS, SIPS, MQTT over TLS, OPC UA over TLS 4843), and on any port
// where a connection starts with a ClientHello or ServerHello. OPC UA's
// binary protocol on 4840 belongs to the opcua dissector.
var Spec = &dissect.Spec{
	Name:     dissect.NameTLS,
	TCPPorts: []uint16{443, 8443, 636, 993, 995, 465, 990, 5061, 8883, 4843},
	Detect:   Detect, AnyPort: true,
	New: func() dissect.Parser { return &parser{} },
}

// maxRecord bounds a record's length: 2^14 bytes of plaintext plus the
// 2048 bytes of expansion RFC 5246 §6.2.3 allows.
const maxRecord = 1<<14 + 2048

// Detect accepts a payload that starts with a handshake record header
// (type 22, version 3.0 to 3.4, a length from 4 to maxRecord) whose first
// message is a ClientHello or ServerHello shorter than 64 KiB, as every TLS
// connection starts.
func Detect(_ dissect.Dir, p []byte) bool {
	if len(p) < 11 || p[0] != ctHandshake || p[1] != 3 || p[2] > 4 {
		return false
	}
	n := int(p[3])<<8 | int(p[4])
	if n < 4 || n > maxRecord || (p[5] != hsClientHello && p[5] != hsServerHello) || p[6] != 0 {
		return false
	}
	// The hello's own version field is 3.0 to 3.4 too.
	return p[9] == 3 && p[10] <= 4
}

// Package dhcpv6 dissects DHCPv6 (RFC 8415) on UDP 546 (client) and 547
// (server and relay).
//
// Messages: one per datagram. Code is the outer message type in decimal (a
// relayed message counts once, as Relay-forward or Relay-reply), Function
// its RFC 8415 name. Client and relay-forward messages are requests, server
// and relay-reply messages responses; Reconfigure is a server's request. No
// DHCPv6 message is an error (failures are status-code options, often
// nested inside IA options; the record carries the top-level one). A
// datagram shorter than the 4-byte header counts with Code "malformed" and
// Error set.
//
// Records: a dhcpv6 record per message, for the innermost message of relay
// chains, and an asset_id record binding a client's DUID MAC to its FQDN.
package dhcpv6

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is DHCPv6 on UDP 546 and 547.
var Spec = &dissect.Spec{
	Name: dissect.NameDHCPv6, UDPPorts: []uint16{546, 547},
	Detect: Detect, New: func() dissect.Parser { return &parser{} },
}

// Message types (RFC 8415 7.3, RFC 5007, RFC 5460, RFC 7341).
const (
	typeReconfigure = 10
	typeRelayForw   = 12
	typeRelayRepl   = 13
)

// Option codes the dissector reads.
const (
	optClientID     = 1
	optServerID     = 2
	optIANA         = 3
	optIATA         = 4
	optIAAddr       = 5
	optORO          = 6
	optRelayMsg     = 9
	optStatusCode   = 13
	optUserClass    = 15
	optVendorClass  = 16
	optClientFQDN   = 39
	relayHeaderLen  = 34 // msg-type, hop-count, link-address, peer-address
	maxRelayNesting = 8
)

var msgTypes = [...]string{
	1: "SOLICIT", 2: "ADVERTISE", 3: "REQUEST", 4: "CONFIRM", 5: "RENEW", 6: "REBIND", 7: "REPLY",
	8: "RELEASE", 9: "DECLINE", 10: "RECONFIGURE", 11: "INFORMATION-REQUEST", 12: "RELAY-FORW",
	13: "RELAY-REPL", 14: "LEASEQUERY", 15: "LEASEQUERY-REPLY", 16: "LEASEQUERY-DONE",
	17: "LEASEQUERY-DATA", 18: "RECONFIGURE-REQUEST", 19: "RECONFIGURE-REPLY",
	20: "DHCPV4-QUERY", 21: "DHCPV4-RESPONSE", 22: "ACTIVELEASEQUERY", 23: "STARTTLS",
}

func msgTypeName(t uint8) string {
	if int(t) < len(msgTypes) && msgTypes[t] != "" {
		return msgTypes[t]
	}
	return "unknown"
}

// clientSide reports whether a message type is sent by clients or relays
// toward servers.
func clientSide(t uint8) bool {
	switch t {
	case 1, 3, 4, 5, 6, 8, 9, 11, typeRelayForw, 14, 20, 23:
		return true
	}
	return false
}

// codes are the decimal code strings of the message types 0-255.
var codes = func() (c [256]string) {
	for i := range c {
		c[i] = itoa(i)
	}
	return c
}()

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

const codeMalformed = "malformed"

// Detect accepts a DHCPv6 message: a known message type whose options (or,
// for relay messages, whose fixed relay header) fit the datagram.
func Detect(_ dissect.Dir, p []byte) bool {
	if len(p) < 4 || msgTypeName(p[0]) == "unknown" {
		return false
	}
	if p[0] == typeRelayForw || p[0] == typeRelayRepl {
		return len(p) >= relayHeaderLen+4
	}
	opts := p[4:]
	for len(opts) >= 4 {
		n := int(binary.BigEndian.Uint16(opts[2:]))
		if 4+n > len(opts) {
			return false
		}
		opts = opts[4+n:]
	}
	return len(opts) == 0
}

// eachOption calls f for each option of a DHCPv6 option area, stopping at
// the first that overruns it.
func eachOption(opts []byte, f func(code uint16, val []byte)) {
	for len(opts) >= 4 {
		code := binary.BigEndian.Uint16(opts)
		n := int(binary.BigEndian.Uint16(opts[2:]))
		if 4+n > len(opts) {
			return
		}
		f(code, opts[4:4+n])
		opts = opts[4+n:]
	}
}

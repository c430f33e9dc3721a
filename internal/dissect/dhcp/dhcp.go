// Package dhcp dissects DHCP and BOOTP (RFC 2131, RFC 951) on UDP 67 and 68.
//
// Messages: one per DHCP/BOOTP message. Code is the DHCP message type
// (option 53) in decimal, "bootp" for a BOOTP message without one;
// Function its name (DISCOVER, OFFER, …); Dir follows the BOOTP op (client
// messages are requests, server messages responses); a DHCPNAK is an error.
// A datagram too short for the fixed BOOTP header counts with Code
// "malformed" and Error set.
//
// Records: a dhcp record per message (client MAC, host name, parameter
// request list as a fingerprint, vendor class, addresses, …) and asset_id
// records binding a client's MAC to its host name and assigned address.
package dhcp

import (
	"encoding/binary"
	"net/netip"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is DHCP/BOOTP on UDP 67 (server) and 68 (client).
var Spec = &dissect.Spec{
	Name: dissect.NameDHCP, UDPPorts: []uint16{67, 68},
	Detect: Detect, New: func() dissect.Parser { return &parser{} },
}

// BOOTP fixed header (RFC 951): op, htype, hlen, hops, xid, secs, flags,
// ciaddr, yiaddr, siaddr, giaddr, chaddr (16), sname (64), file (128).
const (
	fixedLen    = 236
	magicCookie = 0x63825363
	opRequest   = 1
	opReply     = 2
)

// Detect accepts a BOOTP message: op 1 or 2, a hardware address length
// that fits chaddr, and the whole fixed header present.
func Detect(_ dissect.Dir, p []byte) bool {
	return len(p) >= fixedLen && (p[0] == opRequest || p[0] == opReply) && p[2] <= 16
}

// header is the decoded fixed part of a message.
type header struct {
	op                             uint8
	htype, hlen                    uint8
	xid                            uint32
	ciaddr, yiaddr, siaddr, giaddr netip.Addr
	chaddr                         []byte
}

func parseHeader(b []byte) (h header, ok bool) {
	if len(b) < fixedLen {
		return h, false
	}
	h.op, h.htype, h.hlen = b[0], b[1], b[2]
	h.xid = binary.BigEndian.Uint32(b[4:])
	h.ciaddr = netip.AddrFrom4([4]byte(b[12:16]))
	h.yiaddr = netip.AddrFrom4([4]byte(b[16:20]))
	h.siaddr = netip.AddrFrom4([4]byte(b[20:24]))
	h.giaddr = netip.AddrFrom4([4]byte(b[24:28]))
	h.chaddr = b[28 : 28+min(int(h.hlen), 16)]
	return h, true
}

// options returns the option area after the magic cookie, or nil for plain
// BOOTP (whose vendor area has no cookie).
func options(b []byte) []byte {
	if len(b) < fixedLen+4 || binary.BigEndian.Uint32(b[fixedLen:]) != magicCookie {
		return nil
	}
	return b[fixedLen+4:]
}

// eachOption calls f for every option of a code-length-value area until the
// end option or the end of the data; pad options are skipped.
func eachOption(opts []byte, f func(code byte, val []byte)) {
	for len(opts) > 0 {
		code := opts[0]
		switch code {
		case 0:
			opts = opts[1:]
			continue
		case 255:
			return
		}
		if len(opts) < 2 {
			return
		}
		n := int(opts[1])
		if 2+n > len(opts) {
			return
		}
		f(code, opts[2:2+n])
		opts = opts[2+n:]
	}
}

// messageType returns option 53's value, 0 when absent.
func messageType(opts []byte) uint8 {
	var t uint8
	eachOption(opts, func(code byte, val []byte) {
		if code == 53 && len(val) == 1 {
			t = val[0]
		}
	})
	return t
}

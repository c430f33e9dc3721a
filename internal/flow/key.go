package flow

import (
	"net/netip"

	"github.com/otsight/otsight/internal/decode"
)

// connKey identifies a connection in the table: both VLAN tags, the IP
// protocol and the two (address, port) endpoints in canonical order, so both
// directions of a connection find the same entry. For ICMP the "ports" are
// the message type and its counterpart type (or the code), as in Zeek.
type connKey struct {
	addrA, addrB netip.Addr
	portA, portB uint16
	vlan, inner  uint16
	proto        uint8
	// oneWay keys ICMP messages that have no reply type: they are not
	// canonicalised, so (addrA, portA) is always the sender, as Zeek keys them.
	oneWay bool
}

func makeKey(p *decode.Packet, sport, dport uint16, oneWay bool) connKey {
	k := connKey{vlan: p.VLANs[0], inner: p.VLANs[1], proto: p.Proto, oneWay: oneWay}
	if oneWay || endpointLE(p.SrcIP, sport, p.DstIP, dport) {
		k.addrA, k.portA, k.addrB, k.portB = p.SrcIP, sport, p.DstIP, dport
	} else {
		k.addrA, k.portA, k.addrB, k.portB = p.DstIP, dport, p.SrcIP, sport
	}
	return k
}

// endpointLE orders endpoints by address, then port.
func endpointLE(a netip.Addr, pa uint16, b netip.Addr, pb uint16) bool {
	if c := a.Compare(b); c != 0 {
		return c < 0
	}
	return pa <= pb
}

// icmpPorts returns the connection "ports" of an ICMP or ICMPv6 message as
// Zeek assigns them: the type as source port and, for request/reply pairs,
// the counterpart type as destination port, so a request and its reply land
// in one connection. Other messages get the code as destination port and are
// keyed one-way.
func icmpPorts(proto, typ, code uint8) (src, dst uint16, oneWay bool) {
	var pair uint8
	var ok bool
	if proto == decode.ProtoICMPv6 {
		pair, ok = icmp6Counterpart(typ)
	} else {
		pair, ok = icmp4Counterpart(typ)
	}
	if !ok {
		return uint16(typ), uint16(code), true
	}
	return uint16(typ), uint16(pair), false
}

func icmp4Counterpart(typ uint8) (uint8, bool) {
	switch typ {
	case 8, 0: // echo request, echo reply
		return 8 ^ typ, true
	case 9: // router advertisement
		return 10, true
	case 10: // router solicitation
		return 9, true
	case 13: // timestamp request
		return 14, true
	case 14:
		return 13, true
	case 15: // information request
		return 16, true
	case 16:
		return 15, true
	case 17: // address mask request
		return 18, true
	case 18:
		return 17, true
	}
	return 0, false
}

func icmp6Counterpart(typ uint8) (uint8, bool) {
	switch typ {
	case 128: // echo request
		return 129, true
	case 129:
		return 128, true
	case 130: // multicast listener query
		return 131, true
	case 131: // multicast listener report
		return 130, true
	case 133: // router solicitation
		return 134, true
	case 134:
		return 133, true
	case 135: // neighbour solicitation
		return 136, true
	case 136:
		return 135, true
	case 139: // node information query
		return 140, true
	case 140:
		return 139, true
	case 144: // home agent address discovery request
		return 145, true
	case 145:
		return 144, true
	}
	return 0, false
}

// protoName is the conn record's proto field: Zeek logs ICMPv6 as "icmp".
func protoName(proto uint8) string {
	switch proto {
	case decode.ProtoTCP:
		return "tcp"
	case decode.ProtoUDP:
		return "udp"
	}
	return "icmp"
}

// uidDigits is the base62 alphabet of Zeek UIDs.
const uidDigits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// makeUID returns the UID of the n-th connection of a table seeded with
// seed: "C" and eleven base62 digits of a 64-bit value that a bijective mix
// derives from seed and n, so UIDs never repeat within a table and the same
// input with the same seed gives the same UIDs.
func makeUID(seed, n uint64) string {
	x := mix64(seed + n*0x9e3779b97f4a7c15)
	var b [12]byte
	b[0] = 'C'
	for i := len(b) - 1; i > 0; i-- {
		b[i] = uidDigits[x%62]
		x /= 62
	}
	return string(b[:])
}

// mix64 is the SplitMix64 finaliser: a bijection of uint64 that spreads
// consecutive inputs over the whole range.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

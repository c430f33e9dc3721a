// Package decode turns captured frames into a Packet: link layer, VLAN tags,
// LLC/SNAP, ARP, IPv4 (with bounded fragment reassembly), IPv6 (with extension
// headers), TCP, UDP, ICMP and ICMPv6. It allocates nothing per packet on the
// fast path: a Decoder owns one Packet and refills it for every frame, and the
// Packet's slices point into the frame (or into the reassembler's buffer).
//
// Checksums are never verified: mirror ports carry frames whose checksums the
// sending NIC had not yet filled in.
//
// Every frame given to Decoder.Decode ends as exactly one of: a delivered
// packet (OK), a fragment held for reassembly (FragmentHeld; it later becomes
// part of a delivered datagram or is discarded and counted as an error), a
// mirrored duplicate (Duplicate), or an error with its Cause. Counters keep
// the books; see Counters for the identity they satisfy.
//
// Not decoded: tunnels (GRE, IP-in-IP, VXLAN, Teredo: Proto and L3Payload
// only), MPLS and PPPoE (L3Other), Cisco ISL (seen as 802.3 SNAP with
// Cisco's OUI), IPv6 jumbograms (ipv6_ext_bad), ARP other than
// Ethernet/IPv4 (L3Other), and link types other than the LinkType constants.
package decode

import "net/netip"

// LinkType is a capture link-layer header type, numbered as LINKTYPE_* in
// pcap/pcapng files.
type LinkType uint16

// Link types the decoder understands.
const (
	LinkNull     LinkType = 0   // BSD loopback: 4-byte address family, host order
	LinkEthernet LinkType = 1   // Ethernet II / 802.3
	LinkPPP      LinkType = 9   // PPP with protocol field (optionally HDLC-framed)
	LinkPPPHDLC  LinkType = 50  // PPP in HDLC-like framing
	LinkRawBSD   LinkType = 12  // raw IP: DLT_RAW as most BSDs number it (old files)
	LinkRawOBSD  LinkType = 14  // raw IP: DLT_RAW as OpenBSD numbers it (old files)
	LinkRaw      LinkType = 101 // raw IPv4 or IPv6
	LinkLoop     LinkType = 108 // OpenBSD loopback: address family, network order
	LinkSLL      LinkType = 113 // Linux cooked capture v1
	LinkIPv4     LinkType = 228 // raw IPv4
	LinkIPv6     LinkType = 229 // raw IPv6
	LinkSLL2     LinkType = 276 // Linux cooked capture v2
)

// L3 tells what sits above the link layer.
type L3 uint8

// Network-layer kinds.
const (
	L3None  L3 = iota // nothing decodable above the link layer
	L3ARP             // ARP (Ethernet/IPv4 only)
	L3IPv4            // IPv4 (possibly reassembled from fragments)
	L3IPv6            // IPv6
	L3Other           // a non-IP, non-ARP Ethernet payload: see EtherType / LLC
)

// IP protocol numbers the decoder parses further.
const (
	ProtoICMP   uint8 = 1
	ProtoTCP    uint8 = 6
	ProtoUDP    uint8 = 17
	ProtoICMPv6 uint8 = 58
)

// TCP flag bits as in the TCP header's flags byte.
const (
	TCPFin uint8 = 0x01
	TCPSyn uint8 = 0x02
	TCPRst uint8 = 0x04
	TCPPsh uint8 = 0x08
	TCPAck uint8 = 0x10
	TCPUrg uint8 = 0x20
	TCPEce uint8 = 0x40
	TCPCwr uint8 = 0x80
)

// Packet is one decoded frame. All slices alias the frame passed to Decode
// (or the reassembly buffer) and are valid until the next call to Decode.
type Packet struct {
	// Capture metadata.
	TS      int64 // capture time, nanoseconds since the Unix epoch
	WireLen int   // original length of the frame on the wire
	Iface   int   // index of the capture interface (label table kept by the caller)

	// Link layer. HasEth is false for link types without MAC addresses
	// (raw IP, loopback, PPP); SLL's single source address fills SrcMAC.
	Link      LinkType // link type the frame was decoded as
	SLLType   uint8    // SLL/SLL2 packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us
	HasEth    bool
	SrcMAC    [6]byte
	DstMAC    [6]byte
	VLANs     [2]uint16 // outer first; 0 = absent
	NVLAN     int       // tags seen (more than 2 are skipped but counted here)
	EtherType uint16    // after VLAN tags; 0 for 802.3 length-field frames, except RFC 1042 SNAP (OUI 0): its PID
	LLC       bool      // 802.3 frame with an LLC header
	DSAP      uint8
	SSAP      uint8
	SNAPOUI   uint32 // set when DSAP=SSAP=0xAA
	SNAPPID   uint16

	L3 L3

	// ARP (Ethernet hardware, IPv4 protocol addresses).
	ARPOp  uint16
	ARPSHA [6]byte
	ARPSPA netip.Addr
	ARPTHA [6]byte
	ARPTPA netip.Addr

	// IP. IPLen is the IP datagram length (header included; after reassembly,
	// the whole datagram), the unit of Zeek's ip_bytes.
	SrcIP       netip.Addr
	DstIP       netip.Addr
	Proto       uint8 // transport protocol (IPv6: after extension headers)
	TTL         uint8 // IPv4 TTL or IPv6 hop limit
	IPID        uint32
	IPLen       int
	IPHdrLen    int    // IPv4 header length incl. options; IPv6 40 + extension headers
	IPFlags     uint8  // IPv4 DF/MF bits (DF=0x2, MF=0x1)
	TOS         uint8  // IPv4 TOS / IPv6 traffic class
	FlowLabel   uint32 // IPv6
	Reassembled bool   // datagram was rebuilt from fragments
	IPOptions   []byte // IPv4 options bytes (for fingerprinting)

	// Transport.
	SrcPort uint16
	DstPort uint16
	// TCP
	Seq       uint32
	Ack       uint32
	Flags     uint8
	Window    uint16
	Urgent    uint16
	TCPOpts   []byte // raw TCP options
	TCPHdrLen int
	// ICMP / ICMPv6
	ICMPType uint8
	ICMPCode uint8

	// Payload is the transport payload (TCP/UDP data, ICMP body after the
	// 4-byte type/code/checksum header), or for L3Other the bytes after the
	// Ethernet/LLC header. L3Payload is the payload of the IP header (the
	// transport header included): set for every IP packet, and the only
	// payload for protocols decoded no further.
	Payload   []byte
	L3Payload []byte
}

// Reset clears p for reuse without releasing anything.
func (p *Packet) Reset() { *p = Packet{} }

// Package flow tracks connections with Zeek's conn.log semantics: who
// originated, conn_state, history, bytes and packets each way, and a record
// per UTC minute of traffic for connections that live for days (OT polling).
// It hands in-order TCP payload and UDP datagrams to a Handler (the dissector
// layer) and never knows what the payload means.
package flow

import (
	"net/netip"
	"time"

	"github.com/otsight/otsight/internal/record"
)

// Config sets timeouts and bounds. Zero values are replaced by DefaultConfig's.
type Config struct {
	TCPInactivity time.Duration // TCP without packets (Zeek tcp_inactivity_timeout)
	TCPAttempt    time.Duration // unanswered SYN, counted from the first SYN (Zeek tcp_attempt_delay)
	// TCPClose is how long a connection whose close completed by FINs
	// (both sides, or one side of a connection whose peer never spoke)
	// stays for late packets (Zeek tcp_close_delay).
	TCPClose time.Duration
	// TCPReset is the same for a close involving a RST. Zeek applies
	// tcp_close_delay there and tcp_reset_delay to a RST after the sender's
	// own FIN; both default to 5 s.
	TCPReset        time.Duration
	UDPInactivity   time.Duration
	ICMPInactivity  time.Duration
	MaxConns        int // table cap; the least recently active is evicted
	MaxStreamBuffer int // out-of-order TCP bytes buffered per direction for dissectors
	// LikelyServerPort reports ports that identify a server side (those of
	// registered dissectors plus well-known services); used, as Zeek does, to
	// orient connections whose first packet was not a SYN.
	LikelyServerPort func(proto uint8, port uint16) bool
	// IfaceLabels names capture interfaces by index (decode.Packet.Iface);
	// records carry the label. An index without a label gives "".
	IfaceLabels []string
}

// Dir is the direction of a packet or payload within a connection.
type Dir uint8

// Directions.
const (
	FromOrig Dir = 0
	FromResp Dir = 1
)

// Conn is a tracked connection. Fields other than Service, WantPayload and
// App are owned by the Table; Handlers read them. A *Conn is valid from the
// first Handler call until Closed returns; the Table recycles it afterwards.
type Conn struct {
	Proto   uint8 // decode.ProtoTCP, ProtoUDP, ProtoICMP, ProtoICMPv6
	OrigH   netip.Addr
	RespH   netip.Addr
	OrigP   uint16 // ICMP: type; see docs/records.md
	RespP   uint16 // ICMP: counterpart type or code
	OrigMAC record.MAC
	RespMAC record.MAC
	VLAN    uint16
	Inner   uint16 // inner VLAN (QinQ)
	Iface   int    // capture interface of the first packet
	UID     string
	Start   int64 // ns, first packet
	Last    int64 // ns, last packet

	// Service is set by the Handler once a dissector recognised the payload.
	Service string
	// WantPayload is set by the Handler (typically in its first Payload
	// call) to keep receiving payload after the first offer of each
	// direction. While it is false the Table does no payload work at all
	// for directions already offered: no reassembly, no buffering.
	WantPayload bool
	// App is the Handler's per-connection state (dissector instances).
	App any
}

// Handler receives what the dissector layer needs. Calls happen on the
// goroutine that calls Table.Packet, Advance and Flush, inside those calls;
// a Handler must not call back into the Table.
//
// Delivery contract. For each direction of each connection the Table
// offers the first payload unconditionally: the first datagram (UDP), the
// first ICMP body, or the first in-order stream bytes (TCP; out-of-order
// segments before them are buffered for the offer). Every later payload of
// that direction is delivered only while Conn.WantPayload is true, checked
// before each call, so the Handler decides in the first Payload call of
// either direction and may change its mind at any time. When WantPayload
// turns false, buffered TCP data of the directions already offered is
// dropped; when it turns true again, TCP delivery resumes at the next
// segment after a Gap covering the bytes skipped meanwhile (UDP and ICMP
// simply resume). Empty datagrams and bodies are not delivered.
type Handler interface {
	// Payload delivers bytes of one direction: for TCP the next in-order
	// bytes of the stream (after the SYN; retransmitted and overlapping
	// bytes delivered once, in sequence order), for UDP one datagram, for
	// ICMP the body after the 4-byte type/code/checksum header. ts is the
	// capture time of the packet that carried the bytes. data is valid only
	// during the call.
	Payload(c *Conn, dir Dir, ts int64, data []byte)
	// Gap tells that the next n bytes of a TCP direction will never be
	// delivered: acknowledged by the peer but not captured, still missing
	// when MaxStreamBuffer bytes waited behind them or when the connection
	// ended, or skipped while WantPayload was false. Delivery continues
	// after them.
	Gap(c *Conn, dir Dir, n int)
	// Closed is called once when the connection leaves the table, after
	// its last Payload or Gap and before its last interval record and its
	// final record are emitted (so Service may still be set).
	Closed(c *Conn)
}

// Stats are the table's counters since it was created.
type Stats struct {
	Active      int
	Created     uint64
	Closed      uint64 // ended by FIN/RST
	TimedOut    uint64
	Evicted     uint64 // removed because the table was full
	Flushed     uint64 // still open at Flush
	Reused      uint64 // replaced by a new connection on the same tuple (a SYN with a new ISN)
	Packets     uint64 // packets counted into connections
	StreamBytes uint64 // TCP payload bytes buffered out of order at this moment
	GapBytes    uint64 // TCP payload bytes never delivered to dissectors
}

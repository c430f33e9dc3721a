// Package dissect defines how protocol dissectors plug into the sensor: how a
// dissector is recognised (ports, Ethertypes, a heuristic on any port), what it
// is given (in-order payload of one direction of a connection, one datagram,
// or one Ethernet frame) and how it reports what it found (messages for the
// per-minute ot counts and the analyze summary, and records). A dissector
// never touches storage or the network.
//
// Each protocol lives in its own package under internal/dissect and exports a
// Spec; internal/dissect/registry lists them all in one table.
package dissect

import (
	"net/netip"

	"github.com/otsight/otsight/internal/record"
)

// Transport says how a dissector's input arrives.
type Transport uint8

// Transports.
const (
	TCP   Transport = iota + 1 // in-order byte stream per direction
	UDP                        // one datagram per call
	Ether                      // one non-IP Ethernet frame per call
)

// String returns tcp, udp or eth.
func (t Transport) String() string {
	switch t {
	case TCP:
		return "tcp"
	case UDP:
		return "udp"
	case Ether:
		return "eth"
	}
	return "unknown"
}

// Dir is the direction of data relative to the connection's originator.
type Dir uint8

// Directions. For Ethernet frames every frame is FromOrig (orig = source MAC).
const (
	FromOrig Dir = 0
	FromResp Dir = 1
)

// Endpoints describes the connection or frame being dissected. Orig is the
// connection's originator (for Ethernet frames: the source).
type Endpoints struct {
	Transport Transport
	OrigMAC   record.MAC
	RespMAC   record.MAC
	OrigH     netip.Addr // zero for Ethernet frames
	RespH     netip.Addr
	OrigP     uint16
	RespP     uint16
	VLAN      uint16
	Iface     string
}

// MsgDir is the message direction of data in d for protocols where the
// originator always asks and the responder always answers (TLS, SSH).
func (d Dir) MsgDir() MsgDir {
	if d == FromResp {
		return Response
	}
	return Request
}

// MsgDir classifies a message.
type MsgDir uint8

// Message directions.
const (
	Request    MsgDir = iota + 1 // a request or command
	Response                     // its answer
	Indication                   // unsolicited: cyclic data, broadcasts, GOOSE, I-Am, …
)

// String returns request, response or indication.
func (d MsgDir) String() string {
	switch d {
	case Request:
		return "request"
	case Response:
		return "response"
	case Indication:
		return "indication"
	}
	return "unknown"
}

// Message is one protocol data unit a dissector understood. The sensor counts
// messages per minute into ot records (for OT protocols) and per protocol and
// code into the analyze summary.
type Message struct {
	// Protocol is the canonical protocol name (see Names); a dissector may
	// report several (dns, mdns, llmnr share one).
	Protocol string
	// Code is the stable code string: decimal, or "command/subcommand" in hex
	// where the protocol has two levels (see docs/protocols.md).
	Code string
	// Function is the protocol's own name for the operation.
	Function string
	Dir      MsgDir
	// Error marks an exception, error or reject response.
	Error bool
	// Detail is small, bounded security-relevant detail (unit id and address
	// range, S7 area, CIP class/instance, …); never process values.
	Detail string
	// Swap reports the message with requester and responder exchanged
	// relative to the connection (e.g. a request sent by the responder side).
	Swap bool
}

// Context is handed to every dissector call.
type Context struct {
	TS  record.Micros // packet time
	Dir Dir
	Ep  *Endpoints
	Out Emitter
}

// Emitter receives a dissector's findings. Implementations copy what they
// keep; the Message and Record may be reused by the caller after the call.
type Emitter interface {
	Message(ctx *Context, m *Message)
	Record(ctx *Context, r record.Record)
}

// Parser is a dissector's per-connection (or per-flow) state.
type Parser interface {
	// Parse takes the next data of ctx.Dir: for TCP the next in-order bytes
	// of the stream, for UDP one datagram, for Ethernet one frame's payload
	// after the Ethertype (and VLAN tags). data is valid only during the call.
	Parse(ctx *Context, data []byte)
}

// GapParser is implemented by stream parsers that want to know about lost
// bytes (otherwise a gap simply resets nothing and parsing continues).
type GapParser interface {
	Gap(ctx *Context, n int)
}

// Closer is implemented by parsers that hold findings until a later message
// (a query waiting for its response): Close is called once when the
// connection ends (or, for Ethernet parsers, when the input ends), so they can
// still emit what they hold.
type Closer interface {
	Close(ctx *Context)
}

// SNAPID identifies a protocol carried in an LLC/SNAP frame.
type SNAPID struct {
	OUI uint32
	PID uint16
}

// Spec declares a dissector: its name, how it is recognised and how to make
// its per-connection parser.
type Spec struct {
	// Name is the canonical protocol name of the dissector (see Names).
	Name string
	// TCPPorts and UDPPorts are the registered server ports.
	TCPPorts []uint16
	UDPPorts []uint16
	// EtherTypes are the Ethertypes handled (non-IP frames).
	EtherTypes []uint16
	// SNAP are the 802.3 LLC/SNAP protocol identifiers handled (e.g. Cisco's
	// CDP: OUI 0x00000c, PID 0x2000), for frames without an Ethertype.
	SNAP []SNAPID
	// Detect recognises the protocol from the first payload of a flow in
	// either direction. On a registered port it confirms (nil = trust the
	// port); with AnyPort it is also tried on every other port.
	Detect  func(dir Dir, payload []byte) bool
	AnyPort bool
	// New returns a fresh parser for one connection or flow.
	New func() Parser
}

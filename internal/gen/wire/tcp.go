package wire

import "encoding/binary"

// TCP flags.
const (
	FIN = 0x01
	SYN = 0x02
	RST = 0x04
	PSH = 0x08
	ACK = 0x10
)

// TCPHeader is what varies in the TCP header of a generated segment.
type TCPHeader struct {
	SrcPort, DstPort uint16
	Seq, Ack         uint32
	Flags            uint8
	Window           uint16
	// Options, already padded to a multiple of four bytes.
	Options []byte
}

// StartTCP appends the IPv4 and TCP headers of a segment.
func StartTCP(b []byte, h *IPHeader, t *TCPHeader) ([]byte, Mark) {
	m := Mark{ip: len(b), proto: ProtoTCP}
	hh := *h
	hh.Proto = ProtoTCP
	b = appendIP(b, &hh)
	m.l4 = len(b)
	b = binary.BigEndian.AppendUint16(b, t.SrcPort)
	b = binary.BigEndian.AppendUint16(b, t.DstPort)
	b = binary.BigEndian.AppendUint32(b, t.Seq)
	b = binary.BigEndian.AppendUint32(b, t.Ack)
	b = append(b, byte((20+len(t.Options))/4)<<4, t.Flags)
	b = binary.BigEndian.AppendUint16(b, t.Window)
	b = append(b, 0, 0, 0, 0) // checksum, urgent pointer
	return append(b, t.Options...), m
}

// FinishTCP completes the lengths and checksums of a segment whose payload
// has been appended after StartTCP.
func FinishTCP(b []byte, m Mark) []byte {
	sum := finishIP(b, m)
	seg := b[m.l4:]
	binary.BigEndian.PutUint16(seg[16:], fold(sum16(sum, seg)))
	return b
}

// Stack is the TCP/IP personality of a host's operating system: what its
// SYN looks like, which is what passive OS fingerprinting reads.
type Stack struct {
	Name   string
	TTL    uint8
	DF     bool
	Window uint16 // window of the SYN and SYN+ACK
	MSS    uint16
	WScale int8 // -1: no window scale option
	SACK   bool
	TS     bool
	// Layout orders the SYN options: "win" (mss,nop,ws,nop,nop,sok),
	// "linux" (mss,sok,ts,nop,ws) or "mss" (mss only).
	Layout string
}

// Stacks known to the generator, by name.
var Stacks = map[string]*Stack{
	"windows":  {Name: "windows", TTL: 128, DF: true, Window: 64240, MSS: 1460, WScale: 8, SACK: true, Layout: "win"},
	"linux":    {Name: "linux", TTL: 64, DF: true, Window: 64240, MSS: 1460, WScale: 7, SACK: true, TS: true, Layout: "linux"},
	"vxworks":  {Name: "vxworks", TTL: 64, Window: 8192, MSS: 1460, WScale: -1, Layout: "mss"},
	"embedded": {Name: "embedded", TTL: 255, Window: 8192, MSS: 1460, WScale: -1, Layout: "mss"},
	"winxp":    {Name: "winxp", TTL: 128, DF: true, Window: 65535, MSS: 1460, WScale: -1, SACK: true, Layout: "xp"},
}

// Negotiated is what both ends of a connection agreed on in the handshake.
type Negotiated struct{ TS bool }

// Negotiate returns what a connection between client and server uses.
func Negotiate(client, server *Stack) Negotiated {
	return Negotiated{TS: client.TS && server.TS}
}

// SynOptions appends the options of a SYN (peer nil) or of a SYN+ACK
// answering a SYN from peer, with timestamp value tsval.
func SynOptions(b []byte, s, peer *Stack, tsval, tsecr uint32) []byte {
	start := len(b)
	mss := func() { b = append(b, 2, 4, byte(s.MSS>>8), byte(s.MSS)) }
	ws := peer == nil || peer.WScale >= 0
	sack := peer == nil || peer.SACK
	ts := peer == nil || peer.TS
	switch s.Layout {
	case "win":
		mss()
		if s.WScale >= 0 && ws {
			b = append(b, 1, 3, 3, byte(s.WScale))
		}
		if s.SACK && sack {
			b = append(b, 1, 1, 4, 2)
		}
	case "xp":
		mss()
		if s.SACK && sack {
			b = append(b, 1, 1, 4, 2)
		}
	case "linux":
		mss()
		switch {
		case s.SACK && sack && s.TS && ts:
			b = append(b, 4, 2, 8, 10)
			b = binary.BigEndian.AppendUint32(b, tsval)
			b = binary.BigEndian.AppendUint32(b, tsecr)
		case s.TS && ts:
			b = append(b, 1, 1, 8, 10)
			b = binary.BigEndian.AppendUint32(b, tsval)
			b = binary.BigEndian.AppendUint32(b, tsecr)
		case s.SACK && sack:
			b = append(b, 1, 1, 4, 2)
		}
		if s.WScale >= 0 && ws {
			b = append(b, 1, 3, 3, byte(s.WScale))
		}
	default:
		mss()
	}
	for (len(b)-start)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// TSOption appends the NOP,NOP,timestamp option block of a segment on a
// connection that negotiated timestamps.
func TSOption(b []byte, tsval, tsecr uint32) []byte {
	b = append(b, 1, 1, 8, 10)
	b = binary.BigEndian.AppendUint32(b, tsval)
	return binary.BigEndian.AppendUint32(b, tsecr)
}

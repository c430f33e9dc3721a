package tcpfp

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/decode"
)

// MaxOpts is how many TCP options a signature records; later options are
// ignored and the header is marked "bad", as p0f does.
const MaxOpts = 24

// maxDist is the largest TTL distance p0f accepts without calling it out
// ("+?" in a raw signature, fuzzy in a match).
const maxDist = 35

// TCP option kinds named in signatures.
const (
	optEOL    = 0
	optNOP    = 1
	optMSS    = 2
	optWS     = 3
	optSACKOK = 4
	optSACK   = 5
	optTS     = 8
)

// Header sizes p0f uses to recognise a window derived from the MTU.
const (
	minTCP4 = 40 // IPv4 + TCP headers without options
	minTCP6 = 60 // IPv6 + TCP headers without options
)

// specialMSS is the MSS p0f-sendsyn probes carry; a SYN+ACK echoing it
// prints its MSS as "*".
const specialMSS = 1331

// OptLayout is the ordered list of TCP option kinds in a header.
type OptLayout struct {
	N    uint8
	Kind [MaxOpts]uint8
}

// Signature is what p0f records of a SYN or SYN+ACK. It is comparable, so it
// can key an aggregation, and holds no pointers into the packet.
type Signature struct {
	SynAck  bool   // the packet is a SYN+ACK (else a SYN)
	Version uint8  // 4 or 6
	TTL     uint8  // observed TTL / hop limit
	OptLen  uint8  // IPv4 options / IPv6 extension headers, bytes
	MSS     uint16 // 0 when absent
	Win     uint16
	// WinMul is the window as a multiple of the MSS (or, when WinMTU, of
	// the MTU) as p0f detects it; 0 when the window is no such multiple.
	WinMul  uint16
	WinMTU  bool
	Scale   uint8 // 0 when absent
	Opts    OptLayout
	EOLPad  uint8 // bytes after an EOL option
	Quirks  Quirks
	Payload bool // the segment carries data
}

// guessDist is p0f's guess of the hop count from an observed TTL: the
// distance to the next of the usual initial values 32, 64, 128, 255.
func guessDist(ttl uint8) uint8 {
	switch {
	case ttl <= 32:
		return 32 - ttl
	case ttl <= 64:
		return 64 - ttl
	case ttl <= 128:
		return 128 - ttl
	}
	return 255 - ttl
}

// Dist is the guessed hop distance of the sender.
func (s *Signature) Dist() uint8 { return guessDist(s.TTL) }

// IsFingerprintable reports whether p is a SYN or SYN+ACK that p0f would
// fingerprint: TCP over IP, SYN set, neither FIN nor RST, not a reassembled
// fragment and not cut short by the capture.
func IsFingerprintable(p *decode.Packet) bool {
	if p.Proto != decode.ProtoTCP || p.Flags&decode.TCPSyn == 0 || p.Flags&(decode.TCPFin|decode.TCPRst) != 0 {
		return false
	}
	if p.L3 != decode.L3IPv4 && p.L3 != decode.L3IPv6 {
		return false
	}
	if p.Reassembled || p.IPFlags&0x1 != 0 || p.TCPHdrLen < 20 || p.TCPHdrLen > len(p.L3Payload) {
		return false
	}
	// A datagram the snap length cut: p0f refuses it, so do we.
	return len(p.L3Payload) >= p.IPLen-p.IPHdrLen
}

// Extract computes the signature of a SYN or SYN+ACK. synMSS is the MSS of
// the SYN this SYN+ACK answers (0 when unknown, and for SYNs): some stacks
// size their SYN+ACK window from the peer's MSS, and p0f reports it so.
// It returns false for packets IsFingerprintable rejects.
func Extract(p *decode.Packet, synMSS uint16) (Signature, bool) {
	var s Signature
	if !IsFingerprintable(p) {
		return s, false
	}
	s.SynAck = p.Flags&decode.TCPAck != 0
	s.TTL = p.TTL
	if p.L3 == decode.L3IPv4 {
		s.Version = 4
		s.OptLen = uint8(min(len(p.IPOptions), 255))
		if p.TOS&0x3 != 0 {
			s.Quirks |= QuirkECN
		}
		if p.IPFlags&0x4 != 0 {
			s.Quirks |= QuirkNZMBZ
		}
		if p.IPFlags&0x2 != 0 {
			s.Quirks |= QuirkDF
			if p.IPID != 0 {
				s.Quirks |= QuirkNZID
			}
		} else if p.IPID == 0 {
			s.Quirks |= QuirkZeroID
		}
	} else {
		s.Version = 6
		s.OptLen = uint8(min(max(p.IPHdrLen-40, 0), 255))
		if p.FlowLabel != 0 {
			s.Quirks |= QuirkFlow
		}
		if p.TOS&0x3 != 0 {
			s.Quirks |= QuirkECN
		}
	}
	s.tcpQuirks(p)
	s.Win = p.Window
	s.Payload = len(p.Payload) > 0
	ts1 := s.parseOptions(p.TCPOpts, p.Flags&(decode.TCPSyn|decode.TCPAck) == decode.TCPSyn)
	s.WinMul, s.WinMTU = winMultiple(s.Win, s.MSS, ts1 != 0, s.Version, p.IPHdrLen+p.TCPHdrLen, synMSS)
	return s, true
}

// tcpQuirks records the TCP header oddities.
func (s *Signature) tcpQuirks(p *decode.Packet) {
	nsBit := len(p.L3Payload) > 12 && p.L3Payload[12]&0x1 != 0
	if p.Flags&(decode.TCPEce|decode.TCPCwr) != 0 || nsBit {
		s.Quirks |= QuirkECN
	}
	if p.Seq == 0 {
		s.Quirks |= QuirkZeroSeq
	}
	if p.Flags&decode.TCPAck != 0 {
		if p.Ack == 0 {
			s.Quirks |= QuirkZeroAck
		}
	} else if p.Ack != 0 {
		s.Quirks |= QuirkNZAck
	}
	if p.Flags&decode.TCPUrg != 0 {
		s.Quirks |= QuirkURG
	} else if p.Urgent != 0 {
		s.Quirks |= QuirkNZUrg
	}
	if p.Flags&decode.TCPPsh != 0 {
		s.Quirks |= QuirkPush
	}
}

// parseOptions walks the TCP options the way p0f does, recording their
// layout, MSS, window scale and option quirks; it returns the sender's own
// timestamp (0 when absent). pureSYN enables the ts2+ check: only a SYN
// without ACK should carry a zero echoed timestamp.
func (s *Signature) parseOptions(opts []byte, pureSYN bool) (ts1 uint32) {
	end := len(opts)
	i := 0
	for i < end && s.Opts.N < MaxOpts {
		kind := opts[i]
		s.Opts.Kind[s.Opts.N] = kind
		s.Opts.N++
		i++ // i indexes the length byte (or what follows a one-byte option)
		switch kind {
		case optEOL:
			s.EOLPad = uint8(min(end-i, 255))
			// Like p0f, a non-zero last byte goes unnoticed: the scan
			// steps past the byte it tests.
			for i < end {
				b := opts[i]
				i++
				if b != 0 {
					break
				}
			}
			if i != end {
				s.Quirks |= QuirkOptEOLNZ
				i = end
			}
		case optNOP:
		case optMSS:
			if i+3 > end {
				s.Quirks |= QuirkOptBad
				return ts1
			}
			if opts[i] != 4 {
				s.Quirks |= QuirkOptBad
			}
			s.MSS = binary.BigEndian.Uint16(opts[i+1:])
			i += 3
		case optWS:
			if i+2 > end {
				s.Quirks |= QuirkOptBad
				return ts1
			}
			if opts[i] != 3 {
				s.Quirks |= QuirkOptBad
			}
			s.Scale = opts[i+1]
			if s.Scale > 14 {
				s.Quirks |= QuirkExWS
			}
			i += 2
		case optSACKOK:
			if i+1 > end {
				s.Quirks |= QuirkOptBad
				return ts1
			}
			if opts[i] != 2 {
				s.Quirks |= QuirkOptBad
			}
			i++
		case optSACK:
			if i == end || opts[i] < 10 || opts[i] > 34 || i-1+int(opts[i]) > end {
				s.Quirks |= QuirkOptBad
				return ts1
			}
			i += int(opts[i]) - 1
		case optTS:
			if i+9 > end {
				s.Quirks |= QuirkOptBad
				return ts1
			}
			if opts[i] != 10 {
				s.Quirks |= QuirkOptBad
			}
			ts1 = binary.BigEndian.Uint32(opts[i+1:])
			if ts1 == 0 {
				s.Quirks |= QuirkTS1Zero
			}
			if pureSYN && binary.BigEndian.Uint32(opts[i+5:]) != 0 {
				s.Quirks |= QuirkTS2NZ
			}
			i += 9
		default:
			if i == end || opts[i] < 2 || opts[i] > 40 || i-1+int(opts[i]) > end {
				s.Quirks |= QuirkOptBad
				return ts1
			}
			i += int(opts[i]) - 1
		}
	}
	if i != end {
		s.Quirks |= QuirkOptBad
	}
	return ts1
}

// winMultiple tells whether win is a multiple of the MSS or MTU, trying the
// divisors in p0f's order: the MSS, the MSS less 12 timestamp bytes, the
// Ethernet MSS, the MTU in several guises, and on SYN+ACKs the peer's MSS.
// It returns the multiplier (0 for none) and whether it is of the MTU.
func winMultiple(win, mss uint16, hasTS1 bool, ver uint8, totHdr int, synMSS uint16) (uint16, bool) {
	if win == 0 || mss < 100 {
		return 0, false
	}
	w := int(win)
	type div struct {
		d   int
		mtu bool
		ok  bool
	}
	m := int(mss)
	cands := [...]div{
		{m, false, true},
		{m - 12, false, hasTS1},
		{1500 - minTCP4, false, true},
		{1500 - minTCP4 - 12, false, true},
		{1500 - minTCP6, false, ver == 6},
		{1500 - minTCP6 - 12, false, ver == 6},
		{m + minTCP4, true, true},
		{m + totHdr, true, true},
		{m + minTCP6, true, ver == 6},
		{1500, true, true},
		{int(synMSS), false, synMSS != 0},
		{int(synMSS) - 12, false, synMSS != 0},
	}
	for _, c := range cands {
		if !c.ok {
			continue
		}
		if c.d <= 0 {
			// p0f divides by this too; a non-positive divisor never
			// yields a positive multiplier, and it is the last candidate.
			return 0, false
		}
		if w%c.d == 0 {
			return uint16(w / c.d), c.mtu
		}
	}
	return 0, false
}

// String returns the signature exactly as p0f prints raw_sig.
func (s Signature) String() string { return string(s.AppendText(make([]byte, 0, 96))) }

// AppendText appends the raw_sig text to b.
func (s *Signature) AppendText(b []byte) []byte {
	b = strconv.AppendUint(b, uint64(s.Version), 10)
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(s.TTL), 10)
	b = append(b, '+')
	if d := s.Dist(); d > maxDist {
		b = append(b, '?')
	} else {
		b = strconv.AppendUint(b, uint64(d), 10)
	}
	b = append(b, ':')
	b = strconv.AppendUint(b, uint64(s.OptLen), 10)
	b = append(b, ':')
	if s.MSS == specialMSS && s.SynAck {
		b = append(b, '*')
	} else {
		b = strconv.AppendUint(b, uint64(s.MSS), 10)
	}
	b = append(b, ':')
	switch {
	case s.WinMul > 0 && s.WinMTU:
		b = append(b, "mtu*"...)
		b = strconv.AppendUint(b, uint64(s.WinMul), 10)
	case s.WinMul > 0:
		b = append(b, "mss*"...)
		b = strconv.AppendUint(b, uint64(s.WinMul), 10)
	default:
		b = strconv.AppendUint(b, uint64(s.Win), 10)
	}
	b = append(b, ',')
	b = strconv.AppendUint(b, uint64(s.Scale), 10)
	b = append(b, ':')
	b = appendLayout(b, &s.Opts, s.EOLPad)
	b = append(b, ':')
	b = appendQuirks(b, s.Quirks)
	if s.Payload {
		return append(b, ":+"...)
	}
	return append(b, ":0"...)
}

// appendLayout writes an option layout in p0f's notation.
func appendLayout(b []byte, l *OptLayout, eolPad uint8) []byte {
	for i := range int(l.N) {
		if i > 0 {
			b = append(b, ',')
		}
		switch k := l.Kind[i]; k {
		case optEOL:
			b = append(b, "eol+"...)
			b = strconv.AppendUint(b, uint64(eolPad), 10)
		case optNOP:
			b = append(b, "nop"...)
		case optMSS:
			b = append(b, "mss"...)
		case optWS:
			b = append(b, "ws"...)
		case optSACKOK:
			b = append(b, "sok"...)
		case optSACK:
			b = append(b, "sack"...)
		case optTS:
			b = append(b, "ts"...)
		default:
			b = append(b, '?')
			b = strconv.AppendUint(b, uint64(k), 10)
		}
	}
	return b
}

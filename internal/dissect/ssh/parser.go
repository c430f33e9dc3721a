package ssh

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Bounds: RFC 4253 §4.2 limits the identification line to 255 bytes; other
// lines a server sends first get the same bound and at most maxLines of
// them. A binary packet may be at most maxPacket long (OpenSSH's limit).
const (
	maxLine   = 255
	maxLines  = 32
	maxPacket = 256 << 10
)

// phase is where one direction is.
type phase uint8

const (
	phaseBanner  phase = iota // reading lines up to the identification string
	phasePackets              // reading clear-text binary packets
	phaseDone                 // encrypted, SSH 1 or lost: nothing more to read
)

// side is the state of one direction.
type side struct {
	phase   phase
	line    []byte // partial line, bounded by maxLine
	lines   int    // lines before the identification string
	packets dissect.Stream
	kex     *kexInit // this side's KEXINIT, once seen
}

type parser struct {
	msg   dissect.Message
	sides [2]side
	rec   *record.SSH
	done  bool
	ctx   *dissect.Context
}

// Parse implements dissect.Parser: the next bytes of one direction.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	s := &p.sides[ctx.Dir]
	if s.phase == phaseBanner {
		data = p.banner(ctx, s, data)
	}
	if s.phase == phasePackets && len(data) > 0 {
		p.ctx = ctx
		s.packets.Feed(data, packetLength, p.packet)
		p.ctx = nil
	}
}

// Gap implements dissect.GapParser: lost bytes end parsing of that
// direction, whose packet framing is gone.
func (p *parser) Gap(ctx *dissect.Context, _ int) {
	s := &p.sides[ctx.Dir]
	s.phase, s.line = phaseDone, nil
	s.packets.Reset()
}

// Close implements dissect.Closer: write what was seen.
func (p *parser) Close(ctx *dissect.Context) { p.finish(ctx) }

// banner consumes lines until the identification string and returns the
// bytes that follow it.
func (p *parser) banner(ctx *dissect.Context, s *side, data []byte) []byte {
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			if len(s.line)+len(data) > maxLine {
				s.phase, s.line = phaseDone, nil
				return nil
			}
			s.line = append(s.line, data...)
			return nil
		}
		line := data[:i]
		data = data[i+1:]
		if len(s.line) > 0 {
			if len(s.line)+len(line) > maxLine {
				s.phase, s.line = phaseDone, nil
				return nil
			}
			line = append(s.line, line...)
			s.line = s.line[:0]
		}
		line = bytes.TrimSuffix(line, []byte("\r"))
		if !bytes.HasPrefix(line, []byte("SSH-")) {
			// Only a server may send other lines first (RFC 4253 §4.2).
			if s.lines++; ctx.Dir == dissect.FromOrig || s.lines > maxLines {
				s.phase = phaseDone
				return nil
			}
			continue
		}
		p.identification(ctx, s, line)
		return data
	}
	return nil
}

// identification reports an identification string and keeps it.
func (p *parser) identification(ctx *dissect.Context, s *side, line []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameSSH, Code: codeBanner, Function: "identification", Dir: ctx.Dir.MsgDir()}
	ctx.Out.Message(ctx, m)
	s.phase, s.line = phasePackets, nil
	// SSH 1 (but not 1.99, which speaks 2 too) frames packets differently.
	version := 2
	if bytes.HasPrefix(line, []byte("SSH-1.")) && !bytes.HasPrefix(line, []byte("SSH-1.99-")) {
		s.phase, version = phaseDone, 1
	}
	r := p.record1(ctx)
	if ctx.Dir == dissect.FromResp {
		r.Server, r.Version = text(line, maxLine), version
	} else {
		r.Client = text(line, maxLine)
		if r.Version == 0 {
			r.Version = version
		}
	}
}

// packetLength frames binary packets (RFC 4253 §6): a 4-byte length that
// counts what follows it, at least a padding length byte, a message number
// and 4 bytes of padding.
func packetLength(b []byte) int {
	if len(b) < 4 {
		return 0
	}
	n := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	if n < 6 || n > maxPacket {
		return -1
	}
	return 4 + n
}

// packet handles one clear-text binary packet of the current direction.
func (p *parser) packet(pkt []byte) {
	ctx := p.ctx
	s := &p.sides[ctx.Dir]
	if s.phase != phasePackets {
		return // NEWKEYS came earlier in this segment
	}
	m := &p.msg
	pad := int(pkt[4])
	if 5+pad >= len(pkt) {
		*m = dissect.Message{Protocol: dissect.NameSSH, Code: codeMalformed, Function: codeMalformed,
			Dir: ctx.Dir.MsgDir(), Error: true}
		ctx.Out.Message(ctx, m)
		s.phase = phaseDone
		return
	}
	payload := pkt[5 : len(pkt)-pad]
	typ := payload[0]
	*m = dissect.Message{Protocol: dissect.NameSSH, Code: msgCode[typ], Function: msgFunc[typ],
		Dir: ctx.Dir.MsgDir(), Error: typ == msgDisconnect}
	ctx.Out.Message(ctx, m)
	if p.done {
		return
	}
	switch typ {
	case msgKexInit:
		if s.kex == nil {
			s.kex = parseKexInit(payload[1:])
			p.negotiate()
		}
	case msgKexReply, msgGexReply:
		if ctx.Dir == dissect.FromResp && (typ == msgGexReply) == p.groupExchange() {
			p.hostKey(payload[1:])
		}
	case msgNewKeys:
		s.phase = phaseDone
		if p.sides[0].phase == phaseDone && p.sides[1].phase == phaseDone {
			p.finish(ctx)
		}
	}
}

// negotiate picks the algorithms once both KEXINITs are known (RFC 4253
// §7.1: the first of the client's list that the server also supports).
func (p *parser) negotiate() {
	c, s := p.sides[dissect.FromOrig].kex, p.sides[dissect.FromResp].kex
	if c == nil || s == nil || p.rec == nil {
		return
	}
	r := p.rec
	r.KexAlg = pick(c.lists[0], s.lists[0])
	r.HostKeyAlg = pick(c.lists[1], s.lists[1])
	r.CipherAlg = pick(c.lists[2], s.lists[2])
	r.MACAlg = pick(c.lists[3], s.lists[3])
	r.CompressionAlg = pick(c.lists[4], s.lists[4])
}

// groupExchange reports whether the negotiated key exchange is DH group
// exchange, whose reply (with the host key) is message 33, not 31.
func (p *parser) groupExchange() bool {
	return p.rec != nil && strings.HasPrefix(p.rec.KexAlg, "diffie-hellman-group-exchange-")
}

// hostKey fingerprints the server's public host key, the first string of
// the key exchange reply.
func (p *parser) hostKey(b []byte) {
	if len(b) < 4 || p.rec == nil || p.rec.HostKey != "" {
		return
	}
	n := int(b[0])<<24 | int(b[1])<<16 | int(b[2])<<8 | int(b[3])
	if n <= 0 || n > len(b)-4 {
		return
	}
	sum := sha256.Sum256(b[4 : 4+n])
	p.rec.HostKey = "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// record1 returns the connection's record, creating it on first use.
func (p *parser) record1(ctx *dissect.Context) *record.SSH {
	if p.rec == nil {
		ep := ctx.Ep
		p.rec = &record.SSH{
			TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
			OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		}
	}
	return p.rec
}

// finish writes the record once.
func (p *parser) finish(ctx *dissect.Context) {
	if p.done || p.rec == nil {
		return
	}
	p.done = true
	ctx.Out.Record(ctx, p.rec)
	p.rec = nil
	p.sides[0].kex, p.sides[1].kex = nil, nil
}

// text keeps the printable ASCII of a wire string, at most max bytes.
func text(v []byte, max int) string {
	out := make([]byte, 0, min(len(v), max))
	for _, c := range v {
		if len(out) == max {
			break
		}
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

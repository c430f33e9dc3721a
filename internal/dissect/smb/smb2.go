package smb

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// smb2FlagResponse is SMB2_FLAGS_SERVER_TO_REDIR ([MS-SMB2] 2.2.1).
const smb2FlagResponse = 0x00000001

// smb2 handles one NBSS message of SMB2 headers: a single command or a
// compound chained by NextCommand.
func (p *parser) smb2(ctx *dissect.Context, msg []byte) {
	for n := 0; n < maxCompound && len(msg) >= 64; n++ {
		if binary.BigEndian.Uint32(msg) != sigSMB2 {
			return
		}
		next := int(binary.LittleEndian.Uint32(msg[20:]))
		one := msg
		if next >= 64 && next <= len(msg) {
			one = msg[:next]
		}
		p.smb2One(ctx, one)
		if next < 64 || next > len(msg) {
			return
		}
		msg = msg[next:]
	}
}

// smb2One handles one SMB2 header and its body.
func (p *parser) smb2One(ctx *dissect.Context, h []byte) {
	status := binary.LittleEndian.Uint32(h[8:])
	cmd := binary.LittleEndian.Uint16(h[12:])
	response := binary.LittleEndian.Uint32(h[16:])&smb2FlagResponse != 0
	id := binary.LittleEndian.Uint64(h[24:])
	if cmd >= 256 {
		p.malformed(ctx, dissect.NameSMB2)
		return
	}
	name := "UNKNOWN"
	if int(cmd) < len(smb2Names) {
		name = smb2Names[cmd]
	}
	p.message(ctx, dissect.NameSMB2, smb2Codes[cmd], name, response, status)
	body := h[64:]
	// an error response has the 9-byte error body, not the command's
	failed := response && status != 0 && status != statusMoreProcessing
	switch cmd {
	case smb2Negotiate:
		p.smb2Negotiate(ctx, body, response, status, failed)
	case smb2SessionSetup:
		r := p.session(ctx, "SMB2")
		if !failed {
			off, l := 12, 14
			if response {
				off, l = 4, 6
			}
			if blob := buffer(h, body, off, l); blob != nil {
				ntlm(blob, r)
			}
		}
		if response {
			p.endSession(ctx, status)
		}
	case smb2TreeConnect:
		if !response {
			r := newRecord(ctx, record.SMBTreeConnect, "SMB2")
			if path := buffer(h, body, 4, 6); path != nil {
				r.Path = str(path, true)
			}
			p.pushTree(ctx, id, r)
		} else if r := p.popTree(id); r != nil {
			if !failed && len(body) >= 3 {
				r.ShareType = shareTypes[body[2]]
			}
			r.Status, r.ResponseSeen = status, true
			p.write(ctx, r)
		}
	}
}

// buffer returns the variable part a body names by a 16-bit offset (from
// the header start) at off and a 16-bit length at l, or nil.
func buffer(h, body []byte, off, l int) []byte {
	if len(body) < l+2 {
		return nil
	}
	o := int(binary.LittleEndian.Uint16(body[off:]))
	n := int(binary.LittleEndian.Uint16(body[l:]))
	if n == 0 || o < 64 || o > len(h) || n > len(h)-o {
		return nil
	}
	return h[o : o+n]
}

// smb2Negotiate reads the dialects offered and the one chosen.
func (p *parser) smb2Negotiate(ctx *dissect.Context, body []byte, response bool, status uint32, failed bool) {
	if !response {
		r := newRecord(ctx, record.SMBNegotiate, "SMB2")
		if len(body) >= 36 {
			n := int(binary.LittleEndian.Uint16(body[2:]))
			d := body[36:]
			for i := 0; i < n && len(d) >= 2 && len(r.Dialects) < maxDialects; i++ {
				r.Dialects = append(r.Dialects, dialectName(binary.LittleEndian.Uint16(d)))
				d = d[2:]
			}
		}
		if p.neg != nil {
			p.write(ctx, p.neg)
		}
		p.neg = r
		return
	}
	r := p.neg
	if r == nil {
		// an answer to an SMB1 negotiate seen before the capture, or none
		r = newRecord(ctx, record.SMBNegotiate, "SMB2")
	}
	p.neg = nil
	if !failed && len(body) >= 6 {
		r.Dialect = dialectName(binary.LittleEndian.Uint16(body[4:]))
	}
	r.Version, r.Status, r.ResponseSeen = "SMB2", status, true
	p.write(ctx, r)
}

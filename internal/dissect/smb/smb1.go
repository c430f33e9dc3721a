package smb

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// SMB1 header flags ([MS-CIFS] section 2.2.3.1).
const (
	smb1FlagReply      = 0x80
	smb1Flags2Unicode  = 0x8000
	smb1Flags2NTStatus = 0x4000
)

// smb1 handles one SMB1 message: the header's first command.
func (p *parser) smb1(ctx *dissect.Context, msg []byte) {
	cmd := msg[4]
	flags := msg[9]
	flags2 := binary.LittleEndian.Uint16(msg[10:])
	status := binary.LittleEndian.Uint32(msg[5:])
	if flags2&smb1Flags2NTStatus == 0 {
		// DOS error: class, reserved, code
		status = uint32(msg[5])<<16 | uint32(binary.LittleEndian.Uint16(msg[7:]))
	}
	response := flags&smb1FlagReply != 0
	name := smb1Names[cmd]
	if name == "" {
		name = "UNKNOWN"
	}
	p.message(ctx, dissect.NameSMB, smb1Codes[cmd], name, response, status)

	words, bytes, ok := smb1Body(msg)
	if !ok {
		return
	}
	unicode := flags2&smb1Flags2Unicode != 0
	// bytes' offset from the header start decides Unicode alignment
	bytesOff := len(msg) - len(bytes)
	id := uint64(binary.LittleEndian.Uint16(msg[26:]))<<16 | uint64(binary.LittleEndian.Uint16(msg[30:]))
	switch cmd {
	case smb1Negotiate:
		if !response {
			p.smb1NegotiateRequest(ctx, bytes)
		} else if p.neg != nil {
			if len(words) >= 2 {
				if i := int(binary.LittleEndian.Uint16(words)); i < len(p.neg.Dialects) {
					p.neg.Dialect = p.neg.Dialects[i]
				}
			}
			p.neg.Status, p.neg.ResponseSeen, p.neg.Version = status, true, "SMB1"
			p.write(ctx, p.neg)
			p.neg = nil
		}
	case smb1SessionSetup:
		r := p.session(ctx, "SMB1")
		if response {
			p.smb1SessionResponse(r, words, bytes, bytesOff, unicode)
			p.endSession(ctx, status)
		} else {
			p.smb1SessionRequest(r, words, bytes, bytesOff, unicode)
		}
	case smb1TreeConnect:
		if !response {
			r := newRecord(ctx, record.SMBTreeConnect, "SMB1")
			if len(words) >= 8 {
				pw := int(binary.LittleEndian.Uint16(words[6:]))
				if pw <= len(bytes) {
					r.Path, _ = cstr(align(bytes[pw:], bytesOff+pw, unicode), unicode)
				}
			}
			p.pushTree(ctx, id, r)
		} else if r := p.popTree(id); r != nil {
			if len(words) >= 6 {
				service, _ := cstr(bytes, false)
				r.ShareType = smb1Services[service]
			}
			r.Status, r.ResponseSeen = status, true
			p.write(ctx, r)
		}
	}
}

// smb1Services maps a TREE_CONNECT_ANDX response's service string to the
// share type ([MS-CIFS] section 2.2.4.55.2).
var smb1Services = map[string]string{"A:": "disk", "IPC": "pipe", "LPT1:": "print", "COMM": "comm"}

// smb1Body returns the parameter words and the data bytes after the header.
func smb1Body(msg []byte) (words, bytes []byte, ok bool) {
	if len(msg) < 33 {
		return nil, nil, false
	}
	wc := int(msg[32])
	end := 33 + 2*wc
	if len(msg) < end+2 {
		return nil, nil, false
	}
	bc := int(binary.LittleEndian.Uint16(msg[end:]))
	b := msg[end+2:]
	if bc < len(b) {
		b = b[:bc]
	}
	return msg[33:end], b, true
}

// align skips the pad byte before a Unicode string at an odd offset from the
// SMB header.
func align(b []byte, off int, unicode bool) []byte {
	if unicode && off%2 == 1 && len(b) > 0 {
		return b[1:]
	}
	return b
}

// smb1NegotiateRequest keeps the dialect strings offered.
func (p *parser) smb1NegotiateRequest(ctx *dissect.Context, b []byte) {
	r := newRecord(ctx, record.SMBNegotiate, "SMB1")
	for len(b) > 1 && b[0] == 0x02 && len(r.Dialects) < maxDialects {
		var d string
		d, b = cstr(b[1:], false)
		r.Dialects = append(r.Dialects, d)
	}
	if p.neg != nil {
		p.write(ctx, p.neg)
	}
	p.neg = r
}

// smb1SessionRequest reads a SESSION_SETUP_ANDX request ([MS-CIFS]
// 2.2.4.53.1, [MS-SMB] 2.2.4.6.1): with extended security (12 words) a
// security blob, else (13 words, or 10 for LAN Manager) passwords, which
// are skipped, and the account and domain; then NativeOS and NativeLanMan.
func (p *parser) smb1SessionRequest(r *record.SMB, words, b []byte, off int, unicode bool) {
	var skip int
	switch len(words) {
	case 24:
		skip = int(binary.LittleEndian.Uint16(words[14:]))
		if skip <= len(b) {
			ntlm(b[:skip], r)
		}
	case 26:
		skip = int(binary.LittleEndian.Uint16(words[14:])) + int(binary.LittleEndian.Uint16(words[16:]))
	case 20:
		skip = int(binary.LittleEndian.Uint16(words[14:]))
	default:
		return
	}
	if skip > len(b) {
		return
	}
	s := align(b[skip:], off+skip, unicode)
	if len(words) != 24 {
		var user, domain string
		user, s = cstr(s, unicode)
		domain, s = cstr(s, unicode)
		if user != "" {
			r.UserName = user
		}
		if domain != "" {
			r.DomainName = domain
		}
	}
	os, s := cstr(s, unicode)
	lanman, _ := cstr(s, unicode)
	if os != "" {
		r.ClientNativeOS = os
	}
	if lanman != "" {
		r.ClientNativeLanMan = lanman
	}
}

// smb1SessionResponse reads a SESSION_SETUP_ANDX response: with extended
// security (4 words) a security blob first; then NativeOS and NativeLanMan.
func (p *parser) smb1SessionResponse(r *record.SMB, words, b []byte, off int, unicode bool) {
	skip := 0
	switch len(words) {
	case 8:
		skip = int(binary.LittleEndian.Uint16(words[6:]))
		if skip > len(b) {
			return
		}
		ntlm(b[:skip], r)
	case 6:
	default:
		return
	}
	s := align(b[skip:], off+skip, unicode)
	os, s := cstr(s, unicode)
	lanman, _ := cstr(s, unicode)
	if os != "" {
		r.ServerNativeOS = os
	}
	if lanman != "" {
		r.ServerNativeLanMan = lanman
	}
}

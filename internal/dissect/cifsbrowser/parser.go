package cifsbrowser

import (
	"bytes"
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Spec is the CIFS browser protocol on UDP 138.
var Spec = &dissect.Spec{
	Name: dissect.NameCIFSBrowser, UDPPorts: []uint16{138},
	Detect: Detect, New: func() dissect.Parser { return &parser{} },
}

// Detect accepts a NetBIOS datagram that carries user data (the datagram
// service also sends error and query packets, which carry no browser
// message but belong to the same flows).
func Detect(_ dissect.Dir, p []byte) bool {
	return len(p) >= dgmHeaderLen && p[0] >= dgmDirectUnique && p[0] <= 0x16
}

// browseMailslot is the mailslot browser messages are written to.
var browseMailslot = []byte(`\MAILSLOT\BROWSE`)

type parser struct{ msg dissect.Message }

// Parse implements dissect.Parser: one call per datagram.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	d, ok := parseDatagram(data)
	if !ok {
		return
	}
	slot, body, ok := mailslotData(d.data)
	if !ok || !bytes.EqualFold(slot, browseMailslot) {
		return
	}
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameCIFSBrowser, Dir: dissect.Indication}
	if len(body) == 0 {
		m.Code, m.Function, m.Error = codeMalformed, codeMalformed, true
		ctx.Out.Message(ctx, m)
		return
	}
	op := body[0]
	m.Code = codes[op]
	m.Function = "unknown"
	if op < 16 && opcodes[op].name != "" {
		m.Function, m.Dir = opcodes[op].name, opcodes[op].dir
	}
	ctx.Out.Message(ctx, m)
	rec := newRecord(ctx, &d, m.Function, body)
	ctx.Out.Record(ctx, rec)
	if (op == opHostAnnouncement || op == opLocalMasterAnnouncement) && rec.ServerName != "" {
		identity(ctx, &d, rec, binary.LittleEndian.Uint32(body[24:]))
	}
}

// newRecord decodes a browser message (MS-BRWS 2.2) into a record; fields
// the message is too short for stay empty.
func newRecord(ctx *dissect.Context, d *datagram, command string, b []byte) *record.CIFSBrowser {
	ep := ctx.Ep
	r := &record.CIFSBrowser{
		TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
		OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		SrcName: netbiosName(d.srcName), DstName: netbiosName(d.dstName), SrcIP: d.srcIP,
		Opcode: b[0], Command: command,
	}
	switch b[0] {
	case opHostAnnouncement, opLocalMasterAnnouncement, opDomainAnnouncement:
		announcement(r, b)
	case opAnnouncementRequest:
		if len(b) > 2 {
			r.Name = text(cstring(b[2:]))
		}
	case opRequestElection:
		if len(b) >= 14 {
			r.ElectionVersion = b[1]
			r.ElectionCriteria = hex32(binary.LittleEndian.Uint32(b[2:]))
			r.Uptime = record.Micros(binary.LittleEndian.Uint32(b[6:])) * 1000
			r.Name = text(cstring(b[14:]))
		}
	case opBecomeBackup, opMasterAnnouncement:
		r.Name = text(cstring(b[1:]))
	}
	return r
}

// announcement decodes the host, local master and domain announcement
// layout: update count, periodicity (ms), a 16-byte name, OS version, server
// type, then (host and local master) browser version and signature, or
// (domain) 4 unused bytes, and a NUL-terminated comment or master name.
func announcement(r *record.CIFSBrowser, b []byte) {
	if len(b) < 32 {
		return
	}
	r.UpdateCount = b[1]
	r.Periodicity = record.Micros(binary.LittleEndian.Uint32(b[2:])) * 1000
	r.ServerName = text(cstring(b[6:22]))
	r.OSVersion = strconv.Itoa(int(b[22])) + "." + strconv.Itoa(int(b[23]))
	st := binary.LittleEndian.Uint32(b[24:])
	r.ServerType = "0x" + strconv.FormatUint(uint64(st), 16)
	r.ServerTypes = serverTypeNames(st)
	if b[0] != opDomainAnnouncement {
		r.BrowserVersion = strconv.Itoa(int(b[28])) + "." + strconv.Itoa(int(b[29]))
		r.Signature = "0x" + hex16(binary.LittleEndian.Uint16(b[30:]))
	}
	r.Comment = text(cstring(b[32:]))
}

func hex16(v uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf]})
}

func hex32(v uint32) string { return "0x" + hex16(uint16(v>>16)) + hex16(uint16(v)) }

// identity reports an announcing host: its name and role. The MAC is the
// sender's when the datagram's stated source address is the sender's.
func identity(ctx *dissect.Context, d *datagram, r *record.CIFSBrowser, serverType uint32) {
	ep := ctx.Ep
	srcH, srcMAC := ep.OrigH, ep.OrigMAC
	if ctx.Dir == dissect.FromResp {
		srcH, srcMAC = ep.RespH, ep.RespMAC
	}
	id := &record.AssetID{TS: ctx.TS, IP: d.srcIP, Protocol: dissect.NameCIFSBrowser, Message: r.Command,
		Name: r.ServerName, Role: role(serverType), VLAN: ep.VLAN}
	if d.srcIP == srcH {
		id.MAC = srcMAC
	}
	ctx.Out.Record(ctx, id)
}

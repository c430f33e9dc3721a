package hartip

import (
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// HART frame delimiter (HCF_SPEC-081 data link layer): bits 0–2 frame
// type, bits 3–4 physical layer type (0 asynchronous), bits 5–6 number of
// expansion bytes, bit 7 unique (5-byte) address instead of polling
// (1-byte) address.
const (
	frameBACK = 1 // burst frame, slave to master
	frameSTX  = 2 // master to slave
	frameACK  = 6 // slave to master
)

// maxPreambles bounds the 0xFF preamble bytes some HART-IP stacks keep in
// front of the delimiter.
const maxPreambles = 20

func skipPreambles(b []byte) []byte {
	for i := 0; i < len(b) && i < maxPreambles; i++ {
		if b[i] != 0xFF {
			return b[i:]
		}
	}
	return nil
}

// validDelimiter reports whether b (after optional preambles) starts with
// a plausible HART delimiter.
func validDelimiter(b []byte) bool {
	b = skipPreambles(b)
	if len(b) == 0 {
		return false
	}
	d := b[0]
	ft := d & 7
	return (ft == frameBACK || ft == frameSTX || ft == frameACK) && d&0x18 == 0
}

// hartFrame is the decoded part of a HART frame.
type hartFrame struct {
	cmd   byte
	reply bool   // ACK or BACK: data starts with response code and status
	data  []byte // the byte-counted data
}

func parseFrame(b []byte) (f hartFrame, ok bool) {
	b = skipPreambles(b)
	if !validDelimiter(b) {
		return f, false
	}
	d := b[0]
	addr := 1
	if d&0x80 != 0 {
		addr = 5
	}
	off := 1 + addr + int(d>>5&3)
	if off+2 > len(b) {
		return f, false
	}
	f.cmd = b[off]
	n := int(b[off+1])
	f.reply = d&7 != frameSTX
	rest := b[off+2:]
	if n > len(rest) {
		return f, false
	}
	f.data = rest[:n]
	return f, true
}

// tokenPassing reports the HART command of a Token-Passing PDU and its
// response code, and identity from a Command 0 reply.
func (p *parser) tokenPassing(ctx *dissect.Context, m *dissect.Message, body []byte, typ byte) {
	if len(body) == 0 {
		return // e.g. a NAK or error reply without a HART frame
	}
	f, ok := parseFrame(body)
	if !ok {
		m.Error = true
		return
	}
	m.Code, m.Function = cmdCodes[f.cmd], cmdName(f.cmd)
	if !f.reply {
		return
	}
	if len(f.data) < 2 {
		m.Error = true // a reply always carries response code and status
		return
	}
	rc := f.data[0]
	// Bit 7 set: the first byte reports a communication error.
	if rc&0x80 != 0 || isError(rc) {
		m.Error = true
		return
	}
	if (f.cmd == 0 || f.cmd == 11 || f.cmd == 21) && typ == typeResponse {
		emitIdentity(ctx, f.cmd, f.data[2:])
	}
}

// emitIdentity reports the Read Unique Identifier reply (Commands 0, 11
// and 21 share its layout): 254, expanded device type (2), preambles,
// HART revision, device revision, software revision, hardware revision and
// signalling, flags, device ID (3), …, manufacturer ID (2, HART 7).
func emitIdentity(ctx *dissect.Context, cmd byte, d []byte) {
	if len(d) < 12 || d[0] != 254 {
		return
	}
	hartRev := d[4]
	var mfr, devType uint16
	if hartRev >= 7 && len(d) >= 19 {
		mfr, devType = uint16(d[17])<<8|uint16(d[18]), uint16(d[1])<<8|uint16(d[2])
	} else {
		// HART 5 and 6: byte 1 is the manufacturer, byte 2 the device type.
		mfr, devType = uint16(d[1]), uint16(d[2])
	}
	ip, mac := ctx.Ep.RespH, ctx.Ep.RespMAC
	if ctx.Dir == dissect.FromOrig {
		ip, mac = ctx.Ep.OrigH, ctx.Ep.OrigMAC
	}
	rec := &record.AssetID{
		TS: ctx.TS, MAC: mac, Protocol: dissect.NameHARTIP,
		Message:  "Command " + strconv.Itoa(int(cmd)) + " " + cmdNames[cmd],
		Vendor:   "manufacturer 0x" + hex(uint64(mfr), 4),
		Model:    "device type 0x" + hex(uint64(devType), 4) + " rev " + strconv.Itoa(int(d[5])),
		Firmware: "software rev " + strconv.Itoa(int(d[6])) + " hardware rev " + strconv.Itoa(int(d[7]>>3)),
		Serial:   hex(uint64(d[9])<<16|uint64(d[10])<<8|uint64(d[11]), 6),
		IP:       ip,
		VLAN:     ctx.Ep.VLAN,
	}
	ctx.Out.Record(ctx, rec)
}

func hex(v uint64, width int) string {
	s := strconv.FormatUint(v, 16)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

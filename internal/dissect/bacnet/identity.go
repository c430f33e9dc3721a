package bacnet

import (
	"encoding/binary"
	"strconv"
	"unicode/utf8"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// vendorName names a BACnet vendor identifier.
func vendorName(id uint32) string {
	if id <= 0xffff {
		if n, ok := vendorNames[uint16(id)]; ok {
			return n
		}
	}
	return "vendor " + strconv.FormatUint(uint64(id), 10)
}

// deviceName is the Name of a device's records: its instance, and the
// network it sits on when a router forwarded the message (the IP and MAC are
// then the router's). The wildcard instance 4194303, which a client uses to
// address "whatever device answers", names nothing.
func deviceName(inst uint32, info *npduInfo) string {
	var s string
	if inst != wildcardInstance {
		s = "device:" + strconv.FormatUint(uint64(inst), 10)
	}
	if info.hasSNET {
		if s != "" {
			s += " "
		}
		s += "net:" + strconv.Itoa(int(info.snet))
	}
	return s
}

// wildcardInstance is the device instance meaning "the device addressed".
const wildcardInstance = 0x3fffff

func (p *Parser) record(rec *record.AssetID) {
	ctx := p.ctx
	rec.TS, rec.Protocol, rec.VLAN = ctx.TS, dissect.NameBACnet, ctx.Ep.VLAN
	rec.MAC, rec.IP = ctx.Ep.OrigMAC, ctx.Ep.OrigH
	if ctx.Dir == dissect.FromResp {
		rec.MAC, rec.IP = ctx.Ep.RespMAC, ctx.Ep.RespH
	}
	ctx.Out.Record(ctx, rec)
}

// iAm reports an I-Am (ASHRAE 135, 16.1): device object identifier, max
// APDU length accepted, segmentation supported, vendor identifier.
func (p *Parser) iAm(data []byte, info *npduInfo) {
	var vals [4]tag
	i := 0
	for k := range vals {
		t, ok := readTag(data, i)
		if !ok || t.context {
			return
		}
		vals[k], i = t, t.next
	}
	if vals[0].num != 12 || len(vals[0].val) != 4 || vals[1].num != 2 || vals[3].num != 2 ||
		len(vals[1].val) > 4 || len(vals[3].val) > 4 {
		return
	}
	oid := binary.BigEndian.Uint32(vals[0].val)
	if oid>>22 != objectDevice {
		return
	}
	p.record(&record.AssetID{
		Message: "I-Am (max APDU " + strconv.FormatUint(uint64(unsigned(vals[1].val)), 10) + ")",
		Vendor:  vendorName(unsigned(vals[3].val)),
		Name:    deviceName(oid&0x3fffff, info),
	})
}

// readPropertyAck reports the identifying properties of a device object
// from a ReadProperty ComplexACK: object identifier [0], property
// identifier [1], optional array index [2], value [3] (a CharacterString).
func (p *Parser) readPropertyAck(data []byte, info *npduInfo) {
	t, ok := readTag(data, 0)
	if !ok || !t.context || t.num != 0 || len(t.val) != 4 {
		return
	}
	oid := binary.BigEndian.Uint32(t.val)
	if oid>>22 != objectDevice {
		return
	}
	pt, ok := readTag(data, t.next)
	if !ok || !pt.context || pt.num != 1 || len(pt.val) == 0 || len(pt.val) > 4 {
		return
	}
	prop := unsigned(pt.val)
	var rec record.AssetID
	switch prop {
	case propModelName, propVendorName, propFirmwareRevision, propAppSoftwareVersion:
	default:
		return
	}
	i := pt.next
	open, ok := readTag(data, i)
	if ok && open.context && open.num == 2 && !open.open { // array index
		open, ok = readTag(data, open.next)
	}
	if !ok || !open.open || open.num != 3 {
		return
	}
	v, ok := readTag(data, open.next)
	if !ok || v.context || v.num != 7 || len(v.val) < 1 {
		return
	}
	s := charString(v.val)
	if s == "" {
		return
	}
	switch prop {
	case propModelName:
		rec.Message, rec.Model = "ReadProperty model-name", s
	case propVendorName:
		rec.Message, rec.Vendor = "ReadProperty vendor-name", s
	case propFirmwareRevision:
		rec.Message, rec.Firmware = "ReadProperty firmware-revision", s
	case propAppSoftwareVersion:
		rec.Message, rec.Firmware = "ReadProperty application-software-version", "application "+s
	}
	rec.Name = deviceName(oid&0x3fffff, info)
	p.record(&rec)
}

// maxString bounds identity strings taken from the wire.
const maxString = 64

// charString decodes a CharacterString value (character set byte first):
// UTF-8 (0), UCS-2 big-endian (4) and ISO 8859-1 (5); other sets are not
// reported. Control characters become '.'.
func charString(v []byte) string {
	set, b := v[0], v[1:]
	out := make([]byte, 0, min(len(b), maxString))
	put := func(r rune) {
		if r < 0x20 || r == 0x7f {
			r = '.'
		}
		out = utf8.AppendRune(out, r)
	}
	switch set {
	case 0:
		for len(b) > 0 && len(out) < maxString {
			r, n := utf8.DecodeRune(b)
			put(r)
			b = b[n:]
		}
	case 4:
		for ; len(b) >= 2 && len(out) < maxString; b = b[2:] {
			put(rune(binary.BigEndian.Uint16(b)))
		}
	case 5:
		for ; len(b) > 0 && len(out) < maxString; b = b[1:] {
			put(rune(b[0]))
		}
	default:
		return ""
	}
	return string(out)
}

package s7comm

import (
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// SZL (system status list) identifiers that reveal identity.
const (
	szlModuleID    = 0x0011 // module identification: order number, versions
	szlComponentID = 0x001c // component identification: names, serial
)

// szlDetail is the detail of a read-SZL request: its SZL-ID in hex. Data:
// return code, transport size, length (2), SZL-ID (2), index (2).
func (p *Parser) szlDetail(data []byte) string {
	if len(data) < 8 {
		return ""
	}
	id := uint16(data[4])<<8 | uint16(data[5])
	k := 1<<24 | uint32(id)
	if s, ok := p.detail.m[k]; ok {
		return s
	}
	s := "SZL 0x" + hex2(byte(id>>8)) + hex2(byte(id))
	if p.detail.m == nil {
		p.detail.m = make(map[uint32]string)
	}
	if len(p.detail.m) < maxDetails {
		p.detail.m[k] = s
	}
	return s
}

// szlIdentity reports the identity in a read-SZL response for SZL 0x0011
// or 0x001c. Data: return code (0xff = success), transport size, length (2),
// SZL-ID (2), index (2), record length (2), record count (2), records.
func (p *Parser) szlIdentity(data []byte) {
	if len(data) < 12 || data[0] != 0xff {
		return
	}
	id := uint16(data[4])<<8 | uint16(data[5])
	if id != szlModuleID && id != szlComponentID {
		return
	}
	size := int(data[8])<<8 | int(data[9])
	count := int(data[10])<<8 | int(data[11])
	recs := data[12:]
	rec := &record.AssetID{Protocol: dissect.NameS7comm, Vendor: "Siemens", Role: "PLC"}
	var plant string
	for i := 0; i < count && size >= 2 && len(recs) >= size; i++ {
		r := recs[:size]
		recs = recs[size:]
		idx := uint16(r[0])<<8 | uint16(r[1])
		if id == szlModuleID {
			// index, order number (20), module type (2), Ausbg (2), Ausbe (2)
			if size < 28 {
				return
			}
			switch idx {
			case 0x0001:
				rec.Model = text(r[2:22])
			case 0x0007:
				rec.Firmware = version(r[24:28])
			}
			continue
		}
		// index, 32 characters (24 for some entries, zero padded)
		s := text(r[2:])
		switch idx {
		case 0x0001:
			rec.Name = s
		case 0x0002:
			rec.Product = s
		case 0x0003:
			plant = s
		case 0x0005:
			rec.Serial = s
		}
	}
	if rec.Name == "" {
		rec.Name = plant
	}
	if rec.Model == "" && rec.Firmware == "" && rec.Name == "" && rec.Product == "" && rec.Serial == "" {
		return
	}
	rec.Message = "read SZL 0x0011"
	if id == szlComponentID {
		rec.Message = "read SZL 0x001c"
	}
	ep := p.ctx.Ep
	rec.TS, rec.MAC, rec.IP, rec.VLAN = p.ctx.TS, ep.RespMAC, ep.RespH, ep.VLAN
	if p.ctx.Dir == dissect.FromOrig {
		rec.MAC, rec.IP = ep.OrigMAC, ep.OrigH
	}
	p.ctx.Out.Record(p.ctx, rec)
}

// version renders the firmware version of SZL 0x0011 index 7: Ausbg holds
// 'V' and the major number, Ausbe minor and patch.
func version(b []byte) string {
	if b[0] != 'V' {
		return ""
	}
	return "V" + strconv.Itoa(int(b[1])) + "." + strconv.Itoa(int(b[2])) + "." + strconv.Itoa(int(b[3]))
}

// text returns printable characters up to the first NUL, trimmed.
func text(b []byte) string {
	if i := strings.IndexByte(string(b), 0); i >= 0 {
		b = b[:i]
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return ""
		}
	}
	return strings.TrimSpace(string(b))
}

package s7comm

import (
	"github.com/otsight/otsight/internal/dissect"
)

// ROSCTR values (S7comm header, octet 1).
const (
	rosctrJob      = 0x01
	rosctrAck      = 0x02
	rosctrAckData  = 0x03
	rosctrUserData = 0x07
)

// Job / ack-data function codes (first parameter octet).
const (
	fnCPUServices = 0x00
	fnReadVar     = 0x04
	fnWriteVar    = 0x05
	fnPLCControl  = 0x28
	fnPLCStop     = 0x29
	fnSetup       = 0xf0
)

// codeMalformed is the Code of a PDU too short for its own header.
const codeMalformed = "malformed"

// s7 decodes one S7comm PDU. Header: protocol id, ROSCTR, redundancy id (2),
// PDU reference (2), parameter length (2), data length (2), and for ack and
// ack-data an error class and error code.
func (p *Parser) s7(b []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameS7comm}
	if len(b) < 10 {
		p.malformed()
		return
	}
	rosctr := b[1]
	hdr := 10
	if rosctr == rosctrAck || rosctr == rosctrAckData {
		hdr = 12
	}
	if len(b) < hdr {
		p.malformed()
		return
	}
	plen := int(b[6])<<8 | int(b[7])
	dlen := int(b[8])<<8 | int(b[9])
	if hdr+plen > len(b) {
		p.malformed()
		return
	}
	param := b[hdr : hdr+plen]
	data := b[hdr+plen:]
	if dlen < len(data) {
		data = data[:dlen]
	}
	if hdr == 12 && (b[10] != 0 || b[11] != 0) {
		m.Error = true
	}
	switch rosctr {
	case rosctrJob, rosctrAckData:
		m.Dir = dissect.Request
		if rosctr == rosctrAckData {
			m.Dir = dissect.Response
		}
		if len(param) == 0 {
			m.Code, m.Function = rosctrCode[rosctr], rosctrName[rosctr]
			break
		}
		fn := param[0]
		m.Code = jobCodes[rosctr>>1][fn]
		m.Function = funcNames[fn]
		if rosctr == rosctrJob {
			m.Detail = p.jobDetail(fn, param)
		}
	case rosctrAck:
		m.Dir = dissect.Response
		m.Code, m.Function = rosctrCode[rosctr], rosctrName[rosctr]
	case rosctrUserData:
		p.userData(param, data)
		return
	default:
		m.Dir = dissect.Indication
		m.Code, m.Function = rosctrCode[rosctr&0x0f], rosctrName[rosctr&0x0f]
		if rosctr > 0x0f {
			m.Code, m.Function = codeMalformed, ""
			m.Error = true
		}
	}
	p.emit()
}

// malformed reports a PDU of the current protocol that is too short for its
// own header.
func (p *Parser) malformed() {
	p.msg.Code = codeMalformed
	p.msg.Function = ""
	p.msg.Dir = dissect.Request
	if p.ctx.Dir == dissect.FromResp {
		p.msg.Dir = dissect.Response
	}
	p.msg.Error = true
	p.emit()
}

// jobDetail returns the security-relevant detail of a job: the area and DB
// number of the first read/write item, or the PI service a PLC control or
// stop invokes.
func (p *Parser) jobDetail(fn byte, param []byte) string {
	switch fn {
	case fnReadVar, fnWriteVar:
		// function, item count, then items: 0x12, length, syntax id, …
		if len(param) < 2+12 || param[1] == 0 || param[2] != 0x12 {
			return ""
		}
		it := param[2:]
		if int(it[1])+2 > len(it) || it[2] != 0x10 || it[1] < 10 {
			// Only S7ANY addressing names an area and DB.
			return ""
		}
		area := it[8]
		db := uint16(0)
		if area == areaDB || area == areaDI {
			db = uint16(it[6])<<8 | uint16(it[7])
		}
		return p.detail.area(area, db)
	case fnPLCControl:
		// function, 7 reserved octets, parameter block length (2), block,
		// service name length, service name.
		if len(param) < 10 {
			return ""
		}
		n := int(param[8])<<8 | int(param[9])
		off := 10 + n
		if off >= len(param) {
			return ""
		}
		return piService(param[off+1:], int(param[off]))
	case fnPLCStop:
		// function, 5 reserved octets, service name length, name.
		if len(param) < 7 {
			return ""
		}
		return piService(param[7:], int(param[6]))
	}
	return ""
}

// piService returns the static name of a known PI service, or "other".
func piService(b []byte, n int) string {
	if n > len(b) {
		n = len(b)
	}
	s := b[:n]
	for _, k := range piServices {
		if string(s) == k {
			return k
		}
	}
	if n == 0 {
		return ""
	}
	return "other"
}

// userData decodes a userdata PDU. Parameter: head 00 01 12, length,
// method (0x11 request, 0x12 response), type<<4|group, subfunction,
// sequence number, and with length 8 a data unit reference, last-unit flag
// and a 16-bit error code.
func (p *Parser) userData(param, data []byte) {
	m := &p.msg
	// The parameter head (00 01 12) is not checked: mode-transition
	// indications of S7-300 CPUs carry another one, with the same layout.
	if len(param) < 7 {
		m.Code, m.Function = rosctrCode[rosctrUserData], rosctrName[rosctrUserData]
		m.Dir = dissect.Indication
		p.emit()
		return
	}
	typ, group, sub := param[5]>>4, param[5]&0x0f, param[6]
	m.Code = udCodes[group][sub]
	m.Function = udName(group, sub)
	switch typ &^ 0x3 {
	case 0x4:
		m.Dir = dissect.Request
	case 0x8:
		m.Dir = dissect.Response
	default:
		m.Dir = dissect.Indication
	}
	if len(param) >= 12 && (param[10] != 0 || param[11] != 0) {
		m.Error = true
	}
	if group == udGroupCPU && sub == udReadSZL {
		if m.Dir == dissect.Request {
			m.Detail = p.szlDetail(data)
		} else if m.Dir == dissect.Response && !m.Error {
			p.szlIdentity(data)
		}
	}
	p.emit()
}

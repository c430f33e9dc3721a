package bacnet

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// Code strings are built once: the per-message path only looks them up.
var (
	bvlcCodes, npduCodes [256]string
	// serviceCodes[t] holds "t/0".."t/255" for APDU types 0–3 and 5.
	serviceCodes [6][256]string
	typeCodes    = [8]string{"0", "1", "2", "3", "4", "5", "6", "7"}
)

func init() {
	const digits = "0123456789abcdef"
	for i := range 256 {
		h := string([]byte{digits[i>>4], digits[i&0xf]})
		bvlcCodes[i] = "bvlc/" + h
		npduCodes[i] = "npdu/" + h
		for t := range serviceCodes {
			serviceCodes[t][i] = strconv.Itoa(t) + "/" + strconv.Itoa(i)
		}
	}
}

func serviceName(names []string, svc uint8) string {
	if int(svc) < len(names) && names[svc] != "" {
		return names[svc]
	}
	return "unknown"
}

// apdu dissects the application layer header (ASHRAE 135, 20.1) and reports
// the message.
func (p *Parser) apdu(b []byte, info *npduInfo) {
	if len(b) < 1 {
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	t := b[0] >> 4
	var svc uint8
	var data []byte
	first := true // the data starts the service's encoding (not a later segment)
	need := 0
	switch t {
	case apduConfirmed:
		need = 4
		if b[0]&0x08 != 0 {
			need = 6
		}
	case apduUnconfirmed:
		need = 2
	case apduSimpleAck, apduError, apduReject, apduAbort:
		need = 3
	case apduComplexAck:
		need = 3
		if b[0]&0x08 != 0 {
			need = 5
		}
	case apduSegmentAck:
		need = 4
	default:
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	if len(b) < need {
		p.emit("malformed", "malformed", p.dirOf(), true, "")
		return
	}
	svc = b[need-1]
	data = b[need:]
	if (t == apduConfirmed || t == apduComplexAck) && b[0]&0x08 != 0 && b[need-3] != 0 {
		first = false // sequence number > 0
	}
	switch t {
	case apduConfirmed:
		p.emit(serviceCodes[t][svc], serviceName(confirmedNames[:], svc), dissect.Request, false, p.detail(t, svc, data, first))
	case apduUnconfirmed:
		dir := dissect.Indication
		switch svc {
		case 7, 8, 13: // who-Has, who-Is, who-Am-I
			dir = dissect.Request
		}
		if svc == 0 {
			p.iAm(data, info)
		}
		p.emit(serviceCodes[t][svc], serviceName(unconfirmedNames[:], svc), dir, false, p.detail(t, svc, data, true))
	case apduSimpleAck:
		p.emit(serviceCodes[t][svc], serviceName(confirmedNames[:], svc), dissect.Response, false, "")
	case apduComplexAck:
		if first && svc == 12 {
			p.readPropertyAck(data, info)
		}
		p.emit(serviceCodes[t][svc], serviceName(confirmedNames[:], svc), dissect.Response, false, p.detail(t, svc, data, first))
	case apduError:
		p.emit(serviceCodes[t][svc], serviceName(confirmedNames[:], svc), dissect.Response, true, "")
	case apduSegmentAck, apduAbort:
		// The server bit tells who sent it.
		dir := dissect.Request
		if b[0]&0x01 != 0 {
			dir = dissect.Response
		}
		p.emit(typeCodes[t], apduNames[t], dir, t == apduAbort, "")
	case apduReject:
		p.emit(typeCodes[t], apduNames[t], dissect.Response, true, "")
	}
}

// tag is one BACnet tag header (ASHRAE 135, 20.2.1).
type tag struct {
	num     uint8
	context bool
	open    bool
	close   bool
	val     []byte // primitive value (nil for opening/closing tags)
	next    int    // offset after the tag
}

// readTag reads the tag at b[i:].
func readTag(b []byte, i int) (t tag, ok bool) {
	if i >= len(b) {
		return t, false
	}
	h := b[i]
	i++
	t.num = h >> 4
	t.context = h&0x08 != 0
	if t.num == 15 {
		if i >= len(b) {
			return t, false
		}
		t.num = b[i]
		i++
	}
	lvt := int(h & 0x07)
	if t.context && lvt == 6 {
		t.open, t.next = true, i
		return t, true
	}
	if t.context && lvt == 7 {
		t.close, t.next = true, i
		return t, true
	}
	if !t.context && t.num == 1 { // boolean: the value is in the header
		t.next = i
		return t, true
	}
	if lvt == 5 {
		if i >= len(b) {
			return t, false
		}
		lvt = int(b[i])
		i++
		switch lvt {
		case 254:
			if i+2 > len(b) {
				return t, false
			}
			lvt = int(binary.BigEndian.Uint16(b[i:]))
			i += 2
		case 255:
			if i+4 > len(b) {
				return t, false
			}
			l := binary.BigEndian.Uint32(b[i:])
			if l > uint32(len(b)) {
				return t, false
			}
			lvt = int(l)
			i += 4
		}
	}
	if i+lvt > len(b) {
		return t, false
	}
	t.val, t.next = b[i:i+lvt], i+lvt
	return t, true
}

func unsigned(v []byte) uint32 {
	var u uint32
	for _, c := range v {
		u = u<<8 | uint32(c)
	}
	return u
}

// objectTag is the context tag holding the object a service addresses, when
// it is not the first object identifier of the request.
func objectTag(t, svc uint8) int {
	switch {
	case (t == apduConfirmed && (svc == 1 || svc == 2)) || (t == apduUnconfirmed && (svc == 2 || svc == 3)):
		return 2 // COV and event notifications: monitored/event object
	case t == apduConfirmed && (svc == 5 || svc == 28):
		return 1 // subscribeCOV(Property): monitored object
	}
	return -1
}

// hasProperty reports whether a property identifier follows the object
// identifier as context tag 1.
func hasProperty(t, svc uint8) bool {
	return (t == apduConfirmed || t == apduComplexAck) && (svc == 12 || svc == 15 || svc == 26)
}

// detail names the object type (and property) a service addresses.
func (p *Parser) detail(t, svc uint8, data []byte, first bool) string {
	if !first {
		return ""
	}
	want := objectTag(t, svc)
	i := 0
	for range 4 {
		tg, ok := readTag(data, i)
		if !ok || tg.open || tg.close {
			return ""
		}
		isObj := len(tg.val) == 4 && ((tg.context && (int(tg.num) == want || want < 0 && tg.num == 0)) || (!tg.context && tg.num == 12 && want < 0))
		if !isObj {
			i = tg.next
			continue
		}
		objType := uint16(binary.BigEndian.Uint32(tg.val) >> 22)
		prop := int64(-1)
		if hasProperty(t, svc) {
			if pt, ok := readTag(data, tg.next); ok && pt.context && pt.num == 1 && len(pt.val) >= 1 && len(pt.val) <= 4 {
				prop = int64(unsigned(pt.val))
			}
		}
		return p.det.object(objType, prop)
	}
	return ""
}

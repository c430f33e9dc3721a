package mms

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// maxService is the highest service tag with a precomputed code.
const maxService = 127

var (
	pduCodes     [numPDUTypes]string
	serviceCodes [4][maxService + 1]string // by PDU type 0, 1, 3
)

func init() {
	for i := range numPDUTypes {
		pduCodes[i] = itoa(i)
	}
	for _, t := range []int{pduConfirmedRequest, pduConfirmedResponse, pduUnconfirmed} {
		for s := 0; s <= maxService; s++ {
			serviceCodes[t][s] = itoa(t) + "/" + itoa(s)
		}
	}
}

func itoa(i int) string {
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

// pdu decodes one MMS PDU and reports it.
func (d *Decoder) pdu(b []byte) int {
	t, _, ok := next(b)
	if !ok || t.class != 2 || t.tag >= numPDUTypes {
		return 0
	}
	m := &d.msg
	*m = dissect.Message{Protocol: dissect.NameMMS, Code: pduCodes[t.tag], Function: pduNames[t.tag]}
	switch t.tag {
	case pduConfirmedRequest, pduCancelRequest, pduInitiateRequest, pduConcludeRequest:
		m.Dir = dissect.Request
	case pduUnconfirmed:
		m.Dir = dissect.Indication
	default:
		m.Dir = dissect.Response
	}
	switch t.tag {
	case pduConfirmedError, pduReject, pduCancelError, pduInitiateError, pduConcludeError:
		m.Error = true
	case pduConfirmedRequest, pduConfirmedResponse:
		d.confirmed(t)
	case pduUnconfirmed:
		if s, _, ok := next(t.content); ok && s.class == 2 && s.tag <= maxService {
			m.Code = serviceCodes[pduUnconfirmed][s.tag]
			if int(s.tag) < len(unconfirmedNames) {
				m.Function = unconfirmedNames[s.tag]
			}
		}
	}
	d.emit()
	return 1
}

// confirmed decodes a confirmed request or response: invokeID, for
// requests an optional listOfModifier, then the service CHOICE.
func (d *Decoder) confirmed(t tlv) {
	c := t.content
	id, rest, ok := next(c)
	if !ok || id.id() != 0x02 {
		return
	}
	c = rest
	s, _, ok := next(c)
	if ok && s.id() == 0x30 && t.tag == pduConfirmedRequest {
		_, rest, _ := next(c)
		s, _, ok = next(rest)
	}
	if !ok || s.class != 2 || s.tag > maxService {
		return
	}
	m := &d.msg
	m.Code = serviceCodes[t.tag][s.tag]
	if int(s.tag) < len(serviceNames) {
		m.Function = serviceNames[s.tag]
	}
	if t.tag == pduConfirmedRequest && (s.tag == serviceRead || s.tag == serviceWrite) {
		m.Detail = d.domainDetail(s.tag, s.content)
	}
	if t.tag == pduConfirmedResponse && s.tag == serviceIdentify {
		d.identify(s.content)
	}
}

// identify reports the vendor, model and revision of an identify response.
func (d *Decoder) identify(b []byte) {
	rec := &record.AssetID{Protocol: dissect.NameMMS, Message: "identify"}
	for len(b) > 0 {
		e, rest, ok := next(b)
		if !ok {
			break
		}
		b = rest
		if e.class != 2 || e.constructed {
			continue
		}
		switch e.tag {
		case 0:
			rec.Vendor = visible(e.content)
		case 1:
			rec.Model = visible(e.content)
		case 2:
			rec.Firmware = visible(e.content)
		}
	}
	if rec.Vendor == "" && rec.Model == "" && rec.Firmware == "" {
		return
	}
	ep := d.ctx.Ep
	rec.TS, rec.MAC, rec.IP, rec.VLAN = d.ctx.TS, ep.RespMAC, ep.RespH, ep.VLAN
	if d.ctx.Dir == dissect.FromOrig {
		rec.MAC, rec.IP = ep.OrigMAC, ep.OrigH
	}
	d.ctx.Out.Record(d.ctx, rec)
}

// maxText bounds identity strings.
const maxText = 64

// visible returns a VisibleString's printable characters, bounded.
func visible(b []byte) string {
	if len(b) > maxText {
		b = b[:maxText]
	}
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			return ""
		}
	}
	return string(b)
}

// emit sends the message with Swap set when a request travels from the
// connection's responder (IEC 61850 servers also issue requests) or a
// response from its originator.
func (d *Decoder) emit() {
	fromResp := d.ctx.Dir == dissect.FromResp
	switch d.msg.Dir {
	case dissect.Request:
		d.msg.Swap = fromResp
	case dissect.Response:
		d.msg.Swap = !fromResp
	}
	d.ctx.Out.Message(d.ctx, &d.msg)
}

// Package mms decodes ISO 9506 MMS (the IEC 61850 client/server protocol)
// from COTP TSDUs: through the OSI session (ISO 8327) and presentation (ISO
// 8823) layers and ACSE (ISO 8650) where the association is set up, or bare
// on COTP as some implementations send it. It has no Spec of its own: MMS
// shares TCP port 102 with S7comm, and package s7comm hands it every TSDU
// that is neither S7comm nor S7comm-plus.
//
// Unit: one MMS PDU. Code: the PDU type number of the MMSpdu CHOICE
// (0 confirmed-Request … 13 conclude-Error), followed for confirmed
// requests/responses and unconfirmed PDUs by "/" and the service's tag
// number, decimal: "0/4" read request, "1/4" read response, "3/0"
// informationReport, "2" confirmed-Error, "4" reject, "8" initiate-Request.
// Detail: for read and write requests, the domain (IEC 61850 logical
// device) of the first variable named.
package mms

import (
	"github.com/otsight/otsight/internal/dissect"
)

// MMSpdu CHOICE tags (context class).
const (
	pduConfirmedRequest  = 0
	pduConfirmedResponse = 1
	pduConfirmedError    = 2
	pduUnconfirmed       = 3
	pduReject            = 4
	pduCancelRequest     = 5
	pduCancelResponse    = 6
	pduCancelError       = 7
	pduInitiateRequest   = 8
	pduInitiateResponse  = 9
	pduInitiateError     = 10
	pduConcludeRequest   = 11
	pduConcludeResponse  = 12
	pduConcludeError     = 13
	numPDUTypes          = 14
)

// serviceIdentify is the identify service tag.
const serviceIdentify = 2

// IsPDUTag reports whether b is the identifier octet of an MMSpdu
// alternative (bare MMS on COTP).
func IsPDUTag(b byte) bool {
	if b&0xc0 != 0x80 || b&0x1f >= numPDUTypes {
		return false
	}
	return true
}

// Decoder decodes MMS for one connection. The zero value is ready.
type Decoder struct {
	msg     dissect.Message
	ctx     *dissect.Context
	domains map[string]string
}

// Decode reports the MMS PDUs in one COTP TSDU and returns how many it
// found (0 when the TSDU holds no MMS).
func (d *Decoder) Decode(ctx *dissect.Context, tsdu []byte) int {
	if len(tsdu) == 0 {
		return 0
	}
	d.ctx = ctx
	defer func() { d.ctx = nil }()
	if tsdu[0]&0x80 != 0 {
		return d.pdu(tsdu)
	}
	return d.session(tsdu)
}

// Session SPDU identifiers (ISO 8327-1 8.3).
const (
	spduGiveTokens = 0x01 // also DATA TRANSFER in category 2
	spduConnect    = 0x0d
	spduAccept     = 0x0e
	spduFinish     = 0x09
	spduDisconnect = 0x0a
	spduRefuse     = 0x0c
	spduAbort      = 0x19
)

// session walks the SPDUs of a TSDU and decodes the presentation user data.
func (d *Decoder) session(b []byte) int {
	si, params, rest, ok := spdu(b)
	if !ok {
		return 0
	}
	switch si {
	case spduGiveTokens:
		// Category 0 GIVE TOKENS, then DATA TRANSFER whose user data
		// follows its parameters.
		si2, _, user, ok := spdu(rest)
		if !ok || si2 != spduGiveTokens {
			return 0
		}
		return d.presentationData(user)
	case spduConnect, spduAccept, spduFinish, spduDisconnect, spduRefuse, spduAbort:
		user, ok := userData(params)
		if !ok {
			return 0
		}
		if si == spduConnect || si == spduAccept {
			return d.presentationConnect(user)
		}
		return d.presentationData(user)
	}
	return 0
}

// spdu splits one SPDU: identifier, parameter field and what follows.
func spdu(b []byte) (si byte, params, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	si = b[0]
	n, i := int(b[1]), 2
	if n == 0xff {
		if len(b) < 4 {
			return 0, nil, nil, false
		}
		n, i = int(b[2])<<8|int(b[3]), 4
	}
	if i+n > len(b) {
		return 0, nil, nil, false
	}
	return si, b[i : i+n], b[i+n:], true
}

// userData finds the User Data (PI 193) or Extended User Data (PI 194)
// parameter among an SPDU's top-level parameters.
func userData(params []byte) ([]byte, bool) {
	for len(params) >= 2 {
		pi, v, rest, ok := spdu(params)
		if !ok {
			return nil, false
		}
		if pi == 0xc1 || pi == 0xc2 {
			return v, true
		}
		params = rest
	}
	return nil, false
}

// presentationConnect decodes a CP or CPA PPDU (SET, 0x31): its
// normal-mode-parameters [2] hold the user data.
func (d *Decoder) presentationConnect(b []byte) int {
	t, _, ok := next(b)
	if !ok || t.id() != 0x31 {
		return 0
	}
	nm, ok := find(t.content, 0xa2)
	if !ok {
		return 0
	}
	if ud, ok := find(nm.content, 0x61); ok {
		return d.pdvList(ud.content)
	}
	return 0
}

// presentationData decodes presentation user data: fully-encoded-data
// [APPLICATION 1] holding PDV-lists.
func (d *Decoder) presentationData(b []byte) int {
	t, _, ok := next(b)
	if !ok || t.id() != 0x61 {
		return 0
	}
	return d.pdvList(t.content)
}

// pdvList decodes each PDV-list: transfer syntax (optional), context id,
// and single-ASN1-type [0] data, which is ACSE or MMS.
func (d *Decoder) pdvList(b []byte) int {
	n := 0
	for len(b) > 0 {
		t, rest, ok := next(b)
		if !ok {
			break
		}
		b = rest
		if t.id() != 0x30 {
			continue
		}
		v, ok := find(t.content, 0xa0)
		if !ok || len(v.content) == 0 {
			continue
		}
		if v.content[0]&0xe0 == 0x60 {
			n += d.acse(v.content)
		} else {
			n += d.pdu(v.content)
		}
	}
	return n
}

// acse finds the MMS PDU in an ACSE APDU's user-information [30]: an
// EXTERNAL whose single-ASN1-type [0] encoding is the PDU.
func (d *Decoder) acse(b []byte) int {
	t, _, ok := next(b)
	if !ok || t.class != 1 || t.tag > 4 {
		return 0
	}
	for c := t.content; len(c) > 0; {
		e, rest, ok := next(c)
		if !ok {
			return 0
		}
		c = rest
		if e.class != 2 || e.tag != 30 {
			continue
		}
		ext, ok := find(e.content, 0x28)
		if !ok {
			return 0
		}
		v, ok := find(ext.content, 0xa0)
		if !ok {
			return 0
		}
		return d.pdu(v.content)
	}
	return 0
}

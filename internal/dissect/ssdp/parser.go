package ssdp

import (
	"bytes"
	"hash/maphash"
	"net/netip"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Methods with a static code string; others are copied once per message.
var methods = map[string]string{"NOTIFY": "NOTIFY", "M-SEARCH": "M-SEARCH"}

// maxValue bounds a header value kept in a record.
const maxValue = 255

// maxDistinct bounds the distinct messages remembered per flow and minute;
// beyond it every message is written.
const maxDistinct = 256

// minute is one UTC minute in record.Micros.
const minute = 60 * 1_000_000

type parser struct {
	msg dissect.Message
	// De-duplication: the hashes of the messages written in the current
	// minute. A repeat is written once per minute per flow, as the public
	// sensor's 60-second window does; counts are not kept.
	seed   maphash.Seed
	minute record.Micros
	seen   map[uint64]struct{}
}

// Parse implements dissect.Parser: one call per datagram.
func (p *parser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameSSDP, Dir: dissect.Indication}
	line, headers, _ := bytes.Cut(data, []byte("\r\n"))
	method, status, isResp, ok := startLine(line)
	switch {
	case !ok:
		m.Code, m.Function, m.Error = codeMalformed, codeMalformed, true
		ctx.Out.Message(ctx, m)
		return
	case isResp:
		m.Code, m.Function, m.Dir = codeResponse, codeResponse, dissect.Response
		m.Error = status < 200 || status > 299
	default:
		m.Code = methods[string(method)]
		if m.Code == "" {
			m.Code = string(method)
		}
		m.Function = m.Code
		if m.Code == "M-SEARCH" {
			m.Dir = dissect.Request
		}
	}
	// Searches go to port 1900 from the originator; answers come back from
	// 1900, usually as the originator of their own flow.
	m.Swap = (m.Dir == dissect.Request && ctx.Dir == dissect.FromResp) ||
		(m.Dir == dissect.Response && ctx.Dir == dissect.FromOrig)
	ctx.Out.Message(ctx, m)

	if p.repeat(ctx.TS, data) {
		return
	}
	r := newRecord(ctx, m.Code, status, headers)
	ctx.Out.Record(ctx, r)
	identity(ctx, r)
}

// repeat reports whether the same datagram was already written this minute
// in this flow.
func (p *parser) repeat(ts record.Micros, data []byte) bool {
	if m := ts - ts%minute; m != p.minute || p.seen == nil {
		if p.seen == nil {
			p.seed = maphash.MakeSeed()
			p.seen = make(map[uint64]struct{}, 8)
		}
		clear(p.seen)
		p.minute = m
	}
	h := maphash.Bytes(p.seed, data)
	if _, dup := p.seen[h]; dup {
		return true
	}
	if len(p.seen) < maxDistinct {
		p.seen[h] = struct{}{}
	}
	return false
}

// newRecord reads the headers SSDP defines; names are case-insensitive.
func newRecord(ctx *dissect.Context, method string, status int, headers []byte) *record.SSDP {
	ep := ctx.Ep
	r := &record.SSDP{
		TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
		OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		Sender: sender(ctx), Method: method, Status: uint16(status),
	}
	for len(headers) > 0 {
		var line []byte
		line, headers, _ = bytes.Cut(headers, []byte("\n"))
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			break // end of headers
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			continue
		}
		v := value
		v = bytes.TrimSpace(v)
		var dst *string
		switch {
		case bytes.EqualFold(name, []byte("SERVER")):
			dst = &r.Server
		case bytes.EqualFold(name, []byte("USER-AGENT")):
			dst = &r.UserAgent
		case bytes.EqualFold(name, []byte("LOCATION")):
			dst = &r.Location
		case bytes.EqualFold(name, []byte("USN")):
			dst = &r.USN
		case bytes.EqualFold(name, []byte("NT")):
			dst = &r.NT
		case bytes.EqualFold(name, []byte("NTS")):
			dst = &r.NTS
		case bytes.EqualFold(name, []byte("ST")):
			dst = &r.ST
		default:
			continue
		}
		if *dst == "" {
			*dst = text(v)
		}
	}
	return r
}

func sender(ctx *dissect.Context) netip.Addr {
	if ctx.Dir == dissect.FromResp {
		return ctx.Ep.RespH
	}
	return ctx.Ep.OrigH
}

// text keeps a header value's printable ASCII, at most maxValue bytes.
func text(v []byte) string {
	out := make([]byte, 0, min(len(v), maxValue))
	for _, c := range v {
		if len(out) == maxValue {
			break
		}
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

package dns

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// records turns one message into dns, nbns and asset_id records.
func (p *parser) records(ctx *dissect.Context, h header, b []byte) {
	if !h.response() {
		rec := p.newRecord(ctx, h, b)
		rec.QuerySeen = true
		if p.nbns {
			p.registration(ctx, h, b, rec)
		}
		switch {
		case toGroup(ctx.Ep):
			ctx.Out.Record(ctx, rec)
		case p.pending.find(h.id) >= 0:
			// a retransmission: the first copy times the exchange
		default:
			p.pending.add(ctx, h.id, rec)
		}
		return
	}
	var rec *record.DNS
	if i := p.pending.find(h.id); i >= 0 {
		rec = p.pending.remove(i)
		rec.RTT = ctx.TS - rec.TS
	} else {
		rec = p.newRecord(ctx, h, b)
	}
	p.fillResponse(ctx, h, b, rec)
	ctx.Out.Record(ctx, rec)
}

// newRecord starts a record from a message's header and first question. The
// addresses are the flow's, as in Zeek's dns.log.
func (p *parser) newRecord(ctx *dissect.Context, h header, b []byte) *record.DNS {
	ep := ctx.Ep
	op := h.opcode()
	rec := &record.DNS{
		TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
		OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
		Proto: ep.Transport.String(), Protocol: p.proto, TransID: h.id, Opcode: op,
		QDCount: h.qd, RD: h.rd(), Z: h.z(),
	}
	if p.nbns {
		rec.OpcodeName = nbnsOpcodeName(op)
	} else {
		rec.OpcodeName = opcodeName(op)
	}
	if h.qd == 0 {
		return rec
	}
	name, next, ok := p.names.read(b, headerLen)
	if !ok || next+4 > len(b) {
		return rec
	}
	rec.Query = p.queryText(name)
	rec.QType = binary.BigEndian.Uint16(b[next:])
	// mDNS uses the class's top bit as the unicast-response flag.
	rec.QClass = binary.BigEndian.Uint16(b[next+2:])
	if p.proto == dissect.NameMDNS {
		rec.QClass &= 0x7fff
	}
	rec.QTypeName = qtypeName(rec.QType, p.nbns)
	rec.QClassName = qclassName(rec.QClass)
	return rec
}

// queryText is a question name as text: NetBIOS names decoded as NAME<xx>.
func (p *parser) queryText(name []byte) string {
	if p.nbns {
		if s, ok := netbiosName(name); ok {
			return s
		}
	}
	return string(name)
}

// fillResponse adds a response's flags, rcode and answers to rec.
func (p *parser) fillResponse(ctx *dissect.Context, h header, b []byte, rec *record.DNS) {
	rec.ResponseSeen = true
	rec.AA, rec.TC, rec.RA, rec.Z = h.aa(), h.tc(), h.ra(), h.z()
	rec.Rcode = h.rcode()
	if p.nbns {
		rec.RcodeName = nbnsRcodeName(rec.Rcode)
	} else {
		rec.RcodeName = rcodeName(rec.Rcode)
	}
	rec.Rejected = rec.Rcode != 0
	off, ok := skipQuestions(&p.names, b, h.qd)
	if !ok {
		return
	}
	total := int(h.an) + int(h.ns) + int(h.ar)
	for i := 0; i < total && i < maxRRs; i++ {
		var x rr
		x, off, ok = p.names.readRR(b, off)
		if !ok {
			return
		}
		// identity first: answerText reuses the name buffer x.name points to
		p.identity(ctx, &x)
		if i < int(h.an) && len(rec.Answers) < maxAnswers {
			rec.Answers = append(rec.Answers, p.answerText(b, &x))
			rec.TTLs = append(rec.TTLs, record.Micros(x.ttl)*1_000_000)
		}
	}
}

// skipQuestions returns the offset of the first resource record.
func skipQuestions(r *nameReader, b []byte, qd uint16) (int, bool) {
	off := headerLen
	for range qd {
		var ok bool
		if _, off, ok = r.read(b, off); !ok || off+4 > len(b) {
			return 0, false
		}
		off += 4
	}
	return off, true
}

// answerText renders one answer's data as Zeek does in dns.log: addresses
// and names as text, other types by name, at most maxName bytes.
func (p *parser) answerText(b []byte, x *rr) string {
	if a, ok := addrOf(x); ok {
		return a.String()
	}
	switch {
	case p.nbns && x.typ == typeNB && len(x.rdata) >= 6:
		return netip.AddrFrom4([4]byte(x.rdata[2:6])).String()
	case p.nbns:
		return "<" + typeText(x.typ, true) + ">"
	}
	switch x.typ {
	case typeNS, typeCNAME, typePTR, typeDNAME, typeSOA:
		if n, _, ok := p.names.read(b, x.rdataOff); ok {
			return string(n)
		}
	case typeMX:
		if len(x.rdata) > 2 {
			if n, _, ok := p.names.read(b, x.rdataOff+2); ok {
				return string(n)
			}
		}
	case typeSRV:
		if len(x.rdata) > 6 {
			if n, _, ok := p.names.read(b, x.rdataOff+6); ok {
				return string(n)
			}
		}
	case typeTXT:
		return txtText(x.rdata)
	}
	return "<" + typeText(x.typ, false) + ">"
}

func typeText(t uint16, nbns bool) string {
	if s := qtypeName(t, nbns); s != "" {
		return s
	}
	return "TYPE" + strconv.Itoa(int(t))
}

// txtText is "TXT" and the strings of a TXT record, printable bytes only.
func txtText(rdata []byte) string {
	out := make([]byte, 0, 64)
	out = append(out, "TXT"...)
	for len(rdata) > 0 && len(out) < maxName {
		n := int(rdata[0])
		s := rdata[1:min(1+n, len(rdata))]
		rdata = rdata[len(s)+1:]
		out = append(out, ' ')
		for _, c := range s {
			if c >= 0x20 && c < 0x7f {
				out = append(out, c)
			}
		}
	}
	return string(out[:min(len(out), maxName)])
}

package dns

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// netbiosName decodes an RFC 1001 first-level encoded name (32 letters A-P,
// two per byte) into the name without padding and its suffix byte, rendered
// NAME<xx> as tshark does, followed by the scope when there is one.
func netbiosName(text []byte) (string, bool) {
	name, suffix, scope, ok := decodeNetbios(text)
	if !ok {
		return "", false
	}
	const hexDigits = "0123456789abcdef"
	return name + "<" + string([]byte{hexDigits[suffix>>4], hexDigits[suffix&0xf]}) + ">" + scope, true
}

// decodeNetbios splits an encoded name into its 15-byte name (trailing
// spaces and unprintable bytes removed), its 16th byte and its scope (with
// its leading dot).
func decodeNetbios(text []byte) (name string, suffix byte, scope string, ok bool) {
	label := text
	if i := bytes.IndexByte(text, '.'); i >= 0 {
		label, scope = text[:i], string(text[i:])
	}
	if len(label) != 32 {
		return "", 0, "", false
	}
	var raw [16]byte
	for i := range raw {
		hi, lo := label[2*i]-'A', label[2*i+1]-'A'
		if hi > 15 || lo > 15 {
			return "", 0, "", false
		}
		raw[i] = hi<<4 | lo
	}
	var b strings.Builder
	for _, c := range bytes.TrimRight(raw[:15], " ") {
		if c >= 0x20 && c < 0x7f {
			b.WriteByte(c)
		}
	}
	return b.String(), raw[15], scope, true
}

// registration writes an nbns record, and for a host's own name an asset_id
// record, for a name registration, refresh or release request: the
// question names the name, the additional NB record carries its TTL, flags
// and address.
func (p *parser) registration(ctx *dissect.Context, h header, b []byte, q *record.DNS) {
	op := h.opcode()
	if (op != 5 && op != 6 && op != 8 && op != 9) || h.ar == 0 {
		return
	}
	name, next, ok := p.names.read(b, headerLen)
	if !ok {
		return
	}
	nb, suffix, _, ok := decodeNetbios(name)
	if !ok {
		return
	}
	off, ok := next+4, next+4 <= len(b)
	for i := 0; ok && i < int(h.an)+int(h.ns)+int(h.ar) && i < maxRRs; i++ {
		var x rr
		if x, off, ok = p.names.readRR(b, off); !ok || x.typ != typeNB || len(x.rdata) < 6 {
			continue
		}
		const hexDigits = "0123456789abcdef"
		flags := binary.BigEndian.Uint16(x.rdata)
		ep := ctx.Ep
		rec := &record.NBNS{
			TS: ctx.TS, OrigH: ep.OrigH, OrigP: ep.OrigP, RespH: ep.RespH, RespP: ep.RespP,
			OrigMAC: ep.OrigMAC, RespMAC: ep.RespMAC, VLAN: ep.VLAN, Iface: ep.Iface,
			Op: q.OpcodeName, Name: nb, Suffix: string([]byte{hexDigits[suffix>>4], hexDigits[suffix&0xf]}),
			ServiceType: nbnsServiceType(suffix), Group: flags&0x8000 != 0,
			TTL:  record.Micros(x.ttl) * 1_000_000,
			Addr: netip.AddrFrom4([4]byte(x.rdata[2:6])), Broadcast: h.nbnsBroadcast(),
		}
		ctx.Out.Record(ctx, rec)
		if op != 6 && !rec.Group && (suffix == 0x00 || suffix == 0x20) && nb != "" {
			p.hostName(ctx, rec.Addr, nb, "name registration")
		}
		return
	}
}

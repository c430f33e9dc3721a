package dns

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// collector is an Emitter that keeps copies of what it is given.
type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

func (c *collector) kind(k record.Kind) []record.Record {
	var out []record.Record
	for _, r := range c.recs {
		if r.RecordKind() == k {
			out = append(out, r)
		}
	}
	return out
}

// msgBuilder assembles DNS messages for tests (RFC 1035 4.1).
type msgBuilder struct{ b []byte }

func newMsg(id, flags, qd, an, ns, ar uint16) *msgBuilder {
	m := &msgBuilder{}
	for _, v := range []uint16{id, flags, qd, an, ns, ar} {
		m.b = binary.BigEndian.AppendUint16(m.b, v)
	}
	return m
}

func (m *msgBuilder) name(labels ...string) *msgBuilder {
	for _, l := range labels {
		m.b = append(m.b, byte(len(l)))
		m.b = append(m.b, l...)
	}
	m.b = append(m.b, 0)
	return m
}

func (m *msgBuilder) ptr(off uint16) *msgBuilder {
	m.b = binary.BigEndian.AppendUint16(m.b, 0xc000|off)
	return m
}

func (m *msgBuilder) u16(v ...uint16) *msgBuilder {
	for _, x := range v {
		m.b = binary.BigEndian.AppendUint16(m.b, x)
	}
	return m
}

func (m *msgBuilder) u32(v uint32) *msgBuilder {
	m.b = binary.BigEndian.AppendUint32(m.b, v)
	return m
}

func (m *msgBuilder) raw(b ...byte) *msgBuilder {
	m.b = append(m.b, b...)
	return m
}

// rdata appends a length-prefixed rdata.
func (m *msgBuilder) rdata(b []byte) *msgBuilder {
	return m.u16(uint16(len(b))).raw(b...)
}

var (
	client = netip.MustParseAddr("192.168.1.10")
	server = netip.MustParseAddr("192.168.1.1")
)

func udpEp(origP, respP uint16) *dissect.Endpoints {
	return &dissect.Endpoints{Transport: dissect.UDP, OrigH: client, RespH: server, OrigP: origP, RespP: respP,
		OrigMAC: record.MAC{2, 0, 0, 0, 0, 10}, RespMAC: record.MAC{2, 0, 0, 0, 0, 1}}
}

func run(t *testing.T, spec *dissect.Spec, ep *dissect.Endpoints, steps ...step) *collector {
	t.Helper()
	c := &collector{}
	p := spec.New()
	for _, s := range steps {
		ctx := &dissect.Context{TS: s.ts, Dir: s.dir, Ep: ep, Out: c}
		p.Parse(ctx, s.data)
	}
	return c
}

type step struct {
	ts   record.Micros
	dir  dissect.Dir
	data []byte
}

// wwwQuery is a standard query for www.example.com A with RD set.
func wwwQuery(id uint16) []byte {
	return newMsg(id, 0x0100, 1, 0, 0, 0).name("www", "example", "com").u16(1, 1).b
}

// wwwAnswer answers it with a CNAME and an A record, using compression.
func wwwAnswer(id uint16, rcode uint16) []byte {
	m := newMsg(id, 0x8180|rcode, 1, 2, 0, 0).name("www", "example", "com").u16(1, 1)
	m.ptr(12).u16(typeCNAME, 1).u32(300).rdata(append([]byte{4}, append([]byte("host"), 0xc0, 16)...))
	return m.ptr(12+17).u16(typeA, 1).u32(60).rdata([]byte{93, 184, 216, 34}).b
}

func TestQueryResponsePair(t *testing.T) {
	c := run(t, Spec, udpEp(40000, 53),
		step{1_000_000, dissect.FromOrig, wwwQuery(0x1234)},
		step{1_020_000, dissect.FromResp, wwwAnswer(0x1234, 0)})
	if len(c.msgs) != 2 {
		t.Fatalf("messages %d, want 2", len(c.msgs))
	}
	q, r := c.msgs[0], c.msgs[1]
	if q.Code != "0" || q.Function != "query" || q.Dir != dissect.Request || q.Error || q.Swap {
		t.Errorf("query message %+v", q)
	}
	if r.Code != "0" || r.Dir != dissect.Response || r.Error || r.Swap {
		t.Errorf("response message %+v", r)
	}
	recs := c.kind(record.KindDNS)
	if len(recs) != 1 {
		t.Fatalf("dns records %d, want 1", len(recs))
	}
	d := recs[0].(*record.DNS)
	if d.TS != 1_000_000 || d.RTT != 20_000 || d.TransID != 0x1234 || d.Query != "www.example.com" ||
		d.QType != 1 || d.QTypeName != "A" || d.QClassName != "C_INTERNET" || !d.RD || !d.RA || d.AA ||
		d.Rcode != 0 || d.RcodeName != "NOERROR" || d.Rejected || !d.QuerySeen || !d.ResponseSeen {
		t.Errorf("record %+v", d)
	}
	if len(d.Answers) != 2 || d.Answers[0] != "host.example.com" || d.Answers[1] != "93.184.216.34" {
		t.Errorf("answers %q", d.Answers)
	}
	if len(d.TTLs) != 2 || d.TTLs[0] != 300_000_000 || d.TTLs[1] != 60_000_000 {
		t.Errorf("TTLs %v", d.TTLs)
	}
}

func TestErrorResponse(t *testing.T) {
	c := run(t, Spec, udpEp(40000, 53),
		step{0, dissect.FromOrig, wwwQuery(7)},
		step{5, dissect.FromResp, newMsg(7, 0x8183, 1, 0, 0, 0).name("www", "example", "com").u16(1, 1).b})
	if len(c.msgs) != 2 || !c.msgs[1].Error || c.msgs[0].Error {
		t.Fatalf("messages %+v", c.msgs)
	}
	d := c.kind(record.KindDNS)[0].(*record.DNS)
	if d.Rcode != 3 || d.RcodeName != "NXDOMAIN" || !d.Rejected || d.RTT != 5 {
		t.Errorf("record %+v", d)
	}
}

func TestOpcodes(t *testing.T) {
	for _, tc := range []struct {
		spec     *dissect.Spec
		flags    uint16
		code, fn string
	}{
		{Spec, 0x2800, "5", "update"},
		{Spec, 0x2000, "4", "notify"},
		{Spec, 0x0800, "1", "inverse query"},
		{Spec, 0x1800, "3", "unassigned"},
		{SpecNBNS, 0x2910, "5", "registration"},
		{SpecNBNS, 0x3000, "6", "release"},
		{SpecNBNS, 0x4800, "9", "refresh"},
	} {
		c := run(t, tc.spec, udpEp(137, 137), step{0, dissect.FromOrig, newMsg(1, tc.flags, 0, 0, 0, 0).b})
		if len(c.msgs) != 1 || c.msgs[0].Code != tc.code || c.msgs[0].Function != tc.fn {
			t.Errorf("flags %#04x: %+v, want code %s %s", tc.flags, c.msgs, tc.code, tc.fn)
		}
	}
}

func TestMalformed(t *testing.T) {
	c := run(t, Spec, udpEp(40000, 53), step{0, dissect.FromOrig, []byte{1, 2, 3, 4, 5}})
	if len(c.msgs) != 1 || c.msgs[0].Code != "malformed" || !c.msgs[0].Error || len(c.recs) != 0 {
		t.Fatalf("got %+v %v", c.msgs, c.recs)
	}
	// A truncated body still counts under its opcode; the record keeps what
	// could be read.
	q := wwwQuery(9)
	c = run(t, Spec, &dissect.Endpoints{Transport: dissect.UDP, RespH: netip.MustParseAddr("224.0.0.1")},
		step{0, dissect.FromOrig, q[:20]})
	if len(c.msgs) != 1 || c.msgs[0].Code != "0" || c.msgs[0].Error {
		t.Fatalf("truncated: %+v", c.msgs)
	}
	if d := c.kind(record.KindDNS)[0].(*record.DNS); d.Query != "" || d.TransID != 9 {
		t.Errorf("truncated record %+v", d)
	}
	// A compression loop ends at the pointer limit.
	loop := newMsg(3, 0x8000, 1, 1, 0, 0).name("a").u16(1, 1).ptr(29).u16(1, 1).u32(1).rdata([]byte{1, 2, 3, 4}).b
	loop = append(loop[:29], 0xc0, 29)
	c = run(t, Spec, udpEp(40000, 53), step{0, dissect.FromResp, loop})
	if len(c.msgs) != 1 || len(c.kind(record.KindDNS)) != 1 {
		t.Fatalf("loop: %+v", c.msgs)
	}
}

func TestTCPFraming(t *testing.T) {
	q, a := wwwQuery(0x55), wwwAnswer(0x55, 0)
	framed := func(m []byte) []byte { return append(binary.BigEndian.AppendUint16(nil, uint16(len(m))), m...) }
	ep := udpEp(40000, 53)
	ep.Transport = dissect.TCP
	fa := framed(a)
	// two queries in one segment (the second a retransmission), the answer
	// split over three segments
	c := run(t, Spec, ep,
		step{0, dissect.FromOrig, append(framed(q), framed(q)...)},
		step{10, dissect.FromResp, fa[:1]},
		step{11, dissect.FromResp, fa[1:20]},
		step{12, dissect.FromResp, fa[20:]})
	if len(c.msgs) != 3 {
		t.Fatalf("messages %d, want 3", len(c.msgs))
	}
	d := c.kind(record.KindDNS)
	if len(d) != 1 || d[0].(*record.DNS).RTT != 12 || d[0].(*record.DNS).Proto != "tcp" {
		t.Fatalf("records %+v", d)
	}
}

func TestUnansweredQueries(t *testing.T) {
	steps := []step{}
	for i := range maxPending + 1 {
		steps = append(steps, step{record.Micros(i), dissect.FromOrig, wwwQuery(uint16(i))})
	}
	c := run(t, Spec, udpEp(40000, 53), steps...)
	if n := len(c.kind(record.KindDNS)); n != 1 {
		t.Fatalf("full table wrote %d records, want 1 (the oldest)", n)
	}
	if d := c.kind(record.KindDNS)[0].(*record.DNS); d.TransID != 0 || d.ResponseSeen {
		t.Errorf("evicted %+v", d)
	}
	// a message after the timeout writes every expired query
	steps = append(steps, step{pendingTimeout + 100, dissect.FromOrig, wwwQuery(999)})
	c = run(t, Spec, udpEp(40000, 53), steps...)
	if n := len(c.kind(record.KindDNS)); n != maxPending+1 {
		t.Errorf("after timeout %d records, want %d", n, maxPending+1)
	}
}

func TestMDNSIdentity(t *testing.T) {
	ep := &dissect.Endpoints{Transport: dissect.UDP, OrigH: client, OrigP: 5353, RespP: 5353,
		RespH: netip.MustParseAddr("224.0.0.251"), OrigMAC: record.MAC{2, 0, 0, 0, 0, 10}, RespMAC: record.MAC{1, 0, 0x5e, 0, 0, 0xfb}}
	ann := newMsg(0, 0x8400, 0, 2, 0, 0).name("printer", "local").u16(typeA, 0x8001).u32(120).rdata(client.AsSlice()).
		ptr(12).u16(typeAAAA, 0x8001).u32(120).rdata(netip.MustParseAddr("fe80::1").AsSlice()).b
	c := run(t, SpecMDNS, ep, step{0, dissect.FromOrig, ann})
	if len(c.msgs) != 1 || c.msgs[0].Dir != dissect.Response || !c.msgs[0].Swap {
		t.Fatalf("messages %+v", c.msgs)
	}
	ids := c.kind(record.KindAssetID)
	if len(ids) != 2 {
		t.Fatalf("asset ids %d, want 2", len(ids))
	}
	a := ids[0].(*record.AssetID)
	if a.Name != "printer" || a.IP != client || a.MAC != ep.OrigMAC || a.Protocol != "mdns" || a.Message != "A record" {
		t.Errorf("A identity %+v", a)
	}
	if b := ids[1].(*record.AssetID); b.Name != "printer" || b.MAC != (record.MAC{}) || b.Message != "AAAA record" {
		t.Errorf("AAAA identity %+v", b)
	}
	d := c.kind(record.KindDNS)[0].(*record.DNS)
	if !d.AA || len(d.Answers) != 2 || d.Answers[1] != "fe80::1" || d.QuerySeen {
		t.Errorf("record %+v", d)
	}
}

// nbName encodes a NetBIOS name (RFC 1001 14.1) padded to 15 bytes.
func nbName(name string, suffix byte) string {
	raw := []byte(name + "               ")[:15]
	raw = append(raw, suffix)
	out := make([]byte, 0, 32)
	for _, c := range raw {
		out = append(out, 'A'+c>>4, 'A'+c&0xf)
	}
	return string(out)
}

func TestNBNSRegistration(t *testing.T) {
	ep := udpEp(137, 137)
	ep.RespH, ep.RespMAC = netip.MustParseAddr("192.168.1.255"), record.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
	reg := newMsg(0x8001, 0x2910, 1, 0, 0, 1).name(nbName("PLC-ENG", 0x20)).u16(typeNB, 1).
		ptr(12).u16(typeNB, 1).u32(300000).rdata([]byte{0, 0, 192, 168, 1, 10}).b
	c := run(t, SpecNBNS, ep, step{0, dissect.FromOrig, reg})
	n := c.kind(record.KindNBNS)
	if len(n) != 1 {
		t.Fatalf("nbns records %d", len(n))
	}
	r := n[0].(*record.NBNS)
	if r.Name != "PLC-ENG" || r.Suffix != "20" || r.ServiceType != "Server" || r.Group || r.TTL != 300000*1_000_000 ||
		r.Addr != client || !r.Broadcast || r.Op != "registration" {
		t.Errorf("nbns %+v", r)
	}
	ids := c.kind(record.KindAssetID)
	if len(ids) != 1 || ids[0].(*record.AssetID).Name != "PLC-ENG" || ids[0].(*record.AssetID).MAC != ep.OrigMAC {
		t.Errorf("identity %+v", ids)
	}
	d := c.kind(record.KindDNS)
	if len(d) != 1 || d[0].(*record.DNS).Query != "PLC-ENG<20>" || d[0].(*record.DNS).QTypeName != "NB" {
		t.Errorf("dns %+v", d)
	}
}

func TestDetect(t *testing.T) {
	if !detectDNS(dissect.FromOrig, wwwQuery(1)) || !detectDNS(dissect.FromResp, wwwAnswer(1, 0)) {
		t.Error("rejects DNS")
	}
	tcp := append([]byte{0, byte(len(wwwQuery(1)))}, wwwQuery(1)...)
	if !detectDNS(dissect.FromOrig, tcp) || !detectDNS(dissect.FromOrig, tcp[:20]) {
		t.Error("rejects DNS over TCP")
	}
	for _, p := range [][]byte{
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		[]byte("SSH-2.0-OpenSSH_8.9\r\n"),
		{0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0x11},
		{1, 2, 3},
		newMsg(1, 0x0100, 30, 0, 0, 0).b, // counts beyond the datagram
	} {
		if detectDNS(dissect.FromOrig, p) {
			t.Errorf("accepts %q", p)
		}
	}
	if detectNBNS(dissect.FromOrig, newMsg(1, 0x1000, 0, 0, 0, 0).b) {
		t.Error("NBNS accepts opcode 2")
	}
}

// A query whose flow ends without an answer is still reported, query-only,
// when the flow leaves the table.
func TestUnansweredQueryAtFlowEnd(t *testing.T) {
	c := run(t, Spec, udpEp(40000, 53), step{ts: 1_000_000, dir: dissect.FromOrig, data: wwwQuery(0x1234)})
	if len(c.recs) != 0 {
		t.Fatalf("query written before its flow ended: %+v", c.recs)
	}
	p := Spec.New()
	ctx := &dissect.Context{TS: 1_000_000, Dir: dissect.FromOrig, Ep: udpEp(40000, 53), Out: c}
	p.Parse(ctx, wwwQuery(0x1234))
	p.(dissect.Closer).Close(ctx)
	if len(c.recs) != 1 {
		t.Fatalf("records after close = %d, want 1", len(c.recs))
	}
	r := c.recs[0].(*record.DNS)
	if r.TransID != 0x1234 || r.Query != "www.example.com" || !r.QuerySeen || r.ResponseSeen {
		t.Fatalf("record %+v", r)
	}
}

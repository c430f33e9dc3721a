package tcpfp

import (
	"encoding/binary"
	"testing"

	"github.com/otsight/otsight/internal/decode"
)

// segment describes a synthetic TCP segment for the extraction tests.
type segment struct {
	v6            bool
	ttl, tos      uint8
	ipFlags       uint8 // IPv4 flags: 4 reserved, 2 DF, 1 MF
	id            uint16
	flow          uint32
	ipOpts        []byte
	flags         uint8
	nsBit         bool
	seq, ack      uint32
	win, urg      uint16
	opts, payload []byte
}

// frame builds a raw-IP frame (LinkIPv4 / LinkIPv6) from seg.
func (s segment) frame() ([]byte, decode.LinkType) {
	for len(s.opts)%4 != 0 {
		panic("options must be padded to 4 bytes")
	}
	tcp := make([]byte, 20, 20+len(s.opts)+len(s.payload))
	binary.BigEndian.PutUint16(tcp[0:], 40000)
	binary.BigEndian.PutUint16(tcp[2:], 502)
	binary.BigEndian.PutUint32(tcp[4:], s.seq)
	binary.BigEndian.PutUint32(tcp[8:], s.ack)
	tcp[12] = byte((20+len(s.opts))/4) << 4
	if s.nsBit {
		tcp[12] |= 1
	}
	tcp[13] = s.flags
	binary.BigEndian.PutUint16(tcp[14:], s.win)
	binary.BigEndian.PutUint16(tcp[18:], s.urg)
	tcp = append(append(tcp, s.opts...), s.payload...)
	if s.v6 {
		ip := make([]byte, 40)
		binary.BigEndian.PutUint32(ip, 6<<28|uint32(s.tos)<<20|s.flow)
		binary.BigEndian.PutUint16(ip[4:], uint16(len(tcp)))
		ip[6], ip[7] = 6, s.ttl
		ip[23], ip[39] = 1, 2
		return append(ip, tcp...), decode.LinkIPv6
	}
	hl := 20 + len(s.ipOpts)
	ip := make([]byte, hl)
	ip[0] = 0x40 | byte(hl/4)
	ip[1] = s.tos
	binary.BigEndian.PutUint16(ip[2:], uint16(hl+len(tcp)))
	binary.BigEndian.PutUint16(ip[4:], s.id)
	ip[6] = s.ipFlags << 5
	ip[8], ip[9] = s.ttl, 6
	copy(ip[12:], []byte{10, 0, 0, 1, 10, 0, 0, 2})
	copy(ip[20:], s.ipOpts)
	return append(ip, tcp...), decode.LinkIPv4
}

func decodeSeg(t testing.TB, s segment) *decode.Packet {
	t.Helper()
	data, link := s.frame()
	cfg := decode.DefaultConfig()
	cfg.DedupWindow = 0
	p, st := decode.NewDecoder(cfg).Decode(data, link, 1, len(data))
	if st != decode.OK {
		t.Fatalf("decode: %v", st)
	}
	return p
}

// TCP option encodings.
var (
	oMSS1460 = []byte{2, 4, 0x05, 0xb4}
	oSOK     = []byte{4, 2}
	oNOP     = []byte{1}
	oWS7     = []byte{3, 3, 7}
)

func tsOpt(ts1, ts2 uint32) []byte {
	b := []byte{8, 10, 0, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[2:], ts1)
	binary.BigEndian.PutUint32(b[6:], ts2)
	return b
}

func cat(parts ...[]byte) []byte {
	var b []byte
	for _, p := range parts {
		b = append(b, p...)
	}
	return b
}

func TestExtract(t *testing.T) {
	syn := decode.TCPSyn
	synAck := decode.TCPSyn | decode.TCPAck
	linux := cat(oMSS1460, oSOK, tsOpt(7, 0), oNOP, oWS7)
	cases := []struct {
		name   string
		seg    segment
		synMSS uint16
		want   string
	}{
		{"linux 5 SYN", segment{ttl: 64, ipFlags: 2, id: 9, flags: syn, seq: 1, win: 64240, opts: linux},
			0, "4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0"},
		{"MSS-12 with timestamps", segment{ttl: 60, ipFlags: 2, flags: synAck, seq: 1, ack: 1, win: 65160, opts: linux},
			0, "4:60+4:0:1460:mss*45,7:mss,sok,ts,nop,ws:df:0"},
		{"peer MSS on SYN+ACK", segment{ttl: 255, flags: synAck, seq: 1, ack: 1, id: 1, win: 5360, opts: oMSS1460[:4]},
			1340, "4:255+0:0:1460:mss*4,0:mss::0"},
		{"MTU multiple", segment{ttl: 128, ipFlags: 2, id: 1, flags: syn, seq: 1, win: 65535, opts: []byte{2, 4, 0xff, 0xd7}},
			0, "4:128+0:0:65495:mtu*1,0:mss:df,id+:0"},
		{"sendsyn echo", segment{ttl: 64, flags: synAck, seq: 1, ack: 1, id: 3, win: 1337, opts: []byte{2, 4, 0x05, 0x33}},
			0, "4:64+0:0:*:1337,0:mss::0"},
		{"IP quirks, distance unknown", segment{ttl: 200, tos: 1, ipFlags: 4, ipOpts: []byte{1, 1, 1, 0}, flags: syn | decode.TCPPsh | decode.TCPEce,
			ack: 5, urg: 1, win: 1024, payload: []byte("x")},
			0, "4:200+?:4:0:1024,0::id-,ecn,0+,seq-,ack+,uptr+,pushf+:+"},
		{"URG flag, ACK zero, NS bit", segment{ttl: 30, ipFlags: 2, flags: synAck | decode.TCPUrg, nsBit: true, seq: 5, win: 8192},
			0, "4:30+2:0:0:8192,0::df,ecn,ack-,urgf+:0"},
		{"timestamp quirks, scale 15", segment{ttl: 64, ipFlags: 2, flags: syn, seq: 1, win: 100,
			opts: cat(oMSS1460, oNOP, []byte{3, 3, 15}, tsOpt(0, 4), []byte{0, 0})},
			0, "4:64+0:0:1460:100,15:mss,nop,ws,ts,eol+1:df,ts1-,ts2+,exws:0"},
		{"ts2 on SYN+ACK is normal", segment{ttl: 64, ipFlags: 2, flags: synAck, seq: 1, ack: 1, win: 100, opts: cat(tsOpt(9, 4), []byte{1, 1})},
			0, "4:64+0:0:0:100,0:ts,nop,nop:df:0"},
		{"non-zero after EOL", segment{ttl: 64, flags: syn, seq: 1, id: 1, win: 100, opts: []byte{2, 4, 5, 0xb4, 0, 7, 0, 0}},
			0, "4:64+0:0:1460:100,0:mss,eol+3:opt+:0"},
		{"non-zero last byte after EOL goes unseen, as in p0f", segment{ttl: 64, flags: syn, seq: 1, id: 1, win: 100, opts: []byte{2, 4, 5, 0xb4, 0, 0, 0, 7}},
			0, "4:64+0:0:1460:100,0:mss,eol+3::0"},
		{"truncated MSS is bad", segment{ttl: 64, flags: syn, seq: 1, id: 1, win: 100, opts: []byte{1, 1, 2, 4}},
			0, "4:64+0:0:0:100,0:nop,nop,mss:bad:0"},
		{"wrong option length is bad", segment{ttl: 64, flags: syn, seq: 1, id: 1, win: 100, opts: []byte{4, 3, 1, 1}},
			0, "4:64+0:0:0:100,0:sok,nop,nop:bad:0"},
		{"unknown option", segment{ttl: 64, flags: syn, seq: 1, id: 1, win: 100, opts: []byte{30, 4, 0, 0}},
			0, "4:64+0:0:0:100,0:?30::0"},
		{"IPv6 flow label and ECN", segment{v6: true, ttl: 64, tos: 2, flow: 0x12345, flags: syn, seq: 1, win: 65535, opts: cat(oMSS1460, oSOK, tsOpt(1, 0), oNOP, oWS7)},
			0, "6:64+0:0:1460:65535,7:mss,sok,ts,nop,ws:ecn,flow:0"},
	}
	for _, c := range cases {
		p := decodeSeg(t, c.seg)
		s, ok := Extract(p, c.synMSS)
		if !ok {
			t.Errorf("%s: not extracted", c.name)
			continue
		}
		if got := s.String(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, got, c.want)
		}
	}
}

func TestExtractRejects(t *testing.T) {
	for _, c := range []struct {
		name string
		seg  segment
	}{
		{"plain ACK", segment{ttl: 64, flags: decode.TCPAck, seq: 1, win: 1}},
		{"SYN+RST", segment{ttl: 64, flags: decode.TCPSyn | decode.TCPRst, seq: 1, win: 1}},
		{"SYN+FIN", segment{ttl: 64, flags: decode.TCPSyn | decode.TCPFin, seq: 1, win: 1}},
	} {
		if _, ok := Extract(decodeSeg(t, c.seg), 0); ok {
			t.Errorf("%s: extracted", c.name)
		}
	}
}

// A signature written back as a file entry matches its own packet exactly.
func TestSignatureMatchesItself(t *testing.T) {
	p := decodeSeg(t, segment{ttl: 57, ipFlags: 2, id: 9, flags: decode.TCPSyn, seq: 1, win: 64240,
		opts: cat(oMSS1460, oSOK, tsOpt(7, 0), oNOP, oWS7)})
	s, _ := Extract(p, 0)
	set, err := Parse("self", []byte("[tcp:request]\nlabel = s:unix:Self:\nsig = "+s.String()+"\n"), "t")
	if err != nil {
		t.Fatal(err)
	}
	m := set.Match(&s)
	if m.Label() == nil || m.Fuzzy || m.Dist != 7 {
		t.Errorf("match %+v", m)
	}
}

// p0f's tolerances: df/id+ may vanish and id-/ecn appear (fuzzy); a TTL
// above the entry's or more than 35 below is fuzzy; a g: label loses to a
// later s: one; a fuzzy application match is no match.
func TestMatchSemantics(t *testing.T) {
	const fp = `[tcp:request]
label = g:unix:Generic:
sig = *:64:0:*:*,*:mss:df,id+:0
label = s:unix:Specific:
sig = *:64:0:1460:8192,0:mss:df,id+:0
label = s:!:Tool:
sig = *:255-:0:1460:1024,0:mss:df,id+:0
`
	set, err := Parse("sem", []byte(fp), "t")
	if err != nil {
		t.Fatal(err)
	}
	mss := []byte{2, 4, 5, 0xb4}
	for _, c := range []struct {
		name  string
		seg   segment
		want  string
		fuzzy bool
		dist  uint8
	}{
		{"specific beats earlier generic", segment{ttl: 60, ipFlags: 2, id: 1, flags: decode.TCPSyn, seq: 1, win: 8192, opts: mss}, "Specific", false, 4},
		{"generic when nothing specific", segment{ttl: 60, ipFlags: 2, id: 1, flags: decode.TCPSyn, seq: 1, win: 4096, opts: mss}, "Generic", false, 4},
		{"df vanished: fuzzy", segment{ttl: 64, id: 1, flags: decode.TCPSyn, seq: 1, win: 8192, opts: mss}, "Generic", true, 0},
		{"TTL too far: first fuzzy in file order", segment{ttl: 20, ipFlags: 2, id: 1, flags: decode.TCPSyn, seq: 1, win: 8192, opts: mss}, "Generic", true, 12},
		{"extra seq- quirk: no match", segment{ttl: 64, ipFlags: 2, id: 1, flags: decode.TCPSyn, win: 8192, opts: mss}, "", false, 0},
		{"random-TTL tool", segment{ttl: 240, ipFlags: 2, id: 1, flags: decode.TCPSyn, seq: 1, win: 1024, opts: mss}, "Tool", false, 15},
	} {
		s, _ := Extract(decodeSeg(t, c.seg), 0)
		m := set.Match(&s)
		got := ""
		if l := m.Label(); l != nil {
			got = l.Name
		}
		if got != c.want || m.Fuzzy != c.fuzzy || m.Dist != c.dist {
			t.Errorf("%s: got %q fuzzy=%v dist=%d, want %q fuzzy=%v dist=%d", c.name, got, m.Fuzzy, m.Dist, c.want, c.fuzzy, c.dist)
		}
	}
}

package smb

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

// Hand-made messages follow [MS-SMB2] 2.2 and [MS-CIFS] 2.2 (header and
// body layouts) and RFC 1002 4.3 (NBSS framing).

var ep = &dissect.Endpoints{Transport: dissect.TCP, OrigH: netip.MustParseAddr("10.0.0.1"), OrigP: 50000,
	RespH: netip.MustParseAddr("10.0.0.2"), RespP: 445, OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}}

// nb frames an SMB message in an NBSS session message.
func nb(parts ...[]byte) []byte {
	msg := bytes.Join(parts, nil)
	return append([]byte{0, byte(len(msg) >> 16), byte(len(msg) >> 8), byte(len(msg))}, msg...)
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

// hdr2 is an SMB2 sync header.
func hdr2(cmd uint16, resp bool, status uint32, id uint64, next uint32) []byte {
	h := make([]byte, 64)
	copy(h, "\xfeSMB")
	binary.LittleEndian.PutUint16(h[4:], 64)
	binary.LittleEndian.PutUint32(h[8:], status)
	binary.LittleEndian.PutUint16(h[12:], cmd)
	if resp {
		h[16] = 1
	}
	binary.LittleEndian.PutUint32(h[20:], next)
	binary.LittleEndian.PutUint64(h[24:], id)
	return h
}

// hdr1 is an SMB1 header with NT status and, when unicode, Unicode strings.
func hdr1(cmd byte, resp, unicode bool, status uint32, mid uint16) []byte {
	h := make([]byte, 32)
	copy(h, "\xffSMB")
	h[4] = cmd
	binary.LittleEndian.PutUint32(h[5:], status)
	if resp {
		h[9] = smb1FlagReply
	}
	f2 := uint16(smb1Flags2NTStatus)
	if unicode {
		f2 |= smb1Flags2Unicode
	}
	binary.LittleEndian.PutUint16(h[10:], f2)
	binary.LittleEndian.PutUint16(h[30:], mid)
	return h
}

func u16z(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return append(b, 0, 0)
}

// run feeds the chunks to one parser, closes it and returns what it
// reported with its smb records.
func run(chunks ...dissecttest.Chunk) (*dissecttest.Collector, []*record.SMB) {
	var rs []*record.SMB
	p := Spec.New()
	c := &dissecttest.Collector{}
	for _, ch := range chunks {
		p.Parse(&dissect.Context{TS: 1, Dir: ch.Dir, Ep: ep, Out: c}, ch.Data)
	}
	p.(dissect.Closer).Close(&dissect.Context{TS: 2, Ep: ep, Out: c})
	for _, r := range c.Recs {
		if s, ok := r.(*record.SMB); ok {
			rs = append(rs, s)
		}
	}
	return c, rs
}

func codes(c *dissecttest.Collector) string {
	var s []string
	for _, m := range c.Msgs {
		x := m.Protocol + ":" + m.Code
		if m.Dir == dissect.Response {
			x += "r"
		}
		if m.Error {
			x += "!"
		}
		if m.Swap {
			x += "~"
		}
		s = append(s, x)
	}
	return strings.Join(s, " ")
}

func TestSMB2NegotiateCompoundAndErrors(t *testing.T) {
	// NEGOTIATE request offering five dialects, response choosing 3.1.1
	negReq := append(append(le16(36), le16(5)...), make([]byte, 32)...)
	for _, d := range []uint16{0x0202, 0x0210, 0x0300, 0x0302, 0x0311} {
		negReq = append(negReq, le16(d)...)
	}
	negResp := append(append(le16(65), le16(1)...), le16(0x0311)...)
	negResp = append(negResp, make([]byte, 58)...)
	// a compound: CREATE (padded to 8 bytes) then READ, both in one NBSS
	// message; the responses: access denied, then a more-processing status
	create := append(hdr2(5, false, 0, 2, 64+8), make([]byte, 8)...)
	read := append(hdr2(8, false, 0, 3, 0), make([]byte, 48)...)
	c, rs := run(dissecttest.Req(nb(hdr2(0, false, 0, 1, 0), negReq)...),
		dissecttest.Resp(nb(hdr2(0, true, 0, 1, 0), negResp)...),
		dissecttest.Req(nb(create, read)...),
		dissecttest.Resp(nb(hdr2(5, true, 0xc0000022, 2, 0), make([]byte, 9))...),
		dissecttest.Resp(nb(hdr2(1, true, statusMoreProcessing, 4, 0), make([]byte, 9))...),
		dissecttest.Req(nb(hdr2(0x99, false, 0, 5, 0))...),
		dissecttest.Req(nb(hdr2(0x1234, false, 0, 6, 0))...),
		dissecttest.Req(nb([]byte("\xfeSMB"))...))
	want := "smb2:0x0000 smb2:0x0000r smb2:0x0005 smb2:0x0008 smb2:0x0005r! smb2:0x0001r smb2:0x0099 " +
		"smb2:malformed! smb2:malformed!"
	if got := codes(c); got != want {
		t.Errorf("messages\n%s\nwant\n%s", got, want)
	}
	if c.Msgs[6].Function != "UNKNOWN" || c.Msgs[2].Function != "CREATE" {
		t.Errorf("functions %q %q", c.Msgs[6].Function, c.Msgs[2].Function)
	}
	// the negotiate, and the session setup left open at Close
	if len(rs) != 2 || strings.Join(rs[0].Dialects, ",") != "2.0.2,2.1,3.0,3.0.2,3.1.1" || rs[0].Dialect != "3.1.1" ||
		rs[1].Action != record.SMBSessionSetup || rs[1].ResponseSeen {
		t.Errorf("records %+v", rs)
	}
}

func TestSMB1SessionSetupUnicode(t *testing.T) {
	// SESSION_SETUP_ANDX without extended security (13 words): the bytes
	// start at 32+1+26+2 = 61; after a 2-byte OEM password and an empty
	// Unicode one the strings would start at the odd offset 63, so a pad
	// byte precedes them.
	words := make([]byte, 26)
	words[0] = 0xff
	binary.LittleEndian.PutUint16(words[14:], 2)
	data := append([]byte{'p', 'w', 0}, u16z("alice")...)
	data = append(data, u16z("CORP")...)
	data = append(data, u16z("Unix")...)
	data = append(data, u16z("Samba 4.15.13")...)
	req := append(append(append(hdr1(smb1SessionSetup, false, true, 0, 7), 13), words...), le16(uint16(len(data)))...)
	req = append(req, data...)
	// response, 3 words: NativeOS, NativeLanMan, PrimaryDomain, after a pad
	// byte (32+1+6+2 = 41 is odd)
	rwords := []byte{0xff, 0, 0, 0, 0, 0}
	rdata := append([]byte{0}, u16z("Windows 5.0")...)
	rdata = append(rdata, u16z("Windows 2000 LAN Manager")...)
	resp := append(append(append(hdr1(smb1SessionSetup, true, true, 0xc000006d, 7), 3), rwords...), le16(uint16(len(rdata)))...)
	resp = append(resp, rdata...)
	c, rs := run(dissecttest.Req(nb(req)...), dissecttest.Resp(nb(resp)...))
	if got := codes(c); got != "smb:0x73 smb:0x73r!" {
		t.Errorf("messages %s", got)
	}
	if len(rs) != 1 {
		t.Fatalf("records %+v", rs)
	}
	r := rs[0]
	if r.UserName != "alice" || r.DomainName != "CORP" || r.ClientNativeOS != "Unix" || r.ClientNativeLanMan != "Samba 4.15.13" ||
		r.ServerNativeOS != "Windows 5.0" || r.ServerNativeLanMan != "Windows 2000 LAN Manager" || r.Status != 0xc000006d ||
		r.Version != "SMB1" || !r.ResponseSeen {
		t.Errorf("record %+v", r)
	}
}

func TestNTLMNegotiateVersion(t *testing.T) {
	// NEGOTIATE ([MS-NLMP] 2.2.1.1) with NTLMSSP_NEGOTIATE_VERSION and the
	// version of Windows 10 2004 (10.0 build 19041, revision 15), inside a
	// few bytes of SPNEGO framing
	m := append([]byte("\x60\x48\x06\x06NTLMSSP\x00"), le32(1)...)
	m = append(m, le32(flagVersion|flagUnicode)...)
	m = append(m, make([]byte, 16)...) // empty domain and workstation
	m = append(m, 10, 0, 0x61, 0x4a, 0, 0, 0, 15)
	var r record.SMB
	ntlm(m, &r)
	if r.ClientNTLMVersion != "10.0.19041" {
		t.Errorf("version %q", r.ClientNTLMVersion)
	}
	// without the flag the field is not read
	binary.LittleEndian.PutUint32(m[4+12:], flagUnicode)
	r = record.SMB{}
	ntlm(m, &r)
	if r.ClientNTLMVersion != "" {
		t.Errorf("version without flag %q", r.ClientNTLMVersion)
	}
}

func TestFraming(t *testing.T) {
	// NBSS session request, positive response and keepalive are no
	// messages; an NBSS message without an SMB header is malformed
	sessReq := append([]byte{0x81, 0, 0, 68, 0x20}, bytes.Repeat([]byte{'A'}, 67)...)
	c, _ := run(dissecttest.Req(sessReq...), dissecttest.Resp(0x82, 0, 0, 0), dissecttest.Req(0x85, 0, 0, 0),
		dissecttest.Req(nb([]byte("not smb at all"))...))
	if got := codes(c); got != "smb:malformed!" {
		t.Errorf("messages %s", got)
	}

	// a 100 KiB READ response in 1000-byte segments, then an ECHO: the
	// prefix is parsed, the rest skipped without buffering
	big := nb(hdr2(8, true, 0, 9, 0), make([]byte, 100<<10))
	var chunks []dissecttest.Chunk
	for len(big) > 0 {
		n := min(1000, len(big))
		chunks = append(chunks, dissecttest.Resp(big[:n]...))
		big = big[n:]
	}
	chunks = append(chunks, dissecttest.Resp(nb(hdr2(13, true, 0, 10, 0), make([]byte, 4))...))
	p := Spec.New().(*parser)
	out := &dissecttest.Collector{}
	for _, ch := range chunks {
		p.Parse(&dissect.Context{Dir: ch.Dir, Ep: ep, Out: out}, ch.Data)
		if cap(p.fr[1].buf) > 2*maxPrefix {
			t.Fatalf("buffered %d bytes", cap(p.fr[1].buf))
		}
	}
	if got := codes(out); got != "smb2:0x0008r smb2:0x000dr" {
		t.Errorf("messages %s", got)
	}
}

func TestGap(t *testing.T) {
	p := Spec.New()
	out := &dissecttest.Collector{}
	ctx := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: out}
	read := nb(hdr2(8, true, 0, 9, 0), make([]byte, 64<<10))
	// lost bytes inside skipped READ data: the next message is found
	p.Parse(ctx, read[:20000])
	p.(dissect.GapParser).Gap(ctx, 30000)
	p.Parse(ctx, read[50000:])
	// lost bytes inside a header: the direction waits for a segment that
	// starts a message, skipping the one that does not
	echo := nb(hdr2(13, true, 0, 10, 0), make([]byte, 4))
	p.Parse(ctx, echo[:10])
	p.(dissect.GapParser).Gap(ctx, 30)
	p.Parse(ctx, echo[40:])
	p.Parse(ctx, echo)
	if got := codes(out); got != "smb2:0x0008r smb2:0x000dr" {
		t.Errorf("messages %s", got)
	}
}

func TestDetect(t *testing.T) {
	sessReq := append([]byte{0x81, 0, 0, 68, 0x20}, bytes.Repeat([]byte{'A'}, 67)...)
	for _, tc := range []struct {
		name string
		p    []byte
		want bool
	}{
		{"session request", sessReq, true},
		{"smb1", nb(hdr1(smb1Negotiate, false, false, 0, 1)), true},
		{"smb2", nb(hdr2(0, false, 0, 0, 0)), true},
		{"smb3 encrypted", nb([]byte("\xfdSMB"), make([]byte, 48)), true},
		{"keepalive alone", []byte{0x85, 0, 0, 0}, false},
		{"nbss without smb", nb([]byte("hello world")), false},
		{"http", []byte("GET / HTTP/1.1\r\n\r\n"), false},
		{"tls", []byte("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"), false},
		{"tpkt", []byte("\x03\x00\x00\x16\x11\xe0\x00\x00"), false},
		{"short", []byte{0}, false},
	} {
		if got := Detect(dissect.FromOrig, tc.p); got != tc.want {
			t.Errorf("%s: Detect = %v", tc.name, got)
		}
	}
}

// TestMessageAllocs checks that commands that make no record (the bulk of
// SMB traffic) cost no allocation.
func TestMessageAllocs(t *testing.T) {
	p := Spec.New()
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: &dissecttest.Counter{}}
	msg := nb(hdr2(8, false, 0, 3, 0), make([]byte, 48))
	p.Parse(ctx, msg)
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, msg) }); n != 0 {
		t.Errorf("%v allocations per READ request", n)
	}
}

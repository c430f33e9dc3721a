package tls

import (
	cryptotls "crypto/tls"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

var ep = &dissect.Endpoints{Transport: dissect.TCP, OrigH: netip.MustParseAddr("10.0.0.5"), OrigP: 50000,
	RespH: netip.MustParseAddr("10.0.0.10"), RespP: 443}

// configs12 pins a TLS 1.2 handshake: the client also offers 1.3 (so it
// sends supported_versions), the server only speaks 1.2.
func configs12(t testing.TB) (client, server *cryptotls.Config) {
	client = &cryptotls.Config{InsecureSkipVerify: true, ServerName: "plc1.plant.example",
		NextProtos: []string{"h2", "http/1.1"}, MaxVersion: cryptotls.VersionTLS13,
		CipherSuites: []uint16{cryptotls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, cryptotls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}}
	server = &cryptotls.Config{Certificates: []cryptotls.Certificate{testCert(t)}, MaxVersion: cryptotls.VersionTLS12,
		NextProtos: []string{"http/1.1"}, SessionTicketsDisabled: true}
	return client, server
}

// codes lists the messages as "dir:code".
func codes(c *dissecttest.Collector) []string {
	var out []string
	for _, m := range c.Msgs {
		d := "c:"
		if m.Dir == dissect.Response {
			d = "s:"
		}
		out = append(out, d+m.Code)
	}
	return out
}

func onlyTLS(t *testing.T, c *dissecttest.Collector) *record.TLS {
	t.Helper()
	if len(c.Recs) != 1 {
		t.Fatalf("records %d, want 1: %+v", len(c.Recs), c.Recs)
	}
	return c.Recs[0].(*record.TLS)
}

func TestTLS12Handshake(t *testing.T) {
	client, server := configs12(t)
	chunks := handshake(t, client, server)
	// Split the same bytes into 1-byte segments: records and handshake
	// messages then span segments everywhere.
	var bytewise []dissecttest.Chunk
	for _, ch := range chunks {
		for _, b := range ch.Data {
			bytewise = append(bytewise, dissecttest.Chunk{Dir: ch.Dir, Data: []byte{b}})
		}
	}
	for name, in := range map[string][]dissecttest.Chunk{"segments": chunks, "bytewise": bytewise} {
		c := dissecttest.Feed(Spec, ep, in...)
		// ClientHello; ServerHello, Certificate, ServerKeyExchange,
		// ServerHelloDone; ClientKeyExchange; both Finished are encrypted.
		if want := []string{"c:1", "s:2", "s:11", "s:12", "s:14", "c:16"}; !slices.Equal(codes(c), want) {
			t.Errorf("%s: messages %v, want %v", name, codes(c), want)
		}
		if c.Msgs[0].Function != "client_hello" || c.Msgs[4].Function != "server_hello_done" {
			t.Errorf("%s: functions %+v", name, c.Msgs)
		}
		r := onlyTLS(t, c)
		want := record.TLS{
			TS: 1, OrigH: ep.OrigH, OrigP: 50000, RespH: ep.RespH, RespP: 443,
			Version: "TLSv12", Cipher: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
			ServerName: "plc1.plant.example", NextProtocol: "http/1.1",
			ClientVersion: "TLSv12", ClientVersions: []string{"TLSv13", "TLSv12"},
			// the two pinned suites plus the three TLS 1.3 suites Go always offers with 1.3
			ClientCiphers: 5, ClientALPN: []string{"h2", "http/1.1"},
			CertChainLen: 1, Subject: "CN=plc1.plant.example,O=Acme Automation,C=DE",
			Issuer: "CN=plc1.plant.example,O=Acme Automation,C=DE", Serial: "1234ABCD",
			NotValidBefore: record.Micros(notBefore.UnixMicro()), NotValidAfter: record.Micros(notAfter.UnixMicro()),
			SANDNS:          []string{"plc1.plant.example", "plc1"},
			ClientHelloSeen: true, ServerHelloSeen: true,
		}
		// The JA3 of Go's hello is checked for form only: the real
		// capture's is compared with tshark's in golden_test.go.
		if len(r.JA3) != 32 {
			t.Errorf("%s: ja3 %q", name, r.JA3)
		}
		want.JA3 = r.JA3
		if !equalTLS(r, &want) {
			t.Errorf("%s: record\n got %+v\nwant %+v", name, *r, want)
		}
	}
}

func equalTLS(a, b *record.TLS) bool {
	x, y := *a, *b
	if !slices.Equal(x.ClientVersions, y.ClientVersions) || !slices.Equal(x.ClientALPN, y.ClientALPN) || !slices.Equal(x.SANDNS, y.SANDNS) {
		return false
	}
	x.ClientVersions, x.ClientALPN, x.SANDNS = nil, nil, nil
	y.ClientVersions, y.ClientALPN, y.SANDNS = nil, nil, nil
	return reflect.DeepEqual(x, y)
}

func TestTLS13Handshake(t *testing.T) {
	client := &cryptotls.Config{InsecureSkipVerify: true, ServerName: "hmi.example"}
	server := &cryptotls.Config{Certificates: []cryptotls.Certificate{testCert(t)}}
	c := dissecttest.Feed(Spec, ep, handshake(t, client, server)...)
	// Everything after the ServerHello is encrypted (a ChangeCipherSpec
	// for middlebox compatibility, then application data records).
	if want := []string{"c:1", "s:2"}; !slices.Equal(codes(c), want) {
		t.Errorf("messages %v, want %v", codes(c), want)
	}
	r := onlyTLS(t, c)
	if r.Version != "TLSv13" || r.Cipher != "TLS_AES_128_GCM_SHA256" || r.ServerName != "hmi.example" ||
		r.ClientVersion != "TLSv12" || r.Subject != "" || r.CertChainLen != 0 {
		t.Errorf("record %+v", *r)
	}
}

func TestHelloRetryRequest(t *testing.T) {
	// The client's key share is X25519 (and hybrids), the server accepts
	// only P-256: it answers with a HelloRetryRequest, then a dummy
	// ChangeCipherSpec, and the client sends a second ClientHello.
	client := &cryptotls.Config{InsecureSkipVerify: true, ServerName: "hmi.example"}
	server := &cryptotls.Config{Certificates: []cryptotls.Certificate{testCert(t)},
		CurvePreferences: []cryptotls.CurveID{cryptotls.CurveP256}}
	c := dissecttest.Feed(Spec, ep, handshake(t, client, server)...)
	if want := []string{"c:1", "s:2", "c:1", "s:2"}; !slices.Equal(codes(c), want) {
		t.Errorf("messages %v, want %v", codes(c), want)
	}
	if r := onlyTLS(t, c); r.Version != "TLSv13" || r.ServerName != "hmi.example" {
		t.Errorf("record %+v", *r)
	}
}

// hello is a minimal ClientHello record (TLS 1.2, one suite, SNI "a.b").
var hello = []byte{
	0x16, 0x03, 0x01, 0x00, 0x3b, // record: handshake, 3.1, 59 bytes
	0x01, 0x00, 0x00, 0x37, // client_hello, 55 bytes
	0x03, 0x03, // client version 1.2
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // random
	0x00,                   // no session id
	0x00, 0x02, 0x00, 0x2f, // one suite
	0x01, 0x00, // null compression
	0x00, 0x0c, // extensions, 12 bytes
	0x00, 0x00, 0x00, 0x08, 0x00, 0x06, 0x00, 0x00, 0x03, 'a', '.', 'b', // server_name
}

func TestHandshakeAcrossRecords(t *testing.T) {
	// The same ClientHello cut into two records, 20 and 39 bytes.
	body := hello[5:]
	split := append([]byte{0x16, 0x03, 0x01, 0x00, 20}, body[:20]...)
	split = append(split, 0x16, 0x03, 0x01, 0x00, byte(len(body)-20))
	split = append(split, body[20:]...)
	for _, in := range [][]byte{hello, split} {
		c := dissecttest.Feed(Spec, ep, dissecttest.Req(in...))
		if len(c.Msgs) != 1 || c.Msgs[0].Code != "1" || c.Msgs[0].Dir != dissect.Request {
			t.Fatalf("messages %+v", c.Msgs)
		}
		p := Spec.New()
		p.Parse(&dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: c}, in)
		p.(dissect.Closer).Close(&dissect.Context{TS: 9, Ep: ep, Out: c})
		r := c.Recs[0].(*record.TLS)
		if r.ServerName != "a.b" || r.ClientCiphers != 1 || r.ClientVersion != "TLSv12" || !r.ClientHelloSeen || r.ServerHelloSeen {
			t.Errorf("record %+v", *r)
		}
	}
}

func TestAlerts(t *testing.T) {
	c := dissecttest.Feed(Spec, ep,
		dissecttest.Req(hello...),
		dissecttest.Resp(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28), // fatal handshake_failure
		dissecttest.Req(0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00),  // warning close_notify
		// an encrypted alert: 26 bytes of ciphertext
		dissecttest.Req(append([]byte{0x15, 0x03, 0x03, 0x00, 26}, make([]byte, 26)...)...),
	)
	if len(c.Msgs) != 3 {
		t.Fatalf("messages %+v", c.Msgs)
	}
	if m := c.Msgs[1]; m.Code != "alert" || m.Function != "handshake_failure" || !m.Error || m.Dir != dissect.Response {
		t.Errorf("fatal alert %+v", m)
	}
	if m := c.Msgs[2]; m.Code != "alert" || m.Function != "close_notify" || m.Error {
		t.Errorf("warning alert %+v", m)
	}
}

func TestMalformed(t *testing.T) {
	// A handshake header claiming 16 MiB stops handshake parsing in that
	// direction; a record with a bad version desyncs the stream.
	c := dissecttest.Feed(Spec, ep,
		dissecttest.Req(0x16, 0x03, 0x03, 0x00, 0x04, 0x01, 0xff, 0xff, 0xff),
		dissecttest.Req(hello...),
		dissecttest.Resp(0x16, 0x09, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00),
	)
	if len(c.Msgs) != 0 || len(c.Recs) != 0 {
		t.Errorf("messages %+v records %+v", c.Msgs, c.Recs)
	}
	// A truncated hello is counted but yields no fields.
	c = dissecttest.Feed(Spec, ep, dissecttest.Req(0x16, 0x03, 0x01, 0x00, 0x06, 0x01, 0x00, 0x00, 0x02, 0x03, 0x03))
	if len(c.Msgs) != 1 {
		t.Errorf("messages %+v", c.Msgs)
	}
}

func TestDetect(t *testing.T) {
	client, server := configs12(t)
	chunks := handshake(t, client, server)
	for _, p := range [][]byte{hello, chunks[0].Data, chunks[1].Data} {
		if !Detect(dissect.FromOrig, p) {
			t.Errorf("rejects % x", p[:min(len(p), 12)])
		}
	}
	for _, s := range []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n", "SSH-2.0-OpenSSH_9.6\r\n", "220 ftp ready\r\n",
		"\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x01",     // Modbus read holding registers
		"\x17\x03\x03\x00\x20xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", // application data, mid-stream
		"\x16\x03\x03\x00\x04\x0b\x00\x00\x00\x03\x03",         // a handshake, but not a hello
		"\x16\x03\x01",
	} {
		if Detect(dissect.FromOrig, []byte(s)) {
			t.Errorf("accepts %q", s)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	// After the record is written, a renegotiation-free stream of alerts and
	// handshake messages must not allocate.
	p := Spec.New()
	ctx := &dissect.Context{Dir: dissect.FromResp, Ep: ep, Out: dissecttest.Nop{}}
	done := []byte{0x16, 0x03, 0x03, 0x00, 0x04, 0x0e, 0x00, 0x00, 0x00} // server_hello_done
	p.Parse(ctx, done)
	alert := []byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00}
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, done); p.Parse(ctx, alert) }); n != 0 {
		t.Errorf("allocs per run %v, want 0", n)
	}
}

package ssh

import (
	"slices"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

var ep = &dissect.Endpoints{Transport: dissect.TCP, OrigP: 50000, RespP: 22}

// pkt builds a clear-text binary packet (RFC 4253 §6) with 4 bytes of
// padding.
func pkt(payload ...byte) []byte {
	n := 1 + len(payload) + 4
	b := []byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n), 4}
	b = append(b, payload...)
	return append(b, 0, 0, 0, 0)
}

// nameList encodes an RFC 4251 name-list.
func nameList(s string) []byte {
	return append([]byte{0, 0, 0, byte(len(s))}, s...)
}

// kexinit builds a KEXINIT with the given kex, host key, cipher, MAC and
// compression lists (the same for both directions).
func kexinit(kex, hostKey, cipher, mac, comp string) []byte {
	b := append([]byte{msgKexInit}, make([]byte, 16)...)
	for _, l := range []string{kex, hostKey, cipher, cipher, mac, mac, comp, comp, "", ""} {
		b = append(b, nameList(l)...)
	}
	return pkt(append(b, 0, 0, 0, 0, 0)...)
}

func codes(c *dissecttest.Collector) []string {
	var out []string
	for _, m := range c.Msgs {
		out = append(out, m.Code)
	}
	return out
}

func TestExchange(t *testing.T) {
	// The server sends a line before its identification string, and its
	// identification and KEXINIT in one segment; the client's KEXINIT is
	// cut in two segments.
	server := append([]byte("Welcome\r\nSSH-2.0-dropbear_2022.83\r\n"),
		kexinit("curve25519-sha256,diffie-hellman-group14-sha256", "ssh-ed25519", "aes128-ctr,chacha20-poly1305@openssh.com", "hmac-sha2-256", "none")...)
	client := kexinit("sntrup761x25519-sha512,curve25519-sha256", "ssh-ed25519,rsa-sha2-512", "chacha20-poly1305@openssh.com,aes128-ctr", "hmac-sha2-512,hmac-sha2-256", "none,zlib")
	hostKey := append(append([]byte{0, 0, 0, 11}, "ssh-ed25519"...), 0, 0, 0, 32)
	hostKey = append(hostKey, make([]byte, 32)...)
	reply := pkt(append(append([]byte{msgKexReply}, 0, 0, 0, byte(len(hostKey))), hostKey...)...)
	c := dissecttest.Feed(Spec, ep,
		dissecttest.Resp(server...),
		dissecttest.Req([]byte("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3\r")...),
		dissecttest.Req(append([]byte("\n"), client[:20]...)...),
		dissecttest.Req(client[20:]...),
		dissecttest.Req(pkt(30, 1, 2, 3)...),
		dissecttest.Resp(append(reply, pkt(msgNewKeys)...)...),
		dissecttest.Resp(0, 0, 0, 40, 0xde, 0xad), // encrypted: ignored
		dissecttest.Req(pkt(msgNewKeys)...),
	)
	if want := []string{"banner", "20", "banner", "20", "30", "31", "21", "21"}; !slices.Equal(codes(c), want) {
		t.Fatalf("codes %v, want %v", codes(c), want)
	}
	if c.Msgs[0].Dir != dissect.Response || c.Msgs[2].Dir != dissect.Request || c.Msgs[1].Function != "kexinit" {
		t.Errorf("messages %+v", c.Msgs)
	}
	if len(c.Recs) != 1 {
		t.Fatalf("records %+v", c.Recs)
	}
	r := c.Recs[0].(*record.SSH)
	want := record.SSH{TS: 1, OrigP: 50000, RespP: 22, Version: 2,
		Client: "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3", Server: "SSH-2.0-dropbear_2022.83",
		KexAlg: "curve25519-sha256", HostKeyAlg: "ssh-ed25519", CipherAlg: "chacha20-poly1305@openssh.com",
		MACAlg: "hmac-sha2-256", CompressionAlg: "none",
		HostKey: "SHA256:" + hostKeyFP}
	if *r != want {
		t.Errorf("record\n got %+v\nwant %+v", *r, want)
	}
}

// hostKeyFP is the SHA-256 of the test host key blob (the string
// "ssh-ed25519" and 32 zero bytes, each with a 4-byte length), in OpenSSH's
// unpadded base64; computed with Python's hashlib.
const hostKeyFP = "kmYcvdi2GkPeWxB6XLjrZB8JHsy2Hm8luHMFp9GMvqk"

func TestDisconnectAndMalformed(t *testing.T) {
	disc := pkt(msgDisconnect, 0, 0, 0, 2)
	bad := []byte{0, 0, 0, 8, 7, 20, 0, 0, 0, 0, 0, 0} // padding 7 leaves no payload
	c := dissecttest.Feed(Spec, ep,
		dissecttest.Req([]byte("SSH-2.0-x\r\n")...),
		dissecttest.Req(disc...),
		dissecttest.Req(bad...),
		dissecttest.Req(pkt(2)...), // after malformed: ignored
	)
	if want := []string{"banner", "1", "malformed"}; !slices.Equal(codes(c), want) {
		t.Fatalf("codes %v, want %v", codes(c), want)
	}
	if !c.Msgs[1].Error || !c.Msgs[2].Error || c.Msgs[0].Error {
		t.Errorf("errors %+v", c.Msgs)
	}
}

func TestSSH1AndNonSSH(t *testing.T) {
	// SSH 1 packets are framed differently: only the banners count.
	c := dissecttest.Feed(Spec, ep,
		dissecttest.Resp([]byte("SSH-1.5-Cisco-1.25\n")...),
		dissecttest.Resp(0, 0, 0, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
	)
	if len(c.Msgs) != 1 || c.Msgs[0].Code != codeBanner {
		t.Errorf("messages %+v", c.Msgs)
	}
	// A client that does not start with SSH- is not SSH: nothing reported.
	c = dissecttest.Feed(Spec, ep, dissecttest.Req([]byte("GET / HTTP/1.1\r\n\r\n")...), dissecttest.Req(pkt(20)...))
	if len(c.Msgs) != 0 || len(c.Recs) != 0 {
		t.Errorf("messages %+v", c.Msgs)
	}
	// An identification line longer than 255 bytes is rejected.
	long := make([]byte, 300)
	for i := range long {
		long[i] = 'a'
	}
	c = dissecttest.Feed(Spec, ep, dissecttest.Req(append([]byte("SSH-2.0-"), long...)...), dissecttest.Req('\n'))
	if len(c.Msgs) != 0 {
		t.Errorf("messages %+v", c.Msgs)
	}
}

func TestClose(t *testing.T) {
	p := Spec.New()
	c := &dissecttest.Collector{}
	p.Parse(&dissect.Context{TS: 5, Dir: dissect.FromResp, Ep: ep, Out: c}, []byte("SSH-1.99-OpenSSH_3.9p1\r\n"))
	p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: c})
	if len(c.Recs) != 1 {
		t.Fatalf("records %d", len(c.Recs))
	}
	if r := c.Recs[0].(*record.SSH); r.Server != "SSH-1.99-OpenSSH_3.9p1" || r.Version != 2 || r.TS != 5 {
		t.Errorf("record %+v", *r)
	}
}

func TestDetect(t *testing.T) {
	for _, s := range []string{"SSH-2.0-OpenSSH_9.6\r\n", "SSH-1.99-x\r\n", "SSH-1.5-Cisco-1.25\n"} {
		if !Detect(dissect.FromResp, []byte(s)) {
			t.Errorf("rejects %q", s)
		}
	}
	for _, s := range []string{"SSH-", "SSH-3.0-x\r\n", "ssh-2.0-x", "220 SSH-2.0 ftp\r\n", "\x16\x03\x01\x00\x05"} {
		if Detect(dissect.FromResp, []byte(s)) {
			t.Errorf("accepts %q", s)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	p := Spec.New()
	ctx := &dissect.Context{Dir: dissect.FromOrig, Ep: ep, Out: dissecttest.Nop{}}
	p.Parse(ctx, []byte("SSH-2.0-x\r\n"))
	ignore := pkt(2, 0, 0, 0, 0)
	if n := testing.AllocsPerRun(100, func() { p.Parse(ctx, ignore) }); n != 0 {
		t.Errorf("allocs per packet %v, want 0", n)
	}
}

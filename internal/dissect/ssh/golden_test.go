package ssh_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/ssh"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-code counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/ssh.sh),
// then the two connections' records in it/var-services-std-ports.pcap.
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameSSH, "testdata/tshark.golden", nil)

	// Expected values from tshark: ssh.protocol, the KEXINIT name-lists
	// (ssh.kex_algorithms …, negotiated by hand per RFC 4253 §7.1), and the
	// host key fingerprint computed from ssh.host_key.rsa.e and .n of the
	// DH GEX reply (message 33).
	want := map[uint16]record.SSH{
		49656: {Version: 2, Client: "SSH-2.0-OpenSSH_5.2", Server: "SSH-2.0-OpenSSH_5.8p1 Debian-1ubuntu3",
			KexAlg: "diffie-hellman-group-exchange-sha256", HostKeyAlg: "ssh-rsa", CipherAlg: "aes128-ctr",
			MACAlg: "hmac-md5", CompressionAlg: "none", HostKey: "SHA256:oHZ724BXjs0jFymYMP6Xg+s00wOgwmbGcb8CEqwqbKg"},
		45908: {Version: 2, Client: "SSH-2.0-OpenSSH_5.8p1 Debian-1ubuntu3", Server: "SSH-2.0-OpenSSH_4.3",
			KexAlg: "diffie-hellman-group-exchange-sha1", HostKeyAlg: "ssh-rsa", CipherAlg: "aes128-ctr",
			MACAlg: "hmac-md5", CompressionAlg: "none", HostKey: "SHA256:iziAPdIGLigOh0Pa7QM5YQjri/+wZn045R4q4aOEaCs"},
	}
	n := 0
	for _, r := range all["it/var-services-std-ports.pcap"].Records {
		v, ok := r.(*record.SSH)
		if !ok {
			continue
		}
		n++
		w, ok := want[v.OrigP]
		got := *v
		got.TS, got.OrigH, got.OrigP, got.RespH, got.RespP, got.OrigMAC, got.RespMAC = 0, w.OrigH, 0, w.RespH, 0, w.OrigMAC, w.RespMAC
		if !ok || got != w || v.RespP != 22 {
			t.Errorf("record %+v", *v)
		}
	}
	if n != 2 {
		t.Errorf("ssh records %d, want 2", n)
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range dissecttest.PortPayloads(f, "it/var-services-std-ports.pcap", 30, 22) {
		f.Add(c.Data)
	}
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 50000, RespP: 22}
	f.Fuzz(func(t *testing.T, data []byte) {
		ssh.Detect(dissect.FromOrig, data)
		p := ssh.Spec.New()
		out := &dissecttest.Counter{}
		for _, dir := range []dissect.Dir{dissect.FromResp, dissect.FromOrig} {
			ctx := &dissect.Context{Dir: dir, Ep: ep, Out: out}
			p.Parse(ctx, []byte("SSH-2.0-x\r\n"))
			half := len(data) / 2
			p.Parse(ctx, data[:half])
			p.Parse(ctx, data[half:])
		}
		p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: out})
	})
}

func BenchmarkParse(b *testing.B) {
	chunks := dissecttest.PortPayloads(b, "it/var-services-std-ports.pcap", 1000, 22)
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 49656, RespP: 22}
	out := &dissecttest.Counter{}
	ctx := &dissect.Context{Ep: ep, Out: out}
	b.ReportAllocs()
	for b.Loop() {
		// Both connections' payloads in order, each on a fresh parser as
		// the sensor does per connection: in both the server speaks first.
		var p dissect.Parser
		for _, ch := range chunks {
			if ch.Dir == dissect.FromResp && ssh.Detect(ch.Dir, ch.Data) {
				p = ssh.Spec.New()
			}
			ctx.Dir = ch.Dir
			p.Parse(ctx, ch.Data)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(out.N), "ns/msg")
	b.ReportMetric(float64(out.N)/float64(b.N), "msgs/op")
}

package notify

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// selfSigned returns a server certificate for 127.0.0.1 and a pool that
// trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "mx.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestSMTPMandatoryTLSWithAuth(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	cert, pool := selfSigned(t)
	srv := startSMTP(t, "127.0.0.1:0", func(s *smtpServer) {
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		s.srv.AllowInsecureAuth = false
		s.user, s.pass = "otsight", "relay-password"
	})
	logs := &logBuffer{}
	cfg := smtpConfig(srv.port(t), logs, nil)
	cfg.SMTP.TLS = TLSMandatory
	cfg.SMTP.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	cfg.SMTP.Username, cfg.SMTP.Password = "otsight", "relay-password"

	mailer, _ := NewMailer(cfg, st, clk.now)
	tr, err := NewTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := NewDeliverer(cfg, st, tr, clk.now)
	if _, err := mailer.Queue(t.Context(), store.ForTenant(tn.ID), "a@plant-a.example.jp", "TLS test", "hello\n"); err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunOnce = %d, %v\n%s", n, err, logs.buf.String())
	}
	got := srv.messages()
	if len(got) != 1 || got[0].User != "otsight" {
		t.Fatalf("server got %d messages (auth %+v), want 1 authenticated as otsight", len(got), got)
	}
	if p := parseMessage(t, got[0].Data); p.Subject != "TLS test" || p.Body != "hello\r\n" {
		t.Errorf("subject %q body %q", p.Subject, p.Body)
	}
}

// A relay without STARTTLS must not get the message in clear under the
// mandatory policy (the default).
func TestSMTPMandatoryTLSRefusesPlainRelay(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	srv := startSMTP(t, "127.0.0.1:0", nil)
	logs := &logBuffer{}
	cfg := smtpConfig(srv.port(t), logs, nil)
	cfg.SMTP.TLS = ""
	mailer, _ := NewMailer(cfg, st, clk.now)
	tr, err := NewTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := NewDeliverer(cfg, st, tr, clk.now)
	sc := store.ForTenant(tn.ID)
	if _, err := mailer.Queue(t.Context(), sc, "a@plant-a.example.jp", "secret", "code 123456\n"); err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(t.Context()); n != 0 || err != nil {
		t.Fatalf("RunOnce = %d, %v; want a failed attempt", n, err)
	}
	if len(srv.messages()) != 0 {
		t.Fatal("message sent without TLS under the mandatory policy")
	}
	box, _ := st.Outbox(t.Context(), sc, 1)
	if box[0].Attempts != 1 || !strings.Contains(box[0].LastError, "STARTTLS") {
		t.Errorf("attempts %d, last error %q; want 1 and a STARTTLS error", box[0].Attempts, box[0].LastError)
	}
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string
	}{
		{"no host", func(c *Config) { c.SMTP.Host = "" }, "without a host"},
		{"bad policy", func(c *Config) { c.SMTP.TLS = "sometimes" }, "unknown TLS policy"},
		{"bad from", func(c *Config) { c.From = "not an address" }, "from address"},
		{"dir without path", func(c *Config) { c.Transport = TransportDir }, "without a directory"},
		{"unknown transport", func(c *Config) { c.Transport = "pigeon" }, "unknown transport"},
		{"zero backoff", func(c *Config) { c.Backoff = []time.Duration{time.Second, 0} }, "backoff[1]"},
	} {
		cfg := DefaultConfig()
		cfg.SMTP.Host = "mail.example.jp"
		cfg.From = "noreply@example.jp"
		tc.edit(&cfg)
		if _, err := NewTransport(cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestBackoffSchedule(t *testing.T) {
	cfg := DefaultConfig()
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
		16 * time.Minute, 32 * time.Minute, time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := cfg.backoff(i + 1); got != w {
			t.Errorf("wait after failure %d = %v, want %v", i+1, got, w)
		}
	}
}

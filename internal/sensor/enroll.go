package sensor

import (
	"bytes"
	"context"
	"crypto"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/pki"
)

// ErrCAMismatch is returned when the server's CA is not the one whose
// fingerprint the enrolment token carries: the sensor sends nothing to such
// a server.
var ErrCAMismatch = errors.New("the server's CA does not match the enrolment token")

// EnrollConfig is what `otsight sensor enroll` needs.
type EnrollConfig struct {
	Server   string   // base URL, https://host[:port]
	Token    string   // from `otsight admin sensor add`
	StateDir string   // where the identity is kept
	Proxy    *url.URL // nil: HTTPS_PROXY / NO_PROXY from the environment
	Timeout  time.Duration
	Now      func() time.Time // nil: time.Now
}

// Enroll obtains the sensor's certificate: it makes a key pair and a
// certificate request, sends them with the token to the server (trusting
// only the CA the token names, so nothing is trusted on first use) and
// keeps the result in StateDir. An existing identity there is replaced.
func Enroll(ctx context.Context, cfg EnrollConfig) (*Identity, error) {
	tok, err := pki.ParseToken(cfg.Token)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if cfg.Now != nil {
		now = cfg.Now
	}
	if now().After(tok.Expires) {
		return nil, fmt.Errorf("enrolment token expired at %s; ask for a new one", tok.Expires.UTC().Format(time.RFC3339))
	}
	base, err := serverURL(cfg.Server)
	if err != nil {
		return nil, err
	}
	key, err := pki.NewKey()
	if err != nil {
		return nil, err
	}
	csr, err := pki.CSR(key)
	if err != nil {
		return nil, err
	}
	client := &http.Client{
		Transport: newTransport(pinnedTLS(tok.CA, base.Hostname()), cfg.Proxy),
		Timeout:   cmp(cfg.Timeout, time.Minute),
	}
	defer client.CloseIdleConnections()
	body, _ := json.Marshal(map[string]string{"token": tok.String(), "csr": string(csr)})
	var rep serverReply
	if err := postJSON(ctx, client, base.JoinPath("v1/enroll").String(), body, &rep); err != nil {
		return nil, fmt.Errorf("enrol at %s: %w", base, err)
	}
	cert, err := pki.ParseCertPEM([]byte(rep.Certificate))
	if err != nil {
		return nil, fmt.Errorf("enrolment reply: %w", err)
	}
	ca, err := pki.ParseCertPEM([]byte(rep.CA))
	if err != nil {
		return nil, fmt.Errorf("enrolment reply: %w", err)
	}
	if pki.FingerprintOf(ca.Raw) != tok.CA {
		return nil, fmt.Errorf("enrolment reply: %w", ErrCAMismatch)
	}
	if err := checkIssued(cert, ca, key.Public(), now()); err != nil {
		return nil, fmt.Errorf("enrolment reply: %w", err)
	}
	name, err := pki.SensorOf(cert)
	if err != nil || name != tok.Sensor {
		return nil, fmt.Errorf("enrolment reply: certificate names %+v, the token %+v", name, tok.Sensor)
	}

	if err := os.MkdirAll(cfg.StateDir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	keyPEM, err := pki.KeyPEM(key)
	if err != nil {
		return nil, err
	}
	os.Remove(filepath.Join(cfg.StateDir, identityStateFile)) // not enrolled until all is written
	id := &Identity{dir: cfg.StateDir}
	if err := id.install(keyPEM, pki.CertPEM(cert.Raw), false); err != nil {
		return nil, err
	}
	if err := pki.WriteFileAtomic(filepath.Join(cfg.StateDir, identityCAFile), pki.CertPEM(ca.Raw), 0o644); err != nil {
		return nil, err
	}
	st, _ := json.MarshalIndent(identityState{Server: base.String(), Tenant: name.Tenant, Sensor: name.Sensor}, "", "  ")
	if err := pki.WriteFileAtomic(filepath.Join(cfg.StateDir, identityStateFile), append(st, '\n'), 0o644); err != nil {
		return nil, err
	}
	return LoadIdentity(cfg.StateDir)
}

// checkIssued verifies that cert is a client certificate from ca for pub.
func checkIssued(cert, ca *x509.Certificate, pub crypto.PublicKey, now time.Time) error {
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, CurrentTime: now, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		return fmt.Errorf("issued certificate: %w", err)
	}
	if k, ok := pub.(interface{ Equal(crypto.PublicKey) bool }); !ok || !k.Equal(cert.PublicKey) {
		return errors.New("issued certificate is not for our key")
	}
	return nil
}

// pinnedTLS accepts a server whose certificate chains to the CA with the
// given fingerprint, found in the chain the server sends, and names host.
// The system roots play no part: they would let any public CA vouch for an
// impostor.
func pinnedTLS(ca pki.Fingerprint, host string) *tls.Config {
	return &tls.Config{
		MinVersion: tls.VersionTLS13,
		// The standard verification is replaced, not skipped:
		// VerifyConnection below checks the chain against the pinned CA.
		InsecureSkipVerify: true, //nolint:gosec
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("server sent no certificate")
			}
			roots := x509.NewCertPool()
			found := false
			for _, c := range cs.PeerCertificates[1:] {
				if pki.FingerprintOf(c.Raw) == ca {
					roots.AddCert(c)
					found = true
				}
			}
			if !found {
				return ErrCAMismatch
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{
				Roots: roots, DNSName: host, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
			})
			if err != nil {
				return fmt.Errorf("server certificate: %w", err)
			}
			return nil
		},
	}
}

// newTransport is the HTTP transport of enrolment and upload: the given TLS
// configuration, through the proxy if one is configured (plants often have
// one), else the one HTTPS_PROXY names.
func newTransport(tc *tls.Config, proxy *url.URL) *http.Transport {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   30 * time.Second,
		ResponseHeaderTimeout: 3 * time.Minute,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   2,
	}
	if proxy != nil {
		t.Proxy = http.ProxyURL(proxy)
	}
	return t
}

func serverURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want https://host[:port]", s)
	}
	return u, nil
}

func cmp(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// serverReply is the JSON of every ingest reply.
type serverReply struct {
	Result      string `json:"result"`
	Reason      string `json:"reason"`
	Certificate string `json:"certificate"`
	CA          string `json:"ca"`
}

// refusedError is a 4xx answer: the server looked at the request and said
// no, with a reason.
type refusedError struct {
	status int
	reason string
}

func (e *refusedError) Error() string {
	return fmt.Sprintf("refused (%d %s): %s", e.status, http.StatusText(e.status), e.reason)
}

func postJSON(ctx context.Context, c *http.Client, u string, body []byte, rep *serverReply) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent())
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	return readReply(resp, rep)
}

// readReply decodes an ingest reply; a status other than 200 is an error,
// a *refusedError for 4xx.
func readReply(resp *http.Response, rep *serverReply) error {
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read reply: %w", err)
	}
	jerr := json.Unmarshal(data, rep)
	switch {
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		reason := rep.Reason
		if jerr != nil || reason == "" {
			reason = strings.TrimSpace(string(data))
		}
		return &refusedError{status: resp.StatusCode, reason: reason}
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("server answered %s", resp.Status)
	case jerr != nil:
		return fmt.Errorf("reply: %w", jerr)
	}
	return nil
}

// Version is the sensor's software version, sent as the User-Agent so the
// server can show it; cmd/otsight sets it at start.
var Version = "dev"

func userAgent() string { return "otsight-sensor/" + Version }

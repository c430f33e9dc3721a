package pki

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Validity periods. Sensor certificates are short-lived and renewed by the
// sensor itself once RenewAfter of their life has passed, so a stolen
// sensor key is useful for at most one period even if nobody revokes it.
const (
	CAValidity     = 10 * 365 * 24 * time.Hour
	SensorValidity = 90 * 24 * time.Hour
	ServerValidity = 365 * 24 * time.Hour
)

// File names inside the CA directory (DataDir/pki).
const (
	caCertFile = "ca.crt"
	caKeyFile  = "ca.key"
)

// Fingerprint is the SHA-256 of a certificate's DER encoding.
type Fingerprint [32]byte

// String is the lower-case hex form.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// FingerprintOf returns the fingerprint of a DER certificate.
func FingerprintOf(der []byte) Fingerprint { return sha256.Sum256(der) }

// CA is the server's certificate authority.
type CA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
	fp   Fingerprint
}

// LoadOrCreateCA opens the CA kept in dir, creating the directory, key (mode
// 0600) and self-signed certificate on first start.
func LoadOrCreateCA(dir string, now time.Time) (*CA, error) {
	certPath, keyPath := filepath.Join(dir, caCertFile), filepath.Join(dir, caKeyFile)
	certPEM, cerr := os.ReadFile(certPath)
	keyPEM, kerr := os.ReadFile(keyPath)
	switch {
	case cerr == nil && kerr == nil:
		return parseCA(certPEM, keyPEM)
	case errors.Is(cerr, os.ErrNotExist) && errors.Is(kerr, os.ErrNotExist):
	case cerr != nil && !errors.Is(cerr, os.ErrNotExist):
		return nil, fmt.Errorf("read CA certificate: %w", cerr)
	case kerr != nil && !errors.Is(kerr, os.ErrNotExist):
		return nil, fmt.Errorf("read CA key: %w", kerr)
	default:
		// One file without the other: refuse rather than silently replace
		// a CA every enrolled sensor trusts.
		return nil, fmt.Errorf("CA directory %s holds only one of %s and %s", dir, caCertFile, caKeyFile)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create CA directory: %w", err)
	}
	ca, keyPEM, err := newCA(now)
	if err != nil {
		return nil, err
	}
	// Key first: a crash between the writes leaves a key without a
	// certificate, which the next start reports instead of overwriting.
	if err := WriteFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return nil, err
	}
	if err := WriteFileAtomic(certPath, ca.pem, 0o644); err != nil {
		return nil, err
	}
	return ca, nil
}

func newCA(now time.Time) (*CA, []byte, error) {
	key, err := NewKey()
	if err != nil {
		return nil, nil, err
	}
	serial, err := newSerial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "otsight server CA", Organization: []string{"otsight"}},
		NotBefore:             now.Add(-time.Hour), // tolerate clocks slightly behind
		NotAfter:              now.Add(CAValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("create CA certificate: %w", err)
	}
	keyPEM, err := KeyPEM(key)
	if err != nil {
		return nil, nil, err
	}
	ca, err := parseCA(CertPEM(der), keyPEM)
	return ca, keyPEM, err
}

func parseCA(certPEM, keyPEM []byte) (*CA, error) {
	cert, err := ParseCertPEM(certPEM)
	if err != nil {
		return nil, fmt.Errorf("CA certificate: %w", err)
	}
	key, err := ParseKeyPEM(keyPEM)
	if err != nil {
		return nil, fmt.Errorf("CA key: %w", err)
	}
	if !key.PublicKey.Equal(cert.PublicKey) {
		return nil, errors.New("CA key does not match the CA certificate")
	}
	if !cert.IsCA {
		return nil, errors.New("CA certificate is not a CA")
	}
	return &CA{cert: cert, key: key, pem: CertPEM(cert.Raw), fp: FingerprintOf(cert.Raw)}, nil
}

// Certificate is the CA certificate.
func (c *CA) Certificate() *x509.Certificate { return c.cert }

// CertPEM is the CA certificate in PEM form, as sensors store it.
func (c *CA) CertPEM() []byte { return c.pem }

// Fingerprint is the SHA-256 of the CA certificate, carried in enrolment
// tokens so that a new sensor trusts nothing on first use.
func (c *CA) Fingerprint() Fingerprint { return c.fp }

// Pool is a certificate pool holding the CA alone.
func (c *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.cert)
	return p
}

// issue signs a leaf certificate for pub from tmpl, filling in the fields
// every leaf shares.
func (c *CA) issue(tmpl *x509.Certificate, pub *ecdsa.PublicKey, now time.Time, validity time.Duration) (*x509.Certificate, error) {
	serial, err := newSerial()
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	tmpl.NotBefore = now.Add(-5 * time.Minute) // clock skew between sensor and server
	tmpl.NotAfter = now.Add(validity)
	if tmpl.NotAfter.After(c.cert.NotAfter) {
		tmpl.NotAfter = c.cert.NotAfter
	}
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	tmpl.BasicConstraintsValid = true
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, pub, c.key)
	if err != nil {
		return nil, fmt.Errorf("sign certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}

// RenewDue reports whether a certificate has used two thirds of its life,
// the point at which its holder asks for a new one.
func RenewDue(c *x509.Certificate, now time.Time) bool {
	life := c.NotAfter.Sub(c.NotBefore)
	return !now.Before(c.NotBefore.Add(life / 3 * 2))
}

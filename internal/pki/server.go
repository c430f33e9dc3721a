package pki

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"time"
)

const (
	serverCertFile = "server.crt"
	serverKeyFile  = "server.key"
)

// ServerCertificate returns the ingest listener's certificate for hosts
// (DNS names and IP addresses the sensors use to reach the server), kept in
// dir beside the CA. A new one is issued when there is none, when the
// configured hosts changed, when it is due for renewal or was signed by
// another CA. The chain includes the CA certificate, which a sensor pins
// during enrolment.
func (c *CA) ServerCertificate(dir string, hosts []string, now time.Time) (tls.Certificate, error) {
	if len(hosts) == 0 {
		return tls.Certificate{}, errors.New("server certificate needs at least one host name or address")
	}
	certPath, keyPath := filepath.Join(dir, serverCertFile), filepath.Join(dir, serverKeyFile)
	if certPEM, err := os.ReadFile(certPath); err == nil {
		if keyPEM, err := os.ReadFile(keyPath); err == nil {
			if tc, ok := c.reusableServerCert(certPEM, keyPEM, hosts, now); ok {
				return tc, nil
			}
		}
	}
	key, err := NewKey()
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: hosts[0], Organization: []string{"otsight server"}},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	cert, err := c.issue(tmpl, &key.PublicKey, now, ServerValidity)
	if err != nil {
		return tls.Certificate{}, err
	}
	keyPEM, err := KeyPEM(key)
	if err != nil {
		return tls.Certificate{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return tls.Certificate{}, fmt.Errorf("create %s: %w", dir, err)
	}
	if err := WriteFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return tls.Certificate{}, err
	}
	if err := WriteFileAtomic(certPath, CertPEM(cert.Raw), 0o644); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw, c.cert.Raw}, PrivateKey: key, Leaf: cert}, nil
}

func (c *CA) reusableServerCert(certPEM, keyPEM []byte, hosts []string, now time.Time) (tls.Certificate, bool) {
	cert, err := ParseCertPEM(certPEM)
	if err != nil || RenewDue(cert, now) || now.After(cert.NotAfter) {
		return tls.Certificate{}, false
	}
	if !bytes.Equal(cert.RawIssuer, c.cert.RawSubject) || cert.CheckSignatureFrom(c.cert) != nil {
		return tls.Certificate{}, false
	}
	var have []string
	have = append(have, cert.DNSNames...)
	for _, ip := range cert.IPAddresses {
		have = append(have, ip.String())
	}
	want := make([]string, 0, len(hosts))
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			h = ip.String()
		}
		want = append(want, h)
	}
	slices.Sort(have)
	slices.Sort(want)
	if !slices.Equal(have, slices.Compact(want)) {
		return tls.Certificate{}, false
	}
	key, err := ParseKeyPEM(keyPEM)
	if err != nil || !key.PublicKey.Equal(cert.PublicKey) {
		return tls.Certificate{}, false
	}
	return tls.Certificate{Certificate: [][]byte{cert.Raw, c.cert.Raw}, PrivateKey: key, Leaf: cert}, true
}

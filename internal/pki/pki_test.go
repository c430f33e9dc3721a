package pki

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// The CA is made once and read back unchanged; its key is private to the
// server user.
func TestCAPersists(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	ca, err := LoadOrCreateCA(dir, t0)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "ca.key"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("ca.key mode %v, want 0600", st.Mode().Perm())
	}
	c := ca.Certificate()
	if !c.IsCA || c.NotAfter.Sub(t0) != CAValidity {
		t.Errorf("CA IsCA=%v validity %v", c.IsCA, c.NotAfter.Sub(t0))
	}
	again, err := LoadOrCreateCA(dir, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if again.Fingerprint() != ca.Fingerprint() {
		t.Fatal("reloaded CA has another fingerprint")
	}
	if want := FingerprintOf(c.Raw); ca.Fingerprint() != want || len(ca.Fingerprint().String()) != 64 {
		t.Errorf("fingerprint %s", ca.Fingerprint())
	}
	// A lost certificate must not be silently replaced by a new CA.
	os.Remove(filepath.Join(dir, "ca.crt"))
	if _, err := LoadOrCreateCA(dir, t0); err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Fatalf("CA dir with key only: err = %v", err)
	}
}

// A sensor certificate names the tenant and sensor, is for client auth
// only, chains to the CA, lives SensorValidity, and carries the key of
// the request.
func TestSignSensor(t *testing.T) {
	ca, err := LoadOrCreateCA(t.TempDir(), t0)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := NewKey()
	csrPEM, err := CSR(key)
	if err != nil {
		t.Fatal(err)
	}
	csr, err := ParseCSRPEM(csrPEM)
	if err != nil {
		t.Fatal(err)
	}
	n := SensorName{Tenant: 7, Sensor: 42}
	c, err := ca.SignSensor(csr, n, t0)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.URIs[0].String(); got != "otsight://tenant/7/sensor/42" {
		t.Errorf("URI %s", got)
	}
	if c.Subject.CommonName != "sensor-42.tenant-7.otsight" {
		t.Errorf("CN %s", c.Subject.CommonName)
	}
	if got, err := SensorOf(c); err != nil || got != n {
		t.Errorf("SensorOf = %+v, %v", got, err)
	}
	if c.NotAfter.Sub(t0) != SensorValidity || t0.Sub(c.NotBefore) != 5*time.Minute {
		t.Errorf("validity %v .. %v", c.NotBefore, c.NotAfter)
	}
	if !key.PublicKey.Equal(c.PublicKey) {
		t.Error("certificate is not for the request's key")
	}
	_, err = c.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: t0, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}})
	if err != nil {
		t.Errorf("client verify: %v", err)
	}
	_, err = c.Verify(x509.VerifyOptions{Roots: ca.Pool(), CurrentTime: t0, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
	if err == nil {
		t.Error("a sensor certificate verified as a server certificate")
	}
	if SerialHex(c) != c.SerialNumber.Text(16) || len(SerialHex(c)) < 16 {
		t.Errorf("serial %s", SerialHex(c))
	}

	// Renewal is due once two thirds of the life (NotBefore = t0-5m to
	// NotAfter = t0+90d) have passed: t0 + 60d - 1m40s.
	due := t0.Add(60*24*time.Hour - 100*time.Second)
	if RenewDue(c, due.Add(-time.Second)) || !RenewDue(c, due) {
		t.Errorf("RenewDue around %v wrong", due)
	}

	// A request whose signature does not match is refused.
	blk, _ := pem.Decode(csrPEM)
	blk.Bytes[len(blk.Bytes)-1] ^= 1
	if _, err := ParseCSRPEM(pem.EncodeToMemory(blk)); err == nil || !strings.Contains(err.Error(), "certificate request") {
		t.Errorf("damaged request: err = %v", err)
	}
	if _, err := ca.SignSensor(csr, SensorName{Tenant: 0, Sensor: 1}, t0); err == nil {
		t.Error("tenant 0 accepted")
	}
}

// The server certificate covers the configured names, is kept across
// restarts, and is reissued when the names change.
func TestServerCertificate(t *testing.T) {
	dir := t.TempDir()
	ca, err := LoadOrCreateCA(dir, t0)
	if err != nil {
		t.Fatal(err)
	}
	hosts := []string{"ingest.example.jp", "192.0.2.10"}
	tc, err := ca.ServerCertificate(dir, hosts, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(tc.Certificate) != 2 || FingerprintOf(tc.Certificate[1]) != ca.Fingerprint() {
		t.Fatal("chain does not carry the CA")
	}
	for _, h := range hosts {
		if err := tc.Leaf.VerifyHostname(h); err != nil {
			t.Errorf("%s: %v", h, err)
		}
	}
	again, err := ca.ServerCertificate(dir, []string{"192.0.2.10", "ingest.example.jp"}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if SerialHex(again.Leaf) != SerialHex(tc.Leaf) {
		t.Error("same hosts: certificate reissued")
	}
	moved, err := ca.ServerCertificate(dir, []string{"ingest.example.jp"}, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if SerialHex(moved.Leaf) == SerialHex(tc.Leaf) || moved.Leaf.VerifyHostname("192.0.2.10") == nil {
		t.Error("changed hosts: certificate not reissued")
	}
	late, err := ca.ServerCertificate(dir, []string{"ingest.example.jp"}, t0.Add(300*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if SerialHex(late.Leaf) == SerialHex(moved.Leaf) {
		t.Error("certificate due for renewal was kept")
	}
}

package sensor

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/pki"
)

// writeIdentity lays out an enrolled state directory as Enroll does, with a
// certificate from a fresh CA, and returns the CA.
func writeIdentity(t *testing.T, dir string) *pki.CA {
	t.Helper()
	ca, err := pki.LoadOrCreateCA(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, certPEM := issue(t, ca)
	st, _ := json.Marshal(identityState{Server: "https://127.0.0.1:1", Tenant: 7, Sensor: 101})
	for name, data := range map[string][]byte{
		identityKeyFile: keyPEM, identityCertFile: certPEM, identityCAFile: ca.CertPEM(), identityStateFile: st,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return ca
}

func issue(t *testing.T, ca *pki.CA) (keyPEM, certPEM []byte) {
	t.Helper()
	key, _ := pki.NewKey()
	csrPEM, _ := pki.CSR(key)
	csr, err := pki.ParseCSRPEM(csrPEM)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ca.SignSensor(csr, pki.SensorName{Tenant: 7, Sensor: 101}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, _ = pki.KeyPEM(key)
	return keyPEM, pki.CertPEM(c.Raw)
}

func serialOf(t *testing.T, certPEM []byte) string {
	c, err := pki.ParseCertPEM(certPEM)
	if err != nil {
		t.Fatal(err)
	}
	return pki.SerialHex(c)
}

func TestLoadIdentity(t *testing.T) {
	if _, err := LoadIdentity(t.TempDir()); !errors.Is(err, ErrNotEnrolled) {
		t.Fatalf("empty dir: %v", err)
	}
	dir := t.TempDir()
	writeIdentity(t, dir)
	id, err := LoadIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	if id.SensorID() != "101" || id.Name() != (pki.SensorName{Tenant: 7, Sensor: 101}) || id.Server() != "https://127.0.0.1:1" {
		t.Fatalf("identity %s %+v %s", id.SensorID(), id.Name(), id.Server())
	}
}

// A renewal interrupted by a crash is completed or undone on the next
// start, never leaving a key that does not match the certificate.
func TestInterruptedRenewal(t *testing.T) {
	key, crt := identityKeyFile, identityCertFile
	cases := []struct {
		name    string
		prepare func(dir string, newKey, newCert []byte)
		useNew  bool
	}{
		{"both new files written", func(dir string, k, c []byte) {
			os.WriteFile(filepath.Join(dir, key+renewSuffix), k, 0o600)
			os.WriteFile(filepath.Join(dir, crt+renewSuffix), c, 0o600)
		}, true},
		{"key renamed, certificate not yet", func(dir string, k, c []byte) {
			os.WriteFile(filepath.Join(dir, key), k, 0o600)
			os.WriteFile(filepath.Join(dir, crt+renewSuffix), c, 0o600)
		}, true},
		{"only the new key written", func(dir string, k, _ []byte) {
			os.WriteFile(filepath.Join(dir, key+renewSuffix), k, 0o600)
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			ca := writeIdentity(t, dir)
			oldCert, _ := os.ReadFile(filepath.Join(dir, crt))
			newKey, newCert := issue(t, ca)
			tc.prepare(dir, newKey, newCert)
			id, err := LoadIdentity(dir)
			if err != nil {
				t.Fatal(err)
			}
			want := serialOf(t, oldCert)
			if tc.useNew {
				want = serialOf(t, newCert)
			}
			if got := pki.SerialHex(id.Certificate()); got != want {
				t.Errorf("serial %s, want %s", got, want)
			}
			for _, f := range []string{key + renewSuffix, crt + renewSuffix} {
				if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
					t.Errorf("%s left behind", f)
				}
			}
		})
	}
}

// Backoff doubles from MinBackoff up to MaxBackoff, each wait jittered to
// between half and all of its step.
func TestBackoff(t *testing.T) {
	u := &Uploader{cfg: UploaderConfig{MinBackoff: time.Second, MaxBackoff: 5 * time.Minute}}
	steps := []time.Duration{1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300}
	for i, s := range steps {
		step := s * time.Second
		for range 50 {
			d := u.backoff(i + 1)
			if d < step/2 || d > step {
				t.Fatalf("attempt %d: %v outside [%v, %v]", i+1, d, step/2, step)
			}
		}
	}
	if d := u.backoff(1000); d < 150*time.Second || d > 300*time.Second {
		t.Fatalf("attempt 1000: %v", d)
	}
}

package sensor

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/otsight/otsight/internal/pki"
)

// Files of an enrolled sensor's state directory.
const (
	identityKeyFile   = "sensor.key" // mode 0600
	identityCertFile  = "sensor.crt"
	identityCAFile    = "ca.crt"
	identityStateFile = "sensor.json" // written last: its presence means enrolled
	renewSuffix       = ".new"        // a renewal's files before they replace the current ones
)

// identityState is sensor.json.
type identityState struct {
	Server string `json:"server"`
	Tenant int64  `json:"tenant_id"`
	Sensor int64  `json:"sensor_id"`
}

// Identity is an enrolled sensor's credentials: its key and certificate,
// the server's CA, and the server's URL. The certificate can be replaced
// while in use (renewal); connections made after that present the new one.
type Identity struct {
	dir    string
	server string
	name   pki.SensorName
	ca     *x509.Certificate

	mu   sync.Mutex
	cert *tls.Certificate // Leaf set
}

// ErrNotEnrolled is returned by LoadIdentity for a state directory without
// an enrolment.
var ErrNotEnrolled = errors.New("sensor is not enrolled (run: otsight sensor enroll --server URL --token TOKEN)")

// LoadIdentity reads the state an enrolment left in dir, finishing a
// renewal that a crash interrupted.
func LoadIdentity(dir string) (*Identity, error) {
	data, err := os.ReadFile(filepath.Join(dir, identityStateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, fmt.Errorf("read sensor state: %w", err)
	}
	var st identityState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("sensor state %s: %w", identityStateFile, err)
	}
	caPEM, err := os.ReadFile(filepath.Join(dir, identityCAFile))
	if err != nil {
		return nil, fmt.Errorf("read server CA: %w", err)
	}
	ca, err := pki.ParseCertPEM(caPEM)
	if err != nil {
		return nil, fmt.Errorf("server CA: %w", err)
	}
	if err := finishRenewal(dir); err != nil {
		return nil, err
	}
	cert, err := loadKeyPair(filepath.Join(dir, identityCertFile), filepath.Join(dir, identityKeyFile))
	if err != nil {
		return nil, fmt.Errorf("sensor certificate: %w", err)
	}
	id := &Identity{dir: dir, server: st.Server, name: pki.SensorName{Tenant: st.Tenant, Sensor: st.Sensor}, ca: ca, cert: cert}
	if got, err := pki.SensorOf(cert.Leaf); err != nil || got != id.name {
		return nil, fmt.Errorf("sensor certificate names %+v, the state %+v", got, id.name)
	}
	return id, nil
}

func loadKeyPair(certPath, keyPath string) (*tls.Certificate, error) {
	c, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return nil, err
	}
	return &c, nil // Go sets Leaf
}

// finishRenewal completes a renewal interrupted between writing the new
// key and certificate and putting them in place. Renewal renames the key
// first, then the certificate; whichever pair matches wins.
func finishRenewal(dir string) error {
	key, crt := filepath.Join(dir, identityKeyFile), filepath.Join(dir, identityCertFile)
	switch {
	case fileExists(key+renewSuffix) && fileExists(crt+renewSuffix):
		if _, err := loadKeyPair(crt+renewSuffix, key+renewSuffix); err == nil {
			if err := os.Rename(key+renewSuffix, key); err != nil {
				return fmt.Errorf("finish renewal: %w", err)
			}
			if err := os.Rename(crt+renewSuffix, crt); err != nil {
				return fmt.Errorf("finish renewal: %w", err)
			}
		}
	case fileExists(crt + renewSuffix):
		if _, err := loadKeyPair(crt+renewSuffix, key); err == nil {
			if err := os.Rename(crt+renewSuffix, crt); err != nil {
				return fmt.Errorf("finish renewal: %w", err)
			}
		}
	}
	os.Remove(key + renewSuffix)
	os.Remove(crt + renewSuffix)
	return nil
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Server is the server's base URL recorded at enrolment.
func (id *Identity) Server() string { return id.server }

// Name is the tenant and sensor the certificate names.
func (id *Identity) Name() pki.SensorName { return id.name }

// SensorID is the sensor id as written in batch headers: the store's id in
// decimal, which the server compares with the certificate's.
func (id *Identity) SensorID() string { return strconv.FormatInt(id.name.Sensor, 10) }

// Certificate is the current client certificate.
func (id *Identity) Certificate() *x509.Certificate {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.cert.Leaf
}

// TLSConfig trusts the server's CA only and presents the current client
// certificate.
func (id *Identity) TLSConfig() *tls.Config {
	roots := x509.NewCertPool()
	roots.AddCert(id.ca)
	return &tls.Config{
		MinVersion: tls.VersionTLS13,
		RootCAs:    roots,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			id.mu.Lock()
			defer id.mu.Unlock()
			return id.cert, nil
		},
	}
}

// install writes a newly issued key and certificate: with the state and CA on
// enrolment (state last), or through the .new files on renewal.
func (id *Identity) install(keyPEM, certPEM []byte, renewal bool) error {
	key, crt := filepath.Join(id.dir, identityKeyFile), filepath.Join(id.dir, identityCertFile)
	if !renewal {
		if err := pki.WriteFileAtomic(key, keyPEM, 0o600); err != nil {
			return err
		}
		return pki.WriteFileAtomic(crt, certPEM, 0o644)
	}
	if err := pki.WriteFileAtomic(key+renewSuffix, keyPEM, 0o600); err != nil {
		return err
	}
	if err := pki.WriteFileAtomic(crt+renewSuffix, certPEM, 0o644); err != nil {
		return err
	}
	return finishRenewal(id.dir)
}

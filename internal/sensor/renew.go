package sensor

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"time"

	"github.com/otsight/otsight/internal/pki"
)

// RenewDue reports whether the certificate has used two thirds of its life.
func (id *Identity) RenewDue(now time.Time) bool { return pki.RenewDue(id.Certificate(), now) }

// Renew asks the server for a new certificate for a new key, over client,
// which must present the current certificate (the uploader's client). The
// new key and certificate replace the old ones on disk and in memory;
// connections made from now on present the new certificate.
func (id *Identity) Renew(ctx context.Context, client *http.Client, now time.Time) error {
	base, err := url.Parse(id.server)
	if err != nil {
		return fmt.Errorf("renew: server URL: %w", err)
	}
	key, err := pki.NewKey()
	if err != nil {
		return err
	}
	csr, err := pki.CSR(key)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"csr": string(csr)})
	var rep serverReply
	if err := postJSON(ctx, client, base.JoinPath("v1/renew").String(), body, &rep); err != nil {
		return fmt.Errorf("renew: %w", err)
	}
	cert, err := pki.ParseCertPEM([]byte(rep.Certificate))
	if err != nil {
		return fmt.Errorf("renew reply: %w", err)
	}
	if err := checkIssued(cert, id.ca, key.Public(), now); err != nil {
		return fmt.Errorf("renew reply: %w", err)
	}
	if name, err := pki.SensorOf(cert); err != nil || name != id.name {
		return fmt.Errorf("renew reply: certificate names %+v, want %+v", name, id.name)
	}
	keyPEM, err := pki.KeyPEM(key)
	if err != nil {
		return err
	}
	if err := id.install(keyPEM, pki.CertPEM(cert.Raw), true); err != nil {
		return fmt.Errorf("renew: %w", err)
	}
	pair, err := loadKeyPair(filepath.Join(id.dir, identityCertFile), filepath.Join(id.dir, identityKeyFile))
	if err != nil {
		return fmt.Errorf("renew: reload: %w", err)
	}
	id.mu.Lock()
	id.cert = pair
	id.mu.Unlock()
	return nil
}

package pki

import (
	"crypto/ecdsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// SensorName is what a sensor certificate asserts: which sensor of which
// tenant holds it. The ids are the store's.
type SensorName struct {
	Tenant int64
	Sensor int64
}

const uriScheme = "otsight"

// URI is the certificate's URI SAN, otsight://tenant/<id>/sensor/<id>.
func (n SensorName) URI() *url.URL {
	return &url.URL{Scheme: uriScheme, Host: "tenant", Path: fmt.Sprintf("/%d/sensor/%d", n.Tenant, n.Sensor)}
}

// CommonName is the certificate's subject CN, for people reading logs.
func (n SensorName) CommonName() string {
	return fmt.Sprintf("sensor-%d.tenant-%d.otsight", n.Sensor, n.Tenant)
}

func parseSensorURI(u *url.URL) (SensorName, error) {
	if u.Scheme != uriScheme || u.Host != "tenant" {
		return SensorName{}, fmt.Errorf("URI %q is not an otsight sensor name", u)
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if len(parts) != 3 || parts[1] != "sensor" {
		return SensorName{}, fmt.Errorf("URI %q is not an otsight sensor name", u)
	}
	t, terr := strconv.ParseInt(parts[0], 10, 64)
	s, serr := strconv.ParseInt(parts[2], 10, 64)
	if terr != nil || serr != nil || t <= 0 || s <= 0 {
		return SensorName{}, fmt.Errorf("URI %q has bad ids", u)
	}
	return SensorName{Tenant: t, Sensor: s}, nil
}

// SensorOf reads the sensor name from a certificate this CA issued. It does
// not verify the certificate; the TLS handshake does that.
func SensorOf(c *x509.Certificate) (SensorName, error) {
	if len(c.URIs) != 1 {
		return SensorName{}, fmt.Errorf("certificate has %d URI names, want 1", len(c.URIs))
	}
	return parseSensorURI(c.URIs[0])
}

// SignSensor issues a client certificate naming n for the key of a checked
// certificate request (ParseCSRPEM). The request's subject is ignored: the
// name comes from the enrolment token or the current certificate.
func (c *CA) SignSensor(csr *x509.CertificateRequest, n SensorName, now time.Time) (*x509.Certificate, error) {
	pub, ok := csr.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		return nil, errors.New("certificate request key is not ECDSA")
	}
	if n.Tenant <= 0 || n.Sensor <= 0 {
		return nil, fmt.Errorf("bad sensor name %+v", n)
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: n.CommonName(), Organization: []string{"otsight sensor"}},
		URIs:        []*url.URL{n.URI()},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return c.issue(tmpl, pub, now, SensorValidity)
}

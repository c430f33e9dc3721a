package ingest

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
)

// client is an authenticated sensor.
type client struct {
	name   pki.SensorName
	scope  store.Scope
	sensor store.Sensor
}

// authenticate checks the client certificate of a request to a route that
// needs one. The TLS layer has already verified the chain to the CA, the
// validity period and the client-auth usage; this adds the store's view:
// the sensor exists, is not revoked, and the certificate is its current one
// (or a newer one from a renewal, which becomes current now).
func (s *Server) authenticate(ctx context.Context, r *http.Request) (*client, *refusal) {
	if r.TLS == nil || len(r.TLS.PeerCertificates) == 0 {
		return nil, refuse(http.StatusUnauthorized, "no_client_cert", "a client certificate is required")
	}
	if len(r.TLS.VerifiedChains) == 0 {
		// Only reachable with a listener that does not verify client
		// certificates; never trust an unverified one.
		return nil, refuse(http.StatusUnauthorized, "unverified_cert", "client certificate not verified")
	}
	leaf := r.TLS.PeerCertificates[0]
	name, err := pki.SensorOf(leaf)
	if err != nil {
		return nil, refuse(http.StatusForbidden, "not_sensor_cert", err.Error())
	}
	c := &client{name: name, scope: store.ForTenant(store.TenantID(name.Tenant))}
	c.sensor, err = s.store.Sensor(ctx, c.scope, store.SensorID(name.Sensor))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return c, refuse(http.StatusForbidden, "unknown_sensor", fmt.Sprintf("sensor %d of tenant %d does not exist", name.Sensor, name.Tenant))
	case err != nil:
		s.log.Error("ingest: look up sensor", "tenant", name.Tenant, "sensor", name.Sensor, "err", err)
		return c, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	}
	if c.sensor.Revoked {
		return c, refuse(http.StatusForbidden, "revoked", "sensor revoked")
	}
	serial := pki.SerialHex(leaf)
	if serial == c.sensor.CertSerial {
		return c, nil
	}
	if c.sensor.CertSerial == "" || !leaf.NotAfter.After(c.sensor.CertNotAfter) {
		return c, refuse(http.StatusForbidden, "superseded_cert", "certificate is not the sensor's current one")
	}
	// A renewed certificate, presented for the first time. Re-read the
	// sensor just before writing, so that a revocation made since the first
	// read is not written back as "not revoked".
	fresh, err := s.store.Sensor(ctx, c.scope, c.sensor.ID)
	if err != nil {
		return c, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	}
	if fresh.Revoked {
		return c, refuse(http.StatusForbidden, "revoked", "sensor revoked")
	}
	old := fresh.CertSerial
	fresh.CertSerial, fresh.CertNotAfter = serial, leaf.NotAfter
	if err := s.store.UpdateSensor(ctx, c.scope, fresh); err != nil {
		s.log.Error("ingest: adopt renewed certificate", "sensor", name.Sensor, "err", err)
		return c, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	}
	s.log.Info("ingest: sensor uses its renewed certificate", "tenant", name.Tenant, "sensor", name.Sensor,
		"old_serial", old, "serial", serial, "not_after", leaf.NotAfter)
	c.sensor = fresh
	return c, nil
}

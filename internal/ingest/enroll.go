package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
)

// IssueToken makes a one-time enrolment token for a sensor of the scope's
// tenant, valid until expires, and records its hash. The returned text is
// shown to the operator once; the server cannot show it again.
func IssueToken(ctx context.Context, st store.Store, ca *pki.CA, scope store.Scope, id store.SensorID, expires time.Time) (string, error) {
	sn, err := st.Sensor(ctx, scope, id)
	if err != nil {
		return "", fmt.Errorf("enrolment token for sensor %d: %w", id, err)
	}
	if sn.Revoked {
		return "", fmt.Errorf("enrolment token for sensor %d: sensor is revoked", id)
	}
	tok, err := pki.NewToken(pki.SensorName{Tenant: int64(scope.Tenant()), Sensor: int64(id)}, expires, ca.Fingerprint())
	if err != nil {
		return "", err
	}
	rec := store.EnrolToken{Hash: tok.Hash(), Tenant: scope.Tenant(), Sensor: id, Expires: tok.Expires}
	if err := st.PutEnrolToken(ctx, scope, rec); err != nil {
		return "", fmt.Errorf("store enrolment token: %w", err)
	}
	return tok.String(), nil
}

// EnrollRequest is the body of POST /v1/enroll.
type EnrollRequest struct {
	Token string `json:"token"`
	CSR   string `json:"csr"` // PEM
}

// RenewRequest is the body of POST /v1/renew.
type RenewRequest struct {
	CSR string `json:"csr"` // PEM
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) *refusal {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		return refuse(http.StatusBadRequest, "bad_request", "request body: "+err.Error())
	}
	if err := json.Unmarshal(body, v); err != nil {
		return refuse(http.StatusBadRequest, "bad_request", "request body: "+err.Error())
	}
	return nil
}

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req EnrollRequest
	rep, sensor, ref := s.enroll(ctx, w, r, &req)
	if ref != nil {
		s.m.enrols.WithLabelValues("refused", ref.code).Inc()
		s.log.Warn("ingest: enrolment refused", "remote", r.RemoteAddr, "reason", ref.reason)
		writeRefusal(w, ref)
		return
	}
	s.m.enrols.WithLabelValues("enrolled", "").Inc()
	s.log.Info("ingest: sensor enrolled", "remote", r.RemoteAddr, "tenant", sensor.Tenant, "sensor", sensor.ID,
		"serial", sensor.CertSerial, "not_after", sensor.CertNotAfter)
	writeJSON(w, http.StatusOK, rep)
}

// enroll checks the request before it spends the token, so that a
// malformed request does not use up a good token.
func (s *Server) enroll(ctx context.Context, w http.ResponseWriter, r *http.Request, req *EnrollRequest) (reply, store.Sensor, *refusal) {
	if ref := readJSON(w, r, req); ref != nil {
		return reply{}, store.Sensor{}, ref
	}
	tok, err := pki.ParseToken(req.Token)
	if err != nil {
		return reply{}, store.Sensor{}, refuse(http.StatusUnauthorized, "bad_token", err.Error())
	}
	if tok.CA != s.ca.Fingerprint() {
		return reply{}, store.Sensor{}, refuse(http.StatusUnauthorized, "other_ca", "token was made for another server's CA")
	}
	csr, err := pki.ParseCSRPEM([]byte(req.CSR))
	if err != nil {
		return reply{}, store.Sensor{}, refuse(http.StatusBadRequest, "bad_csr", err.Error())
	}
	now := s.now()
	rec, err := s.store.TakeEnrolToken(ctx, tok.Hash(), now)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return reply{}, store.Sensor{}, refuse(http.StatusUnauthorized, "unknown_token", "unknown enrolment token")
	case errors.Is(err, store.ErrExpired):
		return reply{}, store.Sensor{}, refuse(http.StatusUnauthorized, "expired_token", "enrolment token expired")
	case errors.Is(err, store.ErrUsed):
		return reply{}, store.Sensor{}, refuse(http.StatusUnauthorized, "used_token", "enrolment token already used")
	case err != nil:
		s.log.Error("ingest: take enrolment token", "err", err)
		return reply{}, store.Sensor{}, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	}
	if int64(rec.Tenant) != tok.Sensor.Tenant || int64(rec.Sensor) != tok.Sensor.Sensor {
		return reply{}, store.Sensor{}, refuse(http.StatusUnauthorized, "bad_token", "token does not match its record")
	}
	scope := store.ForTenant(rec.Tenant)
	sn, err := s.store.Sensor(ctx, scope, rec.Sensor)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return reply{}, store.Sensor{}, refuse(http.StatusForbidden, "unknown_sensor", "the token's sensor no longer exists")
	case err != nil:
		return reply{}, store.Sensor{}, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	case sn.Revoked:
		return reply{}, sn, refuse(http.StatusForbidden, "revoked", "sensor revoked")
	}
	cert, err := s.ca.SignSensor(csr, tok.Sensor, now)
	if err != nil {
		s.log.Error("ingest: sign sensor certificate", "err", err)
		return reply{}, sn, refuse(http.StatusInternalServerError, "sign_error", "could not issue the certificate")
	}
	// Enrolment replaces whatever certificate the sensor had: a replaced
	// or reinstalled machine's old certificate stops working now.
	sn.CertSerial, sn.CertNotAfter = pki.SerialHex(cert), cert.NotAfter
	if err := s.store.UpdateSensor(ctx, scope, sn); err != nil {
		s.log.Error("ingest: record sensor certificate", "err", err)
		return reply{}, sn, refuse(http.StatusServiceUnavailable, "store_error", "server storage unavailable, retry later")
	}
	return reply{
		Certificate: string(pki.CertPEM(cert.Raw)), CA: string(s.ca.CertPEM()),
		TenantID: int64(rec.Tenant), SensorID: int64(rec.Sensor),
	}, sn, nil
}

func (s *Server) handleRenew(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, ref := s.authenticate(ctx, r)
	var received int64
	if ref == nil {
		received = r.ContentLength
		var req RenewRequest
		ref = readJSON(w, r, &req)
		if ref == nil {
			rep, err := s.renew(&req, c.name)
			if err == nil {
				s.m.renewals.WithLabelValues("renewed", "").Inc()
				s.log.Info("ingest: certificate renewed", "tenant", c.name.Tenant, "sensor", c.name.Sensor)
				sent := writeJSON(w, http.StatusOK, rep)
				s.count(c.sensor.ID, int(max(received, 0)), sent)
				return
			}
			ref = err
		}
	}
	s.m.renewals.WithLabelValues("refused", ref.code).Inc()
	s.log.Warn("ingest: renewal refused", "remote", r.RemoteAddr, "reason", ref.reason)
	sent := writeRefusal(w, ref)
	if c != nil && c.sensor.ID != 0 {
		s.count(c.sensor.ID, int(max(received, 0)), sent)
	}
}

func (s *Server) renew(req *RenewRequest, name pki.SensorName) (reply, *refusal) {
	csr, err := pki.ParseCSRPEM([]byte(req.CSR))
	if err != nil {
		return reply{}, refuse(http.StatusBadRequest, "bad_csr", err.Error())
	}
	cert, err := s.ca.SignSensor(csr, name, s.now())
	if err != nil {
		return reply{}, refuse(http.StatusInternalServerError, "sign_error", "could not issue the certificate")
	}
	return reply{Certificate: string(pki.CertPEM(cert.Raw)), CA: string(s.ca.CertPEM())}, nil
}

package ingest

import (
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
)

// Server is the ingest endpoint. It is inert until its Handler is served.
type Server struct {
	cfg   Config
	store store.Store
	ca    *pki.CA
	log   *slog.Logger
	now   func() time.Time
	m     *metrics

	mu     sync.Mutex
	usage  map[usageKey]*Usage
	health map[store.SensorID]Health
}

// New returns an ingest endpoint storing into st and issuing certificates
// from ca. A nil logger discards.
func New(cfg Config, st store.Store, ca *pki.CA, log *slog.Logger) *Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	if cfg.MaxBatchBytes <= 0 {
		cfg.MaxBatchBytes = DefaultConfig().MaxBatchBytes
	}
	return &Server{
		cfg: cfg, store: st, ca: ca, log: log, now: now,
		m:      newMetrics(cfg.Registerer),
		usage:  map[usageKey]*Usage{},
		health: map[store.SensorID]Health{},
	}
}

// Collectors are the endpoint's Prometheus metrics, for a caller that did
// not pass a Registerer.
func (s *Server) Collectors() []prometheus.Collector { return s.m.collected }

// Handler serves the routes listed in the package documentation. It must be
// served over TLS with a configuration from TLSConfig.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/enroll", s.handleEnroll)
	mux.HandleFunc("POST /v1/renew", s.handleRenew)
	mux.HandleFunc("PUT /v1/batches/{epoch}/{seq}", s.handleBatch)
	return mux
}

// TLSConfig is the listener configuration: TLS 1.3, the server certificate
// (whose chain carries the CA, which enrolling sensors pin), and client
// certificates verified against the CA when given. Routes that need one
// check for it themselves, because enrolment works without.
func TLSConfig(ca *pki.CA, serverCert tls.Certificate) *tls.Config {
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{serverCert},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    ca.Pool(),
	}
}

// HTTPServer returns the listener's server for addr: the Handler, TLSConfig
// and timeouts that keep a stalled or hostile client from holding a
// connection for ever. Serve it with ListenAndServeTLS("", "").
func (s *Server) HTTPServer(addr string, serverCert tls.Certificate) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.Handler(),
		TLSConfig:         TLSConfig(s.ca, serverCert),
		ReadHeaderTimeout: 30 * time.Second,
		ReadTimeout:       5 * time.Minute, // a full batch over a slow plant uplink
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// refusal is a request the server will not accept: the status, a short code
// for metrics and a reason for the sensor and the system log.
type refusal struct {
	status int
	code   string
	reason string
}

func refuse(status int, code, reason string) *refusal {
	return &refusal{status: status, code: code, reason: reason}
}

// reply is every JSON answer of the endpoint.
type reply struct {
	Result      string `json:"result,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Certificate string `json:"certificate,omitempty"`
	CA          string `json:"ca,omitempty"`
	TenantID    int64  `json:"tenant_id,omitempty"`
	SensorID    int64  `json:"sensor_id,omitempty"`
}

// writeJSON sends v and returns the number of body bytes written.
func writeJSON(w http.ResponseWriter, status int, v reply) int {
	body, err := json.Marshal(v)
	if err != nil { // a reply has only strings and numbers
		panic(err)
	}
	body = append(body, '\n')
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	n, _ := w.Write(body)
	return n
}

func writeRefusal(w http.ResponseWriter, r *refusal) int {
	return writeJSON(w, r.status, reply{Result: "refused", Reason: r.reason})
}

// Package server composes the otsight server: the embedded store, the
// certificate authority, the sensors' mutual-TLS ingest endpoint, the device
// inventory fed by every stored batch, the sensor health monitor, the
// portal/API listener (for now a landing page, /healthz and /metrics) and the
// operator's admin socket.
//
// Like every long-running component it is built inert by New and run by
// Start; Stop is graceful: listeners stop accepting, in-flight uploads
// finish and are answered, the inventory is saved and the store flushed.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/portal"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/notify"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
	"github.com/otsight/otsight/internal/store/embedded"
)

// Server is the otsight server.
type Server struct {
	cfg Config
	log *slog.Logger
	now func() time.Time

	store  *embedded.Store
	ca     *pki.CA
	cert   tls.Certificate
	ingest *ingest.Server
	inv    *inventories
	obs    *observations
	health *monitor
	mailer *notify.Mailer
	mail   *notify.Deliverer // nil without a transport
	auth   *auth.Service
	portal *portal.Portal
	admin  *Admin
	reg    *prometheus.Registry

	ingestHTTP, portalHTTP, adminHTTP *http.Server
	ingestLn, portalLn, adminLn       net.Listener

	cancel   context.CancelFunc
	wg       sync.WaitGroup
	stopOnce sync.Once
	stopErr  error
}

// Paths inside DataDir.
func pkiDir(dataDir string) string       { return filepath.Join(dataDir, "pki") }
func inventoryDir(dataDir string) string { return filepath.Join(dataDir, "inventory") }

// SocketPath is where the admin socket of a server with this data
// directory listens.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, "admin.sock") }

// New opens the store and the CA and builds the components; nothing listens
// until Start. A nil logger discards.
func New(cfg Config, log *slog.Logger) (*Server, error) {
	return newServer(cfg, log, time.Now)
}

func newServer(cfg Config, log *slog.Logger, now func() time.Time) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if cfg.DataDir == "" {
		return nil, errors.New("server: no data directory")
	}
	d := DefaultConfig()
	if cfg.Health.CheckEvery <= 0 {
		cfg.Health.CheckEvery = d.Health.CheckEvery
	}
	if cfg.Inventory.SnapshotEvery <= 0 {
		cfg.Inventory.SnapshotEvery = d.Inventory.SnapshotEvery
	}
	if cfg.ShutdownTimeout <= 0 {
		cfg.ShutdownTimeout = d.ShutdownTimeout
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s := &Server{cfg: cfg, log: log, now: now, reg: prometheus.NewRegistry()}
	ca, err := pki.LoadOrCreateCA(pkiDir(cfg.DataDir), now())
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ca = ca
	if s.cert, err = ca.ServerCertificate(pkiDir(cfg.DataDir), cfg.Ingest.Hosts, now()); err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	sc := cfg.storeConfig()
	sc.Logger, sc.Now = log.With("component", "store"), now
	if s.store, err = openStore(sc); err != nil {
		return nil, err
	}
	s.obs = newObservations(now)
	s.inv = newInventories(inventoryDir(cfg.DataDir), s.store, cfg.Limits.DevicesPerSensor, cfg.Inventory.FoldInternet,
		log.With("component", "inventory"), now)
	hook := &ingestHook{
		Backend: s.store, inv: s.inv, obs: s.obs, log: log.With("component", "inventory"),
		limitEvent: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "inventory", Name: "device_limit_events_total",
			Help: "Times a sensor reached its device limit (new devices are no longer created for it).",
		}),
	}
	s.ingest = ingest.New(ingest.Config{MaxBatchBytes: cfg.Ingest.MaxBatchBytes, Now: now}, hook, ca, log.With("component", "ingest"))
	if err := s.newMail(); err != nil {
		s.store.Close()
		return nil, err
	}
	if err := s.newAuth(); err != nil {
		s.store.Close()
		return nil, err
	}
	if s.portal, err = portal.New(portal.DefaultConfig(), s.portalDeps()); err != nil {
		s.store.Close()
		return nil, fmt.Errorf("server: %w", err)
	}
	s.health = newMonitor(cfg.Health, s.mailer, s.store, s.ingest, s.obs, now, log.With("component", "health"))
	s.admin = &Admin{cfg: cfg, st: s.store, ca: ca, inv: s.inv, live: s, now: now, log: log.With("component", "admin"), auth: s.auth}

	s.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.reg.MustRegister(s.ingest.Collectors()...)
	s.reg.MustRegister(s.store.Collectors()...)
	s.reg.MustRegister(hook.limitEvent, s.health.events, &sensorCollector{s: s})
	return s, nil
}

// openStore opens the embedded store.
func openStore(cfg embedded.Config) (*embedded.Store, error) {
	st, err := embedded.Open(cfg)
	if err != nil {
		return nil, fmt.Errorf("open store in %s: %w", cfg.Dir, err)
	}
	return st, nil
}

// newMail builds the mailer of health notifications and, when a transport
// is configured, the outbox's deliverer.
func (s *Server) newMail() error {
	nc := s.cfg.notifyConfig()
	nc.Logger = s.log.With("component", "mail")
	nc.Registerer = s.reg
	var err error
	if s.mailer, err = notify.NewMailer(nc, s.store, s.now); err != nil {
		return fmt.Errorf("server: mail: %w", err)
	}
	if nc.Transport == "" {
		return nil
	}
	tr, err := notify.NewTransport(nc)
	if err != nil {
		return fmt.Errorf("server: mail: %w", err)
	}
	if s.mail, err = notify.NewDeliverer(nc, s.store, tr, s.now); err != nil {
		return fmt.Errorf("server: mail: %w", err)
	}
	s.mailer.OnQueued = s.mail.Wake
	return nil
}

// Start opens the listeners and starts the background work: store
// maintenance, the health monitor and the periodic inventory snapshot.
func (s *Server) Start(ctx context.Context) error {
	var err error
	if s.ingestLn, err = net.Listen("tcp", s.cfg.Ingest.Address); err != nil {
		return fmt.Errorf("ingest listener: %w", err)
	}
	if s.portalLn, err = net.Listen("tcp", s.cfg.Listen.Address); err != nil {
		s.ingestLn.Close()
		return fmt.Errorf("portal listener: %w", err)
	}
	if s.adminLn, err = listenAdmin(SocketPath(s.cfg.DataDir)); err != nil {
		s.ingestLn.Close()
		s.portalLn.Close()
		return err
	}
	ctx, s.cancel = context.WithCancel(ctx)

	s.ingestHTTP = s.ingest.HTTPServer(s.ingestLn.Addr().String(), s.cert)
	s.ingestHTTP.Handler = s.obs.wrap(s.ingestHTTP.Handler)
	s.portalHTTP = &http.Server{Handler: s.portalHandler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	s.adminHTTP = &http.Server{Handler: s.admin.handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}

	s.serve("ingest", func() error { return s.ingestHTTP.ServeTLS(s.ingestLn, "", "") })
	s.serve("portal", func() error { return s.portalHTTP.Serve(s.portalLn) })
	s.serve("admin", func() error { return s.adminHTTP.Serve(s.adminLn) })

	s.store.Start(ctx)
	if s.mail != nil {
		s.mail.Start(ctx)
	}
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		s.health.run(ctx)
	}()
	go func() {
		defer s.wg.Done()
		s.snapshotLoop(ctx)
	}()
	s.log.Info("server started", "ingest", s.IngestAddr(), "portal", s.PortalAddr(),
		"admin", SocketPath(s.cfg.DataDir), "data", s.cfg.DataDir, "ca_fingerprint", s.ca.Fingerprint().String())
	return nil
}

func (s *Server) serve(name string, fn func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := fn(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("listener failed", "listener", name, "err", err)
		}
	}()
}

func (s *Server) snapshotLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.Inventory.SnapshotEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.inv.save(); err != nil {
				s.log.Error("inventory snapshot", "err", err)
			}
		}
	}
}

// IngestAddr is the address the ingest endpoint listens on (after Start).
func (s *Server) IngestAddr() string { return s.ingestLn.Addr().String() }

// PortalAddr is the address of the portal listener (after Start).
func (s *Server) PortalAddr() string { return s.portalLn.Addr().String() }

// Store is the server's storage backend.
func (s *Server) Store() store.Backend { return s.store }

// CA is the server's certificate authority.
func (s *Server) CA() *pki.CA { return s.ca }

// Admin is the server's admin API, as the socket serves it.
func (s *Server) Admin() *Admin { return s.admin }

// Stop shuts the server down without losing anything: the listeners stop
// accepting, uploads in flight are stored and answered (up to
// ShutdownTimeout), the background work ends, the inventory is saved and the
// store flushed and closed. It may be called on a server never started.
func (s *Server) Stop() error {
	s.stopOnce.Do(func() { s.stopErr = s.stop() })
	return s.stopErr
}

func (s *Server) stop() error {
	var errs []error
	if s.cancel != nil {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
		defer cancel()
		for _, h := range []*http.Server{s.ingestHTTP, s.adminHTTP, s.portalHTTP} {
			if err := h.Shutdown(ctx); err != nil {
				errs = append(errs, fmt.Errorf("shutdown: %w", err))
			}
		}
		s.cancel()
		s.wg.Wait()
		if s.mail != nil {
			s.mail.Stop()
		}
		os.Remove(SocketPath(s.cfg.DataDir))
	}
	if err := s.inv.save(); err != nil {
		errs = append(errs, err)
	}
	if err := s.store.Flush(context.Background()); err != nil {
		errs = append(errs, fmt.Errorf("flush store: %w", err))
	}
	if err := s.store.Close(); err != nil {
		errs = append(errs, fmt.Errorf("close store: %w", err))
	}
	s.log.Info("server stopped")
	return errors.Join(errs...)
}

package portal

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
	_ "time/tzdata" // tenant time zones even where the host has no zoneinfo

	"github.com/alexedwards/scs/v2"
)

// Config tunes the portal; zero fields take the defaults of DefaultConfig.
type Config struct {
	// IdleTimeout ends a session after this long without a request.
	IdleTimeout time.Duration
	// Lifetime ends a session this long after login, however active.
	Lifetime time.Duration
	// CookieName names the session cookie.
	CookieName string
	// InsecureCookies drops the Secure attribute of the cookies. Browsers
	// accept Secure cookies from http://localhost and http://127.0.0.1 (they
	// count as secure contexts), so this is only for plain-HTTP access by
	// another name, which should not exist outside a lab.
	InsecureCookies bool
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
}

// DefaultConfig returns the defaults: 30 minutes idle, 12 hours absolute.
func DefaultConfig() Config {
	return Config{
		IdleTimeout: 30 * time.Minute,
		Lifetime:    12 * time.Hour,
		CookieName:  "otsight_session",
		Now:         time.Now,
		Logger:      slog.Default(),
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.IdleTimeout > 0 {
		d.IdleTimeout = c.IdleTimeout
	}
	if c.Lifetime > 0 {
		d.Lifetime = c.Lifetime
	}
	if c.CookieName != "" {
		d.CookieName = c.CookieName
	}
	if c.Now != nil {
		d.Now = c.Now
	}
	if c.Logger != nil {
		d.Logger = c.Logger
	}
	d.InsecureCookies = c.InsecureCookies
	return d
}

// Deps are the services the portal works with; all are required.
type Deps struct {
	Auth     Auth
	Sessions SessionStore
	Tenants  Tenants
	Traffic  Traffic
	Devices  Devices
	Audit    AuditLog
	Admin    AdminDeps  // operator console, users, settings, system log, API tokens (deps_admin.go)
	Device   DeviceDeps // device detail, lists by protocol and role, matrices, notes, asset register (deps_devices.go)
	Maps     MapDeps    // device and service maps, OT protocol tables, comparison of two periods (deps_maps.go)
}

func (d Deps) check() error {
	switch {
	case d.Auth == nil:
		return errors.New("portal: Deps.Auth is nil")
	case d.Sessions == nil:
		return errors.New("portal: Deps.Sessions is nil")
	case d.Tenants == nil:
		return errors.New("portal: Deps.Tenants is nil")
	case d.Traffic == nil:
		return errors.New("portal: Deps.Traffic is nil")
	case d.Devices == nil:
		return errors.New("portal: Deps.Devices is nil")
	case d.Audit == nil:
		return errors.New("portal: Deps.Audit is nil")
	}
	return nil
}

// Portal serves the web pages and the REST API.
type Portal struct {
	cfg      Config
	deps     Deps
	sessions *scs.SessionManager
	pages    *pageSet
	handler  http.Handler
}

// New builds the portal; its Handler serves every path (the server mounts it
// at the root of the portal's listener).
func New(cfg Config, deps Deps) (*Portal, error) {
	if err := deps.check(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	pages, err := loadPages()
	if err != nil {
		return nil, err
	}
	p := &Portal{cfg: cfg, deps: deps, pages: pages}
	p.sessions = newSessions(cfg, deps.Sessions)
	p.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		p.internalError(w, r, fmt.Errorf("session: %w", err))
	}
	p.handler = p.routes()
	return p, nil
}

// Handler returns the portal's HTTP handler.
func (p *Portal) Handler() http.Handler { return p.handler }

// ServeHTTP makes the portal an http.Handler.
func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

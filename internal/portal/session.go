package portal

import (
	"context"
	"crypto/sha256"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"
)

// Session keys: the pending login between the two steps, then the
// principal. Plain values, so the session codec needs no registered types.
const (
	keyPendingUser   = "pending_uid"
	keyPendingTenant = "pending_tid"
	keyPendingLogin  = "pending_login"
	keyPendingEmail  = "pending_email"
	keyPendingAt     = "pending_at" // unix nanoseconds of the password step
	keyUser          = "uid"
	keyTenant        = "tid"
	keyLogin         = "login"
	keyRole          = "role"
	keyAuthAt        = "auth_at" // unix nanoseconds of the code step
)

// pendingLifetime bounds the time between the password and the code step.
const pendingLifetime = 10 * time.Minute

// scsStore adapts the store's session methods to scs: the store keeps only
// the SHA-256 of each token, so a leaked table cannot be replayed.
type scsStore struct {
	s   SessionStore
	now func() time.Time
}

var _ scs.CtxStore = scsStore{}

func hashToken(t string) [32]byte { return sha256.Sum256([]byte(t)) }

func (a scsStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	return a.s.FindSession(ctx, hashToken(token), a.now())
}

func (a scsStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	return a.s.CommitSession(ctx, hashToken(token), b, expiry)
}

func (a scsStore) DeleteCtx(ctx context.Context, token string) error {
	return a.s.DeleteSession(ctx, hashToken(token))
}

func (a scsStore) Find(token string) ([]byte, bool, error) {
	return a.FindCtx(context.Background(), token)
}

func (a scsStore) Commit(token string, b []byte, expiry time.Time) error {
	return a.CommitCtx(context.Background(), token, b, expiry)
}

func (a scsStore) Delete(token string) error { return a.DeleteCtx(context.Background(), token) }

func newSessions(cfg Config, st SessionStore) *scs.SessionManager {
	m := scs.New()
	// scs computes expiries from the wall clock, so the store must compare
	// them with the same clock, not Config.Now.
	m.Store = scsStore{s: st, now: time.Now}
	m.IdleTimeout = cfg.IdleTimeout
	m.Lifetime = cfg.Lifetime
	m.Cookie.Name = cfg.CookieName
	m.Cookie.Path = "/"
	m.Cookie.HttpOnly = true
	m.Cookie.Secure = !cfg.InsecureCookies
	m.Cookie.SameSite = http.SameSiteLaxMode
	// A session cookie (no Max-Age): closing the browser ends the session
	// on shared plant PCs, the server-side timeouts apply either way.
	m.Cookie.Persist = false
	return m
}

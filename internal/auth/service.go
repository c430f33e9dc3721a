package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Store is what the Service needs from storage: tenants and the server
// state. The embedded backend provides it.
type Store interface {
	CreateTenant(ctx context.Context, t store.Tenant) (store.Tenant, error)
	Tenant(ctx context.Context, s store.Scope) (store.Tenant, error)
	store.State
}

// Mailer queues a text/plain message in a tenant's outbox
// (notify.Mailer).
type Mailer interface {
	Queue(ctx context.Context, s store.Scope, to, subject, textBody string) (store.Mail, error)
}

// Service applies the authentication and user policy on top of a Store.
// It is safe for concurrent use.
type Service struct {
	cfg    Config
	st     Store
	mailer Mailer
	now    func() time.Time

	codeKey []byte
	// hashSem bounds concurrent argon2 computations.
	hashSem chan struct{}
	// verified counts password verifications, real or dummy (tests check
	// that an unknown login costs one like a known one).
	verified atomic.Int64
	// dummy is verified in place of the hash of an unknown login, so that
	// an unknown login costs the same time as a wrong password.
	dummy Hash

	logins *RateLimiter // password attempts per login ID
	codes  *RateLimiter // code mails per user
}

// New returns a Service; clock is time.Now when nil. mailer may be nil
// for a Service that never sends codes (StartCode then fails).
func New(cfg Config, st Store, mailer Mailer, clock func() time.Time) (*Service, error) {
	cfg.fill()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if clock == nil {
		clock = time.Now
	}
	s := &Service{cfg: cfg, st: st, mailer: mailer, now: clock, hashSem: make(chan struct{}, cfg.MaxConcurrentHashes)}
	s.codeKey = cfg.CodeKey
	if s.codeKey == nil {
		s.codeKey = make([]byte, 32)
		if _, err := rand.Read(s.codeKey); err != nil {
			return nil, fmt.Errorf("auth: code key: %w", err)
		}
	}
	dummy, err := hashPassword("no user has this password", cfg.Argon2)
	if err != nil {
		return nil, err
	}
	s.dummy = dummy
	s.logins = NewRateLimiter(cfg.LoginsPerWindow, cfg.LoginWindow, clock)
	s.codes = NewRateLimiter(cfg.CodesPerWindow, cfg.CodeWindow, clock)
	return s, nil
}

// HashPassword returns the PHC string of password with the configured
// parameters, waiting for a hashing slot.
func (s *Service) HashPassword(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	h, err := hashPassword(password, s.cfg.Argon2)
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

// checkHash verifies password against h under the concurrency bound.
func (s *Service) checkHash(ctx context.Context, h Hash, password string) (bool, error) {
	if err := s.acquire(ctx); err != nil {
		return false, err
	}
	defer s.release()
	s.verified.Add(1)
	return h.verify(password), nil
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashSem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.hashSem }

// audit appends an entry to tenant t's log. Failing to audit fails the
// operation's report: a change without its audit entry is a finding.
func (s *Service) audit(ctx context.Context, t store.TenantID, actor Principal, action, target, detail string) error {
	err := s.st.Audit(ctx, store.ForTenant(t), store.AuditEntry{
		Time: s.now(), Actor: actor.Login, Action: action, Target: target, Detail: detail,
	})
	if err != nil {
		return fmt.Errorf("audit %s %s: %w", action, target, err)
	}
	return nil
}

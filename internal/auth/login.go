package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// VerifyPassword is the first login step. It returns ErrRateLimited when
// login has had too many attempts in the current window, and otherwise
// ErrInvalidCredentials for every failure (unknown login, wrong password,
// locked or disabled account): an unknown login is checked against a
// dummy hash with the same parameters, so that it costs the same argon2
// time as a real one and the answer tells nothing about which logins
// exist. (The small difference left is the store writes of a failure on
// an existing account, a few milliseconds against argon2's ~100.)
//
// LockoutThreshold wrong passwords in a row lock the account for
// LockoutDuration, during which even the right password fails; the lock
// and each failure are audited.
func (s *Service) VerifyPassword(ctx context.Context, login, password string) (Pending, error) {
	login = strings.ToLower(strings.TrimSpace(login))
	if !s.logins.Allow(login) {
		return Pending{}, ErrRateLimited
	}
	u, err := s.st.UserByLogin(ctx, login)
	if errors.Is(err, store.ErrNotFound) {
		if _, err := s.checkHash(ctx, s.dummy, password); err != nil {
			return Pending{}, err
		}
		return Pending{}, ErrInvalidCredentials
	}
	if err != nil {
		return Pending{}, fmt.Errorf("verify password: %w", err)
	}
	h, perr := ParseHash(u.PasswordHash)
	if perr != nil {
		// Cannot be verified: spend the same time and refuse.
		h = s.dummy
	}
	ok, err := s.checkHash(ctx, h, password)
	if err != nil {
		return Pending{}, err
	}
	now := s.now()
	switch {
	case perr != nil || u.Disabled || now.Before(u.LockedUntil):
		return Pending{}, ErrInvalidCredentials
	case !ok:
		if err := s.recordFailure(ctx, u); err != nil {
			return Pending{}, err
		}
		return Pending{}, ErrInvalidCredentials
	}
	if err := s.afterSuccess(ctx, u, h, password); err != nil {
		return Pending{}, err
	}
	return Pending{User: u.ID, Tenant: u.Tenant, Login: u.Login, Email: u.Email, At: now}, nil
}

// recordFailure counts a wrong password and locks the account at the
// threshold; the count restarts after the lock.
func (s *Service) recordFailure(ctx context.Context, u store.User) error {
	u.LockedUntil = s.now().Add(s.cfg.LockoutDuration)
	locked, err := s.st.CountLoginFailure(ctx, store.ForTenant(u.Tenant), u.ID, s.cfg.LockoutThreshold, u.LockedUntil)
	if err != nil {
		return fmt.Errorf("record login failure: %w", err)
	}
	actor := Principal{Login: u.Login, Tenant: u.Tenant, User: u.ID, Role: u.Role}
	if err := s.audit(ctx, u.Tenant, actor, ActionLoginFailure, u.Login, ""); err != nil {
		return err
	}
	if locked {
		return s.audit(ctx, u.Tenant, System, ActionLoginLocked, u.Login, "until="+u.LockedUntil.Format(time.RFC3339))
	}
	return nil
}

// afterSuccess resets the failure count and, when the hash was made with
// other parameters than the configured ones, stores a new hash while the
// password is at hand.
func (s *Service) afterSuccess(ctx context.Context, u store.User, h Hash, password string) error {
	rehash := h.outdated(s.cfg.Argon2)
	if !rehash && u.FailedAttempts == 0 && u.LockedUntil.IsZero() {
		return nil
	}
	old := h.Params
	if rehash {
		enc, err := s.HashPassword(ctx, password)
		if err != nil {
			return err
		}
		u.PasswordHash = enc
	}
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	if err := s.st.UpdateUser(ctx, store.ForTenant(u.Tenant), u); err != nil {
		return fmt.Errorf("verify password: %w", err)
	}
	if !rehash {
		return nil
	}
	p := s.cfg.Argon2
	return s.audit(ctx, u.Tenant, System, ActionPasswordRehash, u.Login,
		fmt.Sprintf("m=%d,t=%d,p=%d -> m=%d,t=%d,p=%d", old.Memory, old.Time, old.Threads, p.Memory, p.Time, p.Threads))
}

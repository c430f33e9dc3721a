package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/otsight/otsight/internal/store"
)

// codeDigits is the length of a one-time code.
const codeDigits = 6

// StartCode generates a 6-digit code for a pending login, stores its keyed
// hash (replacing any earlier code of the user) with the configured
// lifetime, and queues the code mail. At most CodesPerWindow codes per
// user per CodeWindow (ErrRateLimited).
func (s *Service) StartCode(ctx context.Context, p Pending) error {
	if s.mailer == nil {
		return errors.New("start code: no mailer configured")
	}
	if !s.codes.Allow(fmt.Sprint(p.User)) {
		return ErrRateLimited
	}
	code, err := newCode()
	if err != nil {
		return err
	}
	now := s.now()
	sc := store.ForTenant(p.Tenant)
	if err := s.st.PutCode(ctx, sc, store.OneTimeCode{User: p.User, Hash: s.codeHash(p.User, code), Expires: now.Add(s.cfg.CodeTTL)}); err != nil {
		return fmt.Errorf("start code: %w", err)
	}
	m, err := s.mailer.Queue(ctx, sc, p.Email, s.cfg.CodeSubject, codeMailBody(code, s.cfg.CodeTTL))
	if err != nil {
		return fmt.Errorf("start code: %w", err)
	}
	return s.audit(ctx, p.Tenant, pendingActor(p), ActionCodeSent, p.Login, fmt.Sprintf("mail=%d", m.ID))
}

// VerifyCode is the second login step: it checks code against the pending
// login's stored code and returns the authenticated principal. A code is
// good once; CodeMaxAttempts wrong tries kill it (ErrCodeAttempts); past
// its lifetime it is ErrCodeExpired; wrong, used or missing codes are
// ErrCodeInvalid. Spaces, hyphens and full-width digits (as typed with a
// Japanese input method) are accepted.
func (s *Service) VerifyCode(ctx context.Context, p Pending, code string) (Principal, error) {
	sc := store.ForTenant(p.Tenant)
	now := s.now()
	_, err := s.st.TakeCode(ctx, sc, p.User, s.codeHash(p.User, normalizeCode(code)), now, s.cfg.CodeMaxAttempts)
	if err != nil {
		var out error
		switch {
		case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrUsed):
			out = ErrCodeInvalid
		case errors.Is(err, store.ErrExpired):
			out = ErrCodeExpired
		case errors.Is(err, store.ErrLimit):
			out = ErrCodeAttempts
		default:
			return Principal{}, fmt.Errorf("verify code: %w", err)
		}
		if aerr := s.audit(ctx, p.Tenant, pendingActor(p), ActionCodeFailure, p.Login, out.Error()); aerr != nil {
			return Principal{}, aerr
		}
		return Principal{}, out
	}
	u, err := s.st.User(ctx, sc, p.User)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrInvalidCredentials
	}
	if err != nil {
		return Principal{}, fmt.Errorf("verify code: %w", err)
	}
	if u.Disabled || now.Before(u.LockedUntil) {
		return Principal{}, ErrInvalidCredentials
	}
	pr := Principal{User: u.ID, Login: u.Login, Tenant: u.Tenant, Role: u.Role, MustChange: u.MustChange, AuthTime: now}
	if err := s.audit(ctx, u.Tenant, pr, ActionLogin, u.Login, ""); err != nil {
		return Principal{}, err
	}
	return pr, nil
}

func pendingActor(p Pending) Principal {
	return Principal{User: p.User, Login: p.Login, Tenant: p.Tenant}
}

// newCode draws a uniform 6-digit code with crypto/rand.
func newCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("one-time code: %w", err)
	}
	return fmt.Sprintf("%0*d", codeDigits, n.Int64()), nil
}

// codeHash is HMAC-SHA256 under the server's code key over a label, the
// user ID and the code. The key makes the stored value useless without
// the key file (plain SHA-256 of one of a million codes is reversed by
// trying them all); the user ID keeps equal codes of two users apart.
func (s *Service) codeHash(user store.UserID, code string) [32]byte {
	m := hmac.New(sha256.New, s.codeKey)
	m.Write([]byte("otsight login code\x00"))
	var id [8]byte
	binary.BigEndian.PutUint64(id[:], uint64(user))
	m.Write(id[:])
	m.Write([]byte(code))
	var out [32]byte
	m.Sum(out[:0])
	return out
}

// normalizeCode keeps the digits of what the user typed, mapping
// full-width digits to ASCII and dropping spaces and hyphens; anything
// else is kept so that it fails the comparison.
func normalizeCode(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '０' && r <= '９':
			b.WriteRune('0' + (r - '０'))
		case r == ' ' || r == '-' || r == '\u3000' || r == '\t':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

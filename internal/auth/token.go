package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/otsight/otsight/internal/store"
)

// TokenPrefix starts every API token, so that secret scanners and people
// recognise one in a log or a repository.
const TokenPrefix = "otst_"

// tokenBytes is the random part of a token: 256 bits.
const tokenBytes = 32

var tokenEncoding = base64.RawURLEncoding

// ParseToken checks the form of an API token, otst_ and 43 base64url
// characters without padding, and returns its random part.
func ParseToken(secret string) ([tokenBytes]byte, error) {
	var raw [tokenBytes]byte
	body, ok := strings.CutPrefix(secret, TokenPrefix)
	if !ok || len(body) != tokenEncoding.EncodedLen(tokenBytes) {
		return raw, ErrInvalidToken
	}
	n, err := tokenEncoding.Strict().Decode(raw[:], []byte(body))
	if err != nil || n != tokenBytes {
		return [tokenBytes]byte{}, ErrInvalidToken
	}
	return raw, nil
}

// tokenHash is what the store keeps of a token: SHA-256 of its random
// part. Unlike a 6-digit code, 256 random bits need no key or slow hash.
func tokenHash(raw [tokenBytes]byte) [32]byte { return sha256.Sum256(raw[:]) }

// TokenID is a short public name of a token for lists and the audit log:
// the first 8 bytes of its hash in hex.
func TokenID(hash [32]byte) string { return hex.EncodeToString(hash[:8]) }

// CreateToken creates a personal API token of the actor, named name (1 to
// 100 characters), with the actor's tenant and role. The secret is
// returned once; only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, actor Principal, name string) (string, store.APIToken, error) {
	if actor.User == 0 || actor.MustChange {
		return "", store.APIToken{}, fmt.Errorf("create token: %w", ErrForbidden)
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return "", store.APIToken{}, fmt.Errorf("create token: %w: name must have 1 to 100 characters", ErrInvalid)
	}
	var raw [tokenBytes]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", store.APIToken{}, fmt.Errorf("create token: %w", err)
	}
	t := store.APIToken{Hash: tokenHash(raw), User: actor.User, Tenant: actor.Tenant, Name: name, Created: s.now()}
	if err := s.st.CreateAPIToken(ctx, actor.Scope(), t); err != nil {
		return "", store.APIToken{}, fmt.Errorf("create token: %w", err)
	}
	if err := s.audit(ctx, actor.Tenant, actor, ActionTokenCreate, "token:"+TokenID(t.Hash), fmt.Sprintf("name=%q", name)); err != nil {
		return "", store.APIToken{}, err
	}
	return TokenPrefix + tokenEncoding.EncodeToString(raw[:]), t, nil
}

// VerifyToken authenticates an API request: the token must be well
// formed, known, not revoked, and its user must exist and be enabled. The
// principal has the user's current role, so a demoted user's tokens lose
// rights at once. LastUsed is updated at most once per TokenTouchEvery.
func (s *Service) VerifyToken(ctx context.Context, secret string) (Principal, error) {
	raw, err := ParseToken(secret)
	if err != nil {
		return Principal{}, err
	}
	h := tokenHash(raw)
	t, err := s.st.APIToken(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("verify token: %w", err)
	}
	if !t.Revoked.IsZero() {
		return Principal{}, ErrInvalidToken
	}
	u, err := s.st.User(ctx, store.ForTenant(t.Tenant), t.User)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrInvalidToken
	}
	if err != nil {
		return Principal{}, fmt.Errorf("verify token: %w", err)
	}
	if u.Disabled {
		return Principal{}, ErrInvalidToken
	}
	now := s.now()
	if now.Sub(t.LastUsed) >= s.cfg.TokenTouchEvery {
		if err := s.st.TouchAPIToken(ctx, h, now); err != nil {
			return Principal{}, fmt.Errorf("verify token: %w", err)
		}
	}
	return Principal{User: u.ID, Login: u.Login, Tenant: u.Tenant, Role: u.Role}, nil
}

// ListTokens lists a user's tokens: one's own, or any user's of the
// tenant for its admins and operators (user 0: the whole tenant).
func (s *Service) ListTokens(ctx context.Context, actor Principal, tenant store.TenantID, user store.UserID) ([]store.APIToken, error) {
	own := tenant == actor.Tenant && user == actor.User && user != 0
	if !own && !actor.canManageUsers(tenant) {
		return nil, fmt.Errorf("list tokens: %w", ErrForbidden)
	}
	return s.st.APITokens(ctx, store.ForTenant(tenant), user)
}

// RevokeToken revokes a token: its owner, an admin of its tenant or an
// operator may. Revoking twice is store.ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, actor Principal, hash [32]byte) error {
	t, err := s.st.APIToken(ctx, hash)
	if err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	own := t.Tenant == actor.Tenant && t.User == actor.User && actor.User != 0
	if !own && !actor.canManageUsers(t.Tenant) {
		// Looks like an unknown token: a user of another tenant learns
		// nothing by guessing hashes.
		return fmt.Errorf("revoke token: %w", store.ErrNotFound)
	}
	if err := s.st.RevokeAPIToken(ctx, store.ForTenant(t.Tenant), hash, s.now()); err != nil {
		return fmt.Errorf("revoke token: %w", err)
	}
	return s.audit(ctx, t.Tenant, actor, ActionTokenRevoke, "token:"+TokenID(hash), fmt.Sprintf("name=%q", t.Name))
}

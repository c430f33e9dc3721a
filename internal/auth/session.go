package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// sessionsKey is the per-tenant setting holding the time before which a
// user's sessions are void ("logout everywhere"). The store keeps
// sessions as opaque data by token hash, with no index by user, so the
// revocation is a watermark checked by Refresh rather than a deletion.
func sessionsKey(id store.UserID) string { return fmt.Sprintf("auth.sessions_valid_after.%d", id) }

// LogoutEverywhere voids every session of a user that started before now:
// the user itself, an admin of its tenant or an operator may.
func (s *Service) LogoutEverywhere(ctx context.Context, actor Principal, tenant store.TenantID, id store.UserID) error {
	own := tenant == actor.Tenant && id == actor.User && id != 0
	if !own && !actor.canManageUsers(tenant) {
		return fmt.Errorf("logout everywhere: %w", ErrForbidden)
	}
	sc := store.ForTenant(tenant)
	u, err := s.st.User(ctx, sc, id)
	if err != nil {
		return fmt.Errorf("logout everywhere: %w", err)
	}
	if err := s.revokeSessions(ctx, sc, id); err != nil {
		return fmt.Errorf("logout everywhere: %w", err)
	}
	return s.audit(ctx, tenant, actor, ActionLogoutAll, u.Login, "")
}

// revokeSessions voids the user's sessions that started until now.
func (s *Service) revokeSessions(ctx context.Context, sc store.Scope, id store.UserID) error {
	v, err := json.Marshal(s.now().UTC())
	if err != nil {
		return err
	}
	return s.st.PutSetting(ctx, sc, sessionsKey(id), v)
}

// Refresh re-reads a session's principal on each request: it fails with
// ErrInvalidCredentials when the user is gone, disabled, or its sessions
// were revoked after p.AuthTime, and otherwise returns p with the user's
// current role and MustChange.
func (s *Service) Refresh(ctx context.Context, p Principal) (Principal, error) {
	sc := p.Scope()
	u, err := s.st.User(ctx, sc, p.User)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrInvalidCredentials
	}
	if err != nil {
		return Principal{}, fmt.Errorf("refresh session: %w", err)
	}
	if u.Disabled {
		return Principal{}, ErrInvalidCredentials
	}
	raw, err := s.st.Setting(ctx, sc, sessionsKey(p.User))
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return Principal{}, fmt.Errorf("refresh session: %w", err)
	default:
		var after time.Time
		if err := json.Unmarshal(raw, &after); err != nil {
			return Principal{}, fmt.Errorf("refresh session: %s: %w", sessionsKey(p.User), err)
		}
		if !p.AuthTime.After(after) {
			return Principal{}, ErrInvalidCredentials
		}
	}
	p.Login, p.Role, p.MustChange = u.Login, u.Role, u.MustChange
	return p, nil
}

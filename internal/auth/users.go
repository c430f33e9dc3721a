package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// NewUser describes a user to add.
type NewUser struct {
	Login string // empty: generated
	Email string
	Role  store.Role // admin or user; operator only in OperatorTenant
}

// AddUser adds a user to tenant with a generated initial password (returned
// once, must be changed at first login). Admins add to their own tenant,
// operators to any; operators (role operator) only go to OperatorTenant,
// and only operators create them. store.ErrLimit (ErrLimit) when the
// tenant's quota is full, store.ErrExists when the login ID is taken.
func (s *Service) AddUser(ctx context.Context, actor Principal, tenant store.TenantID, u NewUser) (Activation, error) {
	if !actor.canManageUsers(tenant) {
		return Activation{}, fmt.Errorf("add user: %w", ErrForbidden)
	}
	switch u.Role {
	case store.RoleAdmin, store.RoleUser:
		if tenant == OperatorTenant {
			return Activation{}, fmt.Errorf("add user: %w: tenant 0 holds only operators", ErrInvalid)
		}
	case store.RoleOperator:
		if tenant != OperatorTenant || !actor.isOperator() {
			return Activation{}, fmt.Errorf("add operator: %w", ErrForbidden)
		}
	default:
		return Activation{}, fmt.Errorf("add user: %w: role %q", ErrInvalid, u.Role)
	}
	if err := checkEmail(u.Email); err != nil {
		return Activation{}, fmt.Errorf("add user: %w", err)
	}
	if u.Login != "" {
		u.Login = strings.ToLower(u.Login)
		if err := checkLogin(u.Login); err != nil {
			return Activation{}, fmt.Errorf("add user: %w", err)
		}
	}
	a, err := s.addUser(ctx, actor, tenant, u.Login, u.Email, u.Role)
	if err != nil {
		return Activation{}, fmt.Errorf("add user: %w", err)
	}
	if tenant != OperatorTenant {
		if a.Tenant, err = s.st.Tenant(ctx, store.ForTenant(tenant)); err != nil {
			return Activation{}, fmt.Errorf("add user: %w", err)
		}
	}
	return a, nil
}

// addUser creates the user after the checks; login "" is generated
// ("u" and 9 characters, retried on collision).
func (s *Service) addUser(ctx context.Context, actor Principal, tenant store.TenantID, login, email string, role store.Role) (Activation, error) {
	pass, err := newInitialPassword(s.cfg.InitialPassLen)
	if err != nil {
		return Activation{}, err
	}
	hash, err := s.HashPassword(ctx, pass)
	if err != nil {
		return Activation{}, err
	}
	generated := login == ""
	var u store.User
	for try := 0; ; try++ {
		if generated {
			r, err := randomString(9, loginAlphabet)
			if err != nil {
				return Activation{}, err
			}
			login = "u" + r
		}
		u, err = s.st.CreateUser(ctx, store.ForTenant(tenant), store.User{
			Login: login, Email: email, Role: role, PasswordHash: hash, MustChange: true, Created: s.now(),
		})
		if generated && errors.Is(err, store.ErrExists) && try < 3 {
			continue
		}
		if err != nil {
			return Activation{}, err
		}
		break
	}
	if err := s.audit(ctx, tenant, actor, ActionUserCreate, u.Login, "role="+string(role)); err != nil {
		return Activation{}, err
	}
	return Activation{User: u, Login: u.Login, InitialPassword: pass}, nil
}

// ListUsers lists tenant's users to its members and to operators.
func (s *Service) ListUsers(ctx context.Context, actor Principal, tenant store.TenantID) ([]store.User, error) {
	if !actor.canRead(tenant) {
		return nil, fmt.Errorf("list users: %w", ErrForbidden)
	}
	return s.st.Users(ctx, store.ForTenant(tenant))
}

// RemoveUser deletes a user of tenant with its code and API tokens. A
// tenant keeps at least one admin (ErrLastAdmin).
func (s *Service) RemoveUser(ctx context.Context, actor Principal, tenant store.TenantID, id store.UserID) error {
	if !actor.canManageUsers(tenant) {
		return fmt.Errorf("remove user: %w", ErrForbidden)
	}
	sc := store.ForTenant(tenant)
	u, err := s.st.User(ctx, sc, id)
	if err != nil {
		return fmt.Errorf("remove user: %w", err)
	}
	if u.Role == store.RoleOperator && !actor.isOperator() {
		return fmt.Errorf("remove user: %w", ErrForbidden)
	}
	if u.Role == store.RoleAdmin || u.Role == store.RoleOperator {
		if err := s.keepOneAdmin(ctx, sc, u); err != nil {
			return fmt.Errorf("remove user %q: %w", u.Login, err)
		}
	}
	if err := s.st.DeleteUser(ctx, sc, id); err != nil {
		return fmt.Errorf("remove user: %w", err)
	}
	return s.audit(ctx, tenant, actor, ActionUserDelete, u.Login, "role="+string(u.Role))
}

// keepOneAdmin refuses the removal of u when no other user of its role
// (admin, or operator in OperatorTenant) would remain.
func (s *Service) keepOneAdmin(ctx context.Context, sc store.Scope, u store.User) error {
	users, err := s.st.Users(ctx, sc)
	if err != nil {
		return err
	}
	for _, o := range users {
		if o.ID != u.ID && o.Role == u.Role && !o.Disabled {
			return nil
		}
	}
	return ErrLastAdmin
}

// SetPassword sets another user's password (an admin for its tenant, an
// operator for any); the user must change it at next login. For one's own
// password use ChangePassword.
func (s *Service) SetPassword(ctx context.Context, actor Principal, tenant store.TenantID, id store.UserID, password string) error {
	if !actor.canManageUsers(tenant) {
		return fmt.Errorf("set password: %w", ErrForbidden)
	}
	sc := store.ForTenant(tenant)
	u, err := s.st.User(ctx, sc, id)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	if err := CheckPassword(password, u.Login, u.Email, s.cfg.MinPasswordLen); err != nil {
		return err
	}
	if u.PasswordHash, err = s.HashPassword(ctx, password); err != nil {
		return err
	}
	u.MustChange = u.ID != actor.User || u.Tenant != actor.Tenant
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	if err := s.st.UpdateUser(ctx, sc, u); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	// Whoever knew the old password may be logged in somewhere.
	if err := s.revokeSessions(ctx, sc, u.ID); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	return s.audit(ctx, tenant, actor, ActionPasswordSet, u.Login, "")
}

// ChangePassword changes the actor's own password after checking the
// current one, and clears MustChange. A wrong current password counts
// towards the lockout like a failed login.
func (s *Service) ChangePassword(ctx context.Context, actor Principal, current, password string) error {
	sc := actor.Scope()
	u, err := s.st.User(ctx, sc, actor.User)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	h, err := ParseHash(u.PasswordHash)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	ok, err := s.checkHash(ctx, h, current)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.recordFailure(ctx, u); err != nil {
			return err
		}
		return ErrInvalidCredentials
	}
	if err := CheckPassword(password, u.Login, u.Email, s.cfg.MinPasswordLen); err != nil {
		return err
	}
	if password == current {
		return fmt.Errorf("%w: equal to the current password", ErrWeakPassword)
	}
	if u.PasswordHash, err = s.HashPassword(ctx, password); err != nil {
		return err
	}
	u.MustChange, u.FailedAttempts = false, 0
	if err := s.st.UpdateUser(ctx, sc, u); err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	return s.audit(ctx, u.Tenant, actor, ActionPasswordChange, u.Login, "")
}

// Unlock lifts a lockout before it expires.
func (s *Service) Unlock(ctx context.Context, actor Principal, tenant store.TenantID, id store.UserID) error {
	if !actor.canManageUsers(tenant) {
		return fmt.Errorf("unlock: %w", ErrForbidden)
	}
	sc := store.ForTenant(tenant)
	u, err := s.st.User(ctx, sc, id)
	if err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	if err := s.st.UpdateUser(ctx, sc, u); err != nil {
		return fmt.Errorf("unlock: %w", err)
	}
	return s.audit(ctx, tenant, actor, ActionLoginUnlock, u.Login, "")
}

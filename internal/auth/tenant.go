package auth

import (
	"context"
	"fmt"
	"strings"

	"github.com/otsight/otsight/internal/store"
)

// Activation is what the operator console shows once after creating a
// tenant or a user: the generated login ID and initial password. Neither
// is stored in clear; the password must be changed at first login.
type Activation struct {
	Tenant          store.Tenant
	User            store.User
	Login           string
	InitialPassword string
}

// CreateTenant creates a tenant allowed sensors sensors (1 to 9) and the
// configured user quota, with a first admin whose login ID is generated
// and whose initial password is returned once. Operators only.
func (s *Service) CreateTenant(ctx context.Context, actor Principal, name string, sensors int, adminEmail string) (Activation, error) {
	if !actor.isOperator() {
		return Activation{}, fmt.Errorf("create tenant: %w", ErrForbidden)
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return Activation{}, fmt.Errorf("create tenant: %w: name must have 1 to 200 bytes", ErrInvalid)
	}
	if sensors < 1 || sensors > store.DefaultMaxSensors {
		return Activation{}, fmt.Errorf("create tenant: %w: %d sensors, want 1 to %d", ErrInvalid, sensors, store.DefaultMaxSensors)
	}
	if err := checkEmail(adminEmail); err != nil {
		return Activation{}, fmt.Errorf("create tenant: %w", err)
	}
	t, err := s.st.CreateTenant(ctx, store.Tenant{Name: name, MaxSensors: sensors, MaxUsers: s.cfg.MaxUsersPerTenant, Created: s.now()})
	if err != nil {
		return Activation{}, fmt.Errorf("create tenant: %w", err)
	}
	if err := s.audit(ctx, t.ID, actor, ActionTenantCreate, fmt.Sprintf("tenant:%d", t.ID),
		fmt.Sprintf("name=%q sensors=%d users=%d", t.Name, t.MaxSensors, t.MaxUsers)); err != nil {
		return Activation{}, err
	}
	// The store has no transaction spanning tenant and user: should the
	// admin fail, the tenant exists without one and the operator adds it
	// with AddUser.
	a, err := s.addUser(ctx, actor, t.ID, "", adminEmail, store.RoleAdmin)
	if err != nil {
		return Activation{}, fmt.Errorf("create tenant %d: first admin: %w", t.ID, err)
	}
	a.Tenant = t
	return a, nil
}

package demo

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
)

// loginFile keeps the demo administrator's credentials in the data
// directory (mode 0600), so that every start prints the same ones.
const loginFile = "demo-login.json"

// credentials are the demo tenant and its administrator's login.
type credentials struct {
	Tenant   string         `json:"tenant"`
	TenantID store.TenantID `json:"tenant_id"`
	Login    string         `json:"login"`
	Password string         `json:"password"`
	Created  time.Time      `json:"created"`
}

// account is the demo's tenant and administrator, as found or created.
type account struct {
	credentials
	created bool // made by this run
	// changed: the stored password is no longer the demo's (changed in
	// the portal); Password is then not to be printed.
	changed bool
}

// ensureAccount returns the demo account, creating the tenant and its
// administrator on the first start.
func ensureAccount(ctx context.Context, st store.Backend, dataDir string, now func() time.Time) (account, error) {
	path := filepath.Join(dataDir, loginFile)
	data, err := os.ReadFile(path)
	if err == nil {
		var c credentials
		if err := json.Unmarshal(data, &c); err != nil {
			return account{}, fmt.Errorf("%s: %w", path, err)
		}
		return resumeAccount(ctx, st, c, path)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return account{}, fmt.Errorf("login file: %w", err)
	}
	return createAccount(ctx, st, path, now)
}

func resumeAccount(ctx context.Context, st store.Backend, c credentials, path string) (account, error) {
	u, err := st.UserByLogin(ctx, c.Login)
	if errors.Is(err, store.ErrNotFound) {
		return account{}, fmt.Errorf("the demo administrator %q of %s is gone from the store; remove the data directory to start afresh", c.Login, path)
	}
	if err != nil {
		return account{}, fmt.Errorf("demo administrator %q: %w", c.Login, err)
	}
	if u.Tenant != c.TenantID {
		return account{}, fmt.Errorf("the demo administrator %q belongs to tenant %d, %s says %d", c.Login, u.Tenant, path, c.TenantID)
	}
	return account{credentials: c, changed: !passwordMatches(u.PasswordHash, c.Password)}, nil
}

// createAccount creates the tenant and its administrator through the auth
// service, as the operator console does, and remembers the credentials.
func createAccount(ctx context.Context, st store.Backend, path string, now func() time.Time) (account, error) {
	ts, err := st.Tenants(ctx)
	if err != nil {
		return account{}, fmt.Errorf("tenants: %w", err)
	}
	for _, t := range ts {
		if t.Name == TenantName {
			// Created by an earlier run that died before writing the file:
			// its password was never shown and cannot be recovered.
			return account{}, fmt.Errorf("tenant %q exists but %s does not; remove the data directory to start afresh", TenantName, path)
		}
	}
	svc, err := auth.New(auth.Config{}, st, nil, now)
	if err != nil {
		return account{}, fmt.Errorf("auth service: %w", err)
	}
	act, err := svc.CreateTenant(ctx, auth.System, TenantName, store.DefaultMaxSensors, AdminEmail)
	if err != nil {
		return account{}, err
	}
	c := credentials{Tenant: act.Tenant.Name, TenantID: act.Tenant.ID, Login: act.Login,
		Password: act.InitialPassword, Created: now().UTC()}
	// Write the file first: without it a crash below would lose the only
	// copy of the password.
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return account{}, err
	}
	if err := pki.WriteFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return account{}, fmt.Errorf("login file: %w", err)
	}
	if err := keepPassword(ctx, st, act.Tenant.ID, act.User.ID, now()); err != nil {
		return account{}, err
	}
	return account{credentials: c, created: true}, nil
}

// keepPassword lifts the forced change of the initial password (see the
// package documentation for why) and says so in the tenant's audit log.
func keepPassword(ctx context.Context, st store.Backend, tenant store.TenantID, id store.UserID, now time.Time) error {
	sc := store.ForTenant(tenant)
	u, err := st.User(ctx, sc, id)
	if err != nil {
		return fmt.Errorf("demo administrator: %w", err)
	}
	u.MustChange = false
	if err := st.UpdateUser(ctx, sc, u); err != nil {
		return fmt.Errorf("demo administrator: %w", err)
	}
	return st.Audit(ctx, sc, store.AuditEntry{Time: now, Actor: "system:demo", Action: "demo.password_kept",
		Target: u.Login, Detail: "otsight demo: the initial password need not be changed at first login"})
}

// passwordMatches reports whether password is the one hashed in phc. A hash
// this package cannot read counts as a different password.
func passwordMatches(phc, password string) bool {
	h, err := auth.ParseHash(phc)
	if err != nil {
		return false
	}
	p := h.Params
	key := argon2.IDKey([]byte(password), h.Salt, p.Time, p.Memory, p.Threads, uint32(len(h.Key)))
	return subtle.ConstantTimeCompare(key, h.Key) == 1
}

package auth

import (
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestAPITokenLifecycle(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, admin := e.tenant(t, "plant-a", 1)
	u, err := e.svc.AddUser(ctx, admin, a.Tenant.ID, NewUser{Login: "sato", Email: "sato@plant-a.example.jp", Role: store.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	sato := principalOf(u.User)
	if _, _, err := e.svc.CreateToken(ctx, sato, "grafana"); !errors.Is(err, ErrForbidden) {
		t.Fatalf("token before the first password change: %v, want ErrForbidden", err)
	}
	sato.MustChange = false
	if _, _, err := e.svc.CreateToken(ctx, sato, "  "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty name: %v", err)
	}
	secret, tok, err := e.svc.CreateToken(ctx, sato, "grafana")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^otst_[A-Za-z0-9_-]{43}$`).MatchString(secret) {
		t.Fatalf("secret %q", secret)
	}
	if tok.User != u.User.ID || tok.Tenant != a.Tenant.ID || tok.Name != "grafana" {
		t.Fatalf("token = %+v", tok)
	}
	raw, err := ParseToken(secret)
	if err != nil || tokenHash(raw) != tok.Hash {
		t.Fatalf("stored hash is not SHA-256 of the secret's random part (%v)", err)
	}

	e.clk.add(time.Hour)
	p, err := e.svc.VerifyToken(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	if p.User != u.User.ID || p.Tenant != a.Tenant.ID || p.Role != store.RoleUser || p.Login != "sato" {
		t.Fatalf("principal = %+v", p)
	}
	list, err := e.svc.ListTokens(ctx, sato, a.Tenant.ID, sato.User)
	if err != nil || len(list) != 1 || list[0].LastUsed.Before(t0.Add(time.Hour)) || !list[0].Revoked.IsZero() {
		t.Fatalf("tokens after use: %+v, %v", list, err)
	}
	used := list[0].LastUsed
	// Within TokenTouchEvery the last use is not rewritten.
	e.clk.add(30 * time.Second)
	e.svc.VerifyToken(ctx, secret)
	if list, _ = e.svc.ListTokens(ctx, sato, a.Tenant.ID, sato.User); !list[0].LastUsed.Equal(used) {
		t.Errorf("LastUsed rewritten after 30 s")
	}
	e.clk.add(time.Minute)
	e.svc.VerifyToken(ctx, secret)
	if list, _ = e.svc.ListTokens(ctx, sato, a.Tenant.ID, sato.User); !list[0].LastUsed.After(used) {
		t.Errorf("LastUsed not updated after 90 s")
	}

	// Tampered and malformed tokens.
	for _, bad := range []string{secret[:len(secret)-1] + flip(secret[len(secret)-1]), "otst_", secret + "A", "Bearer " + secret, ""} {
		if _, err := e.svc.VerifyToken(ctx, bad); !errors.Is(err, ErrInvalidToken) {
			t.Errorf("VerifyToken(%q) = %v, want ErrInvalidToken", bad, err)
		}
	}

	// A user may not list another's tokens; its admin may.
	if _, err := e.svc.ListTokens(ctx, sato, a.Tenant.ID, admin.User); !errors.Is(err, ErrForbidden) {
		t.Errorf("user listing the admin's tokens: %v", err)
	}
	if all, err := e.svc.ListTokens(ctx, admin, a.Tenant.ID, 0); err != nil || len(all) != 1 {
		t.Errorf("admin listing the tenant's tokens: %d, %v", len(all), err)
	}

	if err := e.svc.RevokeToken(ctx, sato, tok.Hash); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyToken(ctx, secret); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("revoked token: %v", err)
	}
	if err := e.svc.RevokeToken(ctx, sato, tok.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoking twice: %v", err)
	}

	// Removing the user removes its tokens.
	secret2, _, err := e.svc.CreateToken(ctx, sato, "second")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RemoveUser(ctx, admin, a.Tenant.ID, sato.User); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyToken(ctx, secret2); !errors.Is(err, ErrInvalidToken) {
		t.Fatalf("token of a removed user: %v", err)
	}
}

func flip(c byte) string {
	if c == 'A' {
		return "B"
	}
	return "A"
}

// An admin of tenant A can neither see nor change tenant B's users or
// tokens.
func TestTenantIsolation(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, adminA := e.tenant(t, "plant-a", 1)
	b, adminB := e.tenant(t, "plant-b", 1)
	ub, err := e.svc.AddUser(ctx, adminB, b.Tenant.ID, NewUser{Login: "kato", Email: "kato@plant-b.example.jp", Role: store.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ListUsers(ctx, adminA, b.Tenant.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("A lists B: %v", err)
	}
	if err := e.svc.RemoveUser(ctx, adminA, b.Tenant.ID, ub.User.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("A removes a user of B: %v", err)
	}
	// Naming B's user with A's tenant finds nothing.
	if err := e.svc.RemoveUser(ctx, adminA, a.Tenant.ID, ub.User.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("A removes B's user through its own tenant: %v, want ErrNotFound", err)
	}
	if _, err := e.svc.AddUser(ctx, adminA, b.Tenant.ID, NewUser{Login: "mole", Email: "m@plant-a.example.jp", Role: store.RoleAdmin}); !errors.Is(err, ErrForbidden) {
		t.Errorf("A adds a user to B: %v", err)
	}
	if err := e.svc.SetPassword(ctx, adminA, b.Tenant.ID, ub.User.ID, "taken-over-password"); !errors.Is(err, ErrForbidden) {
		t.Errorf("A sets a password in B: %v", err)
	}
	if err := e.svc.Unlock(ctx, adminA, b.Tenant.ID, ub.User.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("A unlocks a user of B: %v", err)
	}
	kato := principalOf(ub.User)
	kato.MustChange = false
	_, tok, err := e.svc.CreateToken(ctx, kato, "b-token")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ListTokens(ctx, adminA, b.Tenant.ID, 0); !errors.Is(err, ErrForbidden) {
		t.Errorf("A lists B's tokens: %v", err)
	}
	if err := e.svc.RevokeToken(ctx, adminA, tok.Hash); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("A revokes B's token: %v, want ErrNotFound", err)
	}
	users, err := e.svc.ListUsers(ctx, adminB, b.Tenant.ID)
	if err != nil || len(users) != 2 {
		t.Errorf("B's users after A's attempts: %d, %v; want 2", len(users), err)
	}
	// The operator sees both.
	for _, id := range []store.TenantID{a.Tenant.ID, b.Tenant.ID} {
		if _, err := e.svc.ListUsers(ctx, e.ops, id); err != nil {
			t.Errorf("operator lists tenant %d: %v", id, err)
		}
	}
	// A's audit log holds nothing of B.
	log, _ := e.st.AuditLog(ctx, store.ForTenant(a.Tenant.ID), t0, 100)
	for _, l := range log {
		if l.Target == "kato" || l.Tenant != a.Tenant.ID {
			t.Errorf("A's audit log holds %+v", l)
		}
	}
}

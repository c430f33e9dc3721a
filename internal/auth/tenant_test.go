package auth

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"github.com/otsight/otsight/internal/store"
)

func TestCreateTenant(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	for _, n := range []int{0, 10, -1} {
		if _, err := e.svc.CreateTenant(ctx, e.ops, "plant-x", n, "a@x.example.jp"); !errors.Is(err, ErrInvalid) {
			t.Errorf("%d sensors: err = %v, want ErrInvalid", n, err)
		}
	}
	if _, err := e.svc.CreateTenant(ctx, e.ops, "plant-x", 3, "not an address"); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad admin e-mail: err = %v, want ErrInvalid", err)
	}
	a, err := e.svc.CreateTenant(ctx, e.ops, "plant-a", 3, "admin@plant-a.example.jp")
	if err != nil {
		t.Fatal(err)
	}
	if a.Tenant.MaxSensors != 3 || a.Tenant.MaxUsers != 5 || a.Tenant.Name != "plant-a" || a.Tenant.ID == OperatorTenant {
		t.Errorf("tenant = %+v, want 3 sensors, 5 users", a.Tenant)
	}
	if !regexp.MustCompile(`^u[a-km-np-z2-9]{9}$`).MatchString(a.Login) || a.User.Login != a.Login {
		t.Errorf("generated login ID %q", a.Login)
	}
	if len(a.InitialPassword) != 16 || !regexp.MustCompile(`^[a-km-zA-HJ-NP-Z2-9]{16}$`).MatchString(a.InitialPassword) {
		t.Errorf("initial password %q: want 16 unambiguous characters", a.InitialPassword)
	}
	u := a.User
	if u.Role != store.RoleAdmin || !u.MustChange || u.Email != "admin@plant-a.example.jp" || u.Tenant != a.Tenant.ID {
		t.Errorf("first admin = %+v", u)
	}
	h, err := ParseHash(u.PasswordHash)
	if err != nil || h.Params != testArgon2 || !h.verify(a.InitialPassword) {
		t.Errorf("stored hash %q: %v", u.PasswordHash, err)
	}

	// Sensors: the tenant's limit is the count given.
	sc := store.ForTenant(a.Tenant.ID)
	for i := range 3 {
		if _, err := e.st.CreateSensor(ctx, sc, fmt.Sprintf("s%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.st.CreateSensor(ctx, sc, "s3"); !errors.Is(err, store.ErrLimit) {
		t.Errorf("4th sensor of 3: err = %v, want ErrLimit", err)
	}
	nine, err := e.svc.CreateTenant(ctx, e.ops, "plant-9", 9, "admin@plant-9.example.jp")
	if err != nil || nine.Tenant.MaxSensors != 9 {
		t.Errorf("9 sensors: %+v, %v", nine.Tenant, err)
	}

	if _, err := e.svc.CreateTenant(ctx, e.ops, "plant-a", 1, "b@plant-a.example.jp"); !errors.Is(err, store.ErrExists) {
		t.Errorf("duplicate name: err = %v, want ErrExists", err)
	}
	admin := principalOf(u)
	if _, err := e.svc.CreateTenant(ctx, admin, "plant-b", 1, "b@plant-b.example.jp"); !errors.Is(err, ErrForbidden) {
		t.Errorf("admin creating a tenant: err = %v, want ErrForbidden", err)
	}
}

func TestUserQuota(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, admin := e.tenant(t, "plant-a", 1)
	for i := 2; i <= 5; i++ {
		if _, err := e.svc.AddUser(ctx, admin, a.Tenant.ID, NewUser{Login: fmt.Sprintf("user%d", i), Email: fmt.Sprintf("u%d@plant-a.example.jp", i), Role: store.RoleUser}); err != nil {
			t.Fatalf("user %d of 5: %v", i, err)
		}
	}
	_, err := e.svc.AddUser(ctx, admin, a.Tenant.ID, NewUser{Login: "user6", Email: "u6@plant-a.example.jp", Role: store.RoleUser})
	if !errors.Is(err, ErrLimit) {
		t.Fatalf("6th user: err = %v, want ErrLimit", err)
	}
	users, err := e.svc.ListUsers(ctx, admin, a.Tenant.ID)
	if err != nil || len(users) != 5 {
		t.Fatalf("ListUsers: %d users, %v; want 5", len(users), err)
	}
	// Operators count against no tenant.
	if _, err := e.svc.AddUser(ctx, e.ops, OperatorTenant, NewUser{Login: "ops2", Email: "ops2@provider.example.jp", Role: store.RoleOperator}); err != nil {
		t.Fatalf("second operator: %v", err)
	}

	// The quota comes from the configuration.
	cfg := testConfig()
	cfg.MaxUsersPerTenant = 2
	e2 := newEnv(t, cfg)
	b, badmin := e2.tenant(t, "plant-b", 1)
	if b.Tenant.MaxUsers != 2 {
		t.Fatalf("MaxUsers = %d, want 2", b.Tenant.MaxUsers)
	}
	if _, err := e2.svc.AddUser(ctx, badmin, b.Tenant.ID, NewUser{Login: "second", Email: "s@plant-b.example.jp", Role: store.RoleUser}); err != nil {
		t.Fatal(err)
	}
	if _, err := e2.svc.AddUser(ctx, badmin, b.Tenant.ID, NewUser{Login: "third", Email: "t@plant-b.example.jp", Role: store.RoleUser}); !errors.Is(err, ErrLimit) {
		t.Fatalf("3rd user of 2: err = %v, want ErrLimit", err)
	}
}

func TestAddUserValidation(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, admin := e.tenant(t, "plant-a", 1)
	id := a.Tenant.ID
	for _, tc := range []struct {
		actor Principal
		u     NewUser
		want  error
	}{
		{admin, NewUser{Login: "ab", Email: "x@example.jp", Role: store.RoleUser}, ErrInvalid},
		{admin, NewUser{Login: "Bad Login", Email: "x@example.jp", Role: store.RoleUser}, ErrInvalid},
		{admin, NewUser{Login: "okname", Email: "Name <x@example.jp>", Role: store.RoleUser}, ErrInvalid},
		{admin, NewUser{Login: "okname", Email: "x@example.jp", Role: "root"}, ErrInvalid},
		{admin, NewUser{Login: "okname", Email: "x@example.jp", Role: store.RoleOperator}, ErrForbidden},
		{admin, NewUser{Login: "ops", Email: "x@example.jp", Role: store.RoleUser}, store.ErrExists},
		{e.ops, NewUser{Login: "okname", Email: "x@example.jp", Role: store.RoleOperator}, ErrForbidden}, // operators only in tenant 0
	} {
		if _, err := e.svc.AddUser(ctx, tc.actor, id, tc.u); !errors.Is(err, tc.want) {
			t.Errorf("AddUser(%+v) by %s: err = %v, want %v", tc.u, tc.actor.Role, err, tc.want)
		}
	}
	// Upper case logins are folded.
	u, err := e.svc.AddUser(ctx, admin, id, NewUser{Login: "Sato", Email: "sato@plant-a.example.jp", Role: store.RoleUser})
	if err != nil || u.Login != "sato" {
		t.Fatalf("AddUser Sato: %q, %v", u.Login, err)
	}
	// A user reads but manages nothing.
	user := principalOf(u.User)
	if _, err := e.svc.ListUsers(ctx, user, id); err != nil {
		t.Errorf("user listing its tenant: %v", err)
	}
	if _, err := e.svc.AddUser(ctx, user, id, NewUser{Login: "other", Email: "o@plant-a.example.jp", Role: store.RoleUser}); !errors.Is(err, ErrForbidden) {
		t.Errorf("user adding a user: err = %v, want ErrForbidden", err)
	}
	if err := e.svc.RemoveUser(ctx, user, id, admin.User); !errors.Is(err, ErrForbidden) {
		t.Errorf("user removing its admin: err = %v, want ErrForbidden", err)
	}
	// The last admin stays.
	if err := e.svc.RemoveUser(ctx, admin, id, admin.User); !errors.Is(err, ErrLastAdmin) {
		t.Errorf("removing the last admin: err = %v, want ErrLastAdmin", err)
	}
	if err := e.svc.RemoveUser(ctx, admin, id, user.User); err != nil {
		t.Errorf("removing a user: %v", err)
	}
	if err := e.svc.RemoveUser(ctx, admin, id, user.User); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("removing it twice: err = %v, want ErrNotFound", err)
	}
}

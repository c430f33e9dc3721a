package portal

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/mail"
	"slices"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// adminFakes stand in for the auth service's administration methods, the
// provider's tenant list, the health monitor, the sensor enrolment and the
// store's settings, sensors, uploads and audit. They follow the real
// services' contracts where the portal depends on them: role and tenant
// checks, ErrNotFound for another tenant's objects, quotas. Users live in
// fakeAuth, so a removed user's session ends as it would.
type adminFakes struct {
	mu   sync.Mutex
	clk  *clock
	auth *fakeAuth

	tenants  []store.Tenant
	health   []SensorHealth
	enrolled map[store.TenantID]int // sensors added through EnrolSensor
	revoked  []store.SensorID
	settings map[store.TenantID]map[string]json.RawMessage
	updates  []store.Sensor // UpdateSensor calls
	audit    []store.AuditEntry
	uploads  map[store.TenantID][]store.UploadEvent
	tokens   []store.APIToken
	secrets  int
	// passwords set by SetPassword, by user.
	passwords map[store.UserID]string
	nextUser  store.UserID
	// uploadQuery is the last Uploads call's since and limit.
	uploadSince time.Time
	uploadLimit int
}

func newAdminFakes(clk *clock, a *fakeAuth) *adminFakes {
	created := time.Date(2026, 4, 1, 0, 30, 0, 0, time.UTC)
	now := clk.Now()
	f := &adminFakes{
		clk: clk, auth: a,
		tenants: []store.Tenant{
			{ID: 2, Name: "Other Works", MaxSensors: 1, MaxUsers: 5, TimeZone: "Europe/Berlin", Created: created.AddDate(0, 1, 0)},
			{ID: 1, Name: "北九州第一工場", MaxSensors: 4, MaxUsers: 5, TimeZone: "Asia/Tokyo", Created: created},
		},
		health: []SensorHealth{
			// line-1: uploads, clock 2.5 s ahead, kernel drops.
			{Tenant: 1, Sensor: 11, LastUpload: now.Add(-30 * time.Second), DataEnd: now.Add(-90 * time.Second),
				ClockSkew: 2500 * time.Millisecond, ClockKnown: true, KernelDrops: 12, Drops: 3, Faults: []string{"kernel_drops"}},
			// line-2: silent for 20 minutes.
			{Tenant: 1, Sensor: 12, LastUpload: now.Add(-20 * time.Minute), Faults: []string{"silent", "stale_data"}},
			// spare never uploaded; a line for a sensor of the wrong tenant is ignored.
			{Tenant: 2, Sensor: 13, LastUpload: now, Faults: []string{"silent"}},
		},
		enrolled:  map[store.TenantID]int{},
		settings:  map[store.TenantID]map[string]json.RawMessage{},
		uploads:   map[store.TenantID][]store.UploadEvent{},
		passwords: map[store.UserID]string{},
		nextUser:  100,
	}
	f.uploads[1] = []store.UploadEvent{
		{Time: time.Date(2026, 11, 27, 2, 59, 0, 0, time.UTC), Sensor: 11, Epoch: 3, Seq: 1207, Records: 5120, Bytes: 183402, Result: "stored", Remote: "203.0.113.7:40112"},
		{Time: time.Date(2026, 11, 27, 2, 58, 30, 0, time.UTC), Sensor: 11, Epoch: 3, Seq: 1206, Records: 4987, Bytes: 180001, Result: "duplicate", Remote: "203.0.113.7:40112"},
		{Time: time.Date(2026, 11, 26, 15, 0, 5, 0, time.UTC), Sensor: 12, Epoch: 1, Seq: 77, Records: 0, Bytes: 912, Result: "refused", Reason: "=certificate revoked", Remote: "198.51.100.2:5123"},
	}
	f.uploads[2] = []store.UploadEvent{{Time: now, Sensor: 21, Epoch: 1, Seq: 1, Records: 1, Bytes: 1, Result: "stored", Remote: "192.0.2.99:1"}}
	return f
}

func (f *adminFakes) deps() AdminDeps {
	return AdminDeps{Accounts: f, Provider: f, Health: f, Sensors: f, State: f}
}

func canManage(actor auth.Principal, t store.TenantID) bool {
	return actor.Role == store.RoleOperator || (actor.Role == store.RoleAdmin && actor.Tenant == t)
}

// Accounts.

func (f *adminFakes) CreateTenant(ctx context.Context, actor auth.Principal, name string, sensors int, adminEmail string) (auth.Activation, error) {
	if actor.Role != store.RoleOperator {
		return auth.Activation{}, fmt.Errorf("create tenant: %w", auth.ErrForbidden)
	}
	if sensors < 1 || sensors > 9 {
		return auth.Activation{}, fmt.Errorf("create tenant: %w: sensors", auth.ErrInvalid)
	}
	if a, err := mail.ParseAddress(adminEmail); err != nil || a.Address != adminEmail {
		return auth.Activation{}, fmt.Errorf("create tenant: %w: e-mail address %q", auth.ErrInvalid, adminEmail)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, t := range f.tenants {
		if t.Name == name {
			return auth.Activation{}, fmt.Errorf("create tenant: %w", store.ErrExists)
		}
	}
	t := store.Tenant{ID: 3, Name: name, MaxSensors: sensors, MaxUsers: 5, TimeZone: "Asia/Tokyo", Created: f.clk.Now()}
	f.tenants = append(f.tenants, t)
	f.audit = append(f.audit, store.AuditEntry{Tenant: t.ID, Actor: actor.Login, Action: "tenant.create", Target: "tenant:3"})
	u := store.User{ID: 300, Tenant: 3, Login: "u7kq2m9xpa", Email: adminEmail, Role: store.RoleAdmin, MustChange: true}
	return auth.Activation{Tenant: t, User: u, Login: u.Login, InitialPassword: "Hk7mWq2ZrT9pXc4N"}, nil
}

func (f *adminFakes) AddUser(ctx context.Context, actor auth.Principal, tenant store.TenantID, nu auth.NewUser) (auth.Activation, error) {
	if !canManage(actor, tenant) {
		return auth.Activation{}, fmt.Errorf("add user: %w", auth.ErrForbidden)
	}
	if nu.Role != store.RoleAdmin && nu.Role != store.RoleUser {
		return auth.Activation{}, fmt.Errorf("add user: %w: role", auth.ErrInvalid)
	}
	if a, err := mail.ParseAddress(nu.Email); err != nil || a.Address != nu.Email {
		return auth.Activation{}, fmt.Errorf("add user: %w: e-mail address %q", auth.ErrInvalid, nu.Email)
	}
	f.auth.mu.Lock()
	defer f.auth.mu.Unlock()
	n := 0
	for _, u := range f.auth.users {
		if u.Tenant == tenant {
			n++
		}
		if nu.Login != "" && u.Login == nu.Login {
			return auth.Activation{}, fmt.Errorf("add user: %w", store.ErrExists)
		}
	}
	if n >= 4 {
		return auth.Activation{}, fmt.Errorf("add user: %w", store.ErrLimit)
	}
	f.mu.Lock()
	id := f.nextUser
	f.nextUser++
	f.mu.Unlock()
	login := nu.Login
	if login == "" {
		login = fmt.Sprintf("u%09d", id)
	}
	u := &store.User{ID: id, Tenant: tenant, Login: login, Email: nu.Email, Role: nu.Role, MustChange: true, Created: f.clk.Now()}
	f.auth.users[id] = u
	f.auth.passwords[id] = "Init-" + login
	return auth.Activation{User: *u, Login: login, InitialPassword: "Init-" + login}, nil
}

func (f *adminFakes) ListUsers(ctx context.Context, actor auth.Principal, tenant store.TenantID) ([]store.User, error) {
	if actor.Role != store.RoleOperator && actor.Tenant != tenant {
		return nil, fmt.Errorf("list users: %w", auth.ErrForbidden)
	}
	f.auth.mu.Lock()
	defer f.auth.mu.Unlock()
	var out []store.User
	for _, u := range f.auth.users {
		if u.Tenant == tenant {
			out = append(out, *u)
		}
	}
	slices.SortFunc(out, func(a, b store.User) int { return int(a.ID - b.ID) })
	return out, nil
}

// user finds a user of tenant; store.ErrNotFound for another tenant's.
func (f *adminFakes) user(tenant store.TenantID, id store.UserID) (*store.User, error) {
	u := f.auth.users[id]
	if u == nil || u.Tenant != tenant {
		return nil, fmt.Errorf("user %d: %w", id, store.ErrNotFound)
	}
	return u, nil
}

func (f *adminFakes) RemoveUser(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID) error {
	if !canManage(actor, tenant) {
		return fmt.Errorf("remove user: %w", auth.ErrForbidden)
	}
	f.auth.mu.Lock()
	defer f.auth.mu.Unlock()
	u, err := f.user(tenant, id)
	if err != nil {
		return err
	}
	if u.Role == store.RoleAdmin {
		others := 0
		for _, o := range f.auth.users {
			if o.Tenant == tenant && o.Role == store.RoleAdmin && o.ID != id {
				others++
			}
		}
		if others == 0 {
			return fmt.Errorf("remove user: %w", auth.ErrLastAdmin)
		}
	}
	delete(f.auth.users, id)
	return nil
}

func (f *adminFakes) SetPassword(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID, password string) error {
	if !canManage(actor, tenant) {
		return fmt.Errorf("set password: %w", auth.ErrForbidden)
	}
	if len(password) < 12 {
		return auth.ErrWeakPassword
	}
	f.auth.mu.Lock()
	defer f.auth.mu.Unlock()
	u, err := f.user(tenant, id)
	if err != nil {
		return err
	}
	u.MustChange = true
	f.auth.passwords[id] = password
	f.mu.Lock()
	f.passwords[id] = password
	f.mu.Unlock()
	return nil
}

func (f *adminFakes) Unlock(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID) error {
	if !canManage(actor, tenant) {
		return fmt.Errorf("unlock: %w", auth.ErrForbidden)
	}
	f.auth.mu.Lock()
	defer f.auth.mu.Unlock()
	u, err := f.user(tenant, id)
	if err != nil {
		return err
	}
	u.FailedAttempts, u.LockedUntil = 0, time.Time{}
	return nil
}

func (f *adminFakes) CreateToken(ctx context.Context, actor auth.Principal, name string) (string, store.APIToken, error) {
	if actor.User == 0 || actor.MustChange {
		return "", store.APIToken{}, auth.ErrForbidden
	}
	if name == "" || len(name) > 100 {
		return "", store.APIToken{}, fmt.Errorf("create token: %w: name", auth.ErrInvalid)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets++
	secret := fmt.Sprintf("otst_secret%02d", f.secrets)
	t := store.APIToken{Hash: sha256.Sum256([]byte(secret)), User: actor.User, Tenant: actor.Tenant, Name: name, Created: f.clk.Now()}
	f.tokens = append(f.tokens, t)
	return secret, t, nil
}

func (f *adminFakes) ListTokens(ctx context.Context, actor auth.Principal, tenant store.TenantID, user store.UserID) ([]store.APIToken, error) {
	own := tenant == actor.Tenant && user == actor.User && user != 0
	if !own && !canManage(actor, tenant) {
		return nil, fmt.Errorf("list tokens: %w", auth.ErrForbidden)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []store.APIToken
	for _, t := range f.tokens {
		if t.Tenant == tenant && (user == 0 || t.User == user) {
			out = append(out, t)
		}
	}
	return out, nil
}

func (f *adminFakes) RevokeToken(ctx context.Context, actor auth.Principal, hash [32]byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i, t := range f.tokens {
		if t.Hash != hash {
			continue
		}
		own := t.Tenant == actor.Tenant && t.User == actor.User
		if !own && !canManage(actor, t.Tenant) || !t.Revoked.IsZero() {
			return fmt.Errorf("revoke token: %w", store.ErrNotFound)
		}
		f.tokens[i].Revoked = f.clk.Now()
		return nil
	}
	return fmt.Errorf("revoke token: %w", store.ErrNotFound)
}

// Provider, HealthReport, SensorAdmin.

func (f *adminFakes) Tenants(ctx context.Context) ([]store.Tenant, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.tenants), nil
}

func (f *adminFakes) SensorHealth(ctx context.Context) ([]SensorHealth, error) {
	return f.health, nil
}

func (f *adminFakes) EnrolSensor(ctx context.Context, actor auth.Principal, tenant store.TenantID, name string) (Enrolment, error) {
	if actor.Role != store.RoleOperator {
		return Enrolment{}, auth.ErrForbidden
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := slices.IndexFunc(f.tenants, func(t store.Tenant) bool { return t.ID == tenant })
	if i < 0 {
		return Enrolment{}, fmt.Errorf("tenant %d: %w", tenant, store.ErrNotFound)
	}
	existing := map[store.TenantID]int{1: 3}[tenant] + f.enrolled[tenant]
	if existing >= f.tenants[i].MaxSensors {
		return Enrolment{}, fmt.Errorf("sensor %q: %w", name, store.ErrLimit)
	}
	if name == "line-1" && tenant == 1 {
		return Enrolment{}, fmt.Errorf("sensor %q: %w", name, store.ErrExists)
	}
	f.enrolled[tenant]++
	return Enrolment{Sensor: store.Sensor{ID: 40, Tenant: tenant, Name: name},
		Token: "otse_enrol_token_1", Expires: time.Date(2026, 11, 28, 3, 0, 0, 0, time.UTC), CAFingerprint: "SHA256:ab:cd", Server: "https://ingest.example.jp:8443"}, nil
}

func (f *adminFakes) RevokeSensor(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.SensorID) error {
	if actor.Role != store.RoleOperator {
		return auth.ErrForbidden
	}
	if tenant != 1 || id < 11 || id > 13 {
		return fmt.Errorf("sensor %d: %w", id, store.ErrNotFound)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.revoked = append(f.revoked, id)
	return nil
}

// AdminState.

func (f *adminFakes) Settings(ctx context.Context, s store.Scope) (map[string]json.RawMessage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]json.RawMessage{}
	for k, v := range f.settings[s.Tenant()] {
		out[k] = v
	}
	return out, nil
}

func (f *adminFakes) PutSetting(ctx context.Context, s store.Scope, key string, value json.RawMessage) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.settings[s.Tenant()] == nil {
		f.settings[s.Tenant()] = map[string]json.RawMessage{}
	}
	f.settings[s.Tenant()][key] = append(json.RawMessage(nil), value...)
	return nil
}

func (f *adminFakes) Sensor(ctx context.Context, s store.Scope, id store.SensorID) (store.Sensor, error) {
	ss, _ := (&fakeData{clk: f.clk}).Sensors(ctx, s)
	for _, v := range ss {
		if v.ID == id {
			return v, nil
		}
	}
	return store.Sensor{}, store.ErrNotFound
}

func (f *adminFakes) UpdateSensor(ctx context.Context, s store.Scope, v store.Sensor) error {
	if v.Tenant != s.Tenant() {
		return store.ErrNotFound
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.updates = append(f.updates, v)
	return nil
}

func (f *adminFakes) Audit(ctx context.Context, s store.Scope, e store.AuditEntry) error {
	if e.Tenant != s.Tenant() {
		return fmt.Errorf("audit entry of tenant %d in scope %d", e.Tenant, s.Tenant())
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.audit = append(f.audit, e)
	return nil
}

func (f *adminFakes) Uploads(ctx context.Context, s store.Scope, since time.Time, limit int) ([]store.UploadEvent, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.uploadSince, f.uploadLimit = since, limit
	var out []store.UploadEvent
	for _, u := range f.uploads[s.Tenant()] {
		if !u.Time.Before(since) && len(out) < limit {
			out = append(out, u)
		}
	}
	return out, nil
}

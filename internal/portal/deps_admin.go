package portal

import (
	"context"
	"encoding/json"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// AdminDeps are the services of the administration pages: the operator
// console, a tenant's users, settings and system log, and everyone's API
// tokens. A nil member makes the pages that need it answer 500 with the
// member named in the log, so a server that forgot one notices at once.
type AdminDeps struct {
	// Accounts is *auth.Service; it checks roles and tenants itself and
	// audits what it changes.
	Accounts Accounts
	// Provider lists every tenant (store.Store has the method).
	Provider Provider
	// Health is the server's last sensor-health evaluation.
	Health HealthReport
	// Sensors enrols and revokes sensors (the server, which holds the CA).
	Sensors SensorAdmin
	// State is the tenant's settings, sensors, system log and audit
	// (store.Backend has every method).
	State AdminState
}

// Accounts is what the administration pages need from the authentication
// service; *auth.Service has these methods.
type Accounts interface {
	CreateTenant(ctx context.Context, actor auth.Principal, name string, sensors int, adminEmail string) (auth.Activation, error)
	AddUser(ctx context.Context, actor auth.Principal, tenant store.TenantID, u auth.NewUser) (auth.Activation, error)
	ListUsers(ctx context.Context, actor auth.Principal, tenant store.TenantID) ([]store.User, error)
	RemoveUser(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID) error
	SetPassword(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID, password string) error
	Unlock(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID) error
	CreateToken(ctx context.Context, actor auth.Principal, name string) (string, store.APIToken, error)
	ListTokens(ctx context.Context, actor auth.Principal, tenant store.TenantID, user store.UserID) ([]store.APIToken, error)
	RevokeToken(ctx context.Context, actor auth.Principal, hash [32]byte) error
}

// Provider is the provider-wide list of tenants.
type Provider interface {
	Tenants(ctx context.Context) ([]store.Tenant, error)
}

// HealthReport gives the health of every sensor not revoked, as the
// server's monitor last evaluated it (its /healthz report).
type HealthReport interface {
	SensorHealth(ctx context.Context) ([]SensorHealth, error)
}

// SensorHealth is one sensor's line of the health report.
type SensorHealth struct {
	Tenant      store.TenantID
	Sensor      store.SensorID
	LastUpload  time.Time // zero: never uploaded
	DataEnd     time.Time // end of the newest batch's window, zero when unknown
	ClockSkew   time.Duration
	ClockKnown  bool
	KernelDrops uint64
	Drops       uint64
	// Faults are the failing checks: silent, stale_data, transfer_slow,
	// clock_skew, kernel_drops.
	Faults []string
}

// SensorAdmin creates sensors with their one-time enrolment token and
// revokes them; both are written to the tenant's audit log by the
// implementation (as `otsight admin sensor add|revoke` are).
type SensorAdmin interface {
	// EnrolSensor creates a sensor named name in tenant (store.ErrLimit
	// beyond the tenant's sensor count, store.ErrExists for a taken name)
	// and issues its enrolment token.
	EnrolSensor(ctx context.Context, actor auth.Principal, tenant store.TenantID, name string) (Enrolment, error)
	// RevokeSensor revokes a sensor: its certificate stops being accepted.
	RevokeSensor(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.SensorID) error
}

// Enrolment is a new sensor and the token it enrols with, shown once.
type Enrolment struct {
	Sensor        store.Sensor
	Token         string
	Expires       time.Time
	CAFingerprint string
	// Server is the address the sensor enrols and uploads at (the
	// ingest listener, not the portal): `otsight sensor enroll --server`.
	Server string
}

// AdminState is the store behind the settings (S1-1) and system log (S1-2)
// pages.
type AdminState interface {
	Settings(ctx context.Context, s store.Scope) (map[string]json.RawMessage, error)
	PutSetting(ctx context.Context, s store.Scope, key string, value json.RawMessage) error
	Sensor(ctx context.Context, s store.Scope, id store.SensorID) (store.Sensor, error)
	UpdateSensor(ctx context.Context, s store.Scope, v store.Sensor) error
	Audit(ctx context.Context, s store.Scope, e store.AuditEntry) error
	Uploads(ctx context.Context, s store.Scope, since time.Time, limit int) ([]store.UploadEvent, error)
}

package portal

import (
	"context"
	"net/netip"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// Auth is what the portal needs from the authentication service; the
// server passes *auth.Service. Its errors (auth.ErrInvalidCredentials,
// auth.ErrRateLimited, auth.ErrCodeInvalid, …) decide what the user is told.
type Auth interface {
	// VerifyPassword is the first login step.
	VerifyPassword(ctx context.Context, login, password string) (auth.Pending, error)
	// StartCode mails a one-time code for a pending login.
	StartCode(ctx context.Context, p auth.Pending) error
	// VerifyCode is the second login step.
	VerifyCode(ctx context.Context, p auth.Pending, code string) (auth.Principal, error)
	// ChangePassword changes the actor's own password and clears MustChange.
	ChangePassword(ctx context.Context, actor auth.Principal, current, password string) error
	// Refresh re-reads a session's principal on every request: a removed or
	// disabled user, or a session older than the user's "log out
	// everywhere", fails with auth.ErrInvalidCredentials.
	Refresh(ctx context.Context, p auth.Principal) (auth.Principal, error)
	// LogoutEverywhere voids every session of a user that started before now.
	LogoutEverywhere(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID) error
	// VerifyToken authenticates an API bearer token.
	VerifyToken(ctx context.Context, secret string) (auth.Principal, error)
}

// SessionStore is the persistence of sessions (store.State has it).
type SessionStore interface {
	FindSession(ctx context.Context, tokenHash [32]byte, now time.Time) (data []byte, found bool, err error)
	CommitSession(ctx context.Context, tokenHash [32]byte, data []byte, expiry time.Time) error
	DeleteSession(ctx context.Context, tokenHash [32]byte) error
}

// Tenants gives the tenant and its sensors (store.Store has both).
type Tenants interface {
	Tenant(ctx context.Context, s store.Scope) (store.Tenant, error)
	Sensors(ctx context.Context, s store.Scope) ([]store.Sensor, error)
}

// Traffic answers traffic questions from the rollups (store.Traffic has
// these methods).
type Traffic interface {
	TrafficSeries(ctx context.Context, s store.Scope, q store.TrafficQuery) (store.TrafficResult, error)
	TopDevices(ctx context.Context, s store.Scope, q store.TopQuery) ([]store.Ranked, error)
	TopServices(ctx context.Context, s store.Scope, q store.TopQuery) ([]store.Ranked, error)
}

// Devices lists a tenant's devices as the portal shows them; the server adapts
// the inventory's devices to DeviceRow.
type Devices interface {
	Devices(ctx context.Context, s store.Scope) ([]DeviceRow, error)
}

// DeviceRow is one device of the V1-1 list.
type DeviceRow struct {
	Key        string     `json:"key,omitempty"` // DeviceKeyString of the inventory key: /devices/{key}
	Sensor     string     `json:"sensor"`
	Segment    string     `json:"segment"` // "vlan 10", an interface label or ""
	IP         netip.Addr `json:"ip"`
	MAC        string     `json:"mac,omitempty"` // most recent, aa:bb:cc:dd:ee:ff
	Vendor     string     `json:"vendor,omitempty"`
	Name       string     `json:"name,omitempty"`
	OS         string     `json:"os,omitempty"`
	Role       string     `json:"role,omitempty"`
	Type       string     `json:"type,omitempty"` // client, server, both
	FirstSeen  time.Time  `json:"first_seen"`
	LastSeen   time.Time  `json:"last_seen"`
	BytesSent  uint64     `json:"bytes_sent"`
	BytesRecv  uint64     `json:"bytes_recv"`
	Peers      int        `json:"peers"`
	Importance int        `json:"importance"`
}

// AuditLog reads a tenant's audit log, newest first (store.State has it).
type AuditLog interface {
	AuditLog(ctx context.Context, s store.Scope, since time.Time, limit int) ([]store.AuditEntry, error)
}

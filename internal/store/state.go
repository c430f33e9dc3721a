package store

import (
	"context"
	"encoding/json"
	"time"
)

// State is what authentication, mail, audit and settings need: plain records
// with no policy. Policy (lockout thresholds, code lifetimes, retries) belongs
// to the packages on top.
type State interface {
	// CreateUser adds a user: ErrExists when the login is taken (logins are
	// unique across tenants), ErrLimit beyond Tenant.MaxUsers (operators,
	// who belong to no tenant's quota, are not counted).
	CreateUser(ctx context.Context, s Scope, u User) (User, error)
	User(ctx context.Context, s Scope, id UserID) (User, error)
	// UserByLogin finds a user by login across tenants: login happens before
	// the tenant is known.
	UserByLogin(ctx context.Context, login string) (User, error)
	Users(ctx context.Context, s Scope) ([]User, error)
	// UpdateUser replaces every field of the user but ID, Tenant and Created.
	UpdateUser(ctx context.Context, s Scope, u User) error
	// CountLoginFailure adds a wrong password to the user's count in one
	// step, so that guesses in parallel are each counted; at threshold it
	// locks the user until lockUntil, restarts the count and reports it.
	CountLoginFailure(ctx context.Context, s Scope, id UserID, threshold int, lockUntil time.Time) (locked bool, err error)
	DeleteUser(ctx context.Context, s Scope, id UserID) error

	// PutCode stores a one-time code for a user, replacing any unused one.
	PutCode(ctx context.Context, s Scope, c OneTimeCode) error
	// TakeCode checks a code: ErrNotFound when the user has no code,
	// ErrExpired, ErrUsed, ErrLimit after maxAttempts wrong tries; a wrong
	// code counts an attempt and returns ErrNotFound. On success the code
	// is marked used.
	TakeCode(ctx context.Context, s Scope, user UserID, hash [32]byte, now time.Time, maxAttempts int) (OneTimeCode, error)

	// QueueMail adds a message to the outbox.
	QueueMail(ctx context.Context, s Scope, m Mail) (Mail, error)
	// DueMail lists undelivered messages of every tenant whose next attempt
	// is due, oldest first (the mailer works for every tenant).
	DueMail(ctx context.Context, now time.Time, limit int) ([]Mail, error)
	// MarkMail records a delivery attempt: delivered, or failed with errText
	// and retried at next.
	MarkMail(ctx context.Context, id MailID, delivered bool, at time.Time, errText string, next time.Time) error
	// Outbox lists a tenant's messages, newest first.
	Outbox(ctx context.Context, s Scope, limit int) ([]Mail, error)

	// Audit appends to the audit log; entries are never changed.
	Audit(ctx context.Context, s Scope, e AuditEntry) error
	// AuditLog lists entries since a time, newest first.
	AuditLog(ctx context.Context, s Scope, since time.Time, limit int) ([]AuditEntry, error)

	// Sessions back an HTTP session manager (scs): opaque data by token hash.
	// Session tokens come before a tenant is known, so they are global.
	FindSession(ctx context.Context, tokenHash [32]byte, now time.Time) (data []byte, found bool, err error)
	CommitSession(ctx context.Context, tokenHash [32]byte, data []byte, expiry time.Time) error
	DeleteSession(ctx context.Context, tokenHash [32]byte) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	// CreateAPIToken stores a token (its hash only).
	CreateAPIToken(ctx context.Context, s Scope, t APIToken) error
	// APIToken finds a token by hash across tenants (the bearer names no
	// tenant); a revoked token is returned with Revoked set.
	APIToken(ctx context.Context, hash [32]byte) (APIToken, error)
	APITokens(ctx context.Context, s Scope, user UserID) ([]APIToken, error)
	TouchAPIToken(ctx context.Context, hash [32]byte, at time.Time) error
	RevokeAPIToken(ctx context.Context, s Scope, hash [32]byte, at time.Time) error

	// Settings are per-tenant JSON values by key.
	Setting(ctx context.Context, s Scope, key string) (json.RawMessage, error) // ErrNotFound when unset
	PutSetting(ctx context.Context, s Scope, key string, value json.RawMessage) error
	Settings(ctx context.Context, s Scope) (map[string]json.RawMessage, error)
}

// UserID identifies a user.
type UserID int64

// Role is what a user may do.
type Role string

// Roles (DESIGN.md §6).
const (
	RoleOperator Role = "operator" // the provider: tenants and sensors
	RoleAdmin    Role = "admin"    // a tenant's users and settings
	RoleUser     Role = "user"     // read and alert handling
)

// User is a portal login.
type User struct {
	ID             UserID
	Tenant         TenantID
	Login          string // unique across tenants
	Email          string
	Role           Role
	PasswordHash   string // encoded by the auth package (algorithm and salt inside)
	MustChange     bool   // password must be changed at next login
	FailedAttempts int
	LockedUntil    time.Time
	Created        time.Time
	Disabled       bool
}

// OneTimeCode is an e-mailed login code; only its SHA-256 is stored.
type OneTimeCode struct {
	User     UserID
	Hash     [32]byte
	Expires  time.Time
	Attempts int
	Used     time.Time // zero until used
}

// MailID identifies a queued message.
type MailID int64

// Mail is one message of the outbox.
type Mail struct {
	ID          MailID
	Tenant      TenantID
	To          string
	Subject     string
	Message     []byte // complete RFC 5322 message
	Created     time.Time
	Attempts    int
	NextAttempt time.Time
	Delivered   time.Time // zero until delivered
	LastError   string
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	Tenant TenantID
	Time   time.Time
	Actor  string // login, "sensor:<id>" or "system"
	Action string
	Target string
	Detail string
}

// APIToken is a bearer token of the REST API; only its hash is stored.
type APIToken struct {
	Hash     [32]byte
	User     UserID
	Tenant   TenantID
	Name     string
	Created  time.Time
	LastUsed time.Time
	Revoked  time.Time // zero while valid
}

package auth

import (
	"errors"

	"github.com/otsight/otsight/internal/store"
)

// Errors of the Service; compare with errors.Is. Store errors
// (store.ErrLimit, store.ErrExists, store.ErrNotFound) pass through wrapped.
var (
	// ErrInvalidCredentials is the only failure of VerifyPassword besides
	// ErrRateLimited: unknown login, wrong password, locked or disabled
	// account all look the same to the caller.
	ErrInvalidCredentials = errors.New("invalid login or password")
	// ErrRateLimited means too many attempts in a short time; retry later.
	ErrRateLimited = errors.New("too many attempts")
	// ErrCodeInvalid is a wrong, used or missing one-time code.
	ErrCodeInvalid = errors.New("invalid code")
	// ErrCodeExpired is a code past its lifetime: request a new one.
	ErrCodeExpired = errors.New("code expired")
	// ErrCodeAttempts is a code that took too many wrong tries: request a
	// new one.
	ErrCodeAttempts = errors.New("too many wrong codes")
	// ErrForbidden is an action the actor's role or tenant does not allow.
	ErrForbidden = errors.New("forbidden")
	// ErrWeakPassword is a password the policy refuses (see CheckPassword).
	ErrWeakPassword = errors.New("password does not meet the policy")
	// ErrInvalidToken is an API token that is malformed, unknown, revoked
	// or whose user is gone or disabled.
	ErrInvalidToken = errors.New("invalid API token")
	// ErrLastAdmin refuses to remove or demote a tenant's last admin.
	ErrLastAdmin = errors.New("a tenant keeps at least one admin")
	// ErrInvalid is a malformed argument (login, e-mail, sensor count).
	ErrInvalid = errors.New("invalid argument")
)

// ErrLimit is store.ErrLimit, returned when a tenant's user quota is full.
var ErrLimit = store.ErrLimit

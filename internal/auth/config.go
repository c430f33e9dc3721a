package auth

import (
	"fmt"
	"time"
)

// Argon2Params are the argon2id cost parameters of new password hashes.
type Argon2Params struct {
	Time    uint32 // passes
	Memory  uint32 // KiB
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// RFC9106Second is the second recommended option of RFC 9106 §4 (for
// memory-constrained environments): t=3, m=64 MiB, p=4, 128-bit salt,
// 256-bit tag.
var RFC9106Second = Argon2Params{Time: 3, Memory: 64 << 10, Threads: 4, SaltLen: 16, KeyLen: 32}

// Config is the policy of a Service. Zero fields take DefaultConfig's.
type Config struct {
	Argon2 Argon2Params
	// MaxConcurrentHashes bounds the argon2 computations running at once:
	// each takes Argon2.Memory, and a burst of logins must not exhaust the
	// server's memory.
	MaxConcurrentHashes int

	CodeTTL         time.Duration // lifetime of an e-mailed code
	CodeMaxAttempts int           // wrong tries before a code is dead
	// CodesPerWindow codes may be sent to one user per CodeWindow: resend
	// buttons must not turn the server into a mail cannon.
	CodesPerWindow int
	CodeWindow     time.Duration
	// CodeKey is the HMAC-SHA256 key codes are hashed with (see
	// LoadOrCreateKey). A million possible codes hashed with plain SHA-256
	// would be reversed from a stolen database in a millisecond; with a
	// key kept outside the database they cannot be. Empty: a random key
	// per process, so codes die with a restart.
	CodeKey []byte

	LockoutThreshold int           // failed passwords in a row that lock an account
	LockoutDuration  time.Duration // how long it stays locked
	// LoginsPerWindow password attempts per login ID (existing or not) are
	// allowed per LoginWindow; beyond that VerifyPassword answers
	// ErrRateLimited without checking anything.
	LoginsPerWindow int
	LoginWindow     time.Duration

	MaxUsersPerTenant int // quota given to new tenants
	MinPasswordLen    int // characters (runes)
	InitialPassLen    int // characters of generated initial passwords

	// TokenTouchEvery limits how often a token's LastUsed is written: once
	// per interval, not on every API request.
	TokenTouchEvery time.Duration

	CodeSubject string // subject of the code mail (Japanese, then English)
}

// DefaultConfig returns the production policy: argon2id with RFC9106Second,
// codes of 10 minutes with 5 tries and 5 sends per 10 minutes, lockout for
// 15 minutes after 5 wrong passwords, 10 password attempts per login ID per
// minute, 5 users per tenant, passwords of at least 12 characters.
func DefaultConfig() Config {
	return Config{
		Argon2:              RFC9106Second,
		MaxConcurrentHashes: 4,
		CodeTTL:             10 * time.Minute,
		CodeMaxAttempts:     5,
		CodesPerWindow:      5,
		CodeWindow:          10 * time.Minute,
		LockoutThreshold:    5,
		LockoutDuration:     15 * time.Minute,
		LoginsPerWindow:     10,
		LoginWindow:         time.Minute,
		MaxUsersPerTenant:   5,
		MinPasswordLen:      12,
		InitialPassLen:      16,
		TokenTouchEvery:     time.Minute,
		CodeSubject:         "【otsight】ログイン確認コード / Login verification code",
	}
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.Argon2 == (Argon2Params{}) {
		c.Argon2 = d.Argon2
	}
	if c.Argon2.SaltLen == 0 {
		c.Argon2.SaltLen = d.Argon2.SaltLen
	}
	if c.Argon2.KeyLen == 0 {
		c.Argon2.KeyLen = d.Argon2.KeyLen
	}
	setInt := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	setDur := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	setInt(&c.MaxConcurrentHashes, d.MaxConcurrentHashes)
	setDur(&c.CodeTTL, d.CodeTTL)
	setInt(&c.CodeMaxAttempts, d.CodeMaxAttempts)
	setInt(&c.CodesPerWindow, d.CodesPerWindow)
	setDur(&c.CodeWindow, d.CodeWindow)
	setInt(&c.LockoutThreshold, d.LockoutThreshold)
	setDur(&c.LockoutDuration, d.LockoutDuration)
	setInt(&c.LoginsPerWindow, d.LoginsPerWindow)
	setDur(&c.LoginWindow, d.LoginWindow)
	setInt(&c.MaxUsersPerTenant, d.MaxUsersPerTenant)
	setInt(&c.MinPasswordLen, d.MinPasswordLen)
	setInt(&c.InitialPassLen, d.InitialPassLen)
	setDur(&c.TokenTouchEvery, d.TokenTouchEvery)
	if c.CodeSubject == "" {
		c.CodeSubject = d.CodeSubject
	}
}

func (c *Config) validate() error {
	p := c.Argon2
	if p.Time < 1 || p.Memory < 8*uint32(p.Threads) || p.Threads < 1 || p.SaltLen < 16 || p.KeyLen < 16 {
		return fmt.Errorf("auth: argon2 parameters %+v below the minimum (t≥1, p≥1, m≥8·p KiB, salt and key ≥ 16 bytes)", p)
	}
	if c.CodeKey != nil && len(c.CodeKey) < 32 {
		return fmt.Errorf("auth: code key of %d bytes, want ≥ 32", len(c.CodeKey))
	}
	if c.InitialPassLen < c.MinPasswordLen {
		return fmt.Errorf("auth: initial passwords of %d characters are shorter than the policy's %d", c.InitialPassLen, c.MinPasswordLen)
	}
	return nil
}

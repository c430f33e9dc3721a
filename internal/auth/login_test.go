package auth

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestLockoutAndExpiry(t *testing.T) {
	cfg := testConfig()
	cfg.LockoutThreshold, cfg.LockoutDuration = 3, 15*time.Minute
	e := newEnv(t, cfg)
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)

	for i := 1; i <= 2; i++ {
		if _, err := e.svc.VerifyPassword(ctx, a.Login, "wrong-password-1"); !errors.Is(err, ErrInvalidCredentials) {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	u, _ := e.st.UserByLogin(ctx, a.Login)
	if u.FailedAttempts != 2 || !u.LockedUntil.IsZero() {
		t.Fatalf("after 2 failures: %d failed, locked until %v", u.FailedAttempts, u.LockedUntil)
	}
	// A success resets the count.
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); err != nil {
		t.Fatal(err)
	}
	if u, _ = e.st.UserByLogin(ctx, a.Login); u.FailedAttempts != 0 {
		t.Fatalf("after a success: %d failed", u.FailedAttempts)
	}
	for i := 1; i <= 3; i++ {
		e.svc.VerifyPassword(ctx, a.Login, "wrong-password-1")
	}
	u, _ = e.st.UserByLogin(ctx, a.Login)
	lockedAt := u.LockedUntil.Add(-15 * time.Minute)
	if u.LockedUntil.IsZero() || u.FailedAttempts != 0 || lockedAt.Before(t0) {
		t.Fatalf("after 3 failures: %d failed, locked until %v", u.FailedAttempts, u.LockedUntil)
	}
	// Locked: the right password fails, with the same error.
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("right password while locked: %v, want ErrInvalidCredentials", err)
	}
	e.clk.add(14 * time.Minute)
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("right password 14 minutes into the lock: %v", err)
	}
	e.clk.add(time.Minute)
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); err != nil {
		t.Fatalf("right password after the lock: %v", err)
	}
	if u, _ = e.st.UserByLogin(ctx, a.Login); !u.LockedUntil.IsZero() || u.FailedAttempts != 0 {
		t.Fatalf("after the lock: %d failed, locked until %v", u.FailedAttempts, u.LockedUntil)
	}
	log, _ := e.st.AuditLog(ctx, store.ForTenant(a.Tenant.ID), t0, 100)
	counts := map[string]int{}
	for _, l := range log {
		counts[l.Action]++
	}
	if counts[ActionLoginFailure] != 5 || counts[ActionLoginLocked] != 1 {
		t.Errorf("audit: %d failures, %d locks; want 5 and 1", counts[ActionLoginFailure], counts[ActionLoginLocked])
	}

	// An admin lifts a lock early.
	for i := 1; i <= 3; i++ {
		e.svc.VerifyPassword(ctx, a.Login, "wrong-password-1")
	}
	if err := e.svc.Unlock(ctx, e.ops, a.Tenant.ID, a.User.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
}

// An unknown login and a wrong password are indistinguishable: same error
// value, and both cost one argon2 verification.
func TestNoUserEnumeration(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)

	before := e.svc.verified.Load()
	_, errUnknown := e.svc.VerifyPassword(ctx, "nobody-here", "some-password-1")
	unknownCost := e.svc.verified.Load() - before
	before = e.svc.verified.Load()
	_, errWrong := e.svc.VerifyPassword(ctx, a.Login, "some-password-1")
	wrongCost := e.svc.verified.Load() - before

	if errUnknown != ErrInvalidCredentials || errWrong != ErrInvalidCredentials {
		t.Fatalf("unknown login: %v; wrong password: %v; want both exactly ErrInvalidCredentials", errUnknown, errWrong)
	}
	if unknownCost != 1 || wrongCost != 1 {
		t.Fatalf("argon2 verifications: unknown login %d, wrong password %d; want 1 and 1", unknownCost, wrongCost)
	}
	// A disabled account answers the same, after the same work.
	u, _ := e.st.UserByLogin(ctx, a.Login)
	u.Disabled = true
	if err := e.st.UpdateUser(ctx, store.ForTenant(u.Tenant), u); err != nil {
		t.Fatal(err)
	}
	before = e.svc.verified.Load()
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); err != ErrInvalidCredentials || e.svc.verified.Load()-before != 1 {
		t.Fatalf("disabled account: %v", err)
	}
}

// The per-login-ID rate limit applies alike to logins that exist and
// logins that do not.
func TestLoginRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.LoginsPerWindow, cfg.LoginWindow = 3, time.Minute
	cfg.LockoutThreshold = 100
	e := newEnv(t, cfg)
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	for _, login := range []string{a.Login, "nobody-here"} {
		for i := 1; i <= 3; i++ {
			if _, err := e.svc.VerifyPassword(ctx, login, "wrong-password-1"); !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("%s attempt %d: %v", login, i, err)
			}
		}
		before := e.svc.verified.Load()
		if _, err := e.svc.VerifyPassword(ctx, login, a.InitialPassword); err != ErrRateLimited {
			t.Fatalf("%s attempt 4: %v, want ErrRateLimited", login, err)
		}
		if e.svc.verified.Load() != before {
			t.Fatalf("%s: a rate-limited attempt ran argon2", login)
		}
	}
	e.clk.add(time.Minute)
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func TestSessionsRefreshAndLogoutEverywhere(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	s1 := e.login(t, a.Login, a.InitialPassword)
	if _, err := e.svc.Refresh(ctx, s1); err != nil {
		t.Fatal(err)
	}
	e.clk.add(time.Second)
	if err := e.svc.LogoutEverywhere(ctx, s1, s1.Tenant, s1.User); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Refresh(ctx, s1); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("session after logout everywhere: %v", err)
	}
	e.clk.add(time.Second)
	s2 := e.login(t, a.Login, a.InitialPassword)
	p, err := e.svc.Refresh(ctx, s2)
	if err != nil || p.Role != store.RoleAdmin || !p.MustChange {
		t.Fatalf("new session: %+v, %v", p, err)
	}
	// Another tenant's admin cannot log this one out.
	_, other := e.tenant(t, "plant-b", 1)
	if err := e.svc.LogoutEverywhere(ctx, other, s2.Tenant, s2.User); !errors.Is(err, ErrForbidden) {
		t.Fatalf("foreign admin: %v", err)
	}
}

// TestParallelFailuresAllCounted guesses in parallel: each wrong password
// counts, so parallel guessing gets no more tries than serial guessing.
func TestParallelFailuresAllCounted(t *testing.T) {
	cfg := testConfig()
	cfg.LockoutThreshold, cfg.LockoutDuration = 1000, 15*time.Minute
	e := newEnv(t, cfg)
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	// More guesses than the rate limit lets through in a window: those it
	// refuses are not password checks and are not counted.
	const guesses = 12
	var wg sync.WaitGroup
	var mu sync.Mutex
	checked := 0
	for range guesses {
		wg.Go(func() {
			_, err := e.svc.VerifyPassword(ctx, a.Login, "wrong-password-1")
			switch {
			case errors.Is(err, ErrInvalidCredentials):
				mu.Lock()
				checked++
				mu.Unlock()
			case !errors.Is(err, ErrRateLimited):
				t.Errorf("wrong password: %v", err)
			}
		})
	}
	wg.Wait()
	if checked < 2 {
		t.Fatalf("only %d guesses checked", checked)
	}
	if u, _ := e.st.UserByLogin(ctx, a.Login); u.FailedAttempts != checked {
		t.Fatalf("%d parallel failures counted as %d", checked, u.FailedAttempts)
	}
}

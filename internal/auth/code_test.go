package auth

import (
	"crypto/sha256"
	"errors"
	"regexp"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestCodeSingleUse(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	p, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword)
	if err != nil {
		t.Fatal(err)
	}
	if p.User != a.User.ID || p.Tenant != a.Tenant.ID || p.Email != "admin@plant-a.example.jp" {
		t.Fatalf("pending = %+v", p)
	}
	if err := e.svc.StartCode(ctx, p); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, a.Tenant.ID)
	box, _ := e.st.Outbox(ctx, store.ForTenant(a.Tenant.ID), 10)
	if len(box) != 1 || box[0].To != "admin@plant-a.example.jp" {
		t.Fatalf("outbox: %d messages", len(box))
	}
	wrong := "000000"
	if code == wrong {
		wrong = "000001"
	}
	if _, err := e.svc.VerifyCode(ctx, p, wrong); !errors.Is(err, ErrCodeInvalid) {
		t.Fatalf("wrong code: %v", err)
	}
	pr, err := e.svc.VerifyCode(ctx, p, code)
	if err != nil {
		t.Fatal(err)
	}
	if pr.User != a.User.ID || pr.Tenant != a.Tenant.ID || pr.Role != store.RoleAdmin || !pr.MustChange || pr.Login != a.Login || pr.AuthTime.IsZero() {
		t.Fatalf("principal = %+v", pr)
	}
	if _, err := e.svc.VerifyCode(ctx, p, code); !errors.Is(err, ErrCodeInvalid) {
		t.Fatalf("code used twice: %v", err)
	}
}

func TestCodeExpiry(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	p, _ := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword)
	if err := e.svc.StartCode(ctx, p); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, a.Tenant.ID)
	e.clk.add(10*time.Minute + time.Second)
	if _, err := e.svc.VerifyCode(ctx, p, code); !errors.Is(err, ErrCodeExpired) {
		t.Fatalf("code after 10 minutes: %v, want ErrCodeExpired", err)
	}
	// A new code replaces it; just under 10 minutes it still works.
	if err := e.svc.StartCode(ctx, p); err != nil {
		t.Fatal(err)
	}
	code = e.lastCode(t, a.Tenant.ID)
	e.clk.add(9*time.Minute + 59*time.Second)
	if _, err := e.svc.VerifyCode(ctx, p, code); err != nil {
		t.Fatalf("code at 9:59: %v", err)
	}
}

func TestCodeAttempts(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	p, _ := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword)
	if err := e.svc.StartCode(ctx, p); err != nil {
		t.Fatal(err)
	}
	code := e.lastCode(t, a.Tenant.ID)
	wrong := "999999"
	if code == wrong {
		wrong = "999998"
	}
	for i := 1; i <= 5; i++ {
		if _, err := e.svc.VerifyCode(ctx, p, wrong); !errors.Is(err, ErrCodeInvalid) {
			t.Fatalf("wrong code %d: %v", i, err)
		}
	}
	if _, err := e.svc.VerifyCode(ctx, p, code); !errors.Is(err, ErrCodeAttempts) {
		t.Fatalf("right code after 5 wrong ones: %v, want ErrCodeAttempts", err)
	}
	// A fresh code works again, typed with full-width digits and a space.
	if err := e.svc.StartCode(ctx, p); err != nil {
		t.Fatal(err)
	}
	code = e.lastCode(t, a.Tenant.ID)
	wide := []rune{}
	for i, r := range code {
		if i == 3 {
			wide = append(wide, '　')
		}
		wide = append(wide, r-'0'+'０')
	}
	if _, err := e.svc.VerifyCode(ctx, p, string(wide)); err != nil {
		t.Fatalf("full-width code %q: %v", string(wide), err)
	}
}

func TestCodeSendLimit(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	p, _ := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword)
	for i := 1; i <= 5; i++ {
		if err := e.svc.StartCode(ctx, p); err != nil {
			t.Fatalf("code %d: %v", i, err)
		}
	}
	if err := e.svc.StartCode(ctx, p); err != ErrRateLimited {
		t.Fatalf("6th code in 10 minutes: %v, want ErrRateLimited", err)
	}
	box, _ := e.st.Outbox(ctx, store.ForTenant(a.Tenant.ID), 100)
	if len(box) != 5 {
		t.Fatalf("%d mails queued, want 5", len(box))
	}
	e.clk.add(10 * time.Minute)
	if err := e.svc.StartCode(ctx, p); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

// The stored value is keyed: another key gives another hash, and it is
// not the plain SHA-256 of the code.
func TestCodeHashKeyed(t *testing.T) {
	cfg := testConfig()
	s1, err := New(cfg, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg.CodeKey = make([]byte, 32)
	s2, _ := New(cfg, nil, nil, nil)
	if s1.codeHash(7, "123456") == s2.codeHash(7, "123456") {
		t.Error("code hash does not depend on the key")
	}
	if s1.codeHash(7, "123456") == sha256.Sum256([]byte("123456")) {
		t.Error("code hash is plain SHA-256")
	}
	if s1.codeHash(7, "123456") == s1.codeHash(8, "123456") {
		t.Error("code hash does not depend on the user")
	}
	cfg.CodeKey = make([]byte, 16)
	if _, err := New(cfg, nil, nil, nil); err == nil {
		t.Error("a 16-byte code key was accepted")
	}
}

func TestNewCodeForm(t *testing.T) {
	re := regexp.MustCompile(`^[0-9]{6}$`)
	seen := map[string]bool{}
	for range 2000 {
		c, err := newCode()
		if err != nil || !re.MatchString(c) {
			t.Fatalf("newCode() = %q, %v", c, err)
		}
		seen[c] = true
	}
	// 2000 draws from a million collide rarely: about 2 expected pairs.
	if len(seen) < 1990 {
		t.Errorf("%d distinct codes of 2000", len(seen))
	}
}

func TestNormalizeCode(t *testing.T) {
	for in, want := range map[string]string{
		"123456":        "123456",
		"123 456":       "123456",
		"123-456":       "123456",
		"１２３４５６":        "123456",
		"１２３　４５６":       "123456",
		"12345x":        "12345x",
		" 0 0 0 0 0 1 ": "000001",
	} {
		if got := normalizeCode(in); got != want {
			t.Errorf("normalizeCode(%q) = %q, want %q", in, got, want)
		}
	}
}

package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/store"
)

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]{22})\$([A-Za-z0-9+/]{43})$`)

// The production parameters, once: RFC 9106's second recommendation.
func TestHashDefaultParameters(t *testing.T) {
	h, err := hashPassword("correct horse battery staple", DefaultConfig().Argon2)
	if err != nil {
		t.Fatal(err)
	}
	s := h.String()
	m := phcRE.FindStringSubmatch(s)
	if m == nil || m[1] != "65536" || m[2] != "3" || m[3] != "4" {
		t.Fatalf("PHC string %q, want m=65536,t=3,p=4 with a 16-byte salt and 32-byte hash", s)
	}
	back, err := ParseHash(s)
	if err != nil {
		t.Fatal(err)
	}
	if !back.verify("correct horse battery staple") || back.verify("correct horse battery stapl") {
		t.Fatal("verification of the round-tripped hash is wrong")
	}
}

// A vector computed independently of this package's encoder: argon2id of
// "password" with salt "somesaltsomesalt", m=64 t=1 p=1, 32 bytes.
func TestParseHashKnownVector(t *testing.T) {
	const phc = "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$"
	// The expected tag comes from the library directly.
	want := Hash{Params: Argon2Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}, Salt: []byte("somesaltsomesalt")}
	want.Key = deriveForTest("password", want)
	h, err := ParseHash(phc + b64.EncodeToString(want.Key))
	if err != nil {
		t.Fatal(err)
	}
	if string(h.Salt) != "somesaltsomesalt" || h.Params != want.Params || !h.verify("password") || h.verify("Password") {
		t.Fatalf("parsed %+v", h)
	}
	if h.String() != phc+b64.EncodeToString(want.Key) {
		t.Errorf("re-encoded %q", h.String())
	}
}

func TestParseHashRejects(t *testing.T) {
	good := Hash{Params: testArgon2, Salt: make([]byte, 16), Key: make([]byte, 32)}.String()
	for _, s := range []string{
		"",
		"$argon2i$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=16$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$t=1,m=64,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=064,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=0,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=4,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=99999999,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"$argon2id$v=19$m=64,t=1,p=1,k=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		good + "$",
		strings.Replace(good, "$v=19", "", 1),
	} {
		if _, err := ParseHash(s); !errors.Is(err, ErrBadHash) {
			t.Errorf("ParseHash(%q) = %v, want ErrBadHash", s, err)
		}
	}
	if _, err := ParseHash(good); err != nil {
		t.Errorf("ParseHash(%q): %v", good, err)
	}
}

func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want bool
	}{
		{"short-pass1", false},   // 11 characters
		{"twelve-chars", true},   // 12
		{"パスワードは十二文字以上です", true}, // 14 runes, 42 bytes
		{"パスワード十一文字です", false},   // 11 runes, 33 bytes
		{"SATO.TARO@PLANT-A.EXAMPLE.JP", false},
		{"sato-taro-login", false},
		{strings.Repeat("a", 1025), false},
		{"bad\xffutf8-password", false},
	} {
		err := CheckPassword(tc.pw, "sato-taro-login", "sato.taro@plant-a.example.jp", 12)
		if (err == nil) != tc.want {
			t.Errorf("CheckPassword(%q) = %v, want ok=%v", tc.pw, err, tc.want)
		}
		if err != nil && !errors.Is(err, ErrWeakPassword) {
			t.Errorf("CheckPassword(%q) = %v, want ErrWeakPassword", tc.pw, err)
		}
	}
}

// Changing the configured parameters renews a user's hash at the next
// successful login.
func TestRehashOnParameterChange(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	if _, err := e.svc.VerifyPassword(ctx, a.Login, "wrong password!"); !errors.Is(err, ErrInvalidCredentials) {
		t.Fatalf("wrong password: %v", err)
	}

	cfg := testConfig()
	cfg.Argon2 = Argon2Params{Time: 2, Memory: 128, Threads: 2, SaltLen: 16, KeyLen: 32}
	svc2, err := New(cfg, e.st, nil, e.clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc2.VerifyPassword(ctx, a.Login, a.InitialPassword); err != nil {
		t.Fatalf("login with the old hash: %v", err)
	}
	u, err := e.st.UserByLogin(ctx, a.Login)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseHash(u.PasswordHash)
	if err != nil || h.Params != cfg.Argon2 {
		t.Fatalf("hash after login %q (%v), want the new parameters", u.PasswordHash, err)
	}
	if u.FailedAttempts != 0 {
		t.Errorf("failed attempts after success = %d, want 0", u.FailedAttempts)
	}
	if _, err := svc2.VerifyPassword(ctx, a.Login, a.InitialPassword); err != nil {
		t.Fatalf("login with the new hash: %v", err)
	}
	log, _ := e.st.AuditLog(ctx, store.ForTenant(a.Tenant.ID), t0, 10)
	if len(log) == 0 || log[0].Action != ActionPasswordRehash || log[0].Target != a.Login ||
		log[0].Detail != "m=64,t=1,p=1 -> m=128,t=2,p=2" {
		t.Fatalf("newest audit entry %+v, want one rehash", log)
	}
	n := 0
	for _, l := range log {
		if l.Action == ActionPasswordRehash {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d rehash entries, want 1 (the second login finds the new parameters)", n)
	}
}

func TestChangeAndSetPassword(t *testing.T) {
	e := newEnv(t, testConfig())
	ctx := t.Context()
	a, _ := e.tenant(t, "plant-a", 1)
	admin := e.login(t, a.Login, a.InitialPassword)
	if !admin.MustChange {
		t.Fatal("first login without MustChange")
	}
	if err := e.svc.ChangePassword(ctx, admin, "not the password", "a-new-long-password"); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("wrong current password: %v", err)
	}
	if err := e.svc.ChangePassword(ctx, admin, a.InitialPassword, "too-short"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("short password: %v", err)
	}
	if err := e.svc.ChangePassword(ctx, admin, a.InitialPassword, a.InitialPassword); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("same password: %v", err)
	}
	if err := e.svc.ChangePassword(ctx, admin, a.InitialPassword, "a-new-long-password"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.VerifyPassword(ctx, a.Login, a.InitialPassword); !errors.Is(err, ErrInvalidCredentials) {
		t.Errorf("old password still works: %v", err)
	}
	again := e.login(t, a.Login, "a-new-long-password")
	if again.MustChange {
		t.Error("MustChange still set after the change")
	}

	// An admin sets a user's password: the user must change it.
	u, err := e.svc.AddUser(ctx, again, a.Tenant.ID, NewUser{Login: "sato", Email: "sato@plant-a.example.jp", Role: store.RoleUser})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SetPassword(ctx, again, a.Tenant.ID, u.User.ID, "sato"); !errors.Is(err, ErrWeakPassword) {
		t.Errorf("password equal to login: %v", err)
	}
	if err := e.svc.SetPassword(ctx, again, a.Tenant.ID, u.User.ID, "reset-by-the-admin"); err != nil {
		t.Fatal(err)
	}
	sato := e.login(t, "sato", "reset-by-the-admin")
	if !sato.MustChange {
		t.Error("password set by an admin does not force a change")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := t.TempDir() + "/secrets/code.key"
	k1, err := LoadOrCreateKey(path)
	if err != nil || len(k1) != 32 {
		t.Fatalf("create: %d bytes, %v", len(k1), err)
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || string(k1) != string(k2) {
		t.Fatalf("reload gave another key (%v)", err)
	}
}

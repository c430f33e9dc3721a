package auth

import (
	"bytes"
	"encoding/base64"
	"io"
	"log/slog"
	"mime"
	"net/mail"
	"regexp"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/otsight/otsight/internal/notify"
	"github.com/otsight/otsight/internal/store"
	"github.com/otsight/otsight/internal/store/embedded"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// clock is a settable test clock; with step set, every reading advances
// it, so that audit entries written in one call still sort in order.
type clock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testArgon2 keeps tests fast; production parameters are tested once.
var testArgon2 = Argon2Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}

func testConfig() Config {
	cfg := DefaultConfig()
	cfg.Argon2 = testArgon2
	cfg.CodeKey = bytes.Repeat([]byte{0x42}, 32)
	return cfg
}

// env is a Service on a real embedded store with a real notify.Mailer
// writing to the store's outbox, and an operator.
type env struct {
	st  *embedded.Store
	clk *clock
	svc *Service
	ops Principal
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	e := &env{clk: &clock{t: t0, step: time.Millisecond}}
	scfg := embedded.DefaultConfig()
	scfg.Dir = t.TempDir()
	scfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	scfg.Now = e.clk.now
	st, err := embedded.Open(scfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.st = st
	ncfg := notify.DefaultConfig()
	ncfg.From = "otsight <noreply@example.jp>"
	mailer, err := notify.NewMailer(ncfg, st, e.clk.now)
	if err != nil {
		t.Fatal(err)
	}
	if e.svc, err = New(cfg, st, mailer, e.clk.now); err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.AddUser(t.Context(), System, OperatorTenant, NewUser{Login: "ops", Email: "ops@provider.example.jp", Role: store.RoleOperator})
	if err != nil {
		t.Fatal(err)
	}
	e.ops = principalOf(a.User)
	return e
}

func principalOf(u store.User) Principal {
	return Principal{User: u.ID, Login: u.Login, Tenant: u.Tenant, Role: u.Role, MustChange: u.MustChange}
}

// tenant creates a tenant with its admin and returns the activation and
// the admin as a principal.
func (e *env) tenant(t *testing.T, name string, sensors int) (Activation, Principal) {
	t.Helper()
	a, err := e.svc.CreateTenant(t.Context(), e.ops, name, sensors, "admin@"+name+".example.jp")
	if err != nil {
		t.Fatal(err)
	}
	return a, principalOf(a.User)
}

var codeRE = regexp.MustCompile(`確認コード: (\d{6})\r?\n`)

// lastCode reads the newest message of the tenant's outbox the way a mail
// client would and returns the code in it.
func (e *env) lastCode(t *testing.T, tenant store.TenantID) string {
	t.Helper()
	box, err := e.st.Outbox(t.Context(), store.ForTenant(tenant), 1)
	if err != nil || len(box) == 0 {
		t.Fatalf("outbox of tenant %d: %d messages, %v", tenant, len(box), err)
	}
	m, err := mail.ReadMessage(bytes.NewReader(box[0].Message))
	if err != nil {
		t.Fatal(err)
	}
	subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil || subj != DefaultConfig().CodeSubject {
		t.Fatalf("code mail subject %q (%v)", subj, err)
	}
	if cte := m.Header.Get("Content-Transfer-Encoding"); cte != "base64" {
		t.Fatalf("code mail transfer encoding %q", cte)
	}
	body, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, m.Body))
	if err != nil {
		t.Fatal(err)
	}
	sub := codeRE.FindSubmatch(body)
	if sub == nil {
		t.Fatalf("no code in the mail body:\n%s", body)
	}
	if !bytes.Contains(body, []byte("Code: "+string(sub[1]))) {
		t.Fatalf("English part lacks the code:\n%s", body)
	}
	return string(sub[1])
}

// login runs both steps and returns the principal.
func (e *env) login(t *testing.T, login, password string) Principal {
	t.Helper()
	p, err := e.svc.VerifyPassword(t.Context(), login, password)
	if err != nil {
		t.Fatalf("VerifyPassword(%q): %v", login, err)
	}
	if err := e.svc.StartCode(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	pr, err := e.svc.VerifyCode(t.Context(), p, e.lastCode(t, p.Tenant))
	if err != nil {
		t.Fatalf("VerifyCode: %v", err)
	}
	return pr
}

// deriveForTest computes a tag with golang.org/x/crypto/argon2 directly,
// bypassing Hash.
func deriveForTest(password string, h Hash) []byte {
	return argon2.IDKey([]byte(password), h.Salt, h.Params.Time, h.Params.Memory, h.Params.Threads, h.Params.KeyLen)
}

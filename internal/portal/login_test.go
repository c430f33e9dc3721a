package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/auth"
)

func TestLoginFlow(t *testing.T) {
	e := newEnv(t)
	c := e.client()

	// Not signed in: pages redirect to the login page, the API answers 401.
	if r := e.get(c, "/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("GET / signed out: %d %q", r.status, r.header.Get("Location"))
	}
	if r := e.get(c, "/api/v1/home"); r.status != http.StatusUnauthorized || r.body != "{\"error\":\"authentication required\"}\n" {
		t.Fatalf("GET /api/v1/home signed out: %d %q", r.status, r.body)
	}
	// The code page needs the password step first.
	if r := e.get(c, "/login/code"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("GET /login/code early: %d %q", r.status, r.header.Get("Location"))
	}

	r := e.get(c, "/login")
	if r.status != http.StatusOK || !strings.Contains(r.body, "ログインID") {
		t.Fatalf("GET /login: %d, no Japanese label", r.status)
	}
	before := e.sessionCookie(c)

	// Password step.
	r = e.post(c, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login/code" {
		t.Fatalf("POST /login: %d %q", r.status, r.header.Get("Location"))
	}
	if e.auth.codeSent[1] != 1 {
		t.Fatalf("codes sent to alice = %d, want 1", e.auth.codeSent[1])
	}
	pending := e.sessionCookie(c)
	if pending == "" || pending == before {
		t.Fatalf("session token not renewed at the password step (%q → %q)", before, pending)
	}
	// Half logged in is not logged in.
	if r := e.get(c, "/"); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("GET / after password only: %d %q", r.status, r.header.Get("Location"))
	}

	// Wrong, then malformed code.
	r = e.post(c, "/login/code", url.Values{"code": {"135790"}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "確認コードが正しくありません") {
		t.Fatalf("wrong code: %d", r.status)
	}
	for _, code := range []string{"", strings.Repeat("1", 65)} {
		r = e.post(c, "/login/code", url.Values{"code": {code}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "6桁の数字") {
			t.Fatalf("malformed code %q: %d", code, r.status)
		}
	}

	// Code step.
	r = e.post(c, "/login/code", url.Values{"code": {goodCode}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("POST /login/code: %d %q", r.status, r.header.Get("Location"))
	}
	full := e.sessionCookie(c)
	if full == "" || full == pending {
		t.Fatal("session token not renewed at the code step")
	}
	r = e.get(c, "/")
	if r.status != http.StatusOK || !strings.Contains(r.body, "北九州第一工場") || !strings.Contains(r.body, "alice") {
		t.Fatalf("GET / logged in: %d", r.status)
	}

	// Session fixation: the tokens of the earlier steps are worthless now.
	for _, tok := range []string{before, pending} {
		if tok == "" {
			continue
		}
		o := e.client()
		u, _ := url.Parse(e.srv.URL)
		o.Jar.SetCookies(u, []*http.Cookie{{Name: "otsight_session", Value: tok}})
		if r := e.get(o, "/"); r.status != http.StatusSeeOther {
			t.Fatalf("old token %q still opens /: %d", tok, r.status)
		}
	}

	// Logout ends the session.
	if r := e.post(c, "/logout", url.Values{}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("POST /logout: %d", r.status)
	}
	if r := e.get(c, "/"); r.status != http.StatusSeeOther {
		t.Fatalf("GET / after logout: %d", r.status)
	}
	if n := len(e.state.sessions); n != 0 {
		t.Fatalf("%d sessions stored after logout, want 0", n)
	}
}

func TestLoginCookieAttributes(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := e.post(c, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}})
	sc := r.header.Values("Set-Cookie")
	if len(sc) != 1 {
		t.Fatalf("Set-Cookie = %q, want one session cookie", sc)
	}
	for _, want := range []string{"otsight_session=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
		if !strings.Contains(sc[0], want) {
			t.Errorf("session cookie %q lacks %s", sc[0], want)
		}
	}
	// A session cookie: no Max-Age or Expires.
	if strings.Contains(sc[0], "Max-Age") || strings.Contains(sc[0], "Expires") {
		t.Errorf("session cookie %q persists", sc[0])
	}
}

func TestLoginFailures(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct{ login, password string }{{"alice", "wrong"}, {"nobody", goodPassword}} {
		r := e.post(c, "/login", url.Values{"login": {tc.login}, "password": {tc.password}})
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "ログインIDまたはパスワードが正しくありません") {
			t.Fatalf("%s/%s: %d", tc.login, tc.password, r.status)
		}
	}
	e.auth.limited["alice"] = true
	r := e.post(c, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}}, "Accept-Language", "en-US,en;q=0.9")
	if r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many attempts. Please wait a while and try again.") {
		t.Fatalf("rate limited: %d %s", r.status, r.body)
	}
	if n := e.auth.codeSent[1]; n != 0 {
		t.Fatalf("codes sent after failures = %d, want 0", n)
	}
}

func TestLoginCodeExpiry(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	e.post(c, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}})
	// The pending step lapses after 10 minutes, whatever the code says.
	e.clk.Add(pendingLifetime + time.Second)
	r := e.post(c, "/login/code", url.Values{"code": {goodCode}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "有効期限が切れました") {
		t.Fatalf("late code: %d", r.status)
	}
	// The auth service's own expiry.
	e.post(c, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}})
	e.auth.codeErr = auth.ErrCodeExpired
	r = e.post(c, "/login/code", url.Values{"code": {goodCode}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "有効期限が切れました") {
		t.Fatalf("expired code: %d", r.status)
	}
	if r := e.get(c, "/login/code"); r.status != http.StatusSeeOther {
		t.Fatalf("code page after expiry: %d, want a redirect to /login", r.status)
	}
	// Too many wrong codes: back to the password.
	e.post(c, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}})
	e.auth.codeErr = fmt.Errorf("verify: %w", auth.ErrCodeAttempts)
	r = e.post(c, "/login/code", url.Values{"code": {goodCode}})
	if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "確認コードの誤りが多すぎます") {
		t.Fatalf("code attempts: %d", r.status)
	}
	if r := e.get(c, "/login/code"); r.status != http.StatusSeeOther {
		t.Fatalf("code page after expiry: %d, want a redirect to /login", r.status)
	}
}

func TestSessionTimeouts(t *testing.T) {
	e := newEnv(t)
	if e.p.sessions.IdleTimeout != 30*time.Minute || e.p.sessions.Lifetime != 12*time.Hour {
		t.Fatalf("timeouts idle %v, absolute %v; want 30m0s and 12h0m0s", e.p.sessions.IdleTimeout, e.p.sessions.Lifetime)
	}
	c := e.login("alice")
	start := time.Now()
	// The stored session: expires after the idle timeout, and its absolute
	// deadline is 12 hours after login.
	if len(e.state.sessions) != 1 {
		t.Fatalf("%d sessions stored, want 1", len(e.state.sessions))
	}
	for _, s := range e.state.sessions {
		if d := s.expiry.Sub(start); d < 29*time.Minute || d > 30*time.Minute {
			t.Fatalf("stored expiry %v after login, want 30 min", d)
		}
		deadline, _, err := e.p.sessions.Codec.Decode(s.data)
		if err != nil {
			t.Fatal(err)
		}
		if d := deadline.Sub(start); d < 12*time.Hour-time.Minute || d > 12*time.Hour {
			t.Fatalf("absolute deadline %v after login, want 12 h", d)
		}
	}
	e.state.skew = 29 * time.Minute
	if r := e.get(c, "/"); r.status != http.StatusOK {
		t.Fatalf("after 29 idle minutes: %d", r.status)
	}
	// 31 minutes without a request: gone.
	e.state.skew = 31 * time.Minute
	if r := e.get(c, "/"); r.status != http.StatusSeeOther {
		t.Fatalf("after 31 idle minutes: %d, want a redirect", r.status)
	}
}

func TestLogoutEverywhere(t *testing.T) {
	e := newEnv(t)
	pc := e.login("alice")
	laptop := e.login("alice")
	other := e.login("admin")
	e.clk.Add(time.Second)
	if r := e.post(laptop, "/logout/all", url.Values{}); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Fatalf("POST /logout/all: %d", r.status)
	}
	for name, c := range map[string]*http.Client{"pc": pc, "laptop": laptop} {
		if r := e.get(c, "/"); r.status != http.StatusSeeOther {
			t.Errorf("%s still logged in after logout everywhere: %d", name, r.status)
		}
	}
	if r := e.get(other, "/"); r.status != http.StatusOK {
		t.Errorf("another user's session ended too: %d", r.status)
	}
	// A new login afterwards works.
	e.clk.Add(time.Second)
	if r := e.get(e.login("alice"), "/"); r.status != http.StatusOK {
		t.Errorf("login after logout everywhere: %d", r.status)
	}
}

func TestForcedPasswordChange(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	e.post(c, "/login", url.Values{"login": {"newbie"}, "password": {goodPassword}})
	r := e.post(c, "/login/code", url.Values{"code": {goodCode}})
	if r.header.Get("Location") != "/password" {
		t.Fatalf("first login goes to %q, want /password", r.header.Get("Location"))
	}
	for _, path := range []string{"/", "/devices", "/traffic"} {
		if r := e.get(c, path); r.status != http.StatusSeeOther || r.header.Get("Location") != "/password" {
			t.Fatalf("GET %s before the change: %d %q", path, r.status, r.header.Get("Location"))
		}
	}
	if r := e.get(c, "/api/v1/devices"); r.status != http.StatusForbidden {
		t.Fatalf("API before the change: %d", r.status)
	}
	r = e.get(c, "/password")
	if r.status != http.StatusOK || !strings.Contains(r.body, "初回ログインのため") {
		t.Fatalf("GET /password: %d", r.status)
	}
	r = e.post(c, "/password", url.Values{"current": {goodPassword}, "new": {"abc"}, "confirm": {"abd"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "一致しません") {
		t.Fatalf("mismatch: %d", r.status)
	}
	r = e.post(c, "/password", url.Values{"current": {goodPassword}, "new": {"short"}, "confirm": {"short"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "このパスワードは使用できません") {
		t.Fatalf("weak: %d", r.status)
	}
	r = e.post(c, "/password", url.Values{"current": {"nope"}, "new": {"a much longer one"}, "confirm": {"a much longer one"}})
	if r.status != http.StatusUnauthorized {
		t.Fatalf("wrong current: %d", r.status)
	}
	r = e.post(c, "/password", url.Values{"current": {goodPassword}, "new": {"a much longer one"}, "confirm": {"a much longer one"}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
		t.Fatalf("change: %d %q", r.status, r.header.Get("Location"))
	}
	if r := e.get(c, "/"); r.status != http.StatusOK {
		t.Fatalf("GET / after the change: %d", r.status)
	}
}

package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// Fakes at the edge of the unit: the portal's own logic runs for real.

// testNow is the fake clock's start: 2026-11-27 12:00 JST.
var testNow = time.Date(2026, 11, 27, 3, 0, 0, 0, time.UTC)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const (
	goodPassword = "correct horse battery"
	goodCode     = "246810"
	goodToken    = "ots_token_alice"
)

// fakeAuth follows auth.Service's contract: users by login, each with
// goodPassword until changed, codes are goodCode, API token goodToken is
// alice's. It counts mails so tests can assert what the portal asked.
type fakeAuth struct {
	mu        sync.Mutex
	clk       *clock
	users     map[store.UserID]*store.User
	passwords map[store.UserID]string
	codeSent  map[store.UserID]int
	codeErr   error           // VerifyCode's answer when set
	limited   map[string]bool // logins answered with ErrRateLimited
	revoked   map[store.UserID]time.Time
}

func newFakeAuth(clk *clock) *fakeAuth {
	a := &fakeAuth{clk: clk, users: map[store.UserID]*store.User{}, passwords: map[store.UserID]string{},
		codeSent: map[store.UserID]int{}, limited: map[string]bool{}, revoked: map[store.UserID]time.Time{}}
	add := func(id store.UserID, tenant store.TenantID, login string, role store.Role, must bool) {
		a.users[id] = &store.User{ID: id, Tenant: tenant, Login: login, Email: login + "@example.jp", Role: role, MustChange: must}
		a.passwords[id] = goodPassword
	}
	add(1, 1, "alice", store.RoleUser, false)
	add(2, 1, "admin", store.RoleAdmin, false)
	add(3, auth.OperatorTenant, "op", store.RoleOperator, false)
	add(4, 1, "newbie", store.RoleUser, true)
	add(5, 2, "bob", store.RoleUser, false) // another tenant
	return a
}

func (a *fakeAuth) byLogin(login string) *store.User {
	for _, u := range a.users {
		if u.Login == login {
			return u
		}
	}
	return nil
}

func (a *fakeAuth) principal(u *store.User) auth.Principal {
	return auth.Principal{User: u.ID, Login: u.Login, Tenant: u.Tenant, Role: u.Role, MustChange: u.MustChange}
}

func (a *fakeAuth) VerifyPassword(ctx context.Context, login, password string) (auth.Pending, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.limited[login] {
		return auth.Pending{}, auth.ErrRateLimited
	}
	u := a.byLogin(login)
	if u == nil || u.Disabled || password != a.passwords[u.ID] {
		return auth.Pending{}, fmt.Errorf("verify: %w", auth.ErrInvalidCredentials)
	}
	return auth.Pending{User: u.ID, Tenant: u.Tenant, Login: u.Login, Email: u.Email, At: a.clk.Now()}, nil
}

func (a *fakeAuth) StartCode(ctx context.Context, p auth.Pending) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.codeSent[p.User]++
	return nil
}

func (a *fakeAuth) VerifyCode(ctx context.Context, p auth.Pending, code string) (auth.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.codeErr != nil {
		return auth.Principal{}, a.codeErr
	}
	u := a.users[p.User]
	if u == nil || a.codeSent[p.User] == 0 || code != goodCode {
		return auth.Principal{}, auth.ErrCodeInvalid
	}
	pr := a.principal(u)
	pr.AuthTime = a.clk.Now()
	return pr, nil
}

func (a *fakeAuth) ChangePassword(ctx context.Context, actor auth.Principal, current, next string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if current != a.passwords[actor.User] {
		return auth.ErrInvalidCredentials
	}
	if len(next) < 12 {
		return fmt.Errorf("change: %w", auth.ErrWeakPassword)
	}
	a.passwords[actor.User] = next
	a.users[actor.User].MustChange = false
	return nil
}

func (a *fakeAuth) Refresh(ctx context.Context, p auth.Principal) (auth.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	u := a.users[p.User]
	if u == nil || u.Tenant != p.Tenant || u.Disabled {
		return auth.Principal{}, auth.ErrInvalidCredentials
	}
	if cut, ok := a.revoked[p.User]; ok && !p.AuthTime.After(cut) {
		return auth.Principal{}, auth.ErrInvalidCredentials
	}
	p.Login, p.Role, p.MustChange = u.Login, u.Role, u.MustChange
	return p, nil
}

func (a *fakeAuth) LogoutEverywhere(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.UserID) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if actor.User != id || actor.Tenant != tenant {
		return auth.ErrForbidden
	}
	a.revoked[id] = a.clk.Now()
	return nil
}

func (a *fakeAuth) VerifyToken(ctx context.Context, secret string) (auth.Principal, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if secret != goodToken {
		return auth.Principal{}, fmt.Errorf("token: %w", auth.ErrInvalidToken)
	}
	return a.principal(a.users[1]), nil
}

// memState is an in-memory session store and settings table.
type memState struct {
	mu       sync.Mutex
	sessions map[[32]byte]memSession
	// skew moves the store's idea of now ahead of the wall clock that scs
	// computes expiries with, to test timeouts without sleeping.
	skew time.Duration
}

type memSession struct {
	data   []byte
	expiry time.Time
}

func newMemState() *memState {
	return &memState{sessions: map[[32]byte]memSession{}}
}

func (m *memState) FindSession(ctx context.Context, h [32]byte, now time.Time) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.sessions[h]
	if !ok || !now.Add(m.skew).Before(s.expiry) {
		return nil, false, nil
	}
	return s.data, true, nil
}

func (m *memState) CommitSession(ctx context.Context, h [32]byte, data []byte, expiry time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sessions[h] = memSession{append([]byte(nil), data...), expiry}
	return nil
}

func (m *memState) DeleteSession(ctx context.Context, h [32]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, h)
	return nil
}

// fakeData is one tenant's sensors, devices and traffic; tenant 2 has
// none, so a leak across tenants shows.
type fakeData struct {
	clk     *clock
	devices []DeviceRow
	queries []store.TrafficQuery
	tops    []store.TopQuery

	auditSince time.Time
	auditLimit int
	mu         sync.Mutex
}

func (d *fakeData) Tenant(ctx context.Context, s store.Scope) (store.Tenant, error) {
	switch s.Tenant() {
	case 1:
		return store.Tenant{ID: 1, Name: "北九州第一工場", TimeZone: "Asia/Tokyo"}, nil
	case 2:
		return store.Tenant{ID: 2, Name: "Other Works", TimeZone: "Europe/Berlin"}, nil
	}
	return store.Tenant{}, store.ErrNotFound
}

func (d *fakeData) Sensors(ctx context.Context, s store.Scope) ([]store.Sensor, error) {
	if s.Tenant() != 1 {
		return nil, nil
	}
	now := d.clk.Now()
	return []store.Sensor{
		{ID: 11, Tenant: 1, Name: "line-1", LastUpload: now.Add(-40 * time.Second), Monitoring: true},
		{ID: 12, Tenant: 1, Name: "line-2", LastUpload: now.Add(-20 * time.Minute)},
		{ID: 13, Tenant: 1, Name: "spare"},
	}, nil
}

func (d *fakeData) Devices(ctx context.Context, s store.Scope) ([]DeviceRow, error) {
	if s.Tenant() != 1 {
		return nil, nil
	}
	return d.devices, nil
}

func (d *fakeData) TrafficSeries(ctx context.Context, s store.Scope, q store.TrafficQuery) (store.TrafficResult, error) {
	d.mu.Lock()
	d.queries = append(d.queries, q)
	d.mu.Unlock()
	if s.Tenant() != 1 {
		return store.TrafficResult{Step: q.Step}, nil
	}
	// Two steps with traffic: the first and the third of the range.
	p := func(i int, b uint64) store.Point {
		return store.Point{Time: q.From.Add(time.Duration(i) * q.Step), Volume: store.Volume{OrigBytes: b, RespBytes: b / 2}}
	}
	return store.TrafficResult{Step: q.Step, Series: []store.Series{{
		Key:    store.TrafficKey{},
		Total:  store.Volume{OrigBytes: 3000, RespBytes: 1500},
		Points: []store.Point{p(0, 1000), p(2, 2000)},
	}}}, nil
}

func (d *fakeData) TopDevices(ctx context.Context, s store.Scope, q store.TopQuery) ([]store.Ranked, error) {
	d.mu.Lock()
	d.tops = append(d.tops, q)
	d.mu.Unlock()
	if s.Tenant() != 1 {
		return nil, nil
	}
	return []store.Ranked{
		{Key: store.TrafficKey{Sensor: 11, Orig: netip.MustParseAddr("192.168.1.2")}, Volume: store.Volume{OrigBytes: 9000, RespBytes: 1000, OrigPkts: 20, RespPkts: 10, Conns: 3}},
		{Key: store.TrafficKey{Sensor: 12, VLAN: 7, Orig: netip.MustParseAddr("10.0.0.5")}, Volume: store.Volume{OrigBytes: 100, RespBytes: 200, OrigPkts: 2, RespPkts: 2, Conns: 1}},
	}, nil
}

func (d *fakeData) TopServices(ctx context.Context, s store.Scope, q store.TopQuery) ([]store.Ranked, error) {
	d.mu.Lock()
	d.tops = append(d.tops, q)
	d.mu.Unlock()
	if s.Tenant() != 1 {
		return nil, nil
	}
	return []store.Ranked{
		{Key: store.TrafficKey{Proto: "tcp", Port: 502, Service: "modbus"}, Volume: store.Volume{OrigBytes: 6000, RespBytes: 4000, OrigPkts: 50, RespPkts: 50, Conns: 4}},
		{Key: store.TrafficKey{Proto: "udp", Port: 53, Service: "dns"}, Volume: store.Volume{OrigBytes: 300, RespBytes: 900, OrigPkts: 6, RespPkts: 6, Conns: 6}},
	}, nil
}

func (d *fakeData) AuditLog(ctx context.Context, s store.Scope, since time.Time, limit int) ([]store.AuditEntry, error) {
	d.mu.Lock()
	d.auditSince, d.auditLimit = since, limit
	d.mu.Unlock()
	if s.Tenant() != 1 {
		return nil, nil
	}
	return []store.AuditEntry{
		{Tenant: 1, Time: time.Date(2026, 11, 27, 1, 0, 0, 0, time.UTC), Actor: "admin", Action: "user.add", Target: "alice", Detail: "role user"},
		{Tenant: 1, Time: time.Date(2026, 11, 20, 15, 30, 0, 0, time.UTC), Actor: "system", Action: "tenant.create", Target: "北九州第一工場"},
	}, nil
}

// testDevices are five devices; times relative to testNow.
func testDevices() []DeviceRow {
	mk := func(sensor, ip, mac, vendor, name, os, role string, firstAgo, lastAgo time.Duration, sent, recv uint64, peers, importance int) DeviceRow {
		return DeviceRow{Sensor: sensor, IP: netip.MustParseAddr(ip), MAC: mac, Vendor: vendor, Name: name, OS: os, Role: role,
			FirstSeen: testNow.Add(-firstAgo), LastSeen: testNow.Add(-lastAgo), BytesSent: sent, BytesRecv: recv,
			Peers: peers, Importance: importance}
	}
	return []DeviceRow{
		mk("line-1", "192.168.1.10", "00:1b:1b:00:00:0a", "Siemens AG", "PLC-A", "", "plc", 72*time.Hour, time.Minute, 5000, 7000, 4, 90),
		mk("line-1", "192.168.1.2", "00:0c:29:00:00:02", "VMware, Inc.", "eng-ws", "Windows 10", "engineering_workstation", 2*time.Hour, 0, 90000, 10000, 4, 100),
		mk("line-1", "192.168.1.100", "", "", "=HYPERLINK(\"x\")", "", "", 30*time.Hour, time.Hour, 10, 0, 1, 5),
		mk("line-2", "10.0.0.5", "00:80:f4:00:00:05", "Mitsubishi Electric", "Q-PLC", "", "plc", 23*time.Hour, 0, 100, 200, 2, 60),
		mk("line-2", "10.0.0.20", "00:80:f4:00:00:14", "Mitsubishi Electric", "HMI-表示器", "Windows CE", "hmi_scada", 400*time.Hour, 2*time.Minute, 300, 300, 6, 60),
	}
}

// env is a portal behind a TLS test server (its cookies are Secure).
type env struct {
	t     *testing.T
	clk   *clock
	auth  *fakeAuth
	state *memState
	data  *fakeData
	dev   *devFakes   // device pages (devicepages_test.go)
	adm   *adminFakes // administration pages (admin_fakes_test.go)
	srv   *httptest.Server
	p     *Portal
}

func newEnv(t *testing.T) *env {
	t.Helper()
	e := &env{t: t, clk: &clock{t: testNow}, state: newMemState()}
	e.auth = newFakeAuth(e.clk)
	e.data = &fakeData{clk: e.clk, devices: testDevices()}
	e.dev = newDevFakes()
	e.adm = newAdminFakes(e.clk, e.auth)
	p, err := New(Config{Now: e.clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{
		Auth: e.auth, Sessions: e.state,
		Tenants: e.data, Traffic: e.data, Devices: e.data, Audit: e.data,
		Device: DeviceDeps{Inventory: e.dev, State: e.dev},
		Admin:  e.adm.deps(),
		Maps:   newMapFakes().deps(),
	})
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	e.srv = httptest.NewTLSServer(p)
	t.Cleanup(e.srv.Close)
	return e
}

// client is a browser-like client: cookie jar, no automatic redirects.
func (e *env) client() *http.Client {
	jar, _ := cookiejar.New(nil)
	c := e.srv.Client()
	return &http.Client{Transport: c.Transport, Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type resp struct {
	status int
	header http.Header
	body   string
}

func (e *env) do(c *http.Client, method, path string, form url.Values, hdr ...string) resp {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, e.srv.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}

func (e *env) get(c *http.Client, path string, hdr ...string) resp {
	return e.do(c, http.MethodGet, path, nil, hdr...)
}

func (e *env) post(c *http.Client, path string, form url.Values, hdr ...string) resp {
	return e.do(c, http.MethodPost, path, form, hdr...)
}

// login runs the whole login of a user and returns the logged-in client.
func (e *env) login(login string) *http.Client {
	e.t.Helper()
	c := e.client()
	r := e.post(c, "/login", url.Values{"login": {login}, "password": {goodPassword}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/login/code" {
		e.t.Fatalf("login %s: password step: %d %s", login, r.status, r.header.Get("Location"))
	}
	r = e.post(c, "/login/code", url.Values{"code": {goodCode}})
	if r.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: code step: %d", login, r.status)
	}
	return c
}

func (e *env) sessionCookie(c *http.Client) string {
	u, _ := url.Parse(e.srv.URL)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "otsight_session" {
			return ck.Value
		}
	}
	return ""
}

package portal

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// addAdmin2 gives tenant 2 an admin, so isolation between two tenants'
// admins can be tested.
func (e *env) addAdmin2() {
	e.auth.mu.Lock()
	defer e.auth.mu.Unlock()
	e.auth.users[6] = &store.User{ID: 6, Tenant: 2, Login: "admin2", Email: "admin2@example.de", Role: store.RoleAdmin}
	e.auth.passwords[6] = goodPassword
}

// sendJSON sends an API request with a JSON body (or none when body is "").
func (e *env) sendJSON(c *http.Client, method, path, body string) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header, string(b)}
}

// aliceToken creates a token of alice directly in the fake and returns
// its public ID.
func (e *env) aliceToken() string {
	e.t.Helper()
	_, t, err := e.adm.CreateToken(context.Background(), auth.Principal{User: 1, Tenant: 1, Login: "alice", Role: store.RoleUser}, "ci")
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.TokenID(t.Hash)
}

var roles5 = []string{"out", "user", "admin", "operator", "other"}

// party logs in one of the five parties of the matrix: signed out,
// tenant 1's user and admin, the operator, and tenant 2's admin.
func (e *env) party(who string) *http.Client {
	e.addAdmin2()
	login := map[string]string{"user": "alice", "admin": "admin", "operator": "op", "other": "admin2"}[who]
	if login == "" {
		return e.client()
	}
	return e.login(login)
}

// TestAdminAuthorization: every administration route × role × tenant,
// with the exact status.
func TestAdminAuthorization(t *testing.T) {
	type want [5]int // out, user, admin, operator, other tenant's admin
	gets := []struct {
		path string
		want want
	}{
		{"/users", want{303, 403, 200, 403, 200}},
		{"/settings", want{303, 403, 200, 403, 200}},
		{"/system-log", want{303, 403, 200, 403, 200}},
		{"/system-log.csv", want{303, 403, 200, 403, 200}},
		{"/tokens", want{303, 200, 200, 200, 200}},
		{"/operator", want{303, 403, 403, 200, 403}},
		{"/operator/sensors", want{303, 403, 403, 200, 403}},
		{"/operator/tenants/1", want{303, 403, 403, 200, 403}},
		{"/operator/tenants/9", want{303, 403, 403, 404, 403}},
		{"/operator/tenants/x", want{303, 403, 403, 400, 403}},
		{"/api/v1/users", want{401, 403, 200, 403, 200}},
		{"/api/v1/settings", want{401, 403, 200, 403, 200}},
		{"/api/v1/system-log", want{401, 403, 200, 403, 200}},
		{"/api/v1/system-log.csv", want{401, 403, 200, 403, 200}},
		{"/api/v1/tokens", want{401, 200, 200, 200, 200}},
		{"/api/v1/operator/tenants", want{401, 403, 403, 200, 403}},
		{"/api/v1/operator/tenants/2", want{401, 403, 403, 200, 403}},
		{"/api/v1/operator/tenants/9", want{401, 403, 403, 404, 403}},
		{"/api/v1/operator/sensors", want{401, 403, 403, 200, 403}},
	}
	e := newEnv(t)
	cs := map[string]*http.Client{}
	for _, who := range roles5 {
		cs[who] = e.party(who)
	}
	for _, g := range gets {
		for i, who := range roles5 {
			if r := e.get(cs[who], g.path); r.status != g.want[i] {
				t.Errorf("GET %s as %s: %d, want %d", g.path, who, r.status, g.want[i])
			}
		}
	}

	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	changes := []struct {
		method, path string
		form         url.Values // web routes
		json         string     // API routes
		want         want
	}{
		{"POST", "/users", form("email", "carol@example.jp", "role", "user"), "", want{303, 403, 200, 403, 200}},
		{"POST", "/users/1/remove", form(), "", want{303, 403, 303, 403, 404}},
		{"POST", "/users/1/reset", form(), "", want{303, 403, 200, 403, 404}},
		{"POST", "/users/1/unlock", form(), "", want{303, 403, 303, 403, 404}},
		{"POST", "/settings", form("time_zone", "Asia/Tokyo"), "", want{303, 403, 303, 403, 303}},
		{"POST", "/tokens", form("name", "ci"), "", want{303, 200, 200, 200, 200}},
		{"POST", "/tokens/TOKEN/revoke", form(), "", want{303, 303, 404, 404, 404}},
		{"POST", "/operator/tenants", form("name", "Tokai", "sensors", "2", "admin_email", "a@example.jp"), "", want{303, 403, 403, 200, 403}},
		{"POST", "/operator/tenants/1/sensors", form("name", "line-4"), "", want{303, 403, 403, 200, 403}},
		{"POST", "/operator/tenants/1/sensors/11/revoke", form(), "", want{303, 403, 403, 303, 403}},
		{"POST", "/operator/tenants/2/sensors/11/revoke", form(), "", want{303, 403, 403, 404, 403}},
		{"POST", "/api/v1/users", nil, `{"email":"carol@example.jp","role":"user"}`, want{401, 403, 201, 403, 201}},
		{"DELETE", "/api/v1/users/1", nil, "", want{401, 403, 204, 403, 404}},
		{"POST", "/api/v1/users/1/password", nil, "", want{401, 403, 200, 403, 404}},
		{"POST", "/api/v1/users/1/unlock", nil, "", want{401, 403, 204, 403, 404}},
		{"PUT", "/api/v1/settings", nil, `{"fold_internet":true}`, want{401, 403, 200, 403, 200}},
		{"POST", "/api/v1/tokens", nil, `{"name":"ci"}`, want{401, 201, 201, 201, 201}},
		{"DELETE", "/api/v1/tokens/TOKEN", nil, "", want{401, 204, 404, 404, 404}},
		{"POST", "/api/v1/operator/tenants", nil, `{"name":"Tokai","sensors":2,"admin_email":"a@example.jp"}`, want{401, 403, 403, 201, 403}},
		{"POST", "/api/v1/operator/tenants/1/sensors", nil, `{"name":"line-4"}`, want{401, 403, 403, 201, 403}},
		{"POST", "/api/v1/operator/tenants/1/sensors/11/revoke", nil, "", want{401, 403, 403, 204, 403}},
		{"POST", "/api/v1/operator/tenants/1/sensors/21/revoke", nil, "", want{401, 403, 403, 404, 403}},
	}
	// One portal per route; the parties who may change something come
	// after those who may not, the one who owns the object last but one.
	order := []int{0, 4, 3, 1, 2} // out, other, operator, user, admin
	for _, c := range changes {
		e := newEnv(t)
		path := strings.Replace(c.path, "TOKEN", e.aliceToken(), 1)
		for _, i := range order {
			who := roles5[i]
			cl := e.party(who)
			var r resp
			if c.form != nil {
				r = e.do(cl, c.method, path, c.form)
			} else {
				r = e.sendJSON(cl, c.method, path, c.json)
			}
			if r.status != c.want[i] {
				t.Errorf("%s %s as %s: %d, want %d (%s)", c.method, c.path, who, r.status, c.want[i], strings.TrimSpace(r.body))
			}
		}
	}
}

// TestAdminPagesCSPClean checks the pages drawn after an action (secrets
// shown once, errors) as TestEveryPageIsCSPClean checks the GET pages.
func TestAdminPagesCSPClean(t *testing.T) {
	for _, lang := range []string{"ja", "en"} {
		e := newEnv(t)
		op, admin, user := e.login("op"), e.login("admin"), e.login("alice")
		for _, pg := range []struct {
			c      *http.Client
			path   string
			form   url.Values
			status int
		}{
			{op, "/operator/tenants", url.Values{"name": {"Tokai"}, "sensors": {"2"}, "admin_email": {"a@example.jp"}}, 200},
			{op, "/operator/tenants", url.Values{"name": {"Tokai"}, "sensors": {"0"}, "admin_email": {"a@example.jp"}}, 400},
			{op, "/operator/tenants/1/sensors", url.Values{"name": {"line-4"}}, 200},
			{op, "/operator/tenants/1/sensors", url.Values{"name": {"line-5"}}, 409},
			{admin, "/users", url.Values{"email": {"carol@example.jp"}, "role": {"user"}}, 200},
			{admin, "/users/4/reset", url.Values{}, 200},
			{admin, "/users/2/remove", url.Values{}, 409},
			{admin, "/settings", url.Values{"time_zone": {"Mars/Olympus"}}, 400},
			{user, "/tokens", url.Values{"name": {"ci"}}, 200},
			{user, "/tokens", url.Values{"name": {""}}, 400},
		} {
			name := pg.path + "?lang=" + lang
			r := e.post(pg.c, name, pg.form)
			if r.status != pg.status {
				t.Errorf("POST %s: %d, want %d", name, r.status, pg.status)
				continue
			}
			checkHeaders(t, name, r.header)
			checkPage(t, name, r.body)
			if !strings.Contains(r.body, `<html lang="`+lang+`">`) {
				t.Errorf("%s: not in %s", name, lang)
			}
			if k := regexp.MustCompile(`\[[a-z0-9_]+\.[a-z0-9_.]+\]`).FindString(r.body); k != "" {
				t.Errorf("%s: unresolved message key %s", name, k)
			}
		}
	}
}

func decode[T any](t *testing.T, body string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

func TestOperatorOverview(t *testing.T) {
	e := newEnv(t)
	op := e.login("op")
	r := e.get(op, "/api/v1/operator/tenants")
	if r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	m := decode[struct {
		Now     time.Time `json:"now"`
		Tenants []struct {
			ID      int64  `json:"id"`
			Name    string `json:"name"`
			Max     int    `json:"max_sensors"`
			TZ      string `json:"time_zone"`
			Created string `json:"created"`
			Faulty  int    `json:"faulty_sensors"`
			Sensors []json.RawMessage
		} `json:"tenants"`
	}](t, r.body)
	if len(m.Tenants) != 2 || m.Tenants[0].ID != 1 || m.Tenants[1].ID != 2 {
		t.Fatalf("tenants not in ID order: %s", r.body)
	}
	t1, t2 := m.Tenants[0], m.Tenants[1]
	if t1.Name != "北九州第一工場" || t1.Max != 4 || t1.TZ != "Asia/Tokyo" || t1.Created != "2026-04-01T09:30:00+09:00" || t1.Faulty != 2 || len(t1.Sensors) != 3 {
		t.Errorf("tenant 1: %+v", t1)
	}
	if t2.TZ != "Europe/Berlin" || t2.Created != "2026-05-01T02:30:00+02:00" || len(t2.Sensors) != 0 || t2.Faulty != 0 {
		t.Errorf("tenant 2: %+v", t2)
	}
	want := []string{
		`{"id":11,"tenant_id":1,"tenant":"北九州第一工場","name":"line-1","status":"fault","enrolled":false,"monitoring":true,"last_upload":"2026-11-27T11:59:30+09:00","silence_seconds":30,"clock_skew_seconds":2.5,"kernel_drops":12,"drops":3,"faults":["kernel_drops"]}`,
		`{"id":12,"tenant_id":1,"tenant":"北九州第一工場","name":"line-2","status":"fault","enrolled":false,"monitoring":false,"last_upload":"2026-11-27T11:40:00+09:00","silence_seconds":1200,"clock_skew_seconds":null,"kernel_drops":0,"drops":0,"faults":["silent","stale_data"]}`,
		// The health line naming sensor 13 under tenant 2 is not trusted.
		`{"id":13,"tenant_id":1,"tenant":"北九州第一工場","name":"spare","status":"never","enrolled":false,"monitoring":false,"last_upload":null,"silence_seconds":-1,"clock_skew_seconds":null,"kernel_drops":0,"drops":0,"faults":[]}`,
	}
	for i, s := range t1.Sensors {
		if string(s) != want[i] {
			t.Errorf("sensor %d:\n got %s\nwant %s", i, s, want[i])
		}
	}
	// The provider-wide view has the same three, and the pages say it in
	// words: seconds, minutes, the skew, "never".
	if r := e.get(op, "/api/v1/operator/sensors"); strings.Count(r.body, `"tenant_id":1`) != 3 || !strings.Contains(r.body, want[1]) {
		t.Errorf("provider sensors: %s", r.body)
	}
	for _, tc := range []struct{ path, lang string }{{"/operator/sensors", "ja"}, {"/operator/tenants/1", "ja"}, {"/operator/sensors", "en"}} {
		body := e.get(op, tc.path+"?lang="+tc.lang).body
		words := []string{"30秒", "20分", "2.5秒", "未接続", "2026-11-27 11:59:30", "kernel_drops", "silent, stale_data"}
		if tc.lang == "en" {
			words = []string{"30 s", "20 min", "2.5 s", "Never uploaded", "2026-11-27 11:40:00"}
		}
		for _, w := range words {
			if !strings.Contains(body, w) {
				t.Errorf("%s (%s): no %q", tc.path, tc.lang, w)
			}
		}
	}
	if got := durationText(49*time.Hour+30*time.Minute, e.p.pages.cats["en"]); got != "2 d 1 h" {
		t.Errorf("durationText en: %q", got)
	}
	if got := durationText(3*time.Hour+20*time.Minute+5*time.Second, e.p.pages.cats["ja"]); got != "3時間20分" {
		t.Errorf("durationText ja: %q", got)
	}
}

func TestCreateTenant(t *testing.T) {
	e := newEnv(t)
	op := e.login("op")
	host := strings.TrimPrefix(e.srv.URL, "https://")
	r := e.post(op, "/operator/tenants", url.Values{"name": {"Tokai Plant 2"}, "sensors": {"3"}, "admin_email": {"ot@tokai.example.jp"}})
	if r.status != 200 {
		t.Fatalf("create: %d", r.status)
	}
	for _, w := range []string{
		`id="act-url">https://` + host + `/<`, `id="act-login">u7kq2m9xpa<`, `id="act-password">Hk7mWq2ZrT9pXc4N<`, `id="act-sensors">3<`,
		"otsight admin sensor add --tenant &#39;Tokai Plant 2&#39; --name SENSOR",
		"otsight sensor enroll --server https://INGEST-HOST:PORT --token TOKEN", `href="/operator/tenants/3"`,
	} {
		if !strings.Contains(r.body, w) {
			t.Errorf("activation page lacks %q", w)
		}
	}
	// Shown once: the console does not show the password again.
	if r := e.get(op, "/operator"); !strings.Contains(r.body, "Tokai Plant 2") || strings.Contains(r.body, "Hk7mWq2ZrT9pXc4N") {
		t.Errorf("console after creation: tenant listed %v, password shown %v",
			strings.Contains(r.body, "Tokai Plant 2"), strings.Contains(r.body, "Hk7mWq2ZrT9pXc4N"))
	}
	for _, tc := range []struct {
		form   url.Values
		status int
		flash  string
	}{
		{url.Values{"name": {"X"}, "sensors": {"0"}, "admin_email": {"a@example.jp"}}, 400, "入力内容に誤りがあります。"},
		{url.Values{"name": {"X"}, "sensors": {"10"}, "admin_email": {"a@example.jp"}}, 400, "入力内容に誤りがあります。"},
		{url.Values{"name": {"X"}, "sensors": {"2"}, "admin_email": {"Bob <a@example.jp>"}}, 400, "入力内容に誤りがあります。"},
		{url.Values{"name": {"Tokai Plant 2"}, "sensors": {"2"}, "admin_email": {"a@example.jp"}}, 409, "同じ名前がすでに使われています。"},
	} {
		r := e.post(op, "/operator/tenants", tc.form)
		if r.status != tc.status || !strings.Contains(r.body, tc.flash) || !strings.Contains(r.body, `value="`+tc.form.Get("name")+`"`) {
			t.Errorf("%v: %d, flash %v, form kept %v", tc.form, r.status, strings.Contains(r.body, tc.flash), strings.Contains(r.body, `value="`+tc.form.Get("name")+`"`))
		}
	}
	e2 := newEnv(t)
	r = e2.sendJSON(e2.login("op"), "POST", "/api/v1/operator/tenants", `{"name":"Tokai","sensors":9,"admin_email":"ot@tokai.example.jp"}`)
	host = strings.TrimPrefix(e2.srv.URL, "https://")
	want := `{"tenant_id":3,"tenant":"Tokai","max_sensors":9,"max_users":5,"portal_url":"https://` + host + `/","login":"u7kq2m9xpa","initial_password":"Hk7mWq2ZrT9pXc4N","admin_email":"ot@tokai.example.jp","enrol_command":"otsight admin sensor add --tenant Tokai --name SENSOR","sensor_command":"otsight sensor enroll --server https://INGEST-HOST:PORT --token TOKEN"}`
	if r.status != 201 || strings.TrimSpace(r.body) != want {
		t.Errorf("API create: %d\n got %s\nwant %s", r.status, r.body, want)
	}
	if r := e2.sendJSON(e2.login("op"), "POST", "/api/v1/operator/tenants", `{"name":"Y","sensors":2,"admin_email":"a@example.jp","extra":1}`); r.status != 400 {
		t.Errorf("unknown JSON field: %d", r.status)
	}
}

func TestEnrolAndRevokeSensor(t *testing.T) {
	e := newEnv(t)
	op := e.login("op")
	if r := e.post(op, "/operator/tenants/1/sensors", url.Values{"name": {"line-1"}}); r.status != 409 || !strings.Contains(r.body, "同じ名前がすでに使われています。") {
		t.Errorf("taken name: %d", r.status)
	}
	r := e.post(op, "/operator/tenants/1/sensors", url.Values{"name": {"line-4"}})
	for _, w := range []string{`id="enrol-token">otse_enrol_token_1<`, "2026-11-28 12:00", "SHA256:ab:cd",
		"otsight sensor enroll --server https://ingest.example.jp:8443 --token otse_enrol_token_1"} {
		if r.status != 200 || !strings.Contains(r.body, w) {
			t.Errorf("enrolment page (%d) lacks %q", r.status, w)
		}
	}
	if r := e.get(op, "/operator/tenants/1"); strings.Contains(r.body, "otse_enrol_token_1") {
		t.Errorf("token shown again")
	}
	// Tenant 1 may have 4 sensors: 3 plus line-4.
	if r := e.post(op, "/operator/tenants/1/sensors", url.Values{"name": {"line-5"}}); r.status != 409 || !strings.Contains(r.body, "上限に達しているため追加できません。") {
		t.Errorf("beyond the limit: %d", r.status)
	}
	r = e.sendJSON(op, "POST", "/api/v1/operator/tenants/2/sensors", `{"name":"hall"}`)
	want := `{"sensor_id":40,"sensor":"hall","token":"otse_enrol_token_1","expires":"2026-11-28T04:00:00+01:00","ca_fingerprint":"SHA256:ab:cd","sensor_command":"otsight sensor enroll --server https://ingest.example.jp:8443 --token otse_enrol_token_1"}`
	if r.status != 201 || strings.TrimSpace(r.body) != want {
		t.Errorf("API enrol: %d\n got %s\nwant %s", r.status, r.body, want)
	}
	r = e.post(op, "/operator/tenants/1/sensors/12/revoke", url.Values{})
	if r.status != 303 || r.header.Get("Location") != "/operator/tenants/1?done=revoked" {
		t.Fatalf("revoke: %d %s", r.status, r.header.Get("Location"))
	}
	if r := e.get(op, "/operator/tenants/1?done=revoked"); !strings.Contains(r.body, "センサーを失効させました。") {
		t.Errorf("no confirmation after revoking")
	}
	if r := e.post(op, "/operator/tenants/2/sensors/12/revoke", url.Values{}); r.status != 404 {
		t.Errorf("revoke across tenants: %d", r.status)
	}
	if len(e.adm.revoked) != 1 || e.adm.revoked[0] != 12 {
		t.Errorf("revoked %v, want [12]", e.adm.revoked)
	}
}

func TestUsersPage(t *testing.T) {
	e := newEnv(t)
	admin, alice := e.login("admin"), e.login("alice")
	e.auth.mu.Lock()
	e.auth.users[1].LockedUntil = testNow.Add(10 * time.Minute)
	e.auth.users[1].FailedAttempts = 5
	e.auth.mu.Unlock()
	r := e.get(admin, "/api/v1/users")
	want := `{"users":[` +
		`{"id":1,"login":"alice","email":"alice@example.jp","role":"user","must_change":false,"locked":true,"locked_until":"2026-11-27T12:10:00+09:00","failed_attempts":5,"disabled":false,"created":"0001-01-01T09:18:59+09:18","self":false},` +
		`{"id":2,"login":"admin","email":"admin@example.jp","role":"admin","must_change":false,"locked":false,"locked_until":null,"failed_attempts":0,"disabled":false,"created":"0001-01-01T09:18:59+09:18","self":true},` +
		`{"id":4,"login":"newbie","email":"newbie@example.jp","role":"user","must_change":true,"locked":false,"locked_until":null,"failed_attempts":0,"disabled":false,"created":"0001-01-01T09:18:59+09:18","self":false}` +
		`],"max_users":0,"can_add":true}`
	if strings.TrimSpace(r.body) != want {
		t.Errorf("users:\n got %s\nwant %s", r.body, want)
	}
	page := e.get(admin, "/users").body
	for _, w := range []string{"ロック中 2026-11-27 12:10", "パスワード変更待ち", `action="/users/1/unlock"`, `action="/users/4/remove"`} {
		if !strings.Contains(page, w) {
			t.Errorf("users page lacks %q", w)
		}
	}
	if strings.Contains(page, `action="/users/2/remove"`) {
		t.Errorf("the admin is offered to remove itself")
	}
	// Unlock.
	if r := e.post(admin, "/users/1/unlock", url.Values{}); r.status != 303 || r.header.Get("Location") != "/users?done=unlocked" {
		t.Errorf("unlock: %d %s", r.status, r.header.Get("Location"))
	}
	if r := e.get(admin, "/api/v1/users"); !strings.Contains(r.body, `"id":1,"login":"alice","email":"alice@example.jp","role":"user","must_change":false,"locked":false,"locked_until":null,"failed_attempts":0`) {
		t.Errorf("still locked: %s", r.body)
	}
	// Add: the generated login and initial password are shown once.
	r = e.post(admin, "/users", url.Values{"email": {"carol@example.jp"}, "role": {"admin"}, "login": {""}})
	if r.status != 200 || !strings.Contains(r.body, `id="secret-login">u000000100<`) || !strings.Contains(r.body, `id="secret-password">Init-u000000100<`) {
		t.Errorf("add: %d", r.status)
	}
	if r := e.get(admin, "/users"); strings.Contains(r.body, "Init-u000000100") || !strings.Contains(r.body, "carol@example.jp") {
		t.Errorf("after adding: password shown again or user missing")
	}
	// The fake's quota for tenant 1 is 4 users.
	if r := e.post(admin, "/users", url.Values{"email": {"dave@example.jp"}, "role": {"user"}}); r.status != 409 || !strings.Contains(r.body, "上限に達しているため追加できません。") || !strings.Contains(r.body, `value="dave@example.jp"`) {
		t.Errorf("beyond the quota: %d", r.status)
	}
	if r := e.sendJSON(admin, "POST", "/api/v1/users", `{"email":"x@example.jp","role":"operator"}`); r.status != 400 {
		t.Errorf("operator role: %d %s", r.status, r.body)
	}
	// Reset: a 16-character password from the unambiguous alphabet, the
	// one the service was given.
	r = e.post(admin, "/users/4/reset", url.Values{})
	m := regexp.MustCompile(`id="secret-password">([a-km-zA-HJ-NP-Z2-9]{16})<`).FindStringSubmatch(r.body)
	if r.status != 200 || m == nil || e.adm.passwords[4] != m[1] || !strings.Contains(r.body, `id="secret-login">newbie<`) {
		t.Fatalf("reset: %d %v %q", r.status, m, e.adm.passwords[4])
	}
	r = e.sendJSON(admin, "POST", "/api/v1/users/4/password", "")
	if got := decode[userSecret](t, r.body); r.status != 200 || got.Login != "newbie" || got.Password != e.adm.passwords[4] || got.Password == m[1] {
		t.Errorf("API reset: %d %s", r.status, r.body)
	}
	// Remove: the last admin stays; alice goes, and her session with her.
	if r := e.sendJSON(admin, "DELETE", "/api/v1/users/100", ""); r.status != 204 {
		t.Errorf("remove carol: %d", r.status)
	}
	if r := e.post(admin, "/users/2/remove", url.Values{}); r.status != 409 || !strings.Contains(r.body, "最後の管理者は削除できません。") {
		t.Errorf("remove the last admin: %d", r.status)
	}
	if r := e.post(admin, "/users/1/remove", url.Values{}); r.status != 303 || r.header.Get("Location") != "/users?done=removed" {
		t.Errorf("remove alice: %d", r.status)
	}
	if r := e.get(alice, "/"); r.status != 303 || r.header.Get("Location") != "/login" {
		t.Errorf("removed user's session: %d %s", r.status, r.header.Get("Location"))
	}
	if r := e.get(admin, "/users?done=removed"); !strings.Contains(r.body, "ユーザーを削除しました。") || strings.Contains(r.body, "alice@example.jp") {
		t.Errorf("list after removal")
	}
}

func TestSettingsPage(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	r := e.get(admin, "/api/v1/settings")
	want := `{"time_zone":"Asia/Tokyo","fold_internet":false,"notify_email":"","sensors":[` +
		`{"id":11,"name":"line-1","monitoring":true,"revoked":false},{"id":12,"name":"line-2","monitoring":false,"revoked":false},` +
		`{"id":13,"name":"spare","monitoring":false,"revoked":false}]}`
	if strings.TrimSpace(r.body) != want {
		t.Errorf("settings:\n got %s\nwant %s", r.body, want)
	}
	page := e.get(admin, "/settings").body
	for _, w := range []string{`<option value="Asia/Tokyo" selected>`, `name="monitor_11" checked`, `name="monitor_12">`} {
		if !strings.Contains(page, w) {
			t.Errorf("settings page lacks %q", w)
		}
	}
	r = e.post(admin, "/settings", url.Values{"time_zone": {"Europe/Berlin"}, "fold_internet": {"on"},
		"notify_email": {"ot-alerts@example.jp"}, "monitor_12": {"on"}})
	if r.status != 303 || r.header.Get("Location") != "/settings?done=saved" {
		t.Fatalf("save: %d %s", r.status, r.header.Get("Location"))
	}
	st := e.adm.settings[1]
	if string(st["time_zone"]) != `"Europe/Berlin"` || string(st["fold_internet"]) != "true" || string(st["notify_email"]) != `"ot-alerts@example.jp"` || len(e.adm.settings) != 1 {
		t.Errorf("stored: %s %s %s (%d tenants)", st["time_zone"], st["fold_internet"], st["notify_email"], len(e.adm.settings))
	}
	if len(e.adm.updates) != 2 || e.adm.updates[0].ID != 11 || e.adm.updates[0].Monitoring || e.adm.updates[1].ID != 12 || !e.adm.updates[1].Monitoring || e.adm.updates[1].Name != "line-2" {
		t.Errorf("sensor updates: %+v", e.adm.updates)
	}
	wantAudit := []store.AuditEntry{
		{Tenant: 1, Time: testNow, Actor: "admin", Action: "settings.change", Target: "time_zone", Detail: `"Asia/Tokyo" -> "Europe/Berlin"`},
		{Tenant: 1, Time: testNow, Actor: "admin", Action: "settings.change", Target: "fold_internet", Detail: `false -> true`},
		{Tenant: 1, Time: testNow, Actor: "admin", Action: "settings.change", Target: "notify_email", Detail: `"" -> "ot-alerts@example.jp"`},
		{Tenant: 1, Time: testNow, Actor: "admin", Action: "sensor.monitor", Target: "sensor:11", Detail: `name="line-1" monitoring=false`},
		{Tenant: 1, Time: testNow, Actor: "admin", Action: "sensor.monitor", Target: "sensor:12", Detail: `name="line-2" monitoring=true`},
	}
	if len(e.adm.audit) != len(wantAudit) {
		t.Fatalf("audit: %+v", e.adm.audit)
	}
	for i := range wantAudit {
		if e.adm.audit[i] != wantAudit[i] {
			t.Errorf("audit %d: %+v, want %+v", i, e.adm.audit[i], wantAudit[i])
		}
	}
	if r := e.get(admin, "/settings?done=saved"); !strings.Contains(r.body, "設定を保存しました。") || !strings.Contains(r.body, `<option value="Europe/Berlin" selected>`) || !strings.Contains(r.body, `id="fold-internet" checked`) {
		t.Errorf("page after saving")
	}
	// An unchanged value is neither stored nor audited again.
	if r := e.sendJSON(admin, "PUT", "/api/v1/settings", `{"time_zone":"Europe/Berlin","notify_email":""}`); r.status != 200 ||
		!strings.Contains(r.body, `"time_zone":"Europe/Berlin","fold_internet":true,"notify_email":""`) {
		t.Errorf("PUT: %d %s", r.status, r.body)
	}
	if n := len(e.adm.audit); n != 6 || e.adm.audit[5].Detail != `"ot-alerts@example.jp" -> ""` {
		t.Errorf("audit after PUT: %d entries", n)
	}
	for _, body := range []string{`{"time_zone":"Mars/Olympus"}`, `{"time_zone":"Local"}`, `{"notify_email":"Ops <ops@example.jp>"}`, `{"monitoring":{"21":true}}`, `{"monitoring":{"x":true}}`, `{"colour":"red"}`} {
		if r := e.sendJSON(admin, "PUT", "/api/v1/settings", body); r.status != 400 {
			t.Errorf("PUT %s: %d", body, r.status)
		}
	}
	if len(e.adm.audit) != 6 {
		t.Errorf("refused changes were audited: %d", len(e.adm.audit))
	}
	// Tenant 2's admin changes tenant 2 only.
	e.addAdmin2()
	if r := e.sendJSON(e.login("admin2"), "PUT", "/api/v1/settings", `{"fold_internet":true}`); r.status != 200 || !strings.Contains(r.body, `"time_zone":"Europe/Berlin","fold_internet":true,"notify_email":"","sensors":[]`) {
		t.Errorf("tenant 2: %d %s", r.status, r.body)
	}
	if string(e.adm.settings[2]["fold_internet"]) != "true" || e.adm.audit[6].Tenant != 2 || e.adm.audit[6].Actor != "admin2" {
		t.Errorf("tenant 2's change: %v %+v", e.adm.settings[2], e.adm.audit[6])
	}
}

func TestSystemLog(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	r := e.get(admin, "/api/v1/system-log?since=2026-11-26")
	want := `{"query":{"since":"2026-11-26T00:00:00+09:00","limit":500},"uploads":[` +
		`{"time":"2026-11-27T11:59:00+09:00","sensor_id":11,"sensor":"line-1","epoch":3,"seq":1207,"records":5120,"bytes":183402,"result":"stored","reason":"","remote":"203.0.113.7:40112"},` +
		`{"time":"2026-11-27T11:58:30+09:00","sensor_id":11,"sensor":"line-1","epoch":3,"seq":1206,"records":4987,"bytes":180001,"result":"duplicate","reason":"","remote":"203.0.113.7:40112"},` +
		`{"time":"2026-11-27T00:00:05+09:00","sensor_id":12,"sensor":"line-2","epoch":1,"seq":77,"records":0,"bytes":912,"result":"refused","reason":"=certificate revoked","remote":"198.51.100.2:5123"}]}`
	if strings.TrimSpace(r.body) != want {
		t.Errorf("system log:\n got %s\nwant %s", r.body, want)
	}
	if !e.adm.uploadSince.Equal(time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)) || e.adm.uploadLimit != 500 {
		t.Errorf("query: %v %d", e.adm.uploadSince, e.adm.uploadLimit)
	}
	// The since bound is inclusive in the tenant's zone: from the 27th the
	// refused batch of 00:00:05 JST is in, from 00:01 it is out.
	if r := e.get(admin, "/api/v1/system-log?since=2026-11-27T00:01&limit=2"); strings.Count(r.body, `"sensor_id"`) != 2 || e.adm.uploadLimit != 2 {
		t.Errorf("limit 2: %s", r.body)
	}
	if r := e.get(admin, "/api/v1/system-log?limit=0"); r.status != 400 {
		t.Errorf("limit 0: %d", r.status)
	}
	page := e.get(admin, "/system-log?since=2026-11-26").body
	for _, w := range []string{"2026-11-27 11:59:00", "183,402", "保存", "重複(受信済み)", `class="result-refused">拒否<`, "=certificate revoked",
		`href="/system-log.csv?since=2026-11-26&amp;limit=500"`} {
		if !strings.Contains(page, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	r = e.get(admin, "/system-log.csv?since=2026-11-26")
	wantCSV := "\ufeff日時,センサー,エポック,バッチ番号,レコード数,サイズ(バイト),結果,拒否の理由,送信元\r\n" +
		"2026-11-27 11:59:00,line-1,3,1207,5120,183402,stored,,203.0.113.7:40112\r\n" +
		"2026-11-27 11:58:30,line-1,3,1206,4987,180001,duplicate,,203.0.113.7:40112\r\n" +
		"2026-11-27 00:00:05,line-2,1,77,0,912,refused,'=certificate revoked,198.51.100.2:5123\r\n"
	if r.body != wantCSV || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.header.Get("Content-Disposition") != `attachment; filename="system-log-20261127-1200.csv"` {
		t.Errorf("CSV: %q %q\n%q", r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.body)
	}
	if r := e.get(admin, "/api/v1/system-log.csv?since=2026-11-26&lang=en"); !strings.HasPrefix(r.body, "\ufeffTime,Sensor,Epoch,Batch,Records,Bytes,Result,Refusal reason,From\r\n") {
		t.Errorf("English CSV header: %q", r.body[:60])
	}
	// Tenant 2's admin sees tenant 2's upload only, from a sensor tenant 2
	// has no name for.
	e.addAdmin2()
	if r := e.get(e.login("admin2"), "/api/v1/system-log"); strings.Count(r.body, `"sensor_id"`) != 1 || !strings.Contains(r.body, `"sensor":"#21"`) || strings.Contains(r.body, "line-1") {
		t.Errorf("tenant 2: %s", r.body)
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	alice, bob := e.login("alice"), e.login("bob")
	r := e.post(alice, "/tokens", url.Values{"name": {"grafana"}})
	if r.status != 200 || strings.Count(r.body, "otst_secret01") != 2 { // the value and the usage line
		t.Fatalf("create: %d, secret shown %d times", r.status, strings.Count(r.body, "otst_secret01"))
	}
	id := auth.TokenID(e.adm.tokens[0].Hash)
	list := e.get(alice, "/tokens").body
	if strings.Contains(list, "otst_secret01") || !strings.Contains(list, id) || !strings.Contains(list, "grafana") {
		t.Errorf("list: secret shown again or token missing")
	}
	want := `{"tokens":[{"id":"` + id + `","name":"grafana","created":"2026-11-27T12:00:00+09:00","last_used":null,"revoked":null}]}`
	if r := e.get(alice, "/api/v1/tokens"); strings.TrimSpace(r.body) != want {
		t.Errorf("API list:\n got %s\nwant %s", r.body, want)
	}
	// Another user neither sees nor revokes it.
	if r := e.get(bob, "/api/v1/tokens"); strings.TrimSpace(r.body) != `{"tokens":[]}` {
		t.Errorf("bob's list: %s", r.body)
	}
	if r := e.sendJSON(bob, "DELETE", "/api/v1/tokens/"+id, ""); r.status != 404 {
		t.Errorf("bob revokes alice's token: %d", r.status)
	}
	// With the bearer token of the API (alice's goodToken) too.
	r = e.sendJSON(e.client(), "POST", "/api/v1/tokens", `{"name":"ci"}`)
	if r.status != 401 {
		t.Errorf("no credentials: %d", r.status)
	}
	e.clk.Add(time.Hour)
	if r := e.post(alice, "/tokens/"+id+"/revoke", url.Values{}); r.status != 303 || r.header.Get("Location") != "/tokens?done=revoked" {
		t.Fatalf("revoke: %d", r.status)
	}
	want = `{"tokens":[{"id":"` + id + `","name":"grafana","created":"2026-11-27T12:00:00+09:00","last_used":null,"revoked":"2026-11-27T13:00:00+09:00"}]}`
	if r := e.get(alice, "/api/v1/tokens"); strings.TrimSpace(r.body) != want {
		t.Errorf("after revoking:\n got %s\nwant %s", r.body, want)
	}
	if r := e.post(alice, "/tokens/"+id+"/revoke", url.Values{}); r.status != 404 {
		t.Errorf("revoke twice: %d", r.status)
	}
	r = e.sendJSON(e.login("op"), "POST", "/api/v1/tokens", `{"name":"provisioning"}`)
	if r.status != 201 || strings.TrimSpace(r.body) != `{"id":"`+auth.TokenID(e.adm.tokens[1].Hash)+`","name":"provisioning","secret":"otst_secret02"}` || e.adm.tokens[1].Tenant != auth.OperatorTenant {
		t.Errorf("operator's token: %d %s", r.status, r.body)
	}
}

// TestUsersIsolation: tenant 2's admin lists tenant 2's users only and
// cannot touch tenant 1's, whatever ID it names.
func TestUsersIsolation(t *testing.T) {
	e := newEnv(t)
	e.addAdmin2()
	other := e.login("admin2")
	r := e.get(other, "/api/v1/users")
	m := decode[usersModel](t, r.body)
	if len(m.Users) != 2 || m.Users[0].Login != "bob" || m.Users[1].Login != "admin2" || !m.Users[1].Self {
		t.Errorf("tenant 2's users: %s", r.body)
	}
	for _, id := range []string{"1", "2", "4"} {
		if r := e.sendJSON(other, "POST", "/api/v1/users/"+id+"/password", ""); r.status != 404 {
			t.Errorf("reset user %s of tenant 1: %d", id, r.status)
		}
	}
	if len(e.adm.passwords) != 0 {
		t.Errorf("passwords set: %v", e.adm.passwords)
	}
	r = e.sendJSON(other, "POST", "/api/v1/users", `{"email":"eve@example.de","role":"admin"}`)
	if r.status != 201 || e.auth.users[100].Tenant != 2 {
		t.Errorf("added to tenant %d: %d", e.auth.users[100].Tenant, r.status)
	}
}

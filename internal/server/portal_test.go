package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

// browser is a minimal HTTP client that keeps the session cookie itself
// (net/http's cookie jar withholds Secure cookies from http:// URLs, which
// browsers send to loopback) and does not follow redirects.
type browser struct {
	t      *testing.T
	base   string
	cookie *http.Cookie
}

func (b *browser) do(method, path string, form url.Values) *http.Response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.cookie != nil {
		req.AddCookie(b.cookie)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	for _, ck := range res.Cookies() {
		if ck.Name == "otsight_session" {
			b.cookie = ck
		}
	}
	return res
}

// expectRedirect checks a 303 to where.
func (b *browser) expectRedirect(res *http.Response, where string) {
	b.t.Helper()
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != where {
		b.t.Fatalf("%s %s: %d to %q, want 303 to %q", res.Request.Method, res.Request.URL.Path,
			res.StatusCode, res.Header.Get("Location"), where)
	}
}

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// codeFromOutbox reads the newest mail of the tenant's outbox, decodes its
// body and returns the one-time code in it.
func codeFromOutbox(t *testing.T, s *Server, sc store.Scope, to string) string {
	t.Helper()
	msgs, err := s.Store().Outbox(context.Background(), sc, 10)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox: %d messages, %v", len(msgs), err)
	}
	if msgs[0].To != to {
		t.Fatalf("code mail to %q, want %q", msgs[0].To, to)
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Message))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(m.Body)
	var text []byte
	switch strings.ToLower(m.Header.Get("Content-Transfer-Encoding")) {
	case "base64":
		text, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	case "quoted-printable":
		text, err = io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw)))
	default:
		text = raw
	}
	if err != nil {
		t.Fatal(err)
	}
	code := sixDigits.Find(text)
	if code == nil {
		t.Fatalf("no 6-digit code in the mail:\n%s", text)
	}
	return string(code)
}

// TestServerPortalLogin signs in to the portal the server serves, through
// the real login service (password, then the code from the outbox, then the
// forced password change), and reads the devices a sensor's uploads built.
func TestServerPortalLogin(t *testing.T) {
	ctx := context.Background()
	s := startServer(t, testConfig(t.TempDir()))
	act, err := s.Auth().CreateTenant(ctx, auth.System, "plant-a", 2, "admin@example.jp")
	if err != nil {
		t.Fatal(err)
	}
	sc := store.ForTenant(act.Tenant.ID)
	id := enrolSensor(t, s, "plant-a", "line-1")
	spool, _ := spoolCaptures(t, id.SensorID(), "modbus/mb2.pcap")
	up := newUploader(t, s, spool, id)
	up.Start(ctx)
	waitFor(t, "the upload", func() bool {
		left, err := spool.Pending()
		return err == nil && len(left) == 0
	})
	up.Stop()

	b := &browser{t: t, base: "http://" + s.PortalAddr()}
	if res := b.do("GET", "/api/v1/devices", nil); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("devices before login: %d, want 401", res.StatusCode)
	}
	if res := b.do("POST", "/login", url.Values{"login": {act.Login}, "password": {"wrong password!"}}); res.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong password: %d, want 401", res.StatusCode)
	}
	b.expectRedirect(b.do("POST", "/login", url.Values{"login": {act.Login}, "password": {act.InitialPassword}}), "/login/code")
	code := codeFromOutbox(t, s, sc, "admin@example.jp")
	b.expectRedirect(b.do("POST", "/login/code", url.Values{"code": {code}}), "/password")
	newPass := "Kojo-no-anzen 2026!"
	b.expectRedirect(b.do("POST", "/password", url.Values{
		"current": {act.InitialPassword}, "new": {newPass}, "confirm": {newPass}}), "/")

	res := b.do("GET", "/api/v1/devices?q=141.81.0.10", nil)
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("devices: %d", res.StatusCode)
	}
	var list struct {
		Devices []struct {
			Key string `json:"key"`
			IP  string `json:"ip"`
			OS  string `json:"os"`
		} `json:"devices"`
	}
	if err := json.NewDecoder(res.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	var key string
	for _, d := range list.Devices {
		if d.IP == "141.81.0.10" {
			key = d.Key
			if d.OS != "Windows Server 2008 SP2 Standard" {
				t.Errorf("141.81.0.10 OS %q", d.OS)
			}
		}
	}
	if key == "" {
		t.Fatalf("141.81.0.10 not in %+v", list.Devices)
	}
	page := b.do("GET", "/devices/"+url.PathEscape(key), nil)
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(html), "Windows Server 2008") {
		t.Fatalf("device page %d:\n%.600s", page.StatusCode, html)
	}
	// The OT table and the device map read the store's ot records and pair
	// rollups (mb2.pcap was captured on 2012-11-12).
	span := "from=2012-11-12T00:00:00Z&to=2012-11-13T00:00:00Z"
	for path, want := range map[string]string{
		"/api/v1/ot/ip?" + span + "&protocol=s7comm": `"s7comm"`,
		"/api/v1/maps/devices?" + span:               `,141.81.0.10"`, // in the node key
	} {
		res := b.do("GET", path, nil)
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, want %s in\n%.400s", path, res.StatusCode, want, body)
		}
	}
	// Another tenant's session sees none of it.
	other, err := s.Auth().CreateTenant(ctx, auth.System, "plant-b", 1, "b@example.jp")
	if err != nil {
		t.Fatal(err)
	}
	b2 := &browser{t: t, base: b.base}
	b2.expectRedirect(b2.do("POST", "/login", url.Values{"login": {other.Login}, "password": {other.InitialPassword}}), "/login/code")
	code = codeFromOutbox(t, s, store.ForTenant(other.Tenant.ID), "b@example.jp")
	b2.expectRedirect(b2.do("POST", "/login/code", url.Values{"code": {code}}), "/password")
	b2.expectRedirect(b2.do("POST", "/password", url.Values{
		"current": {other.InitialPassword}, "new": {newPass}, "confirm": {newPass}}), "/")
	if res := b2.do("GET", "/devices/"+url.PathEscape(key), nil); res.StatusCode != http.StatusNotFound {
		t.Errorf("tenant B opening tenant A's device: %d, want 404", res.StatusCode)
	}
}

// TestServerPortalAdapters checks what the server hands the portal beyond
// the store itself: tenant settings laid over the tenant, sensor enrolment
// from the operator console (a token a real sensor enrols with, audited
// under the portal user's login), and the health lines.
func TestServerPortalAdapters(t *testing.T) {
	ctx := context.Background()
	s := startServer(t, testConfig(t.TempDir()))
	act, err := s.Auth().CreateTenant(ctx, auth.System, "plant-c", 2, "c@example.jp")
	if err != nil {
		t.Fatal(err)
	}
	sc := store.ForTenant(act.Tenant.ID)
	tn, err := portalTenants{s}.Tenant(ctx, sc)
	if err != nil || tn.TimeZone != "Asia/Tokyo" || tn.FoldInternet {
		t.Fatalf("tenant before settings: %+v, %v", tn, err)
	}
	for k, v := range map[string]string{"time_zone": `"Europe/Berlin"`, "fold_internet": `true`} {
		if err := s.Store().PutSetting(ctx, sc, k, json.RawMessage(v)); err != nil {
			t.Fatal(err)
		}
	}
	if tn, err = (portalTenants{s}).Tenant(ctx, sc); err != nil || tn.TimeZone != "Europe/Berlin" || !tn.FoldInternet {
		t.Fatalf("tenant after settings: %+v, %v", tn, err)
	}

	op := auth.Principal{Login: "op-yamada", Tenant: auth.OperatorTenant, Role: store.RoleOperator}
	en, err := portalSensors{s}.EnrolSensor(ctx, op, act.Tenant.ID, "line-9")
	if err != nil {
		t.Fatal(err)
	}
	if en.Sensor.Name != "line-9" || en.Server != "https://"+s.IngestAddr() || en.Token == "" || en.CAFingerprint != s.CA().Fingerprint().String() {
		t.Fatalf("enrolment %+v", en)
	}
	id, err := sensor.Enroll(ctx, sensor.EnrollConfig{Server: en.Server, Token: en.Token,
		StateDir: t.TempDir(), Timeout: 10 * time.Second})
	if err != nil || id.SensorID() != fmt.Sprint(int64(en.Sensor.ID)) {
		t.Fatalf("enrol with the console's token: %v", err)
	}
	entries, err := s.Store().AuditLog(ctx, sc, time.Time{}, 50)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		found = found || (e.Action == "sensor.add" && e.Actor == "op-yamada")
	}
	if !found {
		t.Errorf("sensor.add by op-yamada not in the audit log: %+v", entries)
	}
	if err := (portalSensors{s}).RevokeSensor(ctx, op, act.Tenant.ID, en.Sensor.ID); err != nil {
		t.Fatal(err)
	}
	if sn, _ := s.Store().Sensor(ctx, sc, en.Sensor.ID); !sn.Revoked {
		t.Errorf("sensor not revoked: %+v", sn)
	}
	lines, err := portalHealth{s}.SensorHealth(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if l.Sensor == en.Sensor.ID {
			t.Errorf("revoked sensor in the health report: %+v", l)
		}
	}
}

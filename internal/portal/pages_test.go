package portal

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

var wantHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "same-origin",
	"X-Frame-Options":        "DENY",
}

var externalURL = regexp.MustCompile(`(?i)^\s*(https?:)?//`)

// pageProblems lists anything the CSP would block or that loads from
// elsewhere: inline script content, inline event handlers, style elements
// and attributes, javascript: URLs, absolute http(s) asset URLs, and a
// stylesheet count other than one.
func pageProblems(body string) []string {
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		return []string{err.Error()}
	}
	var out []string
	styles := 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script":
				if n.FirstChild != nil && strings.TrimSpace(n.FirstChild.Data) != "" {
					out = append(out, "inline <script> content")
				}
			case "style":
				out = append(out, "<style> element")
			case "link":
				for _, a := range n.Attr {
					if a.Key == "rel" && a.Val == "stylesheet" {
						styles++
					}
				}
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case k == "style":
					out = append(out, "style attribute on <"+n.Data+">")
				case strings.HasPrefix(k, "on"):
					out = append(out, "event handler "+k+" on <"+n.Data+">")
				case k == "src" || k == "href" || k == "action" || k == "srcset" || k == "data-src":
					if externalURL.MatchString(a.Val) {
						out = append(out, "external URL "+a.Val+" on <"+n.Data+">")
					}
					if strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
						out = append(out, "javascript: URL on <"+n.Data+">")
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if styles != 1 {
		out = append(out, fmt.Sprintf("%d stylesheets, want 1", styles))
	}
	return out
}

func checkPage(t *testing.T, name, body string) {
	t.Helper()
	for _, p := range pageProblems(body) {
		t.Errorf("%s: %s", name, p)
	}
}

// TestPageProblems proves the checker finds what it looks for.
func TestPageProblems(t *testing.T) {
	bad := `<!DOCTYPE html><html><head><script>alert(1)</script><style>p{}</style>
<script src="https://cdn.example/x.js"></script><link rel="stylesheet" href="//cdn.example/a.css"></head>
<body><p style="color:red" onclick="x()"><a href="javascript:void(0)">x</a><img src="http://x/y.png"></p></body></html>`
	want := []string{
		"inline <script> content", "<style> element", "external URL https://cdn.example/x.js on <script>",
		"external URL //cdn.example/a.css on <link>", "style attribute on <p>", "event handler onclick on <p>",
		"javascript: URL on <a>", "external URL http://x/y.png on <img>",
	}
	got := pageProblems(bad)
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("problems:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	ok := `<html><head><link rel="stylesheet" href="/assets/app.css?v=1"><script src="/assets/app.js" defer></script></head><body></body></html>`
	if got := pageProblems(ok); len(got) != 0 {
		t.Fatalf("clean page: %q", got)
	}
}

func checkHeaders(t *testing.T, name string, h http.Header) {
	t.Helper()
	for k, v := range wantHeaders {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s = %q, want %q", name, k, got, v)
		}
	}
}

// TestEveryPageIsCSPClean fetches every page in both languages, signed out
// and signed in, and checks the headers and the markup.
func TestEveryPageIsCSPClean(t *testing.T) {
	e := newEnv(t)
	out := e.client()
	e.post(out, "/login", url.Values{"login": {"alice"}, "password": {goodPassword}}) // to reach /login/code
	in := e.login("alice")
	admin := e.login("admin")
	forced := e.client()
	e.post(forced, "/login", url.Values{"login": {"newbie"}, "password": {goodPassword}})
	e.post(forced, "/login/code", url.Values{"code": {goodCode}})
	pages := []struct {
		c      *http.Client
		path   string
		status int
	}{
		{out, "/login/code", 200},
		{e.client(), "/login", 200},
		{e.client(), "/nope", 404},
		{in, "/", 200},
		{in, "/devices", 200},
		{in, "/devices?q=plc&sort=bytes&dir=desc&per=1&page=2", 200},
		{in, "/devices/line-1%2C%2C192.168.1.2", 200},
		{admin, "/devices/line-1%2C%2C192.168.1.2?saved=1&range=7d", 200},
		{in, "/devices/line-2%2C%2C0.0.0.0%2C00:0e:8c:00:00:01", 200},
		{in, "/devices/line-1%2C%2C192.168.1.99", 404},
		{in, "/devices/groups", 200},
		{in, "/devices/groups?by=role", 200},
		{in, "/devices/matrix", 200},
		{in, "/devices/matrix?kind=os&net=192.168.1.0/24", 200},
		{in, "/devices/matrix?kind=role&net=192.168.1.0/24", 200},
		{in, "/devices/matrix?kind=bogus", 400},
		{in, "/devices/register", 200},
		{admin, "/devices/register", 200},
		{in, "/traffic", 200},
		{in, "/traffic?range=7d&by=service", 200},
		{in, "/traffic?by=bogus", 400},
		{in, "/rankings", 200},
		{in, "/rankings?kind=service_traffic&range=1h", 200},
		{in, "/rankings?kind=device_peers", 200},
		{in, "/rankings?kind=device_importance", 200},
		{in, "/rankings?kind=vendor_devices", 200},
		{in, "/rankings?kind=service_devices", 200},
		{in, "/rankings?kind=nope", 400},
		{in, "/maps/devices", 200},
		{in, "/maps/devices?range=7d&sensor=11&subnet=192.168.1.0/24&protocol=s7comm", 200},
		{in, "/maps/services", 200},
		{in, "/maps/services?subnet=bogus", 400},
		{in, "/ot/ip", 200},
		{in, "/ot/ip?protocol=modbus&function=read&device=10.0.0", 200},
		{in, "/ot/ethernet", 200},
		{in, "/compare", 200},
		{in, "/compare?a_from=bogus", 400},
		{admin, "/audit", 200},
		{admin, "/audit?since=2026-11-25", 200},
		{in, "/audit", 403},
		{in, "/password", 200},
		{forced, "/password", 200},
		{e.login("op"), "/devices", 403},
		{admin, "/users", 200},
		{admin, "/settings", 200},
		{admin, "/system-log", 200},
		{admin, "/system-log?since=2026-11-27", 200},
		{in, "/tokens", 200},
		{e.login("op"), "/operator", 200},
		{e.login("op"), "/operator/sensors", 200},
		{e.login("op"), "/operator/tenants/1", 200},
		{e.login("op"), "/tokens", 200},
	}
	for _, lang := range []string{"ja", "en"} {
		for _, pg := range pages {
			sep := "?"
			if strings.Contains(pg.path, "?") {
				sep = "&"
			}
			name := pg.path + sep + "lang=" + lang
			r := e.get(pg.c, name)
			if r.status != pg.status {
				t.Errorf("%s: status %d, want %d", name, r.status, pg.status)
				continue
			}
			checkHeaders(t, name, r.header)
			if !strings.Contains(r.body, `<html lang="`+lang+`">`) {
				t.Errorf("%s: not in %s", name, lang)
			}
			if strings.Contains(r.body, "[") && regexp.MustCompile(`\[[a-z0-9_]+\.[a-z0-9_.]+\]`).MatchString(r.body) {
				t.Errorf("%s: unresolved message key %s", name, regexp.MustCompile(`\[[a-z0-9_]+\.[a-z0-9_.]+\]`).FindString(r.body))
			}
			checkPage(t, name, r.body)
		}
	}
	// API, asset and error responses carry the headers too.
	for _, path := range []string{"/api/v1/home", "/api/v1/openapi.json", "/assets/app.js", "/api/v1/nope"} {
		checkHeaders(t, path, e.get(in, path).header)
	}
}

func TestAssets(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	r := e.get(c, "/login")
	m := regexp.MustCompile(`href="/assets/app.css\?v=([0-9a-f]{16})"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("login page links no versioned stylesheet")
	}
	for _, tc := range []struct{ path, ctype, cache string }{
		{"/assets/app.css?v=" + m[1], "text/css; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/assets/app.js?v=" + m[1], "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"/assets/app.js", "text/javascript; charset=utf-8", "no-cache"},
	} {
		r := e.get(c, tc.path)
		if r.status != 200 || r.header.Get("Content-Type") != tc.ctype || r.header.Get("Cache-Control") != tc.cache {
			t.Errorf("%s: %d %q %q", tc.path, r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"))
		}
	}
	// gzip for clients that ask, the same bytes inside.
	plain := e.get(c, "/assets/app.js?v="+m[1], "Accept-Encoding", "identity")
	zipped := e.get(c, "/assets/app.js?v="+m[1], "Accept-Encoding", "br, gzip;q=0.8")
	if plain.header.Get("Content-Encoding") != "" || zipped.header.Get("Content-Encoding") != "gzip" ||
		zipped.header.Get("Content-Type") != "text/javascript; charset=utf-8" || zipped.header.Get("Vary") != "Accept-Encoding" {
		t.Fatalf("gzip: plain %q, zipped %q %q %q", plain.header.Get("Content-Encoding"),
			zipped.header.Get("Content-Encoding"), zipped.header.Get("Content-Type"), zipped.header.Get("Vary"))
	}
	zr, err := gzip.NewReader(strings.NewReader(zipped.body))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || string(unzipped) != plain.body || len(zipped.body) > len(plain.body)/2 {
		t.Fatalf("gzip: %d bytes → %d, unzipped equal: %v (%v)", len(plain.body), len(zipped.body), string(unzipped) == plain.body, err)
	}
	if r := e.get(c, "/assets/app.js", "Accept-Encoding", "gzip;q=0"); r.header.Get("Content-Encoding") != "" {
		t.Errorf("gzip sent although q=0")
	}
	if r := e.get(c, "/assets/"); r.status != 404 {
		t.Errorf("/assets/ listing: %d", r.status)
	}
	// Pages and API answers are never cached.
	in := e.login("alice")
	for _, p := range []string{"/", "/api/v1/devices"} {
		if got := e.get(in, p).header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q", p, got)
		}
	}
}

func TestCSRF(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	for _, hdr := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Origin", "https://attacker.example"},
	} {
		for _, path := range []string{"/logout", "/logout/all", "/login", "/password"} {
			r := e.post(c, path, url.Values{"login": {"alice"}, "password": {goodPassword}}, hdr...)
			if r.status != http.StatusForbidden {
				t.Errorf("POST %s with %s: %s: %d, want 403", path, hdr[0], hdr[1], r.status)
			}
		}
	}
	// The session survived every refused request.
	if r := e.get(c, "/"); r.status != 200 {
		t.Fatalf("session gone after refused POSTs: %d", r.status)
	}
	// Same-origin browser requests pass.
	r := e.post(c, "/logout", url.Values{}, "Sec-Fetch-Site", "same-origin", "Origin", e.srv.URL)
	if r.status != http.StatusSeeOther {
		t.Fatalf("same-origin logout: %d", r.status)
	}
}

// TestAuthorization: every route × role × signed out, with the exact
// status code; tenant 2's user sees none of tenant 1's data.
func TestAuthorization(t *testing.T) {
	e := newEnv(t)
	clients := map[string]*http.Client{
		"out":      e.client(),
		"user":     e.login("alice"),
		"admin":    e.login("admin"),
		"operator": e.login("op"),
		"other":    e.login("bob"),
	}
	routes := []struct {
		path string
		want map[string]int
	}{
		{"/", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 303, "other": 200}}, // an operator is sent to /operator
		{"/devices", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/devices.csv", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/traffic", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/rankings", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/rankings.csv", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/audit", map[string]int{"out": 303, "user": 403, "admin": 200, "operator": 403, "other": 403}},
		{"/api/v1/audit", map[string]int{"out": 401, "user": 403, "admin": 200, "operator": 403, "other": 403}},
		{"/password", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 200, "other": 200}},
		{"/api/v1/home", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/api/v1/devices", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/api/v1/devices.csv", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/api/v1/traffic", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/api/v1/rankings", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/api/v1/rankings.csv", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"/api/v1/openapi.json", map[string]int{"out": 200, "user": 200, "admin": 200, "operator": 200, "other": 200}},
	}
	for _, rt := range routes {
		for who, c := range clients {
			if r := e.get(c, rt.path); r.status != rt.want[who] {
				t.Errorf("GET %s as %s: %d, want %d", rt.path, who, r.status, rt.want[who])
			}
		}
	}
	r := e.get(clients["other"], "/api/v1/devices")
	if !strings.Contains(r.body, `"total":0`) || strings.Contains(r.body, "192.168.1.") {
		t.Errorf("tenant 2 sees tenant 1's devices: %s", r.body)
	}
	// Bearer tokens: valid, invalid, wrong scheme; a bad token is not
	// rescued by a valid session cookie.
	anon := e.client()
	for _, tc := range []struct {
		authz string
		c     *http.Client
		want  int
	}{
		{"Bearer " + goodToken, anon, 200},
		{"bearer " + goodToken, anon, 200},
		{"Bearer wrong", anon, 401},
		{"Basic YWxpY2U6eA==", anon, 401},
		{"Bearer wrong", clients["user"], 401},
	} {
		if r := e.get(tc.c, "/api/v1/devices", "Authorization", tc.authz); r.status != tc.want {
			t.Errorf("Authorization %q: %d, want %d", tc.authz, r.status, tc.want)
		}
	}
	// Tokens do not open the HTML pages.
	if r := e.get(anon, "/devices", "Authorization", "Bearer "+goodToken); r.status != 303 {
		t.Errorf("bearer on a page: %d, want 303", r.status)
	}
}

func TestLanguageChoice(t *testing.T) {
	e := newEnv(t)
	c := e.client()
	for _, tc := range []struct {
		path, acceptLang, want string
	}{
		{"/login", "", "ja"},
		{"/login", "en-US,en;q=0.9", "en"},
		{"/login", "de-DE,en;q=0.5,ja;q=0.8", "ja"},
		{"/login", "fr", "ja"},
		{"/login?lang=en", "ja", "en"},
		{"/login", "ja", "en"}, // the cookie set by ?lang=en wins over the header
		{"/login?lang=ja", "en", "ja"},
		{"/login", "en", "ja"},
	} {
		r := e.get(c, tc.path, "Accept-Language", tc.acceptLang)
		if !strings.Contains(r.body, `<html lang="`+tc.want+`">`) {
			t.Errorf("%s with Accept-Language %q: not %s", tc.path, tc.acceptLang, tc.want)
		}
	}
}

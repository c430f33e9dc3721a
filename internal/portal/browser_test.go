package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath is Debian's chromium; CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browserLog collects what would show in the browser's console and
// network panel as a failure.
type browserLog struct {
	mu       sync.Mutex
	problems []string
}

func (b *browserLog) add(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.problems = append(b.problems, fmt.Sprintf(format, args...))
}

func (b *browserLog) listen(ev any) {
	switch ev := ev.(type) {
	case *cdplog.EventEntryAdded:
		// CSP violations arrive here ("Refused to …", source security or
		// violation), as do failed loads (source network).
		if ev.Entry.Level == cdplog.EntryLevelError || ev.Entry.Level == cdplog.EntryLevelWarning {
			b.add("log %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			b.add("console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *runtime.EventExceptionThrown:
		b.add("exception: %s", ev.ExceptionDetails.Text)
	case *network.EventLoadingFailed:
		b.add("request failed: %s (%s)", ev.ErrorText, ev.BlockedReason)
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			b.add("HTTP %d for %s", int(ev.Response.Status), ev.Response.URL)
		}
	}
}

// cspProbe records securitypolicyviolation events from the first moment
// of every document (DevTools-injected, so the CSP does not apply to it).
const cspProbe = `window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));`

// TestBrowser logs in with headless Chromium over plain HTTP on localhost
// (Secure cookies: browsers count http://localhost as a secure context),
// loads Home and Traffic, and checks that the charts drew on a canvas and
// nothing was refused or failed. Set PORTAL_SCREENSHOTS=dir to keep
// screenshots.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Skipf("headless Chromium not found at %s (apt-get install chromium, or set CHROMIUM): browser test skipped", chromiumPath())
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := &env{t: t, clk: &clock{t: time.Now()}, state: newMemState()}
	e.auth = newFakeAuth(e.clk)
	e.data = &fakeData{clk: e.clk, devices: testDevices()}
	p, err := New(Config{Now: e.clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{
		Auth: e.auth, Sessions: e.state,
		Tenants: e.data, Traffic: e.data, Devices: e.data, Audit: e.data,
		Device: DeviceDeps{Inventory: newDevFakes(), State: newDevFakes()},
		Admin:  newAdminFakes(e.clk, e.auth).deps(),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath()),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
		chromedp.Flag("accept-lang", "ja-JP,ja"),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	// The first call starts the browser and must not carry a timeout.
	var blog browserLog
	if err := chromedp.Listen(ctx, blog.listen); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
		t.Fatal(err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	shots := os.Getenv("PORTAL_SCREENSHOTS")
	var cspSeen []string
	// visit runs the steps of one page, then keeps a screenshot and the
	// CSP violations the probe saw.
	visit := func(name string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tctx, steps...); err != nil {
			t.Fatalf("%s: %v (browser problems so far: %q)", name, err, blog.problems)
		}
		v, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`window.__csp || []`))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, s := range v {
			cspSeen = append(cspSeen, name+": "+s)
		}
		if shots != "" {
			buf, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("%s: screenshot: %v", name, err)
			}
			if err := os.WriteFile(filepath.Join(shots, strings.ReplaceAll(name, "/", "-")+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(tctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}

	// Both names of the loopback interface: each must accept the Secure
	// session cookie over plain HTTP.
	for _, host := range []string{"localhost", "127.0.0.1"} {
		base := strings.Replace(srv.URL, "127.0.0.1", host, 1)
		visit(host+"/login",
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(chromedp.CSS("#login")))
		if lang := eval(`document.documentElement.lang`); lang != "ja" {
			t.Errorf("login page language %q, want ja", lang)
		}
		visit(host+"/code",
			chromedp.SendKeys(chromedp.CSS("#login"), "alice"),
			chromedp.SendKeys(chromedp.CSS("#password"), goodPassword),
			chromedp.Submit(chromedp.CSS("#password")),
			chromedp.WaitVisible(chromedp.CSS("#code")))
		visit(host+"/home",
			chromedp.SendKeys(chromedp.CSS("#code"), goodCode),
			chromedp.Submit(chromedp.CSS("#code")),
			chromedp.WaitVisible(chromedp.CSS("#sparkline.chart-ready canvas")))
		if title, tenant := eval(`document.title`), eval(`document.querySelector('.tenant').textContent`); title != "ホーム | otsight" || tenant != "北九州第一工場" {
			t.Errorf("home: title %q tenant %q", title, tenant)
		}
		visit(host+"/traffic",
			chromedp.Navigate(base+"/traffic?range=6h&by=total"),
			chromedp.WaitVisible(chromedp.CSS("#traffic-chart.chart-ready canvas")))
		if n := eval(`String(document.querySelectorAll('#traffic-chart canvas').length)`); n == "0" {
			t.Errorf("traffic chart has no canvas")
		}
		visit(host+"/rankings",
			chromedp.Navigate(base+"/rankings?kind=vendor_devices"),
			chromedp.WaitVisible(chromedp.CSS("#ranking")))
		visit(host+"/devices-en",
			chromedp.Navigate(base+"/devices?lang=en"),
			chromedp.WaitVisible(chromedp.CSS("#devices")))
		if rows := eval(`String(document.querySelectorAll('#devices tbody tr').length)`); rows != "5" {
			t.Errorf("device rows %s, want 5", rows)
		}
	}

	// Device pages (127.0.0.1's session): the detail page's traffic chart,
	// the matrix's hover details, a list row that opens its device.
	visit("device",
		chromedp.Navigate(srv.URL+"/devices/line-1%2C%2C192.168.1.2"),
		chromedp.WaitVisible(chromedp.CSS("#device-traffic.chart-ready canvas")))
	if name := eval(`document.querySelector('#device-name').textContent`); name != "ENG-WS" {
		t.Errorf("device page name %q", name)
	}
	visit("matrix",
		chromedp.Navigate(srv.URL+"/devices/matrix?kind=vendor&net=192.168.1.0/24"),
		chromedp.WaitVisible(chromedp.CSS("#matrix")))
	if w := eval(`String(document.querySelector('#matrix').getBoundingClientRect().width)`); w != "638" {
		t.Errorf("matrix width %s px, want 638 (16 cells of 38 px and 15 gaps of 2)", w)
	}
	eval(`document.querySelector('a.mx-cell.mx-c0').dispatchEvent(new MouseEvent('mouseover', {bubbles: true})); ''`)
	if d := eval(`document.querySelector('#matrix-detail').textContent`); d != "192.168.1.10 — Siemens AG\nline-1 · PLC-A · 00:1b:1b:00:00:0a · Siemens AG" {
		t.Errorf("matrix hover details %q", d)
	}
	visit("groups",
		chromedp.Navigate(srv.URL+"/devices/groups?by=role"),
		chromedp.WaitVisible(chromedp.CSS("#device-groups")))
	eval(`document.querySelector('details.group').open = true; ''`)
	visit("groups-click",
		chromedp.Click(chromedp.CSS("details.group tr[data-href] td:first-child")),
		chromedp.WaitVisible(chromedp.CSS("#device-identity")))
	if name := eval(`document.querySelector('#device-name').textContent`); name != "PLC-A" {
		t.Errorf("row click opened %q, want PLC-A", name)
	}

	// API tokens (alice): the secret shows once; revoking asks first, and
	// a "no" keeps the token.
	visit("tokens",
		chromedp.Navigate(srv.URL+"/tokens?lang=ja"),
		chromedp.SendKeys(chromedp.CSS("#create-token input[name=name]"), "grafana"),
		chromedp.Submit(chromedp.CSS("#create-token input[name=name]")),
		chromedp.WaitVisible(chromedp.CSS("#token-value")))
	if v := eval(`document.querySelector('#token-value').textContent`); v != "otst_secret01" {
		t.Errorf("token shown %q", v)
	}
	eval(`window.__asked = ''; window.confirm = (q) => { window.__asked = q; return false; }; document.querySelector('#tokens form[data-confirm] button').click(); ''`)
	if q, path := eval(`window.__asked`), eval(`location.pathname + location.search`); q != "このトークンを失効させますか? これを使うプログラムは動かなくなります。" || path != "/tokens" {
		t.Errorf("revoke: asked %q, then at %s", q, path)
	}
	visit("tokens-revoked",
		chromedp.Evaluate[chromedp.Void](`window.confirm = () => true; document.querySelector('#tokens form[data-confirm] button').click(); undefined`),
		chromedp.WaitVisible(chromedp.CSS("p.flash.info")))
	if f := eval(`document.querySelector('p.flash.info').textContent`); f != "トークンを失効させました。" {
		t.Errorf("after revoking: %q", f)
	}

	for _, v := range cspSeen {
		t.Errorf("CSP violation: %s", v)
	}
	blog.mu.Lock()
	defer blog.mu.Unlock()
	for _, pr := range blog.problems {
		t.Errorf("browser: %s", pr)
	}
}

package portal

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// plant1500 is a plant of 1,500 devices in 12 subnets of two sensors: each
// device talks to its subnet's first device (a PLC: Modbus, an OT link)
// and to a device of the next subnet (IT), 3,000 links in all.
func plant1500() ([]DeviceRow, *mapFakes) {
	const n = 1500
	f := &mapFakes{}
	rows := make([]DeviceRow, n)
	addr := func(i int) netip.Addr { return netip.AddrFrom4([4]byte{10, byte(1 + i%12), 0, byte(1 + i/12)}) }
	at := testNow.Add(-time.Hour)
	if now := time.Now(); now.After(testNow) {
		at = now.Add(-time.Hour).Truncate(time.Hour)
	}
	for i := range rows {
		sensor := "line-1"
		if i%12 >= 6 {
			sensor = "line-2"
		}
		rows[i] = DeviceRow{Sensor: sensor, IP: addr(i), Name: "dev-" + strconv.Itoa(i), Role: "plc", LastSeen: at}
		rows[i].Key = sensor + ",," + rows[i].IP.String()
	}
	for i := 12; i < n; i++ {
		sensor := store.SensorID(11 + (i%12)/6)
		hub, peer := addr(i%12), addr((i+1)%n)
		f.hours = append(f.hours,
			store.PairHour{Time: at, Sensor: sensor, Orig: addr(i), Resp: hub, Volume: store.Volume{OrigBytes: uint64(100 + i), RespBytes: 100, Conns: 1}},
			store.PairHour{Time: at, Sensor: sensor, Orig: addr(i), Resp: peer, Volume: store.Volume{OrigBytes: 50, RespBytes: 50, Conns: 1}})
		f.records = append(f.records, sensorRecord{sensor, at, &record.OT{TS: record.Micros(at.UnixMicro()), ReqH: addr(i), RespH: hub,
			RespP: 502, Transport: "tcp", Protocol: "modbus", Function: "read_holding_registers", Count: 1}})
	}
	return rows, f
}

// TestBrowserMap1500 draws the device map of 1,500 devices in headless
// Chromium at 1366 px and reports how long it took, with the positions
// computed by the server and, for comparison, with ECharts' force layout.
// It asserts that the canvas exists; times are reported, not asserted.
func TestBrowserMap1500(t *testing.T) {
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Skipf("headless Chromium not found at %s: browser test skipped", chromiumPath())
	}
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	e := &env{t: t, clk: &clock{t: time.Now()}, state: newMemState()}
	e.auth = newFakeAuth(e.clk)
	rows, maps := plant1500()
	e.data = &fakeData{clk: e.clk, devices: rows}
	p, err := New(Config{Now: e.clk.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, Deps{
		Auth: e.auth, Sessions: e.state, Tenants: e.data, Traffic: e.data, Devices: e.data, Audit: e.data,
		Device: DeviceDeps{Inventory: newDevFakes(), State: newDevFakes()}, Admin: newAdminFakes(e.clk, e.auth).deps(),
		Maps: maps.deps(),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	defer srv.Close()
	actx, cancelA := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromiumPath()), chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 900))
	defer cancelA()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	var blog browserLog
	if err := chromedp.Listen(ctx, blog.listen); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
		t.Fatal(err)
	}
	tctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	defer cancelT()
	if err := chromedp.Do(tctx,
		chromedp.Navigate(srv.URL+"/login"),
		chromedp.SendKeys(chromedp.CSS("#login"), "alice"),
		chromedp.SendKeys(chromedp.CSS("#password"), goodPassword),
		chromedp.Submit(chromedp.CSS("#password")),
		chromedp.WaitVisible(chromedp.CSS("#code")),
		chromedp.SendKeys(chromedp.CSS("#code"), goodCode),
		chromedp.Submit(chromedp.CSS("#code")),
		chromedp.WaitVisible(chromedp.CSS("#sparkline.chart-ready canvas"))); err != nil {
		t.Fatalf("login: %v", err)
	}
	shots := os.Getenv("PORTAL_SCREENSHOTS")
	for _, layout := range []string{"none", "force"} {
		start := time.Now()
		if err := chromedp.Do(tctx,
			chromedp.Navigate(srv.URL+"/maps/devices?range=24h&layout="+layout),
			chromedp.WaitVisible(chromedp.CSS("#map-chart.chart-ready canvas"))); err != nil {
			t.Fatalf("layout %s: %v (browser problems: %q)", layout, err, blog.problems)
		}
		took := time.Since(start)
		v, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`(() => { const el = document.querySelector('#map-chart');
			return [String(el.querySelectorAll('canvas').length), el.dataset.fetchMs, el.dataset.drawMs,
				document.querySelector('main p.muted').textContent]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		csp, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`window.__csp || []`))
		if err != nil || len(csp) > 0 {
			t.Errorf("layout %s: %v, CSP violations %q", layout, err, csp)
		}
		if v[0] == "0" {
			t.Errorf("layout %s: no canvas", layout)
		}
		t.Logf("device map, 1,500 devices, layout %s: %v from navigation to drawn (JSON fetch %s ms, ECharts %s ms); %s",
			layout, took.Round(time.Millisecond), v[1], v[2], v[3])
		if shots != "" {
			buf, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
			if err == nil {
				err = os.WriteFile(filepath.Join(shots, fmt.Sprintf("map-1500-%s.png", layout)), buf, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	// A click on the first device, 10.1.0.1 (its group's hub, drawn in the
	// middle of the group), opens its page (the fixture's inventory has no
	// such device, so that page answers 404, which is not this test's
	// business).
	if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+"/maps/devices?range=24h"),
		chromedp.WaitVisible(chromedp.CSS("#map-chart.chart-ready canvas"))); err != nil {
		t.Fatal(err)
	}
	at, err := chromedp.Run(tctx, chromedp.Evaluate[[]float64](`(() => {
		const el = document.querySelector('#map-chart'), c = el.otsightChart, n = c.getOption().series[0].data[0];
		const [x, y] = c.convertToPixel({ seriesIndex: 0 }, [n.x, n.y]), r = el.getBoundingClientRect();
		return [r.left + x, r.top + y]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tctx, chromedp.MouseClickXY(at[0], at[1]), chromedp.WaitVisible(chromedp.CSS("main h1"))); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	if path, err := chromedp.Run(tctx, chromedp.Evaluate[string](`location.pathname`)); err != nil || path != "/devices/line-1%2C%2C10.1.0.1" {
		t.Errorf("click on a node: at %v, %v", path, err)
	}
	blog.mu.Lock()
	blog.problems = slices.DeleteFunc(blog.problems, func(s string) bool { return strings.Contains(s, "404") && strings.Contains(s, srv.URL+"/devices/") })
	blog.mu.Unlock()

	// The other pages of this area: drawn, and nothing refused by the CSP.
	for _, pg := range []struct{ path, ready string }{
		{"/maps/services", "#map-chart.chart-ready canvas"},
		{"/ot/ip", "#ot-table"},
		{"/ot/ethernet", "#ot-table"},
		{"/compare", "#compare-new-conns"},
	} {
		if err := chromedp.Do(tctx, chromedp.Navigate(srv.URL+pg.path), chromedp.WaitVisible(chromedp.CSS(pg.ready))); err != nil {
			t.Fatalf("%s: %v", pg.path, err)
		}
		v, err := chromedp.Run(tctx, chromedp.Evaluate[[]string](`window.__csp || []`))
		if err != nil {
			t.Fatalf("%s: %v", pg.path, err)
		}
		for _, s := range v {
			t.Errorf("%s: CSP violation %s", pg.path, s)
		}
		if shots != "" {
			buf, err := chromedp.Run(tctx, chromedp.FullScreenshot(100))
			if err == nil {
				err = os.WriteFile(filepath.Join(shots, "map-1500"+strings.ReplaceAll(pg.path, "/", "-")+".png"), buf, 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	blog.mu.Lock()
	defer blog.mu.Unlock()
	for _, pr := range blog.problems {
		t.Errorf("browser: %s", pr)
	}
}

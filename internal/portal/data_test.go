package portal

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestDevicesCSV(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	r := e.get(c, "/devices.csv?lang=ja")
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.header.Get("Content-Disposition") != `attachment; filename="devices-20261127-1200.csv"` {
		t.Fatalf("CSV: %d %q %q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"))
	}
	want := "\xef\xbb\xbf" +
		"センサー,セグメント,IPアドレス,MACアドレス,ベンダー,機器名,OS,役割,種別,初回検知,最終検知,送信バイト数,受信バイト数,通信相手数,重要度\r\n" +
		"line-2,,10.0.0.5,00:80:f4:00:00:05,Mitsubishi Electric,Q-PLC,,plc,,2026-11-26 13:00:00,2026-11-27 12:00:00,100,200,2,60\r\n" +
		"line-2,,10.0.0.20,00:80:f4:00:00:14,Mitsubishi Electric,HMI-表示器,Windows CE,hmi_scada,,2026-11-10 20:00:00,2026-11-27 11:58:00,300,300,6,60\r\n" +
		"line-1,,192.168.1.2,00:0c:29:00:00:02,\"VMware, Inc.\",eng-ws,Windows 10,engineering_workstation,,2026-11-27 10:00:00,2026-11-27 12:00:00,90000,10000,4,100\r\n" +
		"line-1,,192.168.1.10,00:1b:1b:00:00:0a,Siemens AG,PLC-A,,plc,,2026-11-24 12:00:00,2026-11-27 11:59:00,5000,7000,4,90\r\n" +
		"line-1,,192.168.1.100,,,\"'=HYPERLINK(\"\"x\"\")\",,,,2026-11-26 06:00:00,2026-11-27 11:00:00,10,0,1,5\r\n"
	if r.body != want {
		t.Fatalf("CSV body:\n%q\nwant\n%q", r.body, want)
	}
	// English header, search and order apply; paging does not.
	r = e.get(c, "/api/v1/devices.csv?lang=en&q=plc&sort=bytes&dir=desc&per=1")
	lines := strings.Split(strings.TrimSuffix(r.body, "\r\n"), "\r\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "\ufeffSensor,Segment,IP address,MAC address,Vendor,Name,OS,Role,Type,First seen,") ||
		!strings.Contains(lines[1], ",PLC-A,") || !strings.Contains(lines[2], ",Q-PLC,") {
		t.Fatalf("filtered English CSV: %q", lines)
	}
}

func TestDevicesAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	type page struct {
		Query   deviceQuery `json:"query"`
		Total   int         `json:"total"`
		Pages   int         `json:"pages"`
		Devices []DeviceRow `json:"devices"`
	}
	get := func(q string) page {
		t.Helper()
		r := e.get(c, "/api/v1/devices"+q)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
		var p page
		if err := json.Unmarshal([]byte(r.body), &p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ips := func(p page) string {
		var s []string
		for _, d := range p.Devices {
			s = append(s, d.IP.String())
		}
		return strings.Join(s, " ")
	}
	for _, tc := range []struct {
		q, ips       string
		total, pages int
	}{
		{"", "10.0.0.5 10.0.0.20 192.168.1.2 192.168.1.10 192.168.1.100", 5, 1},
		{"?sort=ip&dir=desc", "192.168.1.100 192.168.1.10 192.168.1.2 10.0.0.20 10.0.0.5", 5, 1},
		{"?sort=bytes&dir=desc", "192.168.1.2 192.168.1.10 10.0.0.20 10.0.0.5 192.168.1.100", 5, 1},
		{"?sort=first_seen", "10.0.0.20 192.168.1.10 192.168.1.100 10.0.0.5 192.168.1.2", 5, 1},
		{"?sort=name", "192.168.1.100 10.0.0.20 192.168.1.10 10.0.0.5 192.168.1.2", 5, 1},
		{"?q=PLC", "10.0.0.5 192.168.1.10", 2, 1},
		{"?q=mitsubishi+windows", "10.0.0.20", 1, 1},
		{"?q=00:1b:1b", "192.168.1.10", 1, 1},
		{"?q=nothing-like-this", "", 0, 1},
		{"?per=2", "10.0.0.5 10.0.0.20", 5, 3},
		{"?per=2&page=3", "192.168.1.100", 5, 3},
		{"?per=2&page=99", "192.168.1.100", 5, 3}, // clamped to the last page
		{"?sort=bogus&dir=sideways&per=-4&page=x", "10.0.0.5 10.0.0.20 192.168.1.2 192.168.1.10 192.168.1.100", 5, 1},
	} {
		p := get(tc.q)
		if got := ips(p); got != tc.ips || p.Total != tc.total || p.Pages != tc.pages {
			t.Errorf("%s: %q total %d pages %d; want %q %d %d", tc.q, got, p.Total, p.Pages, tc.ips, tc.total, tc.pages)
		}
	}
	// The page shows the same rows.
	r := e.get(c, "/devices?q=plc&lang=en")
	if !strings.Contains(r.body, `<span id="device-count">Matching devices 2</span>`) ||
		strings.Count(r.body, `<td class="mono">10.0.0.5</td>`) != 1 || strings.Contains(r.body, "192.168.1.2<") {
		t.Errorf("device page does not show the API's rows")
	}
}

func TestHomeAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	r := e.get(c, "/api/v1/home")
	want := `{"now":"2026-11-27T12:00:00+09:00","devices":{"total":5,"new_24h":2},"sensors":[` +
		`{"id":11,"name":"line-1","status":"ok","last_upload":"2026-11-27T11:59:20+09:00","monitoring":true},` +
		`{"id":12,"name":"line-2","status":"stale","last_upload":"2026-11-27T11:40:00+09:00","monitoring":false},` +
		`{"id":13,"name":"spare","status":"never","last_upload":null,"monitoring":false}],` +
		`"freshness":{"latest":"2026-11-27T11:59:20+09:00","age_seconds":40},"traffic":"/api/v1/traffic?range=24h"}` + "\n"
	if r.body != want {
		t.Fatalf("home:\n%s\nwant\n%s", r.body, want)
	}
	// The page shows the same figures, times in Tokyo.
	r = e.get(c, "/?lang=ja")
	for _, s := range []string{`<div class="big" id="devices-total">5</div>`, `<strong id="devices-new">2</strong>`,
		`<div class="big time" id="freshness">2026-11-27 11:59:20</div>`, `<td class="status-stale">遅延</td>`,
		`data-src="/api/v1/traffic?range=24h"`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("home page lacks %s", s)
		}
	}
	// Another tenant, another zone, no sensors.
	r = e.get(e.login("bob"), "/api/v1/home")
	if !strings.HasPrefix(r.body, `{"now":"2026-11-27T04:00:00+01:00","devices":{"total":0,"new_24h":0},"sensors":[],"freshness":{"latest":null,"age_seconds":-1}`) {
		t.Fatalf("home of tenant 2: %s", r.body)
	}
}

func TestTrafficAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	type trafficJSON struct {
		Query struct {
			Range string    `json:"range"`
			From  time.Time `json:"from"`
			To    time.Time `json:"to"`
			By    string    `json:"by"`
		} `json:"query"`
		StepSeconds int64 `json:"step_seconds"`
		Points      []struct {
			Time  time.Time `json:"time"`
			Label string    `json:"label"`
		} `json:"points"`
		Series []struct {
			Name   string   `json:"name"`
			Bytes  uint64   `json:"bytes"`
			Values []uint64 `json:"values"`
		} `json:"series"`
	}
	var m trafficJSON
	get := func(q string) {
		t.Helper()
		r := e.get(c, "/api/v1/traffic"+q)
		if r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
		m = trafficJSON{}
		if err := json.Unmarshal([]byte(r.body), &m); err != nil {
			t.Fatal(err)
		}
	}

	// Default: the last 24 hours in hours; 03:01 UTC ends the range, so
	// 25 hourly steps from 2026-11-26 03:00 UTC (12:00 in Tokyo).
	get("")
	if m.Query.Range != "24h" || m.StepSeconds != 3600 || len(m.Points) != 25 ||
		m.Points[0].Label != "11/26 12:00" || m.Points[24].Label != "11/27 12:00" ||
		m.Query.From.Format(time.RFC3339) != "2026-11-26T12:00:00+09:00" || m.Query.To.Format(time.RFC3339) != "2026-11-27T12:01:00+09:00" {
		t.Fatalf("24h: range %q step %d, %d points %q…%q, %v–%v", m.Query.Range, m.StepSeconds, len(m.Points),
			m.Points[0].Label, m.Points[len(m.Points)-1].Label, m.Query.From, m.Query.To)
	}
	if len(m.Series) != 1 || m.Series[0].Name != "total" || m.Series[0].Bytes != 4500 ||
		m.Series[0].Values[0] != 1500 || m.Series[0].Values[1] != 0 || m.Series[0].Values[2] != 3000 {
		t.Fatalf("24h series: %+v", m.Series)
	}
	q := e.data.queries[len(e.data.queries)-1]
	if q.Step != store.StepHour || q.GroupBy != store.GroupTotal || q.Limit != 10 ||
		!q.From.Equal(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC)) || !q.To.Equal(time.Date(2026, 11, 27, 3, 1, 0, 0, time.UTC)) {
		t.Fatalf("store query: %+v", q)
	}

	// One hour in minutes.
	get("?range=1h&by=service&sensor=11")
	if m.StepSeconds != 60 || len(m.Points) != 60 || m.Points[0].Label != "11/27 11:01" || m.Points[59].Label != "11/27 12:00" {
		t.Fatalf("1h: step %d, %d points", m.StepSeconds, len(m.Points))
	}
	if q := e.data.queries[len(e.data.queries)-1]; q.Sensor != 11 || q.GroupBy != store.GroupService {
		t.Fatalf("store query: %+v", q)
	}

	// A custom range in the tenant's zone.
	get("?from=2026-11-20T09:00&to=2026-11-20T12:00")
	if m.StepSeconds != 60 || len(m.Points) != 180 || m.Points[0].Label != "11/20 09:00" || m.Query.Range != "" {
		t.Fatalf("custom: step %d, %d points, first %q", m.StepSeconds, len(m.Points), m.Points[0].Label)
	}
	if q := e.data.queries[len(e.data.queries)-1]; !q.From.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("custom from: %v", q.From)
	}

	for q, msg := range map[string]string{
		"?by=bogus":   `by: unknown grouping \"bogus\"`,
		"?range=2y":   `range: unknown range \"2y\"`,
		"?sensor=-1":  `sensor: \"-1\" is not a sensor id`,
		"?from=x&to=": `from: \"x\" is neither YYYY-MM-DDThh:mm nor RFC 3339`,
		"?from=2026-11-20T12:00&to=2026-11-20T09:00": "from/to: need from before to and at most 92 days",
	} {
		r := e.get(c, "/api/v1/traffic"+q)
		if r.status != http.StatusBadRequest || r.body != `{"error":"`+msg+`"}`+"\n" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}

	// The page points its chart at the same query.
	r := e.get(c, "/traffic?range=7d&by=device&lang=en")
	if !strings.Contains(r.body, `data-src="/api/v1/traffic?by=device&amp;range=7d"`) {
		t.Errorf("traffic page chart source missing")
	}
}

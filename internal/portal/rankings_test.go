package portal

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestRankingsAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	for _, tc := range []struct{ q, want string }{
		{"", `{"query":{"kind":"device_traffic","range":"24h","from":"2026-11-26T12:01:00+09:00","to":"2026-11-27T12:01:00+09:00","limit":20},"rows":[` +
			`{"rank":1,"label":"192.168.1.2","sensor":"line-1","value":10000,"bytes_sent":9000,"bytes_recv":1000,"packets":30,"conns":3},` +
			`{"rank":2,"label":"10.0.0.5 (vlan 7)","sensor":"line-2","value":300,"bytes_sent":100,"bytes_recv":200,"packets":4,"conns":1}]}`},
		{"?kind=service_traffic&range=7d&limit=1", `{"query":{"kind":"service_traffic","range":"7d","from":"2026-11-20T12:01:00+09:00","to":"2026-11-27T12:01:00+09:00","limit":1},"rows":[` +
			`{"rank":1,"label":"tcp/502 modbus","value":10000,"bytes_sent":6000,"bytes_recv":4000,"packets":100,"conns":4}]}`},
		{"?kind=device_peers", `{"query":{"kind":"device_peers","limit":20},"rows":[` +
			`{"rank":1,"label":"10.0.0.20","sensor":"line-2","name":"HMI-表示器","value":6},` +
			`{"rank":2,"label":"192.168.1.2","sensor":"line-1","name":"eng-ws","value":4},` +
			`{"rank":3,"label":"192.168.1.10","sensor":"line-1","name":"PLC-A","value":4},` +
			`{"rank":4,"label":"10.0.0.5","sensor":"line-2","name":"Q-PLC","value":2},` +
			`{"rank":5,"label":"192.168.1.100","sensor":"line-1","name":"=HYPERLINK(\"x\")","value":1}]}`},
		{"?kind=device_importance&limit=3&range=bogus", `{"query":{"kind":"device_importance","limit":3},"rows":[` +
			`{"rank":1,"label":"192.168.1.2","sensor":"line-1","name":"eng-ws","value":100},` +
			`{"rank":2,"label":"192.168.1.10","sensor":"line-1","name":"PLC-A","value":90},` +
			`{"rank":3,"label":"10.0.0.5","sensor":"line-2","name":"Q-PLC","value":60}]}`},
		{"?kind=service_devices", `{"query":{"kind":"service_devices","limit":20},"rows":[` +
			`{"rank":1,"label":"melsec","value":1,"addresses":["10.0.0.5"]},` +
			`{"rank":2,"label":"s7comm","value":1,"addresses":["192.168.1.10"]}]}`},
		{"?kind=vendor_devices", `{"query":{"kind":"vendor_devices","limit":20},"rows":[` +
			`{"rank":1,"label":"Mitsubishi Electric","value":2,"addresses":["10.0.0.5","10.0.0.20"]},` +
			`{"rank":2,"label":"Siemens AG","value":1,"addresses":["192.168.1.10"]},` +
			`{"rank":3,"label":"VMware, Inc.","value":1,"addresses":["192.168.1.2"]}]}`},
	} {
		r := e.get(c, "/api/v1/rankings"+tc.q)
		if r.status != 200 || r.body != tc.want+"\n" {
			t.Errorf("%s: %d\n%s\nwant\n%s", tc.q, r.status, r.body, tc.want)
		}
	}
	// What the store was asked for the 7-day service ranking.
	q := e.data.tops[len(e.data.tops)-1]
	if q.By != store.ByBytes || q.Limit != 1 || !q.From.Equal(time.Date(2026, 11, 20, 3, 1, 0, 0, time.UTC)) {
		t.Errorf("store query: %+v", q)
	}
	for q, msg := range map[string]string{
		"?kind=bogus":                    `kind: unknown ranking \"bogus\"`,
		"?limit=0":                       `limit: \"0\" is not 1 to 100`,
		"?kind=service_traffic&range=2y": `range: unknown range \"2y\"`,
	} {
		if r := e.get(c, "/api/v1/rankings"+q); r.status != http.StatusBadRequest || r.body != `{"error":"`+msg+`"}`+"\n" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	// Another tenant ranks nothing of tenant 1.
	if r := e.get(e.login("bob"), "/api/v1/rankings?kind=vendor_devices"); !strings.HasSuffix(r.body, `"rows":[]}`+"\n") {
		t.Errorf("tenant 2: %s", r.body)
	}
}

func TestRankingsCSVAndPage(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	r := e.get(c, "/rankings.csv?kind=vendor_devices&lang=en")
	want := "\ufeffRank,Item,Sensor,Name,Value,Bytes sent,Bytes received,Packets,Connections,IP addresses\r\n" +
		"1,Mitsubishi Electric,,,2,0,0,0,0,10.0.0.5 10.0.0.20\r\n" +
		"2,Siemens AG,,,1,0,0,0,0,192.168.1.10\r\n" +
		"3,\"VMware, Inc.\",,,1,0,0,0,0,192.168.1.2\r\n"
	if r.status != 200 || r.body != want ||
		r.header.Get("Content-Disposition") != `attachment; filename="ranking-vendor_devices-20261127-1200.csv"` {
		t.Fatalf("CSV %d %q:\n%q", r.status, r.header.Get("Content-Disposition"), r.body)
	}
	r = e.get(c, "/rankings?kind=service_traffic&range=7d&lang=ja")
	for _, s := range []string{`<td class="mono">tcp/502 modbus</td>`, `<td class="num">9.8 KiB</td>`, `href="/rankings.csv?kind=service_traffic&amp;range=7d"`,
		`aria-current="true">7日</a>`, `aria-current="true">サービス別通信量</a>`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("rankings page lacks %s", s)
		}
	}
}

func TestAuditAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("admin")
	r := e.get(c, "/api/v1/audit")
	want := `{"query":{"since":"2026-10-28T12:00:00+09:00","limit":500},"entries":[` +
		`{"time":"2026-11-27T10:00:00+09:00","actor":"admin","action":"user.add","target":"alice","detail":"role user"},` +
		`{"time":"2026-11-21T00:30:00+09:00","actor":"system","action":"tenant.create","target":"北九州第一工場","detail":""}]}` + "\n"
	if r.status != 200 || r.body != want {
		t.Fatalf("audit: %d\n%s\nwant\n%s", r.status, r.body, want)
	}
	r = e.get(c, "/api/v1/audit?since=2026-11-25&limit=7")
	if r.status != 200 || !e.data.auditSince.Equal(time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)) || e.data.auditLimit != 7 {
		t.Fatalf("since/limit: %d %v %d", r.status, e.data.auditSince, e.data.auditLimit)
	}
	for q, msg := range map[string]string{
		"?since=yesterday": `since: \"yesterday\" is not YYYY-MM-DD, YYYY-MM-DDThh:mm or RFC 3339`,
		"?limit=5001":      `limit: \"5001\" is not 1 to 5000`,
	} {
		if r := e.get(c, "/api/v1/audit"+q); r.status != http.StatusBadRequest || r.body != `{"error":"`+msg+`"}`+"\n" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	r = e.get(c, "/audit?lang=ja")
	if !strings.Contains(r.body, `<td>2026-11-21 00:30:00</td><td>system</td><td class="mono">tenant.create</td>`) ||
		!strings.Contains(r.body, `<input type="date" name="since" value="2026-10-28">`) {
		t.Errorf("audit page does not show the entries")
	}
}

package portal

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/netip"
	"strings"
	"testing"
)

func mapEnv(t *testing.T) *env {
	e := newEnv(t)
	e.data.devices = keyedDevices()
	return e
}

func decodeMap[T any](t *testing.T, r resp) T {
	t.Helper()
	var v T
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), &v); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return v
}

// linkText is a link as "from → to bytes conns ot protocols".
func linkText(m mapModel, l mapLink) string {
	return fmt.Sprintf("%s → %s %d %d %v %s", m.Nodes[l.Source].Label, m.Nodes[l.Target].Label, l.Bytes, l.Conns, l.OT, strings.Join(l.Protocols, ","))
}

func links(m mapModel) string {
	var out []string
	for _, l := range m.Links {
		out = append(out, linkText(m, l))
	}
	return strings.Join(out, "\n")
}

func TestDeviceMap(t *testing.T) {
	e := mapEnv(t)
	c := e.login("alice")
	m := decodeMap[mapModel](t, e.get(c, "/api/v1/maps/devices"))
	if len(m.Nodes) != 5 || m.Layout != "none" || strings.Join(m.Protocols, ",") != "modbus,s7comm" {
		t.Fatalf("nodes %d layout %q protocols %v", len(m.Nodes), m.Layout, m.Protocols)
	}
	// The pair 48 hours ago is outside the default 24 hours.
	want := "192.168.1.2 eng-ws → 192.168.1.10 PLC-A 1800 4 true s7comm\n" +
		"192.168.1.2 eng-ws → 192.168.1.100 =HYPERLINK(\"x\") 100 1 false \n" +
		"10.0.0.20 HMI-表示器 → 10.0.0.5 Q-PLC 1000 2 true modbus"
	if got := links(m); got != want {
		t.Errorf("links:\n%s\nwant:\n%s", got, want)
	}
	plc := m.Nodes[m.Links[0].Target]
	if plc.URL != "/devices/line-1%2C%2C192.168.1.10" || plc.Key != "line-1,,192.168.1.10" || plc.Group != "line-1 192.168.1.0/24" || !plc.OT || plc.Bytes != 1800 {
		t.Errorf("PLC-A node %+v", plc)
	}
	if len(m.Groups) != 2 || m.Groups[0].Name != "line-1 192.168.1.0/24" || m.Groups[0].Nodes != 3 || m.Groups[1].Nodes != 2 {
		t.Errorf("groups %+v", m.Groups)
	}
	// Positions are computed here: the busiest node of a group is at its
	// centre's spiral start, and two loads give the same picture.
	if ws := m.Nodes[m.Links[0].Source]; ws.X != 69.1 || ws.Y != 59.2 {
		t.Errorf("eng-ws at (%v, %v), want (69.1, 59.2)", ws.X, ws.Y)
	}
	if again := e.get(c, "/api/v1/maps/devices"); again.body != mustJSON(t, m) {
		t.Errorf("second load differs")
	}

	for _, tc := range []struct {
		query        string
		nodes        int
		links, first string
	}{
		{"protocol=modbus", 2, "10.0.0.20 HMI-表示器 → 10.0.0.5 Q-PLC 1000 2 true modbus", ""},
		{"subnet=10.0.0.0/24", 2, "10.0.0.20 HMI-表示器 → 10.0.0.5 Q-PLC 1000 2 true modbus", ""},
		{"subnet=10.0.0.5", 2, "10.0.0.20 HMI-表示器 → 10.0.0.5 Q-PLC 1000 2 true modbus", ""},
		// Seven days take in the S7 session of 40 hours ago: an OT link.
		{"sensor=11&range=7d", 3, "192.168.1.2 eng-ws → 192.168.1.10 PLC-A 1800 4 true s7comm\n" +
			"192.168.1.2 eng-ws → 192.168.1.100 =HYPERLINK(\"x\") 100 1 false \n" +
			"192.168.1.100 =HYPERLINK(\"x\") → 192.168.1.10 PLC-A 140 1 true s7comm", ""},
		// The rollup is hourly: the last hour takes in the hour it began in.
		{"range=1h", 5, "192.168.1.2 eng-ws → 192.168.1.10 PLC-A 300 1 true s7comm\n" +
			"192.168.1.2 eng-ws → 192.168.1.100 =HYPERLINK(\"x\") 100 1 false \n" +
			"10.0.0.20 HMI-表示器 → 10.0.0.5 Q-PLC 1000 2 true modbus", ""},
		// 48 hours ago is 2026-11-25 12:00 JST; no OT record that hour.
		{"from=2026-11-25T12:00&to=2026-11-25T13:00", 5, "192.168.1.100 =HYPERLINK(\"x\") → 192.168.1.10 PLC-A 140 1 false ", ""},
		{"from=2026-11-25T00:00&to=2026-11-25T12:00", 5, "", ""},
	} {
		m := decodeMap[mapModel](t, e.get(c, "/api/v1/maps/devices?"+tc.query))
		if len(m.Nodes) != tc.nodes || links(m) != tc.links {
			t.Errorf("%s: %d nodes, links:\n%s\nwant %d nodes and:\n%s", tc.query, len(m.Nodes), links(m), tc.nodes, tc.links)
		}
	}
	for _, q := range []string{"subnet=bogus", "sensor=x", "range=2y", "from=2026-11-25T00:00&to=2026-11-24T00:00"} {
		if r := e.get(c, "/api/v1/maps/devices?"+q); r.status != 400 || !strings.Contains(r.body, `"error"`) {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
		if r := e.get(c, "/maps/devices?"+q); r.status != 400 {
			t.Errorf("page %s: %d", q, r.status)
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func TestServiceMap(t *testing.T) {
	e := mapEnv(t)
	c := e.login("alice")
	m := decodeMap[mapModel](t, e.get(c, "/api/v1/maps/services"))
	want := "tcp/102 s7comm → 192.168.1.10 PLC-A 1400 2 true \n" +
		"192.168.1.2 eng-ws → tcp/102 s7comm 1400 2 true \n" +
		"192.168.1.2 eng-ws → tcp/445 smb 40 1 false \n" +
		"tcp/502 modbus → 10.0.0.5 Q-PLC 1000 1 true \n" +
		"10.0.0.20 HMI-表示器 → tcp/502 modbus 1000 1 true \n" +
		"tcp/445 smb → 192.168.1.50 40 1 false "
	if got := links(m); got != want {
		t.Errorf("links:\n%s\nwant:\n%s", got, want)
	}
	if len(m.Nodes) != 8 || m.Groups[0].Name != serviceGroup || m.Groups[0].Nodes != 3 || strings.Join(m.Protocols, ",") != "modbus,s7comm,smb" {
		t.Errorf("%d nodes, groups %+v, protocols %v", len(m.Nodes), m.Groups, m.Protocols)
	}
	// 192.168.1.50 is in no inventory: a node without a page.
	if n := m.Nodes[7]; n.Label != "192.168.1.50" || n.URL != "" || n.Key != "" {
		t.Errorf("unknown device node %+v", n)
	}
	for q, want := range map[string]string{
		"protocol=tcp/445": "tcp/445 smb → 192.168.1.50 40 1 false \n192.168.1.2 eng-ws → tcp/445 smb 40 1 false ",
		"protocol=modbus":  "tcp/502 modbus → 10.0.0.5 Q-PLC 1000 1 true \n10.0.0.20 HMI-表示器 → tcp/502 modbus 1000 1 true ",
		"sensor=12":        "tcp/502 modbus → 10.0.0.5 Q-PLC 1000 1 true \n10.0.0.20 HMI-表示器 → tcp/502 modbus 1000 1 true ",
	} {
		if got := links(decodeMap[mapModel](t, e.get(c, "/api/v1/maps/services?"+q))); got != want {
			t.Errorf("%s:\n%s\nwant:\n%s", q, got, want)
		}
	}
}

func TestOTTables(t *testing.T) {
	e := mapEnv(t)
	c := e.login("alice")
	m := decodeMap[otModel](t, e.get(c, "/api/v1/ot/ip"))
	if m.Total != 2 || len(m.Rows) != 2 {
		t.Fatalf("%d rows: %s", m.Total, mustJSON(t, m))
	}
	// Two S7 records of one pair and function are one row.
	s7 := m.Rows[0]
	if s7.Source != "192.168.1.2" || s7.Dest != "192.168.1.10" || s7.Port != 102 || s7.Protocol != "s7comm" || s7.Function != "read_var" ||
		s7.Count != 15 || s7.Errors != 1 || s7.SourceKey != "line-1,,192.168.1.2" || s7.DestName != "PLC-A" ||
		s7.FirstSeen.Format("2006-01-02 15:04:05 -0700") != "2026-11-27 10:10:00 +0900" || s7.LastSeen.Format("15:04:05") != "11:10:30" {
		t.Errorf("s7 row %+v", s7)
	}
	if mb := m.Rows[1]; mb.Protocol != "modbus" || mb.Count != 7 || mb.Errors != 2 || mb.Source != "10.0.0.20" {
		t.Errorf("modbus row %+v", mb)
	}
	eth := decodeMap[otModel](t, e.get(c, "/api/v1/ot/ethernet"))
	if len(eth.Rows) != 1 || eth.Rows[0].Source != "00:0c:29:00:00:02" || eth.Rows[0].DestKey != "line-1,,192.168.1.10" ||
		eth.Rows[0].Protocol != "profinet_dcp" || eth.Rows[0].Count != 3 || strings.Join(eth.Protocols, ",") != "profinet_dcp" {
		t.Errorf("ethernet %s", mustJSON(t, eth))
	}
	for q, want := range map[string]int{
		"protocol=modbus": 1, "protocol=MODBUS": 1, "function=read_": 2, "function=holding": 1,
		"device=PLC-A": 1, "device=00:80:f4": 1, "device=nobody": 0, "sensor=12": 1, "range=7d": 3,
		"subnet=192.168.1.0/24": 1,
	} {
		if got := decodeMap[otModel](t, e.get(c, "/api/v1/ot/ip?"+q)); got.Total != want {
			t.Errorf("%s: %d rows, want %d", q, got.Total, want)
		}
	}
	r := e.get(c, "/ot/ip.csv?protocol=modbus&lang=en")
	want := "\ufeffSource,Destination,Transport,Port,VLAN,Protocol,Function,Count,Errors,First seen,Last seen\r\n" +
		"10.0.0.20,10.0.0.5,tcp,502,,modbus,read_holding_registers,7,2,2026-11-27 11:20:00,2026-11-27 11:20:30\r\n"
	if r.status != 200 || r.body != want || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.header.Get("Content-Disposition") != `attachment; filename="ot-ip-20261127-1200.csv"` {
		t.Errorf("CSV %d %q %q:\n%q", r.status, r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.body)
	}
	page := e.get(c, "/ot/ip?lang=ja")
	for _, s := range []string{`<a href="/devices/line-1%2c%2c192.168.1.2">192.168.1.2</a>`, `<td class="num status-down">2</td>`, `read_holding_registers`, `href="/ot/ip.csv?`} {
		if !strings.Contains(strings.ToLower(page.body), strings.ToLower(s)) {
			t.Errorf("OT page lacks %s", s)
		}
	}
}

func TestCompare(t *testing.T) {
	e := mapEnv(t)
	c := e.login("alice")
	m := decodeMap[compareModel](t, e.get(c, "/api/v1/compare"))
	got := mustJSON(t, []any{m.NewDevices, m.GoneDevices, m.NewConns, m.GoneConns})
	want := `[[{"ip":"192.168.1.50"}],[{"ip":"192.168.1.100","key":"line-1,,192.168.1.100","name":"=HYPERLINK(\"x\")"}],` +
		`[{"orig_h":"192.168.1.2","resp_h":"192.168.1.50","proto":"tcp","resp_p":445,"service":"smb","conns":1}],` +
		`[{"orig_h":"192.168.1.100","resp_h":"192.168.1.10","proto":"udp","resp_p":161,"service":"snmp","conns":1}]]` + "\n"
	if got != want {
		t.Errorf("comparison\n%s\nwant\n%s", got, want)
	}
	if m.Query.BTo.Format("2006-01-02T15:04-07:00") != "2026-11-27T12:01+09:00" || m.Query.AFrom.Format("2006-01-02T15:04") != "2026-11-25T12:01" {
		t.Errorf("default periods %+v", m.Query)
	}
	// Chosen periods: A = the 27th 08:00–10:00, B = 10:00–12:00 (JST):
	// only eng-ws → .50 smb (09:00) in A; S7 and Modbus only in B.
	m = decodeMap[compareModel](t, e.get(c, "/api/v1/compare?a_from=2026-11-27T08:00&a_to=2026-11-27T10:00&b_from=2026-11-27T10:00&b_to=2026-11-27T12:00"))
	if len(m.NewDevices) != 3 || m.NewDevices[0].IP != "10.0.0.5" || m.NewDevices[1].IP != "10.0.0.20" || m.NewDevices[2].Name != "PLC-A" ||
		len(m.GoneDevices) != 1 || m.GoneDevices[0].IP != "192.168.1.50" || len(m.NewConns) != 2 || m.NewConns[1].Conns != 2 ||
		len(m.GoneConns) != 1 || m.GoneConns[0].RespP != 445 {
		t.Errorf("chosen periods: %s", mustJSON(t, m))
	}
	r := e.get(c, "/compare.csv?lang=en")
	wantCSV := "\ufeffChange,What,Source,Destination,Transport,Port,VLAN,Service,Name,Connections\r\n" +
		"Appeared,Device,192.168.1.50,,,,,,,\r\n" +
		"Appeared,Connection,192.168.1.2,192.168.1.50,tcp,445,,smb,,1\r\n" +
		"Disappeared,Device,192.168.1.100,,,,,,\"'=HYPERLINK(\"\"x\"\")\",\r\n" +
		"Disappeared,Connection,192.168.1.100,192.168.1.10,udp,161,,snmp,,1\r\n"
	if r.body != wantCSV {
		t.Errorf("CSV:\n%q\nwant\n%q", r.body, wantCSV)
	}
	for _, q := range []string{"a_from=bogus", "a_from=2026-11-27T10:00&a_to=2026-11-27T09:00", "sensor=-1"} {
		if r := e.get(c, "/api/v1/compare?"+q); r.status != 400 {
			t.Errorf("%s: %d", q, r.status)
		}
	}
}

// TestMapAuthorization: every route of this area × role × signed out, and
// tenant 2 sees none of tenant 1's data.
func TestMapAuthorization(t *testing.T) {
	e := mapEnv(t)
	clients := map[string]*http.Client{"out": e.client(), "user": e.login("alice"), "admin": e.login("admin"), "operator": e.login("op"), "other": e.login("bob")}
	pages := map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}
	apis := map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}
	for _, path := range []string{"/maps/devices", "/maps/services", "/ot/ip", "/ot/ip.csv", "/ot/ethernet", "/ot/ethernet.csv", "/compare", "/compare.csv"} {
		for who, c := range clients {
			if r := e.get(c, path); r.status != pages[who] {
				t.Errorf("GET %s as %s: %d, want %d", path, who, r.status, pages[who])
			}
			if r := e.get(c, "/api/v1"+path); r.status != apis[who] {
				t.Errorf("GET /api/v1%s as %s: %d, want %d", path, who, r.status, apis[who])
			}
		}
	}
	other := clients["other"]
	for _, path := range []string{"/api/v1/maps/devices", "/api/v1/maps/services", "/api/v1/ot/ip", "/api/v1/ot/ethernet", "/api/v1/compare", "/api/v1/ot/ip.csv"} {
		if r := e.get(other, path); strings.Contains(r.body, "192.168.") || strings.Contains(r.body, "10.0.0.") || strings.Contains(r.body, "modbus") {
			t.Errorf("tenant 2 sees tenant 1's data at %s: %s", path, r.body)
		}
	}
	if r := e.get(e.client(), "/api/v1/ot/ip", "Authorization", "Bearer "+goodToken); r.status != 200 {
		t.Errorf("bearer token: %d", r.status)
	}
}

// TestMapLayout1500: 1,500 devices in 12 subnets lie apart from each other
// (no two closer than the spacing allows) and in the same places whatever
// order the devices come in.
func TestMapLayout1500(t *testing.T) {
	nodes := syntheticNodes(1500)
	layoutGroups(nodes)
	pos := map[string][2]float64{}
	for _, n := range nodes {
		pos[n.ID] = [2]float64{n.X, n.Y}
	}
	shuffled := syntheticNodes(1500)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	groups := layoutGroups(shuffled)
	if len(groups) != 12 || groups[0].Name != "line-1 10.1.0.0/24" || groups[0].Nodes != 125 {
		t.Fatalf("groups %+v", groups[:1])
	}
	for _, n := range shuffled {
		if pos[n.ID] != [2]float64{n.X, n.Y} {
			t.Fatalf("%s moved with the input order: %v vs (%v, %v)", n.ID, pos[n.ID], n.X, n.Y)
		}
	}
	closest := math.Inf(1)
	for i := range nodes {
		for j := i + 1; j < len(nodes); j++ {
			closest = min(closest, math.Hypot(nodes[i].X-nodes[j].X, nodes[i].Y-nodes[j].Y))
		}
	}
	// The sunflower spiral keeps neighbours about 0.9 spacing apart (the
	// first two points are the closest pair); rounding to 0.1 costs a little.
	if closest < 0.85*mapSpacing {
		t.Errorf("closest nodes %.2f apart, want at least %.2f", closest, 0.85*mapSpacing)
	}
}

func syntheticNodes(n int) []mapNode {
	nodes := make([]mapNode, n)
	for i := range nodes {
		a := netip.AddrFrom4([4]byte{10, byte(1 + i%12), byte(i / 12 / 250), byte(1 + i/12%250)})
		nodes[i] = mapNode{ID: a.String(), Label: a.String(), Kind: "device", Group: subnetGroup("line-1", a), ip: a, Bytes: uint64(i % 7 * 100)}
	}
	return nodes
}

package portal

import (
	"context"
	"encoding/json"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/store"
)

func TestDeviceKeyString(t *testing.T) {
	for _, tc := range []struct {
		key  inventory.DeviceKey
		want string
	}{
		{inventory.DeviceKey{Sensor: "line-1", Addr: mustAddr("192.168.1.10")}, "line-1,,192.168.1.10"},
		{inventory.DeviceKey{Sensor: "line-2", Segment: "vlan 10", Addr: mustAddr("10.0.0.5")}, "line-2,vlan+10,10.0.0.5"},
		{inventory.DeviceKey{Sensor: "a,b%c", Segment: "eth0", Addr: mustAddr("0.0.0.0"), MAC: mustMAC("00:0e:8c:00:00:01")},
			"a%2Cb%25c,eth0,0.0.0.0,00:0e:8c:00:00:01"},
		{inventory.DeviceKey{Sensor: "11", Addr: mustAddr("fe80::1")}, "11,,fe80::1"},
	} {
		got := DeviceKeyString(tc.key)
		if got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.key, got, tc.want)
		}
		back, err := parseDeviceKey(got)
		if err != nil || back != tc.key {
			t.Errorf("%q parsed back as %+v, %v", got, back, err)
		}
	}
	for _, bad := range []string{"", "line-1", "line-1,,", ",,192.168.1.1", "l,,1.2.3.4,zz", "l,,1.2.3.4,00:00:00:00:00:00", "l,,1.2.3.4,,x", "l,%zz,1.2.3.4"} {
		if k, err := parseDeviceKey(bad); err == nil {
			t.Errorf("%q parsed as %+v", bad, k)
		}
	}
	// A key survives the URL of the detail page.
	if got := deviceURL("a%2Cb%25c,eth0,0.0.0.0,00:0e:8c:00:00:01"); got != "/devices/a%252Cb%2525c%2Ceth0%2C0.0.0.0%2C00:0e:8c:00:00:01" {
		t.Errorf("deviceURL: %s", got)
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }

// deviceJSON is the detail's JSON as a client reads it.
type deviceJSON struct {
	Key        string     `json:"key"`
	Sensor     string     `json:"sensor"`
	SensorID   int        `json:"sensor_id"`
	Segment    string     `json:"segment"`
	IP         string     `json:"ip"`
	MAC        string     `json:"mac"`
	Vendor     string     `json:"vendor"`
	Name       string     `json:"name"`
	Note       DeviceNote `json:"note"`
	OtherAddrs []string   `json:"other_addrs"`
	Names      []struct {
		Name   string    `json:"name"`
		Source string    `json:"source"`
		Last   time.Time `json:"last"`
		Count  uint64    `json:"count"`
	} `json:"names"`
	MACs []struct {
		MAC       string `json:"mac"`
		Claimed   bool   `json:"claimed"`
		Intervals []struct {
			First time.Time `json:"first"`
			Last  time.Time `json:"last"`
		} `json:"intervals"`
	} `json:"macs"`
	OS struct {
		Family     string  `json:"family"`
		Name       string  `json:"name"`
		Confidence float64 `json:"confidence"`
		Evidence   []struct {
			Source, Value, Role, Family, Reason string
			Confidence                          float64
		} `json:"evidence"`
		Conflicts []string `json:"conflicts"`
	} `json:"os"`
	EOS struct {
		State      string `json:"state"`
		Candidates []struct {
			Name, Phase, Mainstream, Extended, ESU string
			Supported                              bool
		} `json:"candidates"`
	} `json:"end_of_support"`
	Role       string           `json:"role"`
	Roles      []inventory.Role `json:"roles"`
	Importance int              `json:"importance"`
	FirstSeen  time.Time        `json:"first_seen"`
	Speaks     []inventory.ProtoCount
	Operations []inventory.Operation
	Traffic    string `json:"traffic"`
}

func getJSON(t *testing.T, e *env, c *http.Client, path string, v any) {
	t.Helper()
	r := e.get(c, path)
	if r.status != 200 {
		t.Fatalf("%s: %d %s", path, r.status, r.body)
	}
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func TestDeviceDetailAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	var d deviceJSON
	getJSON(t, e, c, "/api/v1/devices/"+url.PathEscape("line-1,,192.168.1.2"), &d)
	if d.Key != "line-1,,192.168.1.2" || d.Sensor != "line-1" || d.SensorID != 11 || d.IP != "192.168.1.2" ||
		d.MAC != "00:0c:29:00:00:02" || d.Vendor != "VMware, Inc." || d.Name != "ENG-WS" || d.Importance != 100 ||
		d.Role != "engineering_workstation" || d.Traffic != "/api/v1/devices/line-1%2C%2C192.168.1.2/traffic" ||
		d.FirstSeen.Format(time.RFC3339) != "2026-11-26T06:00:00+09:00" {
		t.Fatalf("identity: %+v", d)
	}
	// Names newest first, with their sources; MAC bindings over time.
	if len(d.Names) != 2 || d.Names[0].Name != "ENG-WS" || d.Names[0].Source != "nbns" || d.Names[0].Count != 10 ||
		d.Names[0].Last.Format(time.RFC3339) != "2026-11-27T11:50:00+09:00" || d.Names[1].Name != "eng-ws.plant.local" {
		t.Fatalf("names: %+v", d.Names)
	}
	if len(d.MACs) != 2 || d.MACs[1].MAC != "00:0c:29:00:00:99" || d.MACs[1].Claimed ||
		d.MACs[1].Intervals[0].First.Format(time.RFC3339) != "2026-11-26T06:00:00+09:00" ||
		d.MACs[1].Intervals[0].Last.Format(time.RFC3339) != "2026-11-26T10:00:00+09:00" {
		t.Fatalf("MACs: %+v", d.MACs)
	}
	// The OS estimate with each item's role, and the end of support of
	// Windows 7: every edition's paid extension ended before 2026-11-27.
	if d.OS.Family != "Windows" || d.OS.Name != "Windows 7" || d.OS.Confidence != 0.85 || len(d.OS.Evidence) != 2 ||
		d.OS.Evidence[0].Source != "cifs_browser" || d.OS.Evidence[0].Value != "6.1|0x1003" || d.OS.Evidence[0].Role != "family and product" ||
		d.OS.Evidence[1].Role != "family" || d.OS.Evidence[1].Confidence != 0.6 || len(d.OS.Conflicts) != 1 {
		t.Fatalf("OS: %+v", d.OS)
	}
	if d.EOS.State != "unsupported" || len(d.EOS.Candidates) != 3 {
		t.Fatalf("end of support: %+v", d.EOS)
	}
	if c0 := d.EOS.Candidates[0]; c0.Name != "Windows 7" || c0.Phase != "ended" || c0.Supported ||
		c0.Mainstream != "2015-01-13" || c0.Extended != "2020-01-14" || c0.ESU != "2023-01-10" {
		t.Fatalf("first candidate: %+v", c0)
	}
	if len(d.Roles) != 2 || d.Roles[0].Reasons[0] != "downloads PLC programs (s7comm download_block)" ||
		len(d.Speaks) != 2 || d.Speaks[1] != (inventory.ProtoCount{Protocol: "s7comm", Count: 12}) ||
		len(d.Operations) != 1 || d.Operations[0].Class != "program" {
		t.Fatalf("roles, services, operations: %+v %+v %+v", d.Roles, d.Speaks, d.Operations)
	}

	// What a PLC said about itself, times in Tokyo.
	var plc struct {
		Identities []struct {
			Protocol, Model, Serial string
			Last                    time.Time
			Count                   uint64
		} `json:"identities"`
	}
	getJSON(t, e, c, "/api/v1/devices/line-1%2C%2C192.168.1.10", &plc)
	if len(plc.Identities) != 1 || plc.Identities[0].Model != "6ES7 515-2AM01-0AB0" || plc.Identities[0].Serial != "S C-X4U421302021" ||
		plc.Identities[0].Last.Format(time.RFC3339) != "2026-11-27T10:00:00+09:00" || plc.Identities[0].Count != 3 {
		t.Fatalf("identities: %+v", plc.Identities)
	}

	// A device known only by MAC, with an escaped key; it has no traffic
	// chart (no IP) and nothing is known of its OS.
	var io deviceJSON
	getJSON(t, e, c, "/api/v1/devices/"+url.PathEscape("line-2,,0.0.0.0,00:0e:8c:00:00:01"), &io)
	if io.IP != "" || io.MAC != "00:0e:8c:00:00:01" || io.Traffic != "" || io.EOS.State != "unknown" || io.Names == nil {
		t.Fatalf("MAC-only device: %+v", io)
	}

	// Unknown and malformed keys are 404; tenant 2 does not see tenant 1's
	// device.
	for _, path := range []string{"/api/v1/devices/line-1%2C%2C192.168.1.99", "/api/v1/devices/nonsense"} {
		if r := e.get(c, path); r.status != 404 || r.body != `{"error":"device not found"}`+"\n" {
			t.Errorf("%s: %d %s", path, r.status, r.body)
		}
	}
	if r := e.get(e.login("bob"), "/api/v1/devices/line-1%2C%2C192.168.1.2"); r.status != 404 {
		t.Errorf("tenant 2 reads tenant 1's device: %d", r.status)
	}
	if r := e.get(e.login("bob"), "/devices/line-1%2C%2C192.168.1.2"); r.status != 404 {
		t.Errorf("tenant 2 opens tenant 1's device page: %d", r.status)
	}

	// The page shows what the API says, in Japanese.
	r := e.get(c, "/devices/line-1%2C%2C192.168.1.2?lang=ja")
	for _, s := range []string{`<h1 id="device-name">ENG-WS</h1>`, `<div class="big small-big" id="device-role">エンジニアリングWS</div>`,
		`<div class="big small-big eos-unsupported" id="device-eos">サポート終了</div>`, `<td>OS系統と製品を示す</td>`,
		`<td class="num">85%</td>`, `<td>2015-01-13</td><td>2020-01-14</td><td>2023-01-10</td>`,
		`<td class="op-program">プログラム変更</td>`, `<td>要求側</td>`, `2026-11-26 06:00 – 2026-11-26 10:00`,
		`data-src="/api/v1/devices/line-1%2C%2C192.168.1.2/traffic?range=24h"`, `<p class="muted">機器名・重要区分・メモは管理者が編集できます。</p>`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("device page lacks %s", s)
		}
	}
	if r := e.get(c, "/devices/line-1%2C%2C192.168.1.99"); r.status != 404 {
		t.Errorf("page of an unknown device: %d", r.status)
	}
}

func TestDeviceTrafficAPI(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	var m struct {
		StepSeconds int64 `json:"step_seconds"`
		Points      []struct {
			Label string `json:"label"`
		} `json:"points"`
		Series []struct {
			Bytes  uint64   `json:"bytes"`
			Values []uint64 `json:"values"`
		} `json:"series"`
	}
	getJSON(t, e, c, "/api/v1/devices/line-2%2Cvlan+10%2C10.0.0.5/traffic?range=1h", &m)
	if m.StepSeconds != 60 || len(m.Points) != 60 || m.Points[0].Label != "11/27 11:01" || len(m.Series) != 1 ||
		m.Series[0].Bytes != 4500 || m.Series[0].Values[0] != 1500 || m.Series[0].Values[2] != 3000 {
		t.Fatalf("device traffic: %+v", m)
	}
	q := e.data.queries[len(e.data.queries)-1]
	if q.Sensor != 12 || q.Device == nil || *q.Device != (store.Device{VLAN: 10, IP: mustAddr("10.0.0.5")}) ||
		q.GroupBy != store.GroupTotal || q.Step != store.StepMinute {
		t.Fatalf("store query: %+v %+v", q, q.Device)
	}
	for path, want := range map[string]int{
		"/api/v1/devices/line-2%2Cvlan+10%2C10.0.0.5/traffic?range=2y":    400,
		"/api/v1/devices/line-2%2C%2C0.0.0.0%2C00:0e:8c:00:00:01/traffic": 404, // no IP traffic
		"/api/v1/devices/line-2%2Cvlan+10%2C10.0.0.6/traffic":             404,
	} {
		if r := e.get(c, path); r.status != want {
			t.Errorf("%s: %d, want %d", path, r.status, want)
		}
	}
}

// pairTraffic answers pair queries with two pairs of 192.168.1.2 and one
// of other devices; the rest as fakeData does.
type pairTraffic struct{ *fakeData }

func (f pairTraffic) TrafficSeries(ctx context.Context, s store.Scope, q store.TrafficQuery) (store.TrafficResult, error) {
	res, err := f.fakeData.TrafficSeries(ctx, s, q) // records the query
	if q.GroupBy != store.GroupPair || err != nil {
		return res, err
	}
	key := func(o, r string) store.TrafficKey {
		return store.TrafficKey{Sensor: 11, Orig: mustAddr(o), Resp: mustAddr(r)}
	}
	return store.TrafficResult{Step: q.Step, Series: []store.Series{
		{Key: key("192.168.1.2", "192.168.1.10"), Total: store.Volume{OrigBytes: 6000, RespBytes: 2000, OrigPkts: 40, RespPkts: 30, Conns: 3}},
		{Key: key("10.9.9.9", "10.9.9.8"), Total: store.Volume{OrigBytes: 1}},
		{Key: key("192.168.1.77", "192.168.1.2"), Total: store.Volume{OrigBytes: 100, RespBytes: 50, OrigPkts: 2, RespPkts: 1, Conns: 1}},
	}}, nil
}

func TestDevicePeers(t *testing.T) {
	e := newEnv(t)
	e.p.deps.Traffic = pairTraffic{e.data} // before any request
	c := e.login("alice")
	var d struct {
		PeerList []detailPeer `json:"peer_list"`
	}
	getJSON(t, e, c, "/api/v1/devices/line-1%2C%2C192.168.1.2", &d)
	want := []detailPeer{
		{IP: "192.168.1.10", Direction: "out", Bytes: 8000, Packets: 70, Conns: 3, Key: "line-1,,192.168.1.10", Name: "PLC-A"},
		{IP: "192.168.1.77", Direction: "in", Bytes: 150, Packets: 3, Conns: 1},
	}
	if len(d.PeerList) != 2 || d.PeerList[0] != want[0] || d.PeerList[1] != want[1] {
		t.Fatalf("peers:\n%+v\nwant\n%+v", d.PeerList, want)
	}
	q := e.data.queries[len(e.data.queries)-1]
	if q.GroupBy != store.GroupPair || q.Sensor != 11 || *q.Device != (store.Device{IP: mustAddr("192.168.1.2")}) ||
		q.Limit != 20 || q.Step != store.StepHour || !q.From.Equal(time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)) ||
		!q.To.Equal(time.Date(2026, 11, 27, 4, 0, 0, 0, time.UTC)) {
		t.Fatalf("store query: %+v", q)
	}
	r := e.get(c, "/devices/line-1%2C%2C192.168.1.2?lang=ja")
	for _, s := range []string{`<tr data-href="/devices/line-1%2C%2C192.168.1.10"><td class="mono"><a href="/devices/line-1%2C%2C192.168.1.10">192.168.1.10</a></td><td>PLC-A</td><td>この機器から</td><td class="num">7.8 KiB</td><td class="num">70</td><td class="num">3</td></tr>`,
		`<tr><td class="mono">192.168.1.77</td><td></td><td>相手から</td><td class="num">150 B</td>`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("device page lacks %s", s)
		}
	}
}

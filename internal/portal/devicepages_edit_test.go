package portal

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"
)

// put sends a PUT with a body as the portal's own script would.
func (e *env) put(c *http.Client, path, ctype, body string, hdr ...string) resp {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPut, e.srv.URL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", ctype)
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

const wsNotes = "/api/v1/devices/line-1%2C%2C192.168.1.2/notes"

func TestDeviceNotes(t *testing.T) {
	e := newEnv(t)
	user, admin := e.login("alice"), e.login("admin")
	body := `{"name":" 設計用PC ","criticality":"high","notes":"ライン1のPLCに書き込む\r\n唯一の端末"}`

	// Users read; only admins write.
	if r := e.put(user, wsNotes, "application/json", body); r.status != 403 {
		t.Fatalf("user PUT: %d %s", r.status, r.body)
	}
	r := e.put(admin, wsNotes, "application/json", body)
	want := `{"name":"設計用PC","criticality":"high","notes":"ライン1のPLCに書き込む\n唯一の端末","updated":"2026-11-27T12:00:00+09:00","by":"admin"}` + "\n"
	if r.status != 200 || r.body != want {
		t.Fatalf("admin PUT: %d\n%s\nwant\n%s", r.status, r.body, want)
	}
	if got := e.dev.setting(1, "device_notes"); got != `{"line-1,,192.168.1.2":`+strings.TrimSuffix(want, "\n")+`}` {
		t.Fatalf("stored: %s", got)
	}
	a := e.dev.lastAudit()
	if a.Tenant != 1 || a.Actor != "admin" || a.Action != "device.note" || a.Target != "line-1,,192.168.1.2" ||
		a.Detail != `name "" → "設計用PC"; criticality "" → "high"; notes 0 → 19 characters` {
		t.Fatalf("audit: %+v", a)
	}
	// The edited name replaces the seen one in the detail, the V1-1 list
	// (its CSV too) and the other lists.
	var d deviceJSON
	getJSON(t, e, user, "/api/v1/devices/line-1%2C%2C192.168.1.2", &d)
	if d.Name != "設計用PC" || d.Note.Criticality != "high" || d.Note.By != "admin" {
		t.Fatalf("detail after edit: %q %+v", d.Name, d.Note)
	}
	e.data.devices = append(e.data.devices, DeviceRow{Key: "line-1,,192.168.1.2", Sensor: "line-1", IP: mustAddr("192.168.1.2"), Name: "ENG-WS"})
	if r := e.get(user, "/api/v1/devices?q=192.168.1.2"); !strings.Contains(r.body, `"key":"line-1,,192.168.1.2","sensor":"line-1","segment":"","ip":"192.168.1.2","name":"設計用PC"`) {
		t.Fatalf("V1-1 list after edit: %s", r.body)
	}
	if r := e.get(user, "/devices?q=192.168.1.2"); !strings.Contains(r.body, `<tr data-href="/devices/line-1%2C%2C192.168.1.2">`) ||
		!strings.Contains(r.body, `<a href="/devices/line-1%2C%2C192.168.1.2">192.168.1.2</a>`) {
		t.Fatalf("V1-1 row does not open the detail page")
	}
	if r := e.get(user, "/devices.csv?lang=en&q=設計用PC"); !strings.Contains(r.body, ",設計用PC,") {
		t.Fatalf("CSV after edit: %q", r.body)
	}

	// Refused edits, with the reason.
	for _, tc := range []struct{ path, body, msg string }{
		{wsNotes, `{"criticality":"urgent"}`, `criticality: \"urgent\" is not low, medium, high or critical`},
		{wsNotes, `{"name":"a\nb"}`, "name: one line only"},
		{wsNotes, `{"name":"` + strings.Repeat("長", 129) + `"}`, "name: longer than 128 characters"},
		{wsNotes, `{"nom":"x"}`, `body: json: unknown field \"nom\"`},
	} {
		if r := e.put(admin, tc.path, "application/json", tc.body); r.status != 400 || r.body != `{"error":"`+tc.msg+`"}`+"\n" {
			t.Errorf("%s: %d %s", tc.body, r.status, r.body)
		}
	}
	if r := e.put(admin, "/api/v1/devices/line-1%2C%2C192.168.1.99/notes", "application/json", `{"name":"x"}`); r.status != 404 {
		t.Errorf("note of an unknown device: %d", r.status)
	}
	// Tenant 2's admin? There is none; its user may not write, and tenant 1's
	// device does not exist for tenant 2 anyway.
	if r := e.put(e.login("bob"), wsNotes, "application/json", `{"name":"x"}`); r.status != 403 {
		t.Errorf("tenant 2 user: %d", r.status)
	}

	// The page's form: admins only, back to the page with a notice.
	form := url.Values{"name": {"EWS-1"}, "criticality": {"critical"}, "notes": {""}}
	if r := e.post(user, "/devices/line-1%2C%2C192.168.1.2/notes", form); r.status != 403 {
		t.Fatalf("user form: %d", r.status)
	}
	r = e.post(admin, "/devices/line-1%2C%2C192.168.1.2/notes", form)
	if r.status != 303 || r.header.Get("Location") != "/devices/line-1%2C%2C192.168.1.2?saved=1" {
		t.Fatalf("admin form: %d %q", r.status, r.header.Get("Location"))
	}
	r = e.get(admin, "/devices/line-1%2C%2C192.168.1.2?saved=1&lang=ja")
	for _, s := range []string{`<p class="flash info" id="device-saved">保存しました。</p>`, `name="name" value="EWS-1"`,
		`<option value="critical" selected>最重要</option>`, `<h1 id="device-name">EWS-1</h1>`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("page after save lacks %s", s)
		}
	}
	if a := e.dev.lastAudit(); a.Detail != `name "設計用PC" → "EWS-1"; criticality "high" → "critical"; notes 19 → 0 characters` {
		t.Errorf("audit of the form: %q", a.Detail)
	}
	if r := e.post(admin, "/devices/line-1%2C%2C192.168.1.2/notes", url.Values{"criticality": {"bogus"}}); r.status != 400 {
		t.Errorf("bad form: %d", r.status)
	}
	// Clearing every field removes the note.
	if r := e.put(admin, wsNotes, "application/json", `{}`); r.status != 200 || r.body != "{}\n" {
		t.Fatalf("clear: %d %s", r.status, r.body)
	}
	if got := e.dev.setting(1, "device_notes"); got != `{}` {
		t.Fatalf("after clear: %s", got)
	}
}

func TestDeviceGroups(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	type groups struct {
		By     string `json:"by"`
		Groups []struct {
			Key     string      `json:"key"`
			Count   int         `json:"count"`
			Devices []deviceRef `json:"devices"`
		} `json:"groups"`
	}
	summary := func(g groups) string {
		var s []string
		for _, gr := range g.Groups {
			var ips []string
			for _, d := range gr.Devices {
				id := d.IP
				if id == "" {
					id = d.MAC
				}
				ips = append(ips, d.Sensor+"/"+id)
			}
			s = append(s, gr.Key+"="+strings.Join(ips, "+"))
		}
		return strings.Join(s, " ")
	}
	var g groups
	getJSON(t, e, c, "/api/v1/devices/groups", &g)
	if got := summary(g); g.By != "protocol" || got != "dns=line-1/192.168.1.2+line-1/192.168.1.200 "+
		"s7comm=line-1/192.168.1.2+line-1/192.168.1.10 melsec=line-2/10.0.0.5 profinet_rt=line-2/00:0e:8c:00:00:01" {
		t.Fatalf("by protocol: %s", got)
	}
	getJSON(t, e, c, "/api/v1/devices/groups?by=role", &g)
	if got := summary(g); got != "plc=line-1/192.168.1.10+line-2/10.0.0.5 engineering_workstation=line-1/192.168.1.2 "+
		"=line-1/192.168.1.200+line-2/00:0e:8c:00:00:01" {
		t.Fatalf("by role: %s", got)
	}
	if d := g.Groups[0].Devices[0]; d != (deviceRef{Key: "line-1,,192.168.1.10", Sensor: "line-1", IP: "192.168.1.10",
		MAC: "00:1b:1b:00:00:0a", Name: "PLC-A", Vendor: "Siemens AG", Role: "plc"}) {
		t.Fatalf("device of a group: %+v", d)
	}
	if r := e.get(c, "/api/v1/devices/groups?by=vendor"); r.status != 400 || r.body != `{"error":"by: \"vendor\" is not protocol or role"}`+"\n" {
		t.Fatalf("bad grouping: %d %s", r.status, r.body)
	}
	r := e.get(c, "/devices/groups?by=role&lang=ja")
	for _, s := range []string{`<strong class="group-name">PLC・フィールド機器</strong> <span class="muted group-count">2</span>`,
		`<strong class="group-name">役割なし</strong>`, `<tr data-href="/devices/line-2%2Cvlan&#43;10%2C10.0.0.5">`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("groups page lacks %s", s)
		}
	}
	getJSON(t, e, e.login("bob"), "/api/v1/devices/groups", &g)
	if len(g.Groups) != 0 {
		t.Errorf("tenant 2 sees groups: %+v", g)
	}
}

func TestDeviceMatrix(t *testing.T) {
	e := newEnv(t)
	c := e.login("alice")
	var m matrixModel
	// The first /24 by address is the default; MAC-only devices take no cell.
	getJSON(t, e, c, "/api/v1/devices/matrix", &m)
	if m.Kind != "vendor" || m.Net != "10.0.0.0/24" || len(m.Nets) != 2 || m.Nets[0].Devices != 1 ||
		m.Nets[1] != (matrixNet{Net: "192.168.1.0/24", Devices: 3}) || len(m.Cells) != 1 || m.Cells[0].Host != 5 {
		t.Fatalf("default matrix: %+v", m)
	}
	getJSON(t, e, c, "/api/v1/devices/matrix?kind=vendor&net=192.168.1.0/24", &m)
	cells := func() string {
		var s []string
		for _, c := range m.Cells {
			s = append(s, c.IP+"="+c.Category+"/"+c.Class)
		}
		return strings.Join(s, " ")
	}
	legend := func() string {
		var s []string
		for _, l := range m.Legend {
			s = append(s, l.Category+":"+l.Class+":"+strings.Repeat("*", l.Devices))
		}
		return strings.Join(s, " ")
	}
	if cells() != "192.168.1.2=VMware, Inc./mx-c1 192.168.1.10=Siemens AG/mx-c0 192.168.1.200=/mx-unknown" ||
		legend() != "Siemens AG:mx-c0:* VMware, Inc.:mx-c1:* :mx-unknown:*" {
		t.Fatalf("vendor matrix: %s | %s", cells(), legend())
	}
	getJSON(t, e, c, "/api/v1/devices/matrix?kind=os&net=192.168.1.0", &m)
	if m.Net != "192.168.1.0/24" || cells() != "192.168.1.2=Windows/mx-c0 192.168.1.10=/mx-unknown 192.168.1.200=/mx-unknown" ||
		legend() != "Windows:mx-c0:* :mx-unknown:**" {
		t.Fatalf("OS matrix: %s | %s", cells(), legend())
	}
	getJSON(t, e, c, "/api/v1/devices/matrix?kind=role&net=192.168.1.0/24", &m)
	if cells() != "192.168.1.2=engineering_workstation/mx-c0 192.168.1.10=plc/mx-c1 192.168.1.200=/mx-unknown" {
		t.Fatalf("role matrix: %s", cells())
	}
	for q, msg := range map[string]string{
		"?kind=colour":        `kind: \"colour\" is not vendor, os or role`,
		"?net=192.168.1.0/16": `net: \"192.168.1.0/16\" is not an IPv4 /24 network such as 192.168.1.0/24`,
		"?net=192.168.1.7/24": `net: \"192.168.1.7/24\" is not an IPv4 /24 network such as 192.168.1.0/24`,
		"?net=fe80::/24":      `net: \"fe80::/24\" is not an IPv4 /24 network such as 192.168.1.0/24`,
	} {
		if r := e.get(c, "/api/v1/devices/matrix"+q); r.status != 400 || r.body != `{"error":"`+msg+`"}`+"\n" {
			t.Errorf("%s: %d %s", q, r.status, r.body)
		}
	}
	// The page: 256 cells, three of them links with their hover text.
	r := e.get(c, "/devices/matrix?kind=role&net=192.168.1.0/24&lang=ja")
	if n := strings.Count(r.body, `role="gridcell"`); n != 256 {
		t.Fatalf("%d cells", n)
	}
	for _, s := range []string{
		`<a role="gridcell" class="mx-cell mx-c1" href="/devices/line-1%2C%2C192.168.1.10" title="192.168.1.10 — PLC・フィールド機器` + "\n" + `line-1 · PLC-A · 00:1b:1b:00:00:0a · Siemens AG"`,
		`<span role="gridcell" class="mx-cell mx-empty" title="192.168.1.0">0</span>`,
		`<li><span class="swatch mx-unknown"></span>不明 <span class="muted">1</span></li>`,
		`<option value="192.168.1.0/24" selected>192.168.1.0/24 (3)</option>`,
	} {
		if !strings.Contains(r.body, s) {
			t.Errorf("matrix page lacks %s", s)
		}
	}
	// Tenant 2 has no network.
	r = e.get(e.login("bob"), "/devices/matrix?lang=en")
	if !strings.Contains(r.body, `<p class="muted" id="matrix-none">No device with an IPv4 address yet.</p>`) {
		t.Errorf("tenant 2's empty matrix")
	}
}

// registerCSV: a UTF-8 register with BOM and a Japanese header, CRLF as
// Excel writes it.
const registerCSV = "\ufeffIPアドレス,MACアドレス,機器名,重要度,メモ\r\n" +
	"192.168.1.10,00-1B-1B-00-00-0A,PLC-A,最重要,ライン1主制御\r\n" +
	"192.168.1.2,00:0c:29:00:00:55,eng-ws,高,\r\n" +
	"\r\n" +
	"192.168.1.50,,old-hmi,中,撤去予定\r\n" +
	",00:0e:8c:00:00:01,IO-1,,\r\n" +
	"192.168.1.60,00:80:F4:00:00:05,Q-PLC,,\r\n"

func TestParseRegister(t *testing.T) {
	as, enc, problems, err := parseRegister([]byte(registerCSV))
	if err != nil || enc != "utf-8" || len(problems) != 0 || len(as) != 5 {
		t.Fatalf("%d assets, %s, %q, %v", len(as), enc, problems, err)
	}
	if a := as[0]; a.Line != 2 || a.IP != mustAddr("192.168.1.10") || a.MAC != "00:1b:1b:00:00:0a" || a.Name != "PLC-A" ||
		a.Criticality != "critical" || a.Notes != "ライン1主制御" {
		t.Fatalf("first: %+v", a)
	}
	if as[2].Line != 5 || as[3].Line != 6 || as[3].IP.IsValid() || as[3].MAC != "00:0e:8c:00:00:01" {
		t.Fatalf("lines: %+v", as)
	}
	// Shift_JIS without a header, columns in the documented order.
	sjis, _, err := transform.Bytes(japanese.ShiftJIS.NewEncoder(), []byte("192.168.1.10,,制御盤PLC,高,点検済み\r\n10.0.0.5\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	as, enc, problems, err = parseRegister(sjis)
	if err != nil || enc != "shift_jis" || len(problems) != 0 || len(as) != 2 || as[0].Name != "制御盤PLC" ||
		as[0].Criticality != "high" || as[0].Notes != "点検済み" || as[0].Line != 1 || as[1].IP != mustAddr("10.0.0.5") {
		t.Fatalf("Shift_JIS: %+v %s %q %v", as, enc, problems, err)
	}
	// Every bad line is reported with its number.
	_, _, problems, err = parseRegister([]byte("ip,name,criticality\n999.1.1.1,x,low\n10.0.0.1,y,urgent\n,z,\n10.0.0.2,ok,low\n"))
	if err != nil || strings.Join(problems, "|") != `line 2: ip: "999.1.1.1" is not an IP address|`+
		`line 3: criticality: "urgent" is not low, medium, high or critical|line 4: neither ip nor mac` {
		t.Fatalf("problems: %q %v", problems, err)
	}
	for in, msg := range map[string]string{
		"name,notes\nx,y\n":   "header: no ip or mac column",
		"\"unterminated\n":    `CSV: record on line 1; parse error on line 2, column 0: extended neither UTF-8`,
		"\xff\xfe\x00\x00abc": "the file is neither UTF-8 nor Shift_JIS text",
	} {
		if _, _, _, err := parseRegister([]byte(in)); err == nil || (err.Error() != msg && !strings.HasPrefix(err.Error(), "CSV: ")) {
			t.Errorf("%q: %v, want %s", in, err, msg)
		}
	}
}

func TestAssetRegister(t *testing.T) {
	e := newEnv(t)
	user, admin := e.login("alice"), e.login("admin")
	// Before any import.
	if r := e.get(user, "/api/v1/devices/register"); r.status != 200 || !strings.HasPrefix(r.body, `{"register":null,"matched":0,"differences":[],"unseen":[],"unregistered":[{`) {
		t.Fatalf("empty register: %d %s", r.status, r.body)
	}
	if r := e.put(user, "/api/v1/devices/register?file=assets.csv", "text/csv", registerCSV); r.status != 403 {
		t.Fatalf("user import: %d", r.status)
	}
	r := e.put(admin, "/api/v1/devices/register?file=assets.csv", "text/csv", registerCSV)
	if r.status != 200 || r.body != `{"entries":5}`+"\n" {
		t.Fatalf("admin import: %d %s", r.status, r.body)
	}
	if a := e.dev.lastAudit(); a.Actor != "admin" || a.Action != "asset_register.import" || a.Target != "assets.csv" || a.Detail != "5 entries, utf-8" {
		t.Fatalf("audit: %+v", a)
	}
	var rc struct {
		Register struct {
			File, By, Encoding string
			Entries            int
			Uploaded           string
		} `json:"register"`
		Matched     int `json:"matched"`
		Differences []struct {
			Asset  Asset       `json:"asset"`
			Device deviceRef   `json:"device"`
			Fields []fieldDiff `json:"fields"`
		} `json:"differences"`
		Unseen       []Asset     `json:"unseen"`
		Unregistered []deviceRef `json:"unregistered"`
	}
	getJSON(t, e, user, "/api/v1/devices/register", &rc)
	if rc.Register.File != "assets.csv" || rc.Register.By != "admin" || rc.Register.Entries != 5 ||
		rc.Register.Uploaded != "2026-11-27T12:00:00+09:00" || rc.Matched != 2 {
		t.Fatalf("register: %+v matched %d", rc.Register, rc.Matched)
	}
	// The workstation's MAC differs; the Q-PLC's MAC is registered at an
	// address where it was never seen.
	if len(rc.Differences) != 2 || rc.Differences[0].Asset.Line != 3 || rc.Differences[0].Device.Key != "line-1,,192.168.1.2" ||
		len(rc.Differences[0].Fields) != 1 || rc.Differences[0].Fields[0] != (fieldDiff{"mac", "00:0c:29:00:00:55", "00:0c:29:00:00:02"}) ||
		rc.Differences[1].Asset.Line != 7 || rc.Differences[1].Device.Key != "line-2,vlan+10,10.0.0.5" ||
		len(rc.Differences[1].Fields) != 1 || rc.Differences[1].Fields[0] != (fieldDiff{"ip", "192.168.1.60", "10.0.0.5"}) {
		t.Fatalf("differences: %+v", rc.Differences)
	}
	if len(rc.Unseen) != 1 || rc.Unseen[0].Line != 5 || rc.Unseen[0].Name != "old-hmi" {
		t.Fatalf("unseen: %+v", rc.Unseen)
	}
	if len(rc.Unregistered) != 1 || rc.Unregistered[0].IP != "192.168.1.200" {
		t.Fatalf("unregistered: %+v", rc.Unregistered)
	}

	// The page shows the same, and is CSP-clean with every table filled.
	for lang, crit := range map[string]string{"ja": "中", "en": "Medium"} {
		r := e.get(user, "/devices/register?lang="+lang)
		checkPage(t, "register "+lang, r.body)
		for _, s := range []string{`<td>old-hmi</td><td>` + crit + `</td>`, `<div class="big" id="register-matched">2</div>`,
			`<td class="num">3</td><td>`, `<td>00:0c:29:00:00:55</td><td>00:0c:29:00:00:02</td>`,
			`<tr data-href="/devices/line-1%2C%2C192.168.1.200">`} {
			if !strings.Contains(r.body, s) {
				t.Errorf("register page (%s) lacks %s", lang, s)
			}
		}
	}

	// A file with errors is refused as a whole and the register kept.
	r = e.put(admin, "/api/v1/devices/register", "text/csv", "ip,criticality\n10.0.0.1,urgent\n")
	if r.status != 400 || r.body != `{"error":"the register has errors; nothing was stored","problems":["line 2: criticality: \"urgent\" is not low, medium, high or critical"]}`+"\n" {
		t.Fatalf("bad import: %d %s", r.status, r.body)
	}
	if r := e.put(admin, "/api/v1/devices/register", "text/csv", "ip\n"); r.status != 400 || r.body != `{"error":"the file has no entries"}`+"\n" {
		t.Fatalf("empty import: %d %s", r.status, r.body)
	}
	var reg assetRegister
	if err := json.Unmarshal([]byte(e.dev.setting(1, "asset_register")), &reg); err != nil || len(reg.Assets) != 5 {
		t.Fatalf("stored register: %d assets, %v", len(reg.Assets), err)
	}

	// The page: upload form for admins, reconciliation for everyone.
	upload := func(c *http.Client, name string, content []byte) resp {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(content)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/devices/register?lang=ja", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return resp{res.StatusCode, res.Header, string(b)}
	}
	if r := upload(user, "a.csv", []byte(registerCSV)); r.status != 403 {
		t.Fatalf("user upload: %d", r.status)
	}
	sjis, _, _ := transform.Bytes(japanese.ShiftJIS.NewEncoder(), []byte("192.168.1.10,,制御盤PLC,高,\r\n"))
	r = upload(admin, "台帳.csv", sjis)
	for _, s := range []string{`<p class="flash info" id="register-saved">資産台帳を取り込みました。件数： 1</p>`,
		`<p id="register-info">台帳.csv — 2026-11-27 12:00:00 (admin) · 件数 1</p>`,
		`<div class="big" id="register-diff-count">1</div>`, `<td>制御盤PLC</td><td>PLC-A</td>`,
		`<div class="big" id="register-unregistered-count">4</div>`} {
		if !strings.Contains(r.body, s) {
			t.Errorf("page after upload lacks %s", s)
		}
	}
	if r.status != 200 || e.dev.lastAudit().Detail != "1 entries, shift_jis" {
		t.Fatalf("upload: %d %+v", r.status, e.dev.lastAudit())
	}
	r = upload(admin, "bad.csv", []byte("ip\nnot-an-ip\n"))
	if r.status != 400 || !strings.Contains(r.body, `<li>line 2: ip: &#34;not-an-ip&#34; is not an IP address</li>`) {
		t.Fatalf("bad upload: %d", r.status)
	}
	if r := e.get(user, "/devices/register?lang=en"); !strings.Contains(r.body, "Admins can import the asset register.") || strings.Contains(r.body, `id="register-form"`) {
		t.Errorf("user's register page")
	}
	// Tenant 2 has its own (empty) register.
	if r := e.get(e.login("bob"), "/api/v1/devices/register"); r.body != `{"register":null,"matched":0,"differences":[],"unseen":[],"unregistered":[]}`+"\n" {
		t.Errorf("tenant 2: %s", r.body)
	}
}

// TestDevicePagesAuthorization: each device route × role × signed out,
// with the exact status; other tenants' users get their own (empty) data.
func TestDevicePagesAuthorization(t *testing.T) {
	e := newEnv(t)
	clients := map[string]*http.Client{
		"out": e.client(), "user": e.login("alice"), "admin": e.login("admin"), "operator": e.login("op"), "other": e.login("bob"),
	}
	const ws = "line-1%2C%2C192.168.1.2"
	for _, rt := range []struct {
		method, path string
		want         map[string]int
	}{
		{"GET", "/devices/" + ws, map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 404}},
		{"GET", "/devices/groups", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"GET", "/devices/matrix", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"GET", "/devices/register", map[string]int{"out": 303, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"POST", "/devices/" + ws + "/notes", map[string]int{"out": 303, "user": 403, "admin": 303, "operator": 403, "other": 403}},
		{"POST", "/devices/register", map[string]int{"out": 303, "user": 403, "admin": 400, "operator": 403, "other": 403}},
		{"GET", "/api/v1/devices/" + ws, map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 404}},
		{"GET", "/api/v1/devices/" + ws + "/traffic", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 404}},
		{"GET", "/api/v1/devices/groups", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"GET", "/api/v1/devices/matrix", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"GET", "/api/v1/devices/register", map[string]int{"out": 401, "user": 200, "admin": 200, "operator": 403, "other": 200}},
		{"PUT", "/api/v1/devices/" + ws + "/notes", map[string]int{"out": 401, "user": 403, "admin": 200, "operator": 403, "other": 403}},
		{"PUT", "/api/v1/devices/register", map[string]int{"out": 401, "user": 403, "admin": 400, "operator": 403, "other": 403}},
	} {
		for who, c := range clients {
			var r resp
			switch rt.method {
			case "GET":
				r = e.get(c, rt.path)
			case "POST":
				r = e.post(c, rt.path, url.Values{"name": {"x"}})
			case "PUT":
				r = e.put(c, rt.path, "application/json", `{"name":"x"}`)
			}
			if r.status != rt.want[who] {
				t.Errorf("%s %s as %s: %d, want %d", rt.method, rt.path, who, r.status, rt.want[who])
			}
		}
	}
	// Bearer tokens reach the API (alice's token is a user's: read only).
	anon := e.client()
	if r := e.get(anon, "/api/v1/devices/"+ws, "Authorization", "Bearer "+goodToken); r.status != 200 {
		t.Errorf("bearer GET: %d", r.status)
	}
	if r := e.put(anon, "/api/v1/devices/"+ws+"/notes", "application/json", `{}`, "Authorization", "Bearer "+goodToken); r.status != 403 {
		t.Errorf("bearer PUT as user: %d", r.status)
	}
	// Cross-site writes are refused before anything else.
	if r := e.put(clients["admin"], "/api/v1/devices/"+ws+"/notes", "application/json", `{}`, "Sec-Fetch-Site", "cross-site"); r.status != 403 {
		t.Errorf("cross-site PUT: %d", r.status)
	}
}

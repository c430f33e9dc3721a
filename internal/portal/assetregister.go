package portal

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/transform"

	"github.com/otsight/otsight/internal/store"
)

// Asset register limits: a plant's register is hundreds to a few thousand
// lines.
const (
	maxRegisterBytes   = 4 << 20
	maxRegisterEntries = 20000
	maxRegisterErrors  = 20
)

// Asset is one line of the customer's asset register.
type Asset struct {
	Line        int        `json:"line"` // in the uploaded file, header included
	IP          netip.Addr `json:"ip,omitzero"`
	MAC         string     `json:"mac,omitempty"` // aa:bb:cc:dd:ee:ff
	Name        string     `json:"name,omitempty"`
	Criticality string     `json:"criticality,omitempty"`
	Notes       string     `json:"notes,omitempty"`
}

// assetRegister is the stored register: the last upload replaces the one
// before.
type assetRegister struct {
	File     string    `json:"file"`
	Uploaded time.Time `json:"uploaded"`
	By       string    `json:"by"`
	Encoding string    `json:"encoding"` // utf-8 or shift_jis
	Assets   []Asset   `json:"assets"`
}

// registerColumns maps the header names a register may use, in English or
// Japanese, to the fields; a file without a header has the columns in this
// order: ip, mac, name, criticality, notes.
var registerColumns = map[string]string{
	"ip": "ip", "ip address": "ip", "ipaddress": "ip", "ipアドレス": "ip", "アドレス": "ip",
	"mac": "mac", "mac address": "mac", "macaddress": "mac", "macアドレス": "mac",
	"name": "name", "device name": "name", "host": "name", "hostname": "name", "機器名": "name", "名称": "name", "ホスト名": "name",
	"criticality": "criticality", "重要度": "criticality",
	"notes": "notes", "note": "notes", "memo": "notes", "メモ": "notes", "備考": "notes",
}

var registerOrder = []string{"ip", "mac", "name", "criticality", "notes"}

// registerCriticality reads a criticality in English or Japanese.
var registerCriticality = map[string]string{
	"low": "low", "medium": "medium", "high": "high", "critical": "critical",
	"低": "low", "中": "medium", "高": "high", "最重要": "critical",
}

// decodeRegister returns the file as UTF-8 without BOM, and the encoding
// it was in: UTF-8 (with or without BOM), else Shift_JIS (what Excel in
// Japan saves as "CSV").
func decodeRegister(b []byte) (string, string, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if utf8.Valid(b) {
		return string(b), "utf-8", nil
	}
	out, _, err := transform.Bytes(japanese.ShiftJIS.NewDecoder(), b)
	// The decoder turns bytes that are not Shift_JIS into U+FFFD.
	if err != nil || !utf8.Valid(out) || bytes.ContainsRune(out, utf8.RuneError) {
		return "", "", badInput("the file is neither UTF-8 nor Shift_JIS text")
	}
	return string(out), "shift_jis", nil
}

// parseRegister reads a register CSV; every line is checked and the first
// errors returned together, so a person can fix the file in one go.
func parseRegister(b []byte) ([]Asset, string, []string, error) {
	text, enc, err := decodeRegister(b)
	if err != nil {
		return nil, "", nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var assets []Asset
	var problems []string
	cols := registerOrder
	line := 0
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, enc, nil, badInput("CSV: %v", err)
		}
		line, _ = cr.FieldPos(0)
		if line == 1 && isRegisterHeader(rec) {
			cols = make([]string, len(rec))
			for i, h := range rec {
				cols[i] = registerColumns[normHeader(h)]
			}
			if !slices.Contains(cols, "ip") && !slices.Contains(cols, "mac") {
				return nil, enc, nil, badInput("header: no ip or mac column")
			}
			continue
		}
		if allBlank(rec) {
			continue
		}
		a, err := assetOf(rec, cols)
		a.Line = line
		if err != nil {
			if len(problems) < maxRegisterErrors {
				problems = append(problems, fmt.Sprintf("line %d: %v", line, err))
			}
			continue
		}
		assets = append(assets, a)
		if len(assets) > maxRegisterEntries {
			return nil, enc, nil, badInput("more than %d entries", maxRegisterEntries)
		}
	}
	return assets, enc, problems, nil
}

func normHeader(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(strings.TrimSpace(h)), " "))
}

// isRegisterHeader: a first line naming known columns and no address is a
// header.
func isRegisterHeader(rec []string) bool {
	known := 0
	for _, h := range rec {
		if _, ok := registerColumns[normHeader(h)]; ok {
			known++
		}
		if _, err := netip.ParseAddr(strings.TrimSpace(h)); err == nil {
			return false
		}
	}
	return known > 0
}

func allBlank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func assetOf(rec []string, cols []string) (Asset, error) {
	var a Asset
	for i, f := range rec {
		if i >= len(cols) {
			break
		}
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		switch cols[i] {
		case "ip":
			ip, err := netip.ParseAddr(f)
			if err != nil {
				return a, fmt.Errorf("ip: %q is not an IP address", f)
			}
			a.IP = ip.Unmap()
		case "mac":
			m, err := parseMAC(f)
			if err != nil {
				return a, fmt.Errorf("mac: %w", err)
			}
			a.MAC = m.String()
		case "name":
			a.Name = f
		case "criticality":
			c, ok := registerCriticality[strings.ToLower(f)]
			if !ok {
				return a, fmt.Errorf("criticality: %q is not low, medium, high or critical", f)
			}
			a.Criticality = c
		case "notes":
			a.Notes = f
		}
	}
	if !a.IP.IsValid() && a.MAC == "" {
		return a, errors.New("neither ip nor mac")
	}
	return a, nil
}

// reconciliation compares the register with the inventory.
type reconciliation struct {
	Register     *registerInfo `json:"register"` // null before the first upload
	Matched      int           `json:"matched"`  // registered and seen, no differences
	Differences  []assetDiff   `json:"differences"`
	Unseen       []Asset       `json:"unseen"`       // registered but not seen
	Unregistered []deviceRef   `json:"unregistered"` // seen but not registered
	// For the page.
	Problems []string          `json:"-"`
	Saved    int               `json:"-"`
	CanEdit  bool              `json:"-"`
	Crit     map[string]string `json:"-"` // criticality → label
}

type registerInfo struct {
	File     string    `json:"file"`
	Uploaded time.Time `json:"uploaded"`
	By       string    `json:"by"`
	Encoding string    `json:"encoding"`
	Entries  int       `json:"entries"`
	Text     string    `json:"-"`
}

// assetDiff is a registered asset seen with other details.
type assetDiff struct {
	Asset  Asset       `json:"asset"`
	Device deviceRef   `json:"device"`
	Fields []fieldDiff `json:"fields"`
}

type fieldDiff struct {
	Field      string `json:"field"` // ip, mac, name
	Registered string `json:"registered"`
	Seen       string `json:"seen"`
}

// reconcile matches each asset with the devices of its IP address (any
// sensor), else with the devices bound to its MAC. A device is registered
// when some asset matched it.
func reconcile(assets []Asset, devs []InventoryDevice, notes map[string]DeviceNote) reconciliation {
	rc := reconciliation{Differences: []assetDiff{}, Unseen: []Asset{}, Unregistered: []deviceRef{}}
	byIP := map[netip.Addr][]int{}
	byMAC := map[string][]int{}
	refs := make([]deviceRef, len(devs))
	for i, d := range devs {
		refs[i] = refOf(d, notes)
		if a, err := netip.ParseAddr(refs[i].IP); err == nil && !d.Device.Internet {
			byIP[a] = append(byIP[a], i)
		}
		for _, b := range d.Device.MACs {
			byMAC[b.MAC.String()] = append(byMAC[b.MAC.String()], i)
		}
		if refs[i].MAC != "" && len(d.Device.MACs) == 0 {
			byMAC[refs[i].MAC] = append(byMAC[refs[i].MAC], i)
		}
	}
	registered := make([]bool, len(devs))
	for _, a := range assets {
		var hits []int
		if a.IP.IsValid() {
			hits = byIP[a.IP]
		}
		// No device at the registered address: the registered MAC may be
		// seen elsewhere (renumbered, or a typo in the register).
		byAddr := len(hits) > 0
		if !byAddr && a.MAC != "" {
			hits = slices.Compact(slices.Sorted(slices.Values(byMAC[a.MAC])))
		}
		if len(hits) == 0 {
			rc.Unseen = append(rc.Unseen, a)
			continue
		}
		for _, i := range hits {
			registered[i] = true
			var fs []fieldDiff
			r := refs[i]
			if a.MAC != "" && r.MAC != "" && a.MAC != r.MAC {
				fs = append(fs, fieldDiff{"mac", a.MAC, r.MAC})
			}
			if !byAddr && r.IP != "" {
				fs = append(fs, fieldDiff{"ip", ipText(a.IP), r.IP})
			}
			if a.Name != "" && r.Name != "" && !strings.EqualFold(a.Name, r.Name) {
				fs = append(fs, fieldDiff{"name", a.Name, r.Name})
			}
			if len(fs) == 0 {
				rc.Matched++
				continue
			}
			rc.Differences = append(rc.Differences, assetDiff{Asset: a, Device: r, Fields: fs})
		}
	}
	for i, d := range devs {
		if registered[i] || d.Device.Internet {
			continue
		}
		rc.Unregistered = append(rc.Unregistered, refs[i])
	}
	slices.SortFunc(rc.Unregistered, func(a, b deviceRef) int {
		return cmp.Or(compareIPText(a.IP, b.IP), strings.Compare(a.MAC, b.MAC), strings.Compare(a.Sensor, b.Sensor))
	})
	return rc
}

func (p *Portal) reconciliation(r *http.Request, rq *request) (reconciliation, error) {
	ctx := r.Context()
	scope := store.ForTenant(rq.user.Tenant)
	st, err := p.deps.Device.state()
	if err != nil {
		return reconciliation{}, err
	}
	inv, err := p.deps.Device.inventory()
	if err != nil {
		return reconciliation{}, err
	}
	var reg assetRegister
	if err := loadSetting(ctx, st, scope, settingAssetRegister, &reg); err != nil {
		return reconciliation{}, err
	}
	devs, err := inv.InventoryDevices(ctx, scope)
	if err != nil {
		return reconciliation{}, fmt.Errorf("inventory: %w", err)
	}
	notes, err := p.deviceNotes(ctx, scope)
	if err != nil {
		return reconciliation{}, err
	}
	rc := reconcile(reg.Assets, devs, notes)
	if !reg.Uploaded.IsZero() {
		rc.Register = &registerInfo{File: reg.File, Uploaded: reg.Uploaded.In(rq.loc), By: reg.By, Encoding: reg.Encoding,
			Entries: len(reg.Assets), Text: localTime(reg.Uploaded, rq.loc, layoutSecond)}
	}
	return rc, nil
}

// importRegister checks and stores an uploaded register, replacing the
// last, and audits it. The problems are the refused lines: with any, the
// register is not stored.
func (p *Portal) importRegister(r *http.Request, rq *request, file string, b []byte) (int, []string, error) {
	assets, enc, problems, err := parseRegister(b)
	if err != nil || len(problems) > 0 {
		return 0, problems, err
	}
	if len(assets) == 0 {
		return 0, nil, badInput("the file has no entries")
	}
	st, err := p.deps.Device.state()
	if err != nil {
		return 0, nil, err
	}
	ctx := r.Context()
	scope := store.ForTenant(rq.user.Tenant)
	reg := assetRegister{File: file, Uploaded: p.cfg.Now().UTC(), By: rq.user.Login, Encoding: enc, Assets: assets}
	settingsMu.Lock()
	defer settingsMu.Unlock()
	if err := saveSetting(ctx, st, scope, settingAssetRegister, reg); err != nil {
		return 0, nil, err
	}
	err = st.Audit(ctx, scope, store.AuditEntry{Tenant: rq.user.Tenant, Time: p.cfg.Now(), Actor: rq.user.Login,
		Action: "asset_register.import", Target: file, Detail: fmt.Sprintf("%d entries, %s", len(assets), enc)})
	if err != nil {
		return 0, nil, fmt.Errorf("audit: %w", err)
	}
	return len(assets), nil, nil
}

func (p *Portal) registerPage(w http.ResponseWriter, r *http.Request, rq *request) {
	p.renderRegister(w, r, rq, http.StatusOK, nil, 0)
}

func (p *Portal) renderRegister(w http.ResponseWriter, r *http.Request, rq *request, status int, problems []string, saved int) {
	rc, err := p.reconciliation(r, rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	rc.Problems, rc.Saved, rc.CanEdit = problems, saved, rq.user.Role == store.RoleAdmin
	c := p.pages.cats[rq.lang]
	rc.Crit = map[string]string{}
	for _, v := range criticalities {
		rc.Crit[v] = c.criticalityLabel(v)
	}
	p.render(w, r, status, "device_register", "device_register", rc)
}

// registerUpload takes the page's multipart form (admins).
func (p *Portal) registerUpload(w http.ResponseWriter, r *http.Request, rq *request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxRegisterBytes+64<<10)
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.renderRegister(w, r, rq, http.StatusBadRequest, []string{"file: " + err.Error()}, 0)
		return
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxRegisterBytes+1))
	if err != nil || len(b) > maxRegisterBytes {
		p.renderRegister(w, r, rq, http.StatusBadRequest, []string{fmt.Sprintf("file: larger than %d MiB", maxRegisterBytes>>20)}, 0)
		return
	}
	n, problems, err := p.importRegister(r, rq, hdr.Filename, b)
	switch {
	case isInputError(err):
		p.renderRegister(w, r, rq, http.StatusBadRequest, []string{err.Error()}, 0)
	case err != nil:
		p.internalError(w, r, err)
	case len(problems) > 0:
		p.renderRegister(w, r, rq, http.StatusBadRequest, problems, 0)
	default:
		p.renderRegister(w, r, rq, http.StatusOK, nil, n)
	}
}

func (p *Portal) registerAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	rc, err := p.reconciliation(r, rq)
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, rc)
}

// registerImportAPI is PUT /api/v1/devices/register with the CSV as the
// body (admins); ?file= names it in the audit log.
func (p *Portal) registerImportAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxRegisterBytes+1))
	if err != nil || len(b) > maxRegisterBytes {
		writeJSONError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body: larger than %d MiB", maxRegisterBytes>>20))
		return
	}
	file := r.URL.Query().Get("file")
	if file == "" {
		file = "api"
	}
	n, problems, err := p.importRegister(r, rq, file, b)
	switch {
	case isInputError(err):
		writeJSONError(w, http.StatusBadRequest, err.Error())
	case err != nil:
		p.internalAPIError(w, r, err)
	case len(problems) > 0:
		writeJSON(w, http.StatusBadRequest, struct {
			Error    string   `json:"error"`
			Problems []string `json:"problems"`
		}{"the register has errors; nothing was stored", problems})
	default:
		writeJSON(w, http.StatusOK, struct {
			Entries int `json:"entries"`
		}{n})
	}
}

package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// S1-1 settings of a tenant (admins only): time zone, Internet addresses
// shown apart or folded into one node, sensor-health notifications per
// sensor and the address they go to. Every change is audited.

// Settings keys of the tenant (store.State settings). The server's Tenants
// adapter overlays time_zone and fold_internet on store.Tenant, which has
// no update method.
const (
	settingTimeZone     = "time_zone"     // JSON string, IANA zone
	settingFoldInternet = "fold_internet" // JSON bool
	settingNotifyEmail  = "notify_email"  // JSON string, "" for the tenant's admins
)

// timeZones offered by the page; the API takes any IANA name.
var timeZones = []string{
	"Asia/Tokyo", "Asia/Seoul", "Asia/Shanghai", "Asia/Taipei", "Asia/Singapore", "Asia/Bangkok",
	"Asia/Ho_Chi_Minh", "Asia/Jakarta", "Asia/Kolkata", "Australia/Sydney", "Europe/London",
	"Europe/Berlin", "America/New_York", "America/Chicago", "America/Los_Angeles", "UTC",
}

type sensorMonitor struct {
	ID         store.SensorID `json:"id"`
	Name       string         `json:"name"`
	Monitoring bool           `json:"monitoring"`
	Revoked    bool           `json:"revoked"`
}

type settingsModel struct {
	TimeZone     string          `json:"time_zone"`
	FoldInternet bool            `json:"fold_internet"`
	NotifyEmail  string          `json:"notify_email"` // "" : the tenant's admins
	Sensors      []sensorMonitor `json:"sensors"`
	// For the page.
	Zones []string `json:"-"`
	Flash *flash   `json:"-"`
}

// settingsInput is a change; nil members stay as they are. Monitoring maps
// sensor IDs (decimal) to on or off.
type settingsInput struct {
	TimeZone     *string         `json:"time_zone"`
	FoldInternet *bool           `json:"fold_internet"`
	NotifyEmail  *string         `json:"notify_email"`
	Monitoring   map[string]bool `json:"monitoring"`
}

func (p *Portal) settings(ctx context.Context, rq *request) (settingsModel, error) {
	st := p.deps.Admin.State
	if st == nil {
		return settingsModel{}, missingDep("State")
	}
	sc := store.ForTenant(rq.user.Tenant)
	kv, err := st.Settings(ctx, sc)
	if err != nil {
		return settingsModel{}, fmt.Errorf("settings: %w", err)
	}
	m := settingsModel{TimeZone: tenantLocation(rq.tenant).String(), FoldInternet: rq.tenant.FoldInternet, Sensors: []sensorMonitor{}}
	var errs []error
	if v, ok := kv[settingTimeZone]; ok {
		errs = append(errs, json.Unmarshal(v, &m.TimeZone))
	}
	if v, ok := kv[settingFoldInternet]; ok {
		errs = append(errs, json.Unmarshal(v, &m.FoldInternet))
	}
	if v, ok := kv[settingNotifyEmail]; ok {
		errs = append(errs, json.Unmarshal(v, &m.NotifyEmail))
	}
	if err := errors.Join(errs...); err != nil {
		return settingsModel{}, fmt.Errorf("settings: %w", err)
	}
	sensors, err := p.deps.Tenants.Sensors(ctx, sc)
	if err != nil {
		return settingsModel{}, fmt.Errorf("sensors: %w", err)
	}
	for _, s := range sensors {
		m.Sensors = append(m.Sensors, sensorMonitor{ID: s.ID, Name: s.Name, Monitoring: s.Monitoring, Revoked: s.Revoked})
	}
	m.Zones = timeZones
	if !slices.Contains(m.Zones, m.TimeZone) {
		m.Zones = append([]string{m.TimeZone}, timeZones...)
	}
	return m, nil
}

// applySettings validates a change, then stores and audits what differs.
func (p *Portal) applySettings(ctx context.Context, rq *request, in settingsInput) (settingsModel, error) {
	cur, err := p.settings(ctx, rq)
	if err != nil {
		return settingsModel{}, err
	}
	if in.TimeZone != nil {
		z := strings.TrimSpace(*in.TimeZone)
		if _, err := time.LoadLocation(z); err != nil || z == "" || z == "Local" {
			return settingsModel{}, fmt.Errorf("%w: time zone %q", errBadInput, z)
		}
		in.TimeZone = &z
	}
	if in.NotifyEmail != nil {
		e := strings.TrimSpace(*in.NotifyEmail)
		if e != "" {
			a, err := mail.ParseAddress(e)
			if err != nil || a.Address != e {
				return settingsModel{}, fmt.Errorf("%w: e-mail address %q", errBadInput, e)
			}
		}
		in.NotifyEmail = &e
	}
	monitor := map[store.SensorID]bool{}
	for k, on := range in.Monitoring {
		id, err := strconv.ParseInt(k, 10, 64)
		i := slices.IndexFunc(cur.Sensors, func(s sensorMonitor) bool { return int64(s.ID) == id })
		if err != nil || i < 0 {
			return settingsModel{}, fmt.Errorf("%w: no sensor %q in this tenant", errBadInput, k)
		}
		if cur.Sensors[i].Monitoring != on && !cur.Sensors[i].Revoked {
			monitor[store.SensorID(id)] = on
		}
	}

	st, sc := p.deps.Admin.State, store.ForTenant(rq.user.Tenant)
	put := func(key string, old, v any) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		if err := st.PutSetting(ctx, sc, key, b); err != nil {
			return fmt.Errorf("setting %s: %w", key, err)
		}
		ob, _ := json.Marshal(old)
		return p.auditAdmin(ctx, rq, "settings.change", key, string(ob)+" -> "+string(b))
	}
	if in.TimeZone != nil && *in.TimeZone != cur.TimeZone {
		if err := put(settingTimeZone, cur.TimeZone, *in.TimeZone); err != nil {
			return settingsModel{}, err
		}
	}
	if in.FoldInternet != nil && *in.FoldInternet != cur.FoldInternet {
		if err := put(settingFoldInternet, cur.FoldInternet, *in.FoldInternet); err != nil {
			return settingsModel{}, err
		}
	}
	if in.NotifyEmail != nil && *in.NotifyEmail != cur.NotifyEmail {
		if err := put(settingNotifyEmail, cur.NotifyEmail, *in.NotifyEmail); err != nil {
			return settingsModel{}, err
		}
	}
	for _, s := range cur.Sensors { // in the list's order, so the audit log is too
		on, ok := monitor[s.ID]
		if !ok {
			continue
		}
		v, err := st.Sensor(ctx, sc, s.ID)
		if err != nil {
			return settingsModel{}, fmt.Errorf("sensor %d: %w", s.ID, err)
		}
		v.Monitoring = on
		if err := st.UpdateSensor(ctx, sc, v); err != nil {
			return settingsModel{}, fmt.Errorf("sensor %d: %w", s.ID, err)
		}
		if err := p.auditAdmin(ctx, rq, "sensor.monitor", "sensor:"+strconv.FormatInt(int64(s.ID), 10),
			fmt.Sprintf("name=%q monitoring=%t", s.Name, on)); err != nil {
			return settingsModel{}, err
		}
	}
	return p.settings(ctx, rq)
}

// auditAdmin writes a change made in the portal to the tenant's audit log.
func (p *Portal) auditAdmin(ctx context.Context, rq *request, action, target, detail string) error {
	err := p.deps.Admin.State.Audit(ctx, store.ForTenant(rq.user.Tenant), store.AuditEntry{
		Tenant: rq.user.Tenant, Time: p.cfg.Now(), Actor: rq.user.Login, Action: action, Target: target, Detail: detail,
	})
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

func (p *Portal) drawSettings(w http.ResponseWriter, r *http.Request, rq *request, status int, f *flash) {
	m, err := p.settings(r.Context(), rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	m.Flash = f
	p.render(w, r, status, "settings", "settings", m)
}

func (p *Portal) settingsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	var f *flash
	if r.URL.Query().Get("done") == "saved" {
		f = p.note(r, "settings.saved")
	}
	p.drawSettings(w, r, rq, http.StatusOK, f)
}

// settingsSubmit takes the whole form: an unticked box is off.
func (p *Portal) settingsSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	if err := r.ParseForm(); err != nil {
		p.errorPage(w, r, http.StatusBadRequest)
		return
	}
	cur, err := p.settings(r.Context(), rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	tz, mailTo := r.PostForm.Get("time_zone"), r.PostForm.Get("notify_email")
	fold := r.PostForm.Get("fold_internet") == "on"
	in := settingsInput{TimeZone: &tz, FoldInternet: &fold, NotifyEmail: &mailTo, Monitoring: map[string]bool{}}
	for _, s := range cur.Sensors {
		if !s.Revoked {
			k := strconv.FormatInt(int64(s.ID), 10)
			in.Monitoring[k] = r.PostForm.Get("monitor_"+k) == "on"
		}
	}
	if _, err := p.applySettings(r.Context(), rq, in); err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawSettings(w, r, rq, status, &fl) })
		return
	}
	http.Redirect(w, r, "/settings?done=saved", http.StatusSeeOther)
}

func (p *Portal) settingsAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.settings(r.Context(), rq)
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

func (p *Portal) settingsPutAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	var in settingsInput
	if err := decodeJSON(r, &in); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	m, err := p.applySettings(r.Context(), rq, in)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

package portal

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Operator console: every tenant with its sensors and their health, tenant
// creation with the activation information shown once, sensor enrolment
// and revocation.

// sensorState is a sensor as the operator console shows it.
type sensorState struct {
	ID         store.SensorID `json:"id"`
	TenantID   store.TenantID `json:"tenant_id"`
	Tenant     string         `json:"tenant"`
	Name       string         `json:"name"`
	Status     string         `json:"status"` // ok, fault, never, revoked
	Enrolled   bool           `json:"enrolled"`
	Monitoring bool           `json:"monitoring"`
	LastUpload *time.Time     `json:"last_upload"`
	// SilenceSeconds is the time since the last upload, -1 when never.
	SilenceSeconds int64    `json:"silence_seconds"`
	ClockSkew      *float64 `json:"clock_skew_seconds"` // null when unknown
	KernelDrops    uint64   `json:"kernel_drops"`
	Drops          uint64   `json:"drops"`
	Faults         []string `json:"faults"`

	LastUploadText string `json:"-"`
	SilenceText    string `json:"-"`
	SkewText       string `json:"-"`
}

// tenantSummary is a tenant with its sensors.
type tenantSummary struct {
	ID          store.TenantID `json:"id"`
	Name        string         `json:"name"`
	MaxSensors  int            `json:"max_sensors"`
	MaxUsers    int            `json:"max_users"`
	TimeZone    string         `json:"time_zone"`
	Created     time.Time      `json:"created"`
	Sensors     []sensorState  `json:"sensors"`
	Faulty      int            `json:"faulty_sensors"`
	CreatedText string         `json:"-"`
}

// operatorModel is the console's home (GET /operator, /api/v1/operator/tenants).
type operatorModel struct {
	Now     time.Time       `json:"now"`
	Tenants []tenantSummary `json:"tenants"`
	// For the page.
	Flash  *flash     `json:"-"`
	Form   tenantForm `json:"-"`
	Counts []int      `json:"-"` // the sensor counts a tenant may have
}

// providerSensors is the provider-wide view of every sensor.
type providerSensors struct {
	Now     time.Time     `json:"now"`
	Sensors []sensorState `json:"sensors"`
}

// tenantDetail is one tenant (GET /operator/tenants/{id}).
type tenantDetail struct {
	Tenant tenantSummary `json:"tenant"`
	// For the page.
	Flash     *flash           `json:"-"`
	Enrolment *enrolmentResult `json:"-"`
	CanEnrol  bool             `json:"-"`
}

// overview joins the tenants, their sensors and the health report.
func (p *Portal) overview(ctx context.Context, lang string) ([]tenantSummary, error) {
	ad := p.deps.Admin
	if ad.Provider == nil {
		return nil, missingDep("Provider")
	}
	if ad.Health == nil {
		return nil, missingDep("Health")
	}
	tenants, err := ad.Provider.Tenants(ctx)
	if err != nil {
		return nil, fmt.Errorf("tenants: %w", err)
	}
	report, err := ad.Health.SensorHealth(ctx)
	if err != nil {
		return nil, fmt.Errorf("sensor health: %w", err)
	}
	health := make(map[store.SensorID]SensorHealth, len(report))
	for _, h := range report {
		health[h.Sensor] = h
	}
	now := p.cfg.Now()
	c := p.pages.cats[lang]
	out := make([]tenantSummary, 0, len(tenants))
	for _, t := range tenants {
		sensors, err := p.deps.Tenants.Sensors(ctx, store.ForTenant(t.ID))
		if err != nil {
			return nil, fmt.Errorf("sensors of tenant %d: %w", t.ID, err)
		}
		loc := tenantLocation(t)
		ts := tenantSummary{ID: t.ID, Name: t.Name, MaxSensors: t.MaxSensors, MaxUsers: t.MaxUsers,
			TimeZone: loc.String(), Created: t.Created.In(loc), CreatedText: localTime(t.Created, loc, layoutMinute),
			Sensors: make([]sensorState, 0, len(sensors))}
		for _, s := range sensors {
			h, ok := health[s.ID]
			if ok && h.Tenant != t.ID {
				ok = false // a report that does not match the store is not trusted
			}
			st := sensorStateOf(t, s, h, ok, now, loc, c)
			if st.Status == "fault" {
				ts.Faulty++
			}
			ts.Sensors = append(ts.Sensors, st)
		}
		out = append(out, ts)
	}
	slices.SortFunc(out, func(a, b tenantSummary) int { return int(a.ID - b.ID) })
	return out, nil
}

// sensorStateOf combines a sensor with its health line (ok false: none).
func sensorStateOf(t store.Tenant, s store.Sensor, h SensorHealth, ok bool, now time.Time, loc *time.Location, c catalogue) sensorState {
	st := sensorState{ID: s.ID, TenantID: t.ID, Tenant: t.Name, Name: s.Name, Enrolled: s.CertSerial != "",
		Monitoring: s.Monitoring, SilenceSeconds: -1, Faults: []string{}}
	last := s.LastUpload
	if ok {
		if h.LastUpload.After(last) {
			last = h.LastUpload
		}
		st.KernelDrops, st.Drops = h.KernelDrops, h.Drops
		st.Faults = append(st.Faults, h.Faults...)
		if h.ClockKnown {
			v := h.ClockSkew.Seconds()
			st.ClockSkew = &v
			st.SkewText = strconv.FormatFloat(v, 'f', 1, 64) + c.text("unit.s")
		}
	}
	if !last.IsZero() {
		l := last.In(loc)
		st.LastUpload = &l
		st.LastUploadText = localTime(last, loc, layoutSecond)
		silence := now.Sub(last)
		if silence < 0 {
			silence = 0
		}
		st.SilenceSeconds = int64(silence / time.Second)
		st.SilenceText = durationText(silence, c)
	}
	switch {
	case s.Revoked:
		st.Status = "revoked"
		st.Faults = []string{}
	case len(st.Faults) > 0:
		st.Status = "fault"
	case last.IsZero():
		st.Status = "never"
	default:
		st.Status = "ok"
	}
	return st
}

// durationText writes a duration in its two largest units ("3時間20分",
// "3 h 20 min"), seconds only below a minute.
func durationText(d time.Duration, c catalogue) string {
	s := int64(d / time.Second)
	days, hours, mins := s/86400, s%86400/3600, s%3600/60
	n := func(v int64) string { return strconv.FormatInt(v, 10) }
	var out string
	switch {
	case days > 0:
		out = n(days) + c.text("unit.d") + n(hours) + c.text("unit.h")
	case hours > 0:
		out = n(hours) + c.text("unit.h") + n(mins) + c.text("unit.min")
	case mins > 0:
		out = n(mins) + c.text("unit.min")
	default:
		out = n(s) + c.text("unit.s")
	}
	return strings.TrimSpace(out)
}

func (p *Portal) operatorPage(w http.ResponseWriter, r *http.Request, rq *request) {
	p.drawOperator(w, r, rq, http.StatusOK, nil, tenantForm{Sensors: 1})
}

func (p *Portal) drawOperator(w http.ResponseWriter, r *http.Request, rq *request, status int, f *flash, form tenantForm) {
	ts, err := p.overview(r.Context(), rq.lang)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	counts := make([]int, store.DefaultMaxSensors)
	for i := range counts {
		counts[i] = i + 1
	}
	p.render(w, r, status, "operator", "operator", operatorModel{Now: p.cfg.Now().In(rq.loc), Tenants: ts, Flash: f, Form: form, Counts: counts})
}

func (p *Portal) operatorAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	ts, err := p.overview(r.Context(), rq.lang)
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, operatorModel{Now: p.cfg.Now().In(rq.loc), Tenants: ts})
}

// allSensors flattens the overview: the provider-wide sensor view.
func (p *Portal) allSensors(r *http.Request, rq *request) (providerSensors, error) {
	ts, err := p.overview(r.Context(), rq.lang)
	if err != nil {
		return providerSensors{}, err
	}
	out := providerSensors{Now: p.cfg.Now().In(rq.loc), Sensors: []sensorState{}}
	for _, t := range ts {
		out.Sensors = append(out.Sensors, t.Sensors...)
	}
	return out, nil
}

func (p *Portal) providerSensorsPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.allSensors(r, rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "provider_sensors", "provider_sensors", m)
}

func (p *Portal) providerSensorsAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.allSensors(r, rq)
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

// tenantOf finds one tenant of the overview: store.ErrNotFound when absent.
func (p *Portal) tenantOf(r *http.Request, rq *request) (tenantSummary, error) {
	id, err := pathID(r, "tenant")
	if err != nil {
		return tenantSummary{}, err
	}
	ts, err := p.overview(r.Context(), rq.lang)
	if err != nil {
		return tenantSummary{}, err
	}
	for _, t := range ts {
		if t.ID == store.TenantID(id) {
			return t, nil
		}
	}
	return tenantSummary{}, fmt.Errorf("tenant %d: %w", id, store.ErrNotFound)
}

func (p *Portal) drawTenant(w http.ResponseWriter, r *http.Request, rq *request, status int, f *flash, e *enrolmentResult) {
	t, err := p.tenantOf(r, rq)
	if err != nil {
		if s, _ := accountError(err); s != http.StatusInternalServerError {
			p.errorPage(w, r, s)
			return
		}
		p.internalError(w, r, err)
		return
	}
	m := tenantDetail{Tenant: t, Flash: f, Enrolment: e, CanEnrol: len(t.Sensors) < t.MaxSensors}
	p.render(w, r, status, "operator_tenant", "operator", m)
}

func (p *Portal) tenantPageOp(w http.ResponseWriter, r *http.Request, rq *request) {
	var f *flash
	if r.URL.Query().Get("done") == "revoked" {
		f = p.note(r, "operator.revoked")
	}
	p.drawTenant(w, r, rq, http.StatusOK, f, nil)
}

func (p *Portal) tenantAPIOp(w http.ResponseWriter, r *http.Request, rq *request) {
	t, err := p.tenantOf(r, rq)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, tenantDetail{Tenant: t})
}

// portalURL is the address customers reach the portal at: the one the
// operator is using now (the portal is served over TLS).
func portalURL(r *http.Request) string {
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\ ") {
		host = "localhost"
	}
	return "https://" + host + "/"
}

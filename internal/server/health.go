package server

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/notify"
	"github.com/otsight/otsight/internal/store"
)

// Health checks of a sensor (docs/operations.md).
const (
	CheckSilent       = "silent"        // no upload for SilenceAfter
	CheckStaleData    = "stale_data"    // newest data older than StaleData (SPEC 5.6.1)
	CheckTransferSlow = "transfer_slow" // a batch later than TransferLag while data was lost (SPEC 5.6.1)
	CheckClockSkew    = "clock_skew"    // sensor clock off by more than ClockSkew
	CheckKernelDrops  = "kernel_drops"  // the last batch reports frames the kernel dropped
)

// SensorHealth is the state of one sensor in /healthz.
type SensorHealth struct {
	Tenant      string    `json:"tenant"`
	TenantID    int64     `json:"tenant_id"`
	Sensor      string    `json:"sensor"`
	SensorID    int64     `json:"sensor_id"`
	Monitoring  bool      `json:"monitoring"`
	LastUpload  time.Time `json:"last_upload,omitzero"`
	DataEnd     time.Time `json:"data_end,omitzero"`
	ClockSkew   float64   `json:"clock_skew_seconds"`
	KernelDrops uint64    `json:"kernel_drops"`
	Drops       uint64    `json:"drops"`
	Faults      []string  `json:"faults"`
}

// HealthReport is the body of /healthz.
type HealthReport struct {
	Status  string         `json:"status"` // ok or fault
	Time    time.Time      `json:"time"`
	Sensors []SensorHealth `json:"sensors"`
}

// monitor runs the health checks, raises sensor-health events on changes
// for sensors with monitoring on, and keeps the last report for /healthz
// and the metrics.
type monitor struct {
	cfg    HealthConfig
	mailer *notify.Mailer
	st     store.Backend
	ing    *ingest.Server
	obs    *observations
	now    func() time.Time
	log    *slog.Logger
	events *prometheus.CounterVec // check

	mu     sync.Mutex
	last   HealthReport
	faults map[store.SensorID][]string // as last evaluated, for transitions
}

func newMonitor(cfg HealthConfig, mailer *notify.Mailer, st store.Backend, ing *ingest.Server, obs *observations, now func() time.Time, log *slog.Logger) *monitor {
	return &monitor{
		cfg: cfg, mailer: mailer, st: st, ing: ing, obs: obs, now: now, log: log,
		events: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "otsight", Subsystem: "health", Name: "events_total",
			Help: "Sensor-health events raised (a check starting to fail on a monitored sensor).",
		}, []string{"check"}),
		faults: map[store.SensorID][]string{},
	}
}

// run checks every CheckEvery until ctx ends.
func (m *monitor) run(ctx context.Context) {
	t := time.NewTicker(m.cfg.CheckEvery)
	defer t.Stop()
	for {
		if _, err := m.check(ctx); err != nil && ctx.Err() == nil {
			m.log.Error("health check", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// report returns the last evaluation.
func (m *monitor) report() HealthReport {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}

// check evaluates every sensor of every tenant and raises the events of
// the changes since the previous evaluation.
func (m *monitor) check(ctx context.Context) (HealthReport, error) {
	now := m.now()
	rep := HealthReport{Status: "ok", Time: now.UTC(), Sensors: []SensorHealth{}}
	tenants, err := m.st.Tenants(ctx)
	if err != nil {
		return rep, fmt.Errorf("list tenants: %w", err)
	}
	for _, t := range tenants {
		sc := store.ForTenant(t.ID)
		sensors, err := m.st.Sensors(ctx, sc)
		if err != nil {
			return rep, fmt.Errorf("list sensors of %s: %w", t.Name, err)
		}
		for _, s := range sensors {
			if s.Revoked {
				continue
			}
			h := m.evaluate(t, s, now)
			if len(h.Faults) > 0 {
				rep.Status = "fault"
			}
			rep.Sensors = append(rep.Sensors, h)
			m.transition(ctx, sc, t, s, h, now)
		}
	}
	m.mu.Lock()
	m.last = rep
	m.mu.Unlock()
	return rep, nil
}

// evaluate applies the checks to one sensor. A sensor that never uploaded
// has no faults yet: it may not be installed.
func (m *monitor) evaluate(t store.Tenant, s store.Sensor, now time.Time) SensorHealth {
	h := SensorHealth{
		Tenant: t.Name, TenantID: int64(t.ID), Sensor: s.Name, SensorID: int64(s.ID),
		Monitoring: s.Monitoring, LastUpload: s.LastUpload.UTC(), Faults: []string{},
	}
	o, _ := m.obs.get(s.ID)
	if o.Received.After(h.LastUpload) {
		h.LastUpload = o.Received.UTC()
	}
	h.DataEnd = o.DataEnd.UTC()
	var drops bool
	if ih, ok := m.ing.Health(s.ID); ok {
		h.KernelDrops, h.Drops = ih.KernelDrops, ih.Drops
		drops = ih.KernelDrops > 0 || ih.Drops > 0
	}
	if h.LastUpload.IsZero() {
		return h
	}
	if now.Sub(h.LastUpload) > m.cfg.SilenceAfter {
		h.Faults = append(h.Faults, CheckSilent)
	}
	// The newest data is at best as new as the last upload; after a
	// restart the window is unknown until the next batch.
	newest := h.LastUpload
	if !h.DataEnd.IsZero() {
		newest = h.DataEnd
	}
	if now.Sub(newest) > m.cfg.StaleData {
		h.Faults = append(h.Faults, CheckStaleData)
	}
	if !o.Received.IsZero() && o.Lag > m.cfg.TransferLag && drops {
		h.Faults = append(h.Faults, CheckTransferSlow)
	}
	if o.ClockKnown {
		h.ClockSkew = o.ClockSkew.Seconds()
		if o.ClockSkew > m.cfg.ClockSkew || -o.ClockSkew > m.cfg.ClockSkew {
			h.Faults = append(h.Faults, CheckClockSkew)
		}
	}
	if h.KernelDrops > 0 {
		h.Faults = append(h.Faults, CheckKernelDrops)
	}
	return h
}

// transition raises an event for every check that started failing on a
// monitored sensor, and one when all are clear again: written to the
// tenant's system log and mailed to its administrators.
func (m *monitor) transition(ctx context.Context, sc store.Scope, t store.Tenant, s store.Sensor, h SensorHealth, now time.Time) {
	m.mu.Lock()
	prev, seen := m.faults[s.ID]
	m.faults[s.ID] = h.Faults
	m.mu.Unlock()
	if !s.Monitoring {
		return
	}
	var started []string
	for _, f := range h.Faults {
		if !slices.Contains(prev, f) {
			started = append(started, f)
		}
	}
	recovered := seen && len(prev) > 0 && len(h.Faults) == 0
	if len(started) == 0 && !recovered {
		return
	}
	action, detail := "sensor_health", "failing: "+strings.Join(h.Faults, ", ")
	if recovered {
		action, detail = "sensor_health_ok", "all checks pass again"
	}
	for _, f := range started {
		m.events.WithLabelValues(f).Inc()
	}
	m.log.Warn("sensor health", "tenant", t.Name, "sensor", s.Name, "event", action, "faults", h.Faults, "started", started)
	e := store.AuditEntry{Time: now, Actor: "system", Action: action, Target: "sensor:" + sensorKey(s.ID), Detail: detail}
	if err := m.st.Audit(ctx, sc, e); err != nil {
		m.log.Error("system log: sensor health", "tenant", t.Name, "sensor", s.Name, "err", err)
	}
	if err := m.mail(ctx, sc, t, s, h, action); err != nil {
		m.log.Error("mail: sensor health", "tenant", t.Name, "sensor", s.Name, "err", err)
	}
}

// mail queues a notification to every enabled administrator of the tenant
// with an address; the outbox's deliverer sends it.
func (m *monitor) mail(ctx context.Context, sc store.Scope, t store.Tenant, s store.Sensor, h SensorHealth, action string) error {
	users, err := m.st.Users(ctx, sc)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("[otsight] sensor %s: %s", s.Name, strings.Join(h.Faults, ", "))
	if action == "sensor_health_ok" {
		subject = fmt.Sprintf("[otsight] sensor %s: healthy again", s.Name)
	}
	var body strings.Builder
	fmt.Fprintf(&body, "Tenant: %s\nSensor: %s (id %d)\n", t.Name, s.Name, s.ID)
	if !h.LastUpload.IsZero() {
		fmt.Fprintf(&body, "Last upload: %s\n", h.LastUpload.Format(time.RFC3339))
	}
	for _, f := range h.Faults {
		fmt.Fprintf(&body, "Failing check: %s\n", f)
	}
	for _, u := range users {
		if u.Role != store.RoleAdmin || u.Disabled || u.Email == "" {
			continue
		}
		if _, err := m.mailer.Queue(ctx, sc, u.Email, subject, body.String()); err != nil {
			return err
		}
	}
	return nil
}

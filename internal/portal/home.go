package portal

import (
	"net/http"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Sensor health thresholds: a sensor uploads a batch every minute.
const (
	sensorStaleAfter = 5 * time.Minute
	sensorDownAfter  = time.Hour
)

// homeModel is the Home page (and GET /api/v1/home).
type homeModel struct {
	Now       time.Time      `json:"now"`
	Devices   deviceCounts   `json:"devices"`
	Sensors   []sensorHealth `json:"sensors"`
	Freshness freshness      `json:"freshness"`
	// Traffic is the API query of the sparkline: the last 24 hours.
	Traffic string `json:"traffic"`
}

type deviceCounts struct {
	Total  int `json:"total"`
	New24h int `json:"new_24h"`
}

type sensorHealth struct {
	ID             store.SensorID `json:"id"`
	Name           string         `json:"name"`
	Status         string         `json:"status"` // ok, stale, down, never, revoked
	LastUpload     *time.Time     `json:"last_upload"`
	LastUploadText string         `json:"-"`
	Monitoring     bool           `json:"monitoring"`
}

// freshness is how recent the newest data of the tenant is.
type freshness struct {
	Latest     *time.Time `json:"latest"`
	LatestText string     `json:"-"`
	AgeSeconds int64      `json:"age_seconds"` // -1 when nothing was ever uploaded
}

func sensorStatus(s store.Sensor, now time.Time) string {
	switch {
	case s.Revoked:
		return "revoked"
	case s.LastUpload.IsZero():
		return "never"
	case now.Sub(s.LastUpload) <= sensorStaleAfter:
		return "ok"
	case now.Sub(s.LastUpload) <= sensorDownAfter:
		return "stale"
	}
	return "down"
}

func (p *Portal) home(r *http.Request, rq *request) (homeModel, error) {
	ctx := r.Context()
	scope := store.ForTenant(rq.user.Tenant)
	now := p.cfg.Now().In(rq.loc)
	m := homeModel{Now: now, Traffic: "/api/v1/traffic?range=24h", Freshness: freshness{AgeSeconds: -1}}
	devs, err := p.deps.Devices.Devices(ctx, scope)
	if err != nil {
		return m, err
	}
	m.Devices.Total = len(devs)
	for _, d := range devs {
		if now.Sub(d.FirstSeen) <= 24*time.Hour {
			m.Devices.New24h++
		}
	}
	sensors, err := p.deps.Tenants.Sensors(ctx, scope)
	if err != nil {
		return m, err
	}
	var latest time.Time
	m.Sensors = make([]sensorHealth, 0, len(sensors))
	for _, s := range sensors {
		h := sensorHealth{ID: s.ID, Name: s.Name, Status: sensorStatus(s, now), Monitoring: s.Monitoring}
		if !s.LastUpload.IsZero() {
			t := s.LastUpload.In(rq.loc)
			h.LastUpload, h.LastUploadText = &t, localTime(t, rq.loc, layoutSecond)
			if t.After(latest) {
				latest = t
			}
		}
		m.Sensors = append(m.Sensors, h)
	}
	if !latest.IsZero() {
		m.Freshness = freshness{Latest: &latest, LatestText: localTime(latest, rq.loc, layoutSecond),
			AgeSeconds: int64(now.Sub(latest) / time.Second)}
	}
	return m, nil
}

func (p *Portal) homePage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.home(r, rq)
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "home", "home", m)
}

func (p *Portal) homeAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, err := p.home(r, rq)
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

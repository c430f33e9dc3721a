package portal

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// trafficRanges are the preset ranges of V3-1, shortest first.
var trafficRanges = []struct {
	Name string
	D    time.Duration
}{
	{"1h", time.Hour}, {"6h", 6 * time.Hour}, {"24h", 24 * time.Hour},
	{"7d", 7 * 24 * time.Hour}, {"30d", 30 * 24 * time.Hour},
}

const defaultTrafficRange = "24h"

// maxTrafficSpan bounds a custom range (the rollups keep about this much).
const maxTrafficSpan = 92 * 24 * time.Hour

// trafficQuery is a V3-1 query: a preset range or from/to, a grouping and
// an optional sensor. Everything is in the URL so a view can be shared.
type trafficQuery struct {
	Range  string         `json:"range,omitempty"` // preset, "" for from/to
	From   time.Time      `json:"from"`
	To     time.Time      `json:"to"`
	By     store.GroupBy  `json:"by"`
	Sensor store.SensorID `json:"sensor,omitempty"`
	Step   time.Duration  `json:"-"`
}

// parseTrafficQuery reads a query; from/to are datetime-local values in the
// tenant's zone or RFC 3339 times.
func parseTrafficQuery(v url.Values, now time.Time, loc *time.Location) (trafficQuery, error) {
	q := trafficQuery{By: store.GroupBy(v.Get("by"))}
	switch q.By {
	case "":
		q.By = store.GroupTotal
	case store.GroupTotal, store.GroupDevice, store.GroupService, store.GroupPair:
	default:
		return q, fmt.Errorf("by: unknown grouping %q", q.By)
	}
	if s := v.Get("sensor"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			return q, fmt.Errorf("sensor: %q is not a sensor id", s)
		}
		q.Sensor = store.SensorID(n)
	}
	var err error
	if q.From, q.To, q.Range, err = parseRange(v, now, loc); err != nil {
		return q, err
	}
	// Minute steps up to six hours (at most 360 points), hours beyond.
	q.Step = store.StepMinute
	if q.To.Sub(q.From) > 6*time.Hour {
		q.Step = store.StepHour
	}
	q.From = q.From.Truncate(q.Step)
	return q, nil
}

// parseRange reads a time range: from/to (datetime-local values in the
// tenant's zone or RFC 3339 times), else a preset ending now (the current
// minute included), else the default preset.
func parseRange(v url.Values, now time.Time, loc *time.Location) (from, to time.Time, preset string, err error) {
	if v.Get("from") != "" || v.Get("to") != "" {
		if from, err = parseTime(v.Get("from"), loc); err != nil {
			return from, to, "", fmt.Errorf("from: %w", err)
		}
		if to, err = parseTime(v.Get("to"), loc); err != nil {
			return from, to, "", fmt.Errorf("to: %w", err)
		}
		if !from.Before(to) || to.Sub(from) > maxTrafficSpan {
			return from, to, "", fmt.Errorf("from/to: need from before to and at most %d days", int(maxTrafficSpan.Hours()/24))
		}
		return from, to, "", nil
	}
	preset = v.Get("range")
	if preset == "" {
		preset = defaultTrafficRange
	}
	for _, r := range trafficRanges {
		if r.Name == preset {
			to = now.Truncate(time.Minute).Add(time.Minute)
			return to.Add(-r.D), to, preset, nil
		}
	}
	return from, to, "", fmt.Errorf("range: unknown range %q", preset)
}

func parseTime(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.ParseInLocation(layoutInput, s, loc); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DDThh:mm nor RFC 3339", s)
	}
	return t, nil
}

// trafficModel is V3-1 (and GET /api/v1/traffic): one value per step and
// series, steps without traffic as zero, labels in the tenant's zone.
type trafficModel struct {
	Query       trafficQuery    `json:"query"`
	StepSeconds int64           `json:"step_seconds"`
	Points      []trafficPoint  `json:"points"`
	Series      []trafficSeries `json:"series"`
	// For the page.
	API        string      `json:"-"`
	FromInput  string      `json:"-"`
	ToInput    string      `json:"-"`
	RangeLinks []rangeLink `json:"-"`
}

type trafficPoint struct {
	Time  time.Time `json:"time"`
	Label string    `json:"label"`
}

type trafficSeries struct {
	Name   string           `json:"name"`
	Key    store.TrafficKey `json:"key"`
	Bytes  uint64           `json:"bytes"`
	Values []uint64         `json:"values"` // bytes per step, both directions
}

type rangeLink struct {
	Name    string
	URL     string
	Current bool
}

// seriesName is how a series is labelled in legends and tables.
func seriesName(by store.GroupBy, k store.TrafficKey) string {
	vlan := func() string {
		if k.VLAN != 0 {
			return fmt.Sprintf(" (vlan %d)", k.VLAN)
		}
		return ""
	}
	switch by {
	case store.GroupDevice:
		return k.Orig.String() + vlan()
	case store.GroupPair:
		return k.Orig.String() + " → " + k.Resp.String() + vlan()
	case store.GroupService:
		s := fmt.Sprintf("%s/%d", k.Proto, k.Port)
		if k.Service != "" {
			s += " " + k.Service
		}
		return s
	}
	return "total"
}

func (p *Portal) traffic(r *http.Request, rq *request) (trafficModel, int, error) {
	q, err := parseTrafficQuery(r.URL.Query(), p.cfg.Now(), rq.loc)
	if err != nil {
		return trafficModel{}, http.StatusBadRequest, err
	}
	res, err := p.deps.Traffic.TrafficSeries(r.Context(), store.ForTenant(rq.user.Tenant), store.TrafficQuery{
		Sensor: q.Sensor, From: q.From, To: q.To, Step: q.Step, GroupBy: q.By, Limit: 10,
	})
	if err != nil {
		return trafficModel{}, http.StatusInternalServerError, err
	}
	step := q.Step
	if res.Step > 0 {
		step = res.Step
	}
	q.From, q.To = q.From.In(rq.loc), q.To.In(rq.loc)
	m := trafficModel{Query: q, StepSeconds: int64(step / time.Second)}
	index := map[int64]int{}
	for t := q.From.Truncate(step); t.Before(q.To); t = t.Add(step) {
		index[t.Unix()] = len(m.Points)
		m.Points = append(m.Points, trafficPoint{Time: t.In(rq.loc), Label: localTime(t, rq.loc, layoutShort)})
	}
	m.Series = make([]trafficSeries, 0, len(res.Series))
	for _, s := range res.Series {
		ts := trafficSeries{Name: seriesName(q.By, s.Key), Key: s.Key, Bytes: s.Total.Bytes(), Values: make([]uint64, len(m.Points))}
		for _, pt := range s.Points {
			if i, ok := index[pt.Time.Truncate(step).Unix()]; ok {
				ts.Values[i] += pt.Bytes()
			}
		}
		m.Series = append(m.Series, ts)
	}
	return m, http.StatusOK, nil
}

func (p *Portal) trafficPage(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.traffic(r, rq)
	if status == http.StatusBadRequest {
		p.errorPage(w, r, status)
		return
	}
	if err != nil {
		p.internalError(w, r, err)
		return
	}
	api := r.URL.Query()
	api.Del("lang")
	m.API = "/api/v1/traffic?" + api.Encode()
	m.FromInput, m.ToInput = localTime(m.Query.From, rq.loc, layoutInput), localTime(m.Query.To, rq.loc, layoutInput)
	for _, tr := range trafficRanges {
		v := url.Values{"range": {tr.Name}, "by": {string(m.Query.By)}}
		if m.Query.Sensor != 0 {
			v.Set("sensor", strconv.FormatInt(int64(m.Query.Sensor), 10))
		}
		m.RangeLinks = append(m.RangeLinks, rangeLink{Name: tr.Name, URL: "/traffic?" + v.Encode(), Current: tr.Name == m.Query.Range})
	}
	p.render(w, r, http.StatusOK, "traffic", "traffic", m)
}

func (p *Portal) trafficAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	m, status, err := p.traffic(r, rq)
	if status == http.StatusBadRequest {
		writeJSONError(w, status, err.Error())
		return
	}
	if err != nil {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, m)
}

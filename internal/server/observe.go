package server

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
)

// Optional request headers of a batch upload in which a sensor reports on
// itself beyond what the batch's sensor_stats record carries. Date is the
// standard HTTP header: the sensor's clock when it sent the batch.
const (
	HeaderSpoolDepth = "Otsight-Spool-Depth" // batches waiting in the sensor's spool
	HeaderDiskFree   = "Otsight-Disk-Free"   // bytes free on the spool's file system
)

// sensorObs is what the server has observed of one sensor since it started.
type sensorObs struct {
	Received   time.Time // newest stored batch
	DataEnd    time.Time // end of the newest window stored
	Lag        time.Duration
	ClockKnown bool
	ClockSkew  time.Duration // sensor clock minus server clock
	SpoolDepth int64
	DiskFree   int64 // -1 unknown
}

// observations collects per-sensor observations from stored batches and
// upload headers.
type observations struct {
	now func() time.Time
	mu  sync.Mutex
	by  map[store.SensorID]*sensorObs
}

func newObservations(now func() time.Time) *observations {
	return &observations{now: now, by: map[store.SensorID]*sensorObs{}}
}

func (o *observations) entry(id store.SensorID) *sensorObs {
	e := o.by[id]
	if e == nil {
		e = &sensorObs{DiskFree: -1}
		o.by[id] = e
	}
	return e
}

// batch notes a stored batch.
func (o *observations) batch(id store.SensorID, m store.BatchMeta) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.entry(id)
	if m.Received.After(e.Received) {
		e.Received = m.Received
		e.Lag = m.Received.Sub(m.End)
	}
	if m.End.After(e.DataEnd) {
		e.DataEnd = m.End
	}
}

// get returns a copy of a sensor's observations.
func (o *observations) get(id store.SensorID) (sensorObs, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	e, ok := o.by[id]
	if !ok {
		return sensorObs{DiskFree: -1}, false
	}
	return *e, true
}

// wrap returns the ingest handler with the reading of the self-report
// headers of accepted uploads. It reads only what the TLS handshake
// verified: the sensor named by a certificate chained to the CA.
func (o *observations) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPut || !strings.HasPrefix(r.URL.Path, "/v1/batches/") ||
			r.TLS == nil || len(r.TLS.VerifiedChains) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		if sw.status != http.StatusOK {
			return
		}
		name, err := pki.SensorOf(r.TLS.VerifiedChains[0][0])
		if err != nil {
			return
		}
		o.headers(store.SensorID(name.Sensor), r.Header)
	})
}

func (o *observations) headers(id store.SensorID, h http.Header) {
	now := o.now()
	o.mu.Lock()
	defer o.mu.Unlock()
	e := o.entry(id)
	if v := h.Get("Date"); v != "" {
		if t, err := http.ParseTime(v); err == nil {
			// Date has a resolution of one second: only skews beyond
			// that mean anything.
			e.ClockKnown, e.ClockSkew = true, t.Sub(now.Truncate(time.Second))
		}
	}
	if n, err := strconv.ParseInt(h.Get(HeaderSpoolDepth), 10, 64); err == nil && n >= 0 {
		e.SpoolDepth = n
	}
	if n, err := strconv.ParseInt(h.Get(HeaderDiskFree), 10, 64); err == nil && n >= 0 {
		e.DiskFree = n
	}
}

// statusWriter remembers the status of a reply.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

package ingest

import (
	"strconv"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Usage is a sensor's data usage in one calendar month (UTC): request bytes
// received from it and response bytes sent to it, bodies only (TLS and HTTP
// framing add a few percent). The seed's budget is 10 GB per sensor per
// month (S1-3).
type Usage struct {
	Received uint64
	Sent     uint64
}

type usageKey struct {
	sensor store.SensorID
	month  int // year*12 + month-1
}

func monthOf(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// count adds one exchange to the sensor's usage, in memory and in the
// Prometheus counters.
func (s *Server) count(id store.SensorID, received, sent int) {
	label := strconv.FormatInt(int64(id), 10)
	s.m.bytesIn.WithLabelValues(label).Add(float64(received))
	s.m.bytesOut.WithLabelValues(label).Add(float64(sent))
	k := usageKey{id, monthOf(s.now())}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.usage[k]
	if u == nil {
		u = new(Usage)
		s.usage[k] = u
	}
	u.Received += uint64(received)
	u.Sent += uint64(sent)
}

// Usage returns a sensor's usage in the month containing t since this
// server started. The durable figure is the sum of the Bytes of the
// sensor's upload events in the store's system log for the month.
func (s *Server) Usage(id store.SensorID, t time.Time) Usage {
	s.mu.Lock()
	defer s.mu.Unlock()
	if u := s.usage[usageKey{id, monthOf(t)}]; u != nil {
		return *u
	}
	return Usage{}
}

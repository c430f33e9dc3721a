package ingest

import (
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// Health is what the latest batch of a sensor says about the sensor itself.
type Health struct {
	Received    time.Time           // when the batch arrived
	Version     string              // the sensor's software version (User-Agent)
	Window      time.Time           // start of the batch's minute
	Frames      uint64              // frames captured in the window
	Bytes       uint64              // their wire bytes
	KernelDrops uint64              // frames the kernel dropped, all interfaces
	Drops       uint64              // frames or records the sensor dropped, all causes
	Stats       *record.SensorStats // the record itself, nil if the batch had none
}

// noteHealth keeps the sensor_stats of a stored batch (the last one if a
// batch had several).
func (s *Server) noteHealth(id store.SensorID, version string, recs []record.Record) {
	var st *record.SensorStats
	for _, r := range recs {
		if v, ok := r.(*record.SensorStats); ok {
			st = v
		}
	}
	h := Health{Received: s.now(), Version: version, Stats: st}
	if st != nil {
		h.Window = time.UnixMicro(int64(st.TS))
		h.Frames, h.Bytes = st.Frames, st.Bytes
		for _, n := range st.Drops {
			h.Drops += n
		}
		for _, i := range st.Interfaces {
			h.KernelDrops += i.KernelDrops
		}
	}
	s.mu.Lock()
	s.health[id] = h
	s.mu.Unlock()
}

// Health returns the latest health of a sensor seen since the server
// started.
func (s *Server) Health(id store.SensorID) (Health, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, ok := s.health[id]
	return h, ok
}

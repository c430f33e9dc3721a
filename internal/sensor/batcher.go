package sensor

import (
	"fmt"

	"github.com/otsight/otsight/internal/record"
)

// Batcher is the Sink that cuts the pipeline's output into one batch per
// minute window and hands each to Put (the spool, normally).
type Batcher struct {
	SensorID string
	Put      func(*record.Batch) error
	// Err is the first error Put returned; batches after it are still
	// attempted (a full disk may recover), each error counted in Failed.
	Err    error
	Failed uint64
	seq    uint64
	recs   []record.Record
}

// NewBatcher returns a batcher whose first batch gets sequence number next.
func NewBatcher(sensorID string, next uint64, put func(*record.Batch) error) *Batcher {
	return &Batcher{SensorID: sensorID, seq: next, Put: put}
}

// Record implements Sink.
func (b *Batcher) Record(r record.Record) { b.recs = append(b.recs, r) }

// EndMinute implements Sink.
func (b *Batcher) EndMinute(start, end record.Micros, stats *record.SensorStats) {
	recs := append(b.recs, stats)
	batch := &record.Batch{
		Header:  record.Header{Schema: record.SchemaVersion, SensorID: b.SensorID, Seq: b.seq, Start: start, End: end},
		Records: recs,
	}
	b.recs = nil
	if err := b.Put(batch); err != nil {
		b.Failed++
		if b.Err == nil {
			b.Err = fmt.Errorf("batch %d: %w", batch.Header.Seq, err)
		}
		return
	}
	b.seq++
}

// NextSeq is the sequence number the next batch will get.
func (b *Batcher) NextSeq() uint64 { return b.seq }

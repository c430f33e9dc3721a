package store

import (
	"context"
	"iter"
	"time"

	"github.com/otsight/otsight/internal/record"
)

// Records gives access to the raw records as stored.
type Records interface {
	// Records yields the records q selects, oldest first, decoded into
	// their record types (unknown kinds as *record.Raw). Stop ranging to
	// stop reading; an error ends the sequence. Retention and compaction
	// wait while a sequence is being ranged over, so do not hold one open
	// for long.
	Records(ctx context.Context, s Scope, q RecordQuery) iter.Seq2[record.Record, error]
	// CountRecords counts the records q selects by kind (q.Limit ignored).
	CountRecords(ctx context.Context, s Scope, q RecordQuery) (map[record.Kind]int64, error)
	// BatchesSince calls fn for each batch of the tenant received at or
	// after since, in the order they were stored, with the records as
	// ingested, in the order of the batch's wire form (grouped by kind,
	// as record.Encode writes them), less any that retention removed
	// since. The server
	// replays them into the inventory after a crash.
	BatchesSince(ctx context.Context, s Scope, since time.Time, fn func(StoredBatch) error) error
}

// StoredBatch is one stored batch with its records.
type StoredBatch struct {
	Key     BatchKey
	Meta    BatchMeta
	Records []record.Record
}

// RecordQuery selects raw records.
type RecordQuery struct {
	Sensor SensorID    // 0: every sensor
	Kind   record.Kind // "": every kind
	From   time.Time   // zero: from the first
	To     time.Time   // zero: to the last; exclusive
	Limit  int         // 0: no limit
}

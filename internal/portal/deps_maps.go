package portal

import (
	"context"
	"errors"
	"iter"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// MapDeps are the services of the maps (V2-1, V2-2), the OT protocol tables
// (V5-1, V5-2) and the comparison of two periods. A nil member makes the
// pages that need it answer 500 with the member named in the log.
type MapDeps struct {
	// Pairs gives hourly volumes per device pair (store.Traffic has it).
	Pairs MapPairs
	// Records gives raw records by kind (store.Records has it): ot for the
	// OT tables and the OT links of the maps, conn for the service map and
	// the comparison.
	Records MapRecords
}

// MapPairs is the pair rollup the device map draws its links from.
type MapPairs interface {
	PairHourly(ctx context.Context, s store.Scope, q store.PairQuery) ([]store.PairHour, error)
}

// MapRecords reads raw records, oldest first.
type MapRecords interface {
	Records(ctx context.Context, s store.Scope, q store.RecordQuery) iter.Seq2[record.Record, error]
}

func (d MapDeps) pairs() (MapPairs, error) {
	if d.Pairs == nil {
		return nil, errors.New("portal: Deps.Maps.Pairs is nil")
	}
	return d.Pairs, nil
}

func (d MapDeps) records() (MapRecords, error) {
	if d.Records == nil {
		return nil, errors.New("portal: Deps.Maps.Records is nil")
	}
	return d.Records, nil
}

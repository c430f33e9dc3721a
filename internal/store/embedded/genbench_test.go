package embedded

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	plantgen "github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// BenchmarkGenHistory ingests the records `otsight gen --records` makes for
// a plant preset (OTSIGHT_BENCH_GEN_PRESET, default large: 1,501 devices)
// over OTSIGHT_BENCH_GEN_DAYS days (default 1) through IngestBatch, with the
// maintenance beside it (as in BenchmarkIngest), and reports the
// ingest rate; then it runs the traffic queries over that history.
func BenchmarkGenHistory(b *testing.B) {
	preset := envOr(os.Getenv("OTSIGHT_BENCH_GEN_PRESET"), "large")
	days, _ := strconv.Atoi(os.Getenv("OTSIGHT_BENCH_GEN_DAYS"))
	days = max(days, 1)
	plant, err := plantgen.Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday: the history ends on a weekend
	from := end.Add(-time.Duration(days) * 24 * time.Hour)
	// The store's clock follows the batches, as in BenchmarkIngest.
	var clock atomic.Int64
	clock.Store(from.UnixMicro())
	s, sc, sensor := benchStore(b, func() time.Time { return time.UnixMicro(clock.Load()).UTC() }, benchThreads(1))
	ctx := context.Background()

	var records, batches int
	start, cpu0 := time.Now(), cpuTime()
	m := startMaintenance(ctx, b, s)
	_, err = plantgen.WriteRecords(plantgen.Options{Plant: plant, Start: from, Duration: end.Sub(from), Seed: 1}, 0,
		func(bt *record.Batch) error {
			clock.Store(int64(bt.Header.End))
			at := time.UnixMicro(int64(bt.Header.End)).UTC()
			// The upload, as the server receives it (its making counts
			// as generation).
			payload, err := record.Marshal(bt)
			if err != nil {
				return err
			}
			_, err = s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sensor, Epoch: 1, Seq: bt.Header.Seq},
				store.BatchMeta{Received: at, Start: time.UnixMicro(int64(bt.Header.Start)), End: at, Bytes: len(payload), Payload: payload},
				wireOrder(bt.Records))
			if err != nil {
				return err
			}
			records += len(bt.Records)
			batches++
			m.due(batches%60 == 0, batches%5 == 0)
			return nil
		})
	if err != nil {
		b.Fatal(err)
	}
	clock.Store(end.UnixMicro())
	m.due(true, false)
	if err := m.finish(); err != nil {
		b.Fatal(err)
	}
	el, cpu := time.Since(start), cpuTime()-cpu0
	b.Logf("%s, %d days: %d records in %d batches ingested in %v with the maintenance (%.0f records/s, %.0f records/CPU-s, generation included); RSS %d MiB",
		preset, days, records, batches, el.Round(time.Second), float64(records)/el.Seconds(), float64(records)/cpu.Seconds(), rssBytes()>>20)
	// The round that closes the last day.
	start, cpu0 = time.Now(), cpuTime()
	if err := s.Maintain(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("maintenance closing the last day: %v (%v CPU)", time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))

	top, err := s.TopDevices(ctx, sc, store.TopQuery{From: end.Add(-24 * time.Hour), To: end, Limit: 100000})
	if err != nil || len(top) == 0 {
		b.Fatalf("devices of the history: %d, %v", len(top), err)
	}
	b.Logf("%d devices with traffic in the last day", len(top))
	rng := rand.New(rand.NewPCG(7, 7))
	dev := func() *store.Device {
		k := top[rng.IntN(len(top))].Key
		return &store.Device{VLAN: k.VLAN, IP: k.Orig}
	}
	// The queries run with the store's default threads (DuckDB's: one per
	// core), as in the server and in BenchmarkTrafficQueries, unless
	// OTSIGHT_BENCH_QUERY_THREADS says otherwise; the ingest above ran
	// with one.
	q := "RESET threads"
	if n, err := strconv.Atoi(os.Getenv("OTSIGHT_BENCH_QUERY_THREADS")); err == nil && n > 0 {
		q = fmt.Sprintf("SET threads = %d", n)
	}
	if _, err := s.db.Exec(q); err != nil {
		b.Fatal(err)
	}
	b.Logf("queries: %s", q)
	runQueries(b, s, sc, sensor, end, rng, dev)
	logMemory(b, s, preset)
}

func envOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

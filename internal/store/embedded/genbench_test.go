package embedded

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	plantgen "github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// BenchmarkGenHistory ingests the records `otsight gen --records` makes for
// a plant preset (OTSIGHT_BENCH_GEN_PRESET, default large: 1,501 devices)
// over OTSIGHT_BENCH_GEN_DAYS days (default 1) through IngestBatch, with the
// maintenance's roll-ups every 5 batches and flush every 60, and reports
// the ingest rate; then it runs the traffic queries over that history.
func BenchmarkGenHistory(b *testing.B) {
	preset := envOr(os.Getenv("OTSIGHT_BENCH_GEN_PRESET"), "large")
	days, _ := strconv.Atoi(os.Getenv("OTSIGHT_BENCH_GEN_DAYS"))
	days = max(days, 1)
	plant, err := plantgen.Preset(preset)
	if err != nil {
		b.Fatal(err)
	}
	end := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC) // a Monday: the history ends on a weekend
	s, sc, sensor := benchStore(b, func() time.Time { return end }, 1)
	ctx := context.Background()

	var records, batches int
	start, cpu0 := time.Now(), cpuTime()
	_, err = plantgen.WriteRecords(plantgen.Options{Plant: plant, Start: end.Add(-time.Duration(days) * 24 * time.Hour),
		Duration: time.Duration(days) * 24 * time.Hour, Seed: 1}, 0, func(bt *record.Batch) error {
		_, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sensor, Epoch: 1, Seq: bt.Header.Seq},
			store.BatchMeta{Received: time.UnixMicro(int64(bt.Header.End)), Start: time.UnixMicro(int64(bt.Header.Start)), End: time.UnixMicro(int64(bt.Header.End))}, bt.Records)
		if err != nil {
			return err
		}
		records += len(bt.Records)
		batches++
		switch {
		case batches%60 == 0:
			return s.Flush(ctx)
		case batches%5 == 0:
			return s.rollUp(ctx)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	el, cpu := time.Since(start), cpuTime()-cpu0
	b.Logf("%s, %d days: %d records in %d batches ingested in %v (%.0f records/s, %.0f records/CPU-s, generation included); RSS %d MiB",
		preset, days, records, batches, el.Round(time.Second), float64(records)/el.Seconds(), float64(records)/cpu.Seconds(), rssBytes()>>20)
	// The maintenance round after the last day: its hour files compacted
	// into day files, rollups compacted, daily rollups made.
	scan := func() time.Duration {
		t := time.Now()
		for range 5 {
			if _, err := s.CountRecords(ctx, sc, store.RecordQuery{From: end.Add(-24 * time.Hour), To: end}); err != nil {
				b.Fatal(err)
			}
			n := 0
			for _, err := range s.Records(ctx, sc, store.RecordQuery{Kind: "ot", From: end.Add(-13 * time.Hour), To: end.Add(-11 * time.Hour)}) {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
		}
		return time.Since(t) / 5
	}
	b.Logf("scan before compaction %v", scan())
	start, cpu0 = time.Now(), cpuTime()
	t1 := time.Now()
	if _, err := s.CompactFiles(ctx); err != nil {
		b.Fatal(err)
	}
	t2 := time.Now()
	b.Logf("scan after compaction %v", scan())
	if _, err := s.compactRollups(ctx, micros(end)); err != nil {
		b.Fatal(err)
	}
	t3 := time.Now()
	b.Logf("files %v rollups %v", t2.Sub(t1), t3.Sub(t2))
	if err := s.Maintain(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("maintenance of %d closed days: %v (%v CPU)", days, time.Since(start).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))

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
	runQueries(b, s, sc, sensor, end, rng, dev)
	logMemory(b, s, preset)
}

func envOr(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

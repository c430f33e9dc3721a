package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// TestDemoHistoryResumes stops a history generation part-way, as Ctrl-C
// does, and runs it again: the spool then holds every batch of the span
// exactly once, under the recorded sequence numbers, as the enrolled sensor.
func TestDemoHistoryResumes(t *testing.T) {
	plant, err := gen.Preset("small")
	if err != nil {
		t.Fatal(err)
	}
	spool, err := sensor.OpenSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	h := &history{Start: start, End: start.Add(30 * time.Minute), Seed: 1, FirstSeq: 5}

	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err = h.generate(ctx, plant, spool, "7", func() {
		if n++; n == 10 {
			cancel()
		}
	})
	if err == nil || h.Done {
		t.Fatalf("cancelled generation: err %v, done %v", err, h.Done)
	}
	seqs, err := spool.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) < 10 || len(seqs) >= 30 {
		t.Fatalf("cancelled after 10 batches, %d spooled", len(seqs))
	}

	if err := h.generate(context.Background(), plant, spool, "7", func() {}); err != nil {
		t.Fatal(err)
	}
	if !h.Done || h.Batches != 30 || h.last() != 35 {
		t.Fatalf("after the second run: %+v", h)
	}
	if seqs, err = spool.Pending(); err != nil {
		t.Fatal(err)
	}
	var want []uint64
	for s := uint64(5); s < 35; s++ {
		want = append(want, s)
	}
	if !slices.Equal(seqs, want) {
		t.Fatalf("spooled %v, want 5..34", seqs)
	}
	data, err := spool.Read(5)
	if err != nil {
		t.Fatal(err)
	}
	b, err := record.Unmarshal(data)
	if err != nil {
		t.Fatal(err)
	}
	if b.Header.SensorID != "7" || b.Header.Seq != 5 || b.Header.Epoch != spool.Epoch() ||
		b.Header.Start != record.Micros(start.UnixMicro()) {
		t.Errorf("first batch header %+v", b.Header)
	}
}

package sensor

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
)

// countingSink counts records by kind, the reference for the spool.
type countingSink map[record.Kind]int

func (c countingSink) Record(r record.Record) { c[r.RecordKind()]++ }
func (c countingSink) EndMinute(_, _ record.Micros, st *record.SensorStats) {
	c[st.RecordKind()]++
}

func runFile(t *testing.T, path string, sink Sink) *Pipeline {
	t.Helper()
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cfg := DefaultConfig()
	cfg.UIDSeed = 1
	p := NewPipeline(cfg, reg, sink, nil)
	if err := Drain(src, p); err != nil {
		t.Fatal(err)
	}
	return p
}

// A capture spanning several minutes becomes one batch per minute in the
// spool, numbered without gaps, holding exactly the records the pipeline
// emitted.
func TestSpoolBatches(t *testing.T) {
	path := pcaptest.Path(t, "bacnet/bacnet_example.pcap") // 387 s of traffic
	want := countingSink{}
	runFile(t, path, want)

	dir := t.TempDir()
	spool, err := OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	next, err := spool.NextSeq()
	if err != nil || next != 0 {
		t.Fatalf("fresh spool next = %d, %v", next, err)
	}
	b := NewBatcher("test-sensor", next, spool.Put)
	runFile(t, path, b)
	if b.Err != nil {
		t.Fatal(b.Err)
	}
	seqs, err := spool.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(seqs) != 7 { // minutes touched by 387.6 s of traffic starting mid-minute
		t.Fatalf("batches = %d (%v), want 7", len(seqs), seqs)
	}
	got := countingSink{}
	var prevEnd record.Micros
	for i, seq := range seqs {
		if seq != uint64(i) {
			t.Fatalf("batch %d has seq %d", i, seq)
		}
		data, err := spool.Read(seq)
		if err != nil {
			t.Fatal(err)
		}
		batch, err := record.Unmarshal(data)
		if err != nil {
			t.Fatalf("batch %d: %v", seq, err)
		}
		h := batch.Header
		if h.SensorID != "test-sensor" || h.End-h.Start != 60_000_000 || h.Start%60_000_000 != 0 || (i > 0 && h.Start < prevEnd) {
			t.Fatalf("batch %d header %+v", seq, h)
		}
		prevEnd = h.End
		for _, r := range batch.Records {
			got[r.RecordKind()]++
		}
	}
	if len(got) != len(want) {
		t.Fatalf("kinds: got %v want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: spooled %d, emitted %d", k, got[k], n)
		}
	}
	if err := spool.SaveNextSeq(b.NextSeq()); err != nil {
		t.Fatal(err)
	}
	// Uploaded batches are removed; numbering continues after them.
	for _, s := range seqs {
		if err := spool.Remove(s); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := spool.NextSeq(); err != nil || n != 7 {
		t.Fatalf("next after removal = %d, %v", n, err)
	}
}

// A crash in the middle of a write leaves a temporary file that reopening
// removes; it is never mistaken for a batch.
func TestSpoolCleansPartialWrites(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "00000000000000000003.otsb.tmp"), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if seqs, _ := s.Pending(); len(seqs) != 0 {
		t.Fatalf("pending = %v", seqs)
	}
	if _, err := os.Stat(filepath.Join(dir, "00000000000000000003.otsb.tmp")); !os.IsNotExist(err) {
		t.Fatalf("partial batch left behind: %v", err)
	}
}

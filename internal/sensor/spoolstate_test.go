package sensor

import (
	"bytes"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

func smallBatch(seq uint64, n int) *record.Batch {
	b := &record.Batch{Header: record.Header{Schema: record.SchemaVersion, SensorID: "s", Seq: seq,
		Start: record.Micros(seq * 60e6), End: record.Micros((seq + 1) * 60e6)}}
	for i := range n {
		b.Records = append(b.Records, &record.SensorStats{TS: record.Micros(i), Frames: uint64(i) * 7919})
	}
	return b
}

// The epoch is made once per spool directory, kept across reopening, written
// into every batch, and new for a rebuilt spool.
func TestSpoolEpoch(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "spool")
	sp, err := OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Epoch() == 0 {
		t.Fatal("epoch 0")
	}
	b := smallBatch(0, 1)
	if err := sp.Put(b); err != nil {
		t.Fatal(err)
	}
	data, _ := sp.Read(0)
	got, err := record.Unmarshal(data)
	if err != nil || got.Header.Epoch != sp.Epoch() {
		t.Fatalf("spooled header epoch %d, spool %d (%v)", got.Header.Epoch, sp.Epoch(), err)
	}
	again, err := OpenSpool(dir)
	if err != nil || again.Epoch() != sp.Epoch() {
		t.Fatalf("reopened: epoch %d, want %d (%v)", again.Epoch(), sp.Epoch(), err)
	}
	os.RemoveAll(dir)
	rebuilt, err := OpenSpool(dir)
	if err != nil || rebuilt.Epoch() == sp.Epoch() {
		t.Fatalf("rebuilt spool kept epoch %d (%v)", rebuilt.Epoch(), err)
	}
	os.WriteFile(filepath.Join(dir, "epoch"), []byte("banana\n"), 0o640)
	if _, err := OpenSpool(dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("damaged epoch: err = %v", err)
	}
}

// At its cap the spool drops the oldest batches, counts them and logs each;
// the batch just written always stays.
func TestSpoolCap(t *testing.T) {
	sp, err := OpenSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	sp.SetCap(0, slog.New(slog.NewTextHandler(&logs, nil)))
	size := map[uint64]int64{}
	for seq := range uint64(5) {
		if err := sp.Put(smallBatch(seq, 20*int(seq+1))); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(filepath.Join(sp.Dir(), sprintSeq(seq)))
		if err != nil {
			t.Fatal(err)
		}
		size[seq] = st.Size()
	}
	// Room for batches 2..5 exactly: writing 5 must drop 0 and 1.
	next := smallBatch(5, 10)
	next.Header.Epoch = sp.Epoch() // as Put will write it
	data, _ := record.Marshal(next)
	limit := size[2] + size[3] + size[4] + int64(len(data))
	sp.SetCap(limit, slog.New(slog.NewTextHandler(&logs, nil)))
	if err := sp.Put(next); err != nil {
		t.Fatal(err)
	}
	if p, _ := sp.Pending(); len(p) != 4 || p[0] != 2 || p[3] != 5 {
		t.Fatalf("pending %v, want 2..5", p)
	}
	if n, b := sp.Dropped(); n != 2 || b != uint64(size[0]+size[1]) {
		t.Fatalf("dropped %d batches %d bytes, want 2 and %d", n, b, size[0]+size[1])
	}
	if c := strings.Count(logs.String(), "spool full: dropped the oldest batch"); c != 2 ||
		!strings.Contains(logs.String(), "seq=0") || !strings.Contains(logs.String(), "seq=1") {
		t.Fatalf("log:\n%s", logs.String())
	}
	// A cap below one batch keeps the newest alone.
	sp.SetCap(1, slog.New(slog.DiscardHandler))
	if err := sp.Put(smallBatch(6, 1)); err != nil {
		t.Fatal(err)
	}
	if p, _ := sp.Pending(); len(p) != 1 || p[0] != 6 {
		t.Fatalf("pending %v, want [6]", p)
	}
	if n, _ := sp.Dropped(); n != 6 {
		t.Fatalf("dropped %d, want 6", n)
	}
	// Numbering is not disturbed by drops.
	if next, err := sp.NextSeq(); err != nil || next != 7 {
		t.Fatalf("next = %d, %v", next, err)
	}
}

func sprintSeq(seq uint64) string { return fmt.Sprintf("%020d%s", seq, spoolExt) }

// The saved next sequence number only ever grows, so an uploader that
// drained the spool before a crash leaves the numbering intact.
func TestRaiseNextSeq(t *testing.T) {
	sp, err := OpenSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []uint64{3, 9, 4} {
		if err := sp.raiseNextSeq(n); err != nil {
			t.Fatal(err)
		}
	}
	if next, err := sp.NextSeq(); err != nil || next != 9 {
		t.Fatalf("next = %d, %v; want 9", next, err)
	}
}

// Refused batches are moved aside, the oldest beyond maxRefused deleted.
func TestSetAside(t *testing.T) {
	sp, err := OpenSpool(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for seq := range uint64(maxRefused + 3) {
		if err := sp.Put(smallBatch(seq, 1)); err != nil {
			t.Fatal(err)
		}
		if err := sp.setAside(seq); err != nil {
			t.Fatal(err)
		}
	}
	ents, _ := os.ReadDir(filepath.Join(sp.Dir(), refusedDir))
	if len(ents) != maxRefused || ents[0].Name() != sprintSeq(3) {
		t.Fatalf("%d refused kept, first %s", len(ents), ents[0].Name())
	}
	if p, _ := sp.Pending(); len(p) != 0 {
		t.Fatalf("pending %v", p)
	}
}

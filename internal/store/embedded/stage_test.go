package embedded

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// TestStageLogReplay: the staged rows live in memory, so a reopen rebuilds
// them from the stage logs. Each case damages the logs as a crash could
// and checks that every stored batch is back exactly once and nothing else
// is.
func TestStageLogReplay(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T) (string, *clock, *Store, store.Scope, store.SensorID, map[string]any) {
		dir := t.TempDir()
		clk := &clock{t0.Add(24 * time.Hour)}
		s := openTest(t, dir, clk)
		sc, sen := oneSensor(t, s, "t", "s")
		populate(t, s, sc, sen.ID, 4)
		return dir, clk, s, sc, sen.ID, snapshot(t, s, sc, sen.ID)
	}
	logSize := func(t *testing.T, dir string, i int) int64 {
		t.Helper()
		st, err := os.Stat(stageLogPath(dir, i))
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}

	t.Run("reopen", func(t *testing.T) {
		dir, clk, s, sc, sen, want := setup(t)
		staged := countStaged(t, s)
		s.Close()
		s = openTest(t, dir, clk)
		if got := countStaged(t, s); got != staged || staged == 0 {
			t.Fatalf("%d rows staged after reopen, want %d", got, staged)
		}
		if !reflect.DeepEqual(snapshot(t, s, sc, sen), want) {
			t.Fatal("answers differ after the replay")
		}
	})

	t.Run("torn tail", func(t *testing.T) {
		dir, clk, s, sc, sen, want := setup(t)
		i := s.staging
		s.Close()
		size := logSize(t, dir, i)
		// A crash while the next batch was written: its length and part
		// of its body.
		f, err := os.OpenFile(stageLogPath(dir, i), os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte{0xe8, 0x03, 0, 0, 1, 2, 3, 4, 5, 6, 7})
		f.Close()
		s = reopenUnchanged(t, dir, clk, sc, sen, want, i, size, "a torn tail")
		// The next batch goes after the good part.
		more := ingestMinutes(t, s, sc, sen, newGen(8, 10), t0.Add(9*time.Hour), 1, 5, 900)
		reopenHolds(t, s, dir, clk, sc, int64(len(more))+countOf(want))
	})

	t.Run("key not committed", func(t *testing.T) {
		dir, clk, s, sc, sen, want := setup(t)
		i, base := s.staging, s.stageSeq
		s.Close()
		size := logSize(t, dir, i)
		// A crash after the log's sync and before the key's commit.
		recs := wireOrder(newGen(9, 10).minute(t0.Add(10*time.Hour), 5))
		payload, err := record.Marshal(&record.Batch{Header: record.Header{Seq: 777}, Records: recs})
		if err != nil {
			t.Fatal(err)
		}
		l, err := openStageLog(stageLogPath(dir, i))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := l.append(stageEntry{tenant: int64(sc.Tenant()), sensor: int64(sen), epoch: 1, seq: 777, base: base, payload: payload}); err != nil {
			t.Fatal(err)
		}
		l.close()
		s = reopenUnchanged(t, dir, clk, sc, sen, want, i, size, "an entry whose key did not commit")
		// The sensor sends it again, and it goes to the other table (a
		// flush switched them): stored, not a duplicate, and staged once
		// by the next replay although its first row is the same.
		s.staging = 1 - i
		dup, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sen, Epoch: 1, Seq: 777},
			store.BatchMeta{Received: t0.Add(10 * time.Hour)}, recs)
		if err != nil || dup {
			t.Fatalf("resend: dup %v, err %v", dup, err)
		}
		reopenHolds(t, s, dir, clk, sc, int64(len(recs))+countOf(want))
	})

	t.Run("flushed, log not emptied", func(t *testing.T) {
		dir, clk, s, sc, sen, want := setup(t)
		i := s.staging
		s.Close()
		saved, err := os.ReadFile(stageLogPath(dir, i))
		if err != nil {
			t.Fatal(err)
		}
		s = openTest(t, dir, clk)
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		s.Close()
		// A crash after the flush's commit and before the log's reset.
		if err := os.WriteFile(stageLogPath(dir, i), saved, 0o640); err != nil {
			t.Fatal(err)
		}
		s = openTest(t, dir, clk)
		if got := countStaged(t, s); got != 0 {
			t.Fatalf("%d rows staged again from a flushed log", got)
		}
		if !reflect.DeepEqual(snapshot(t, s, sc, sen), want) {
			t.Fatal("answers differ")
		}
		if got := logSize(t, dir, i); got != stageLogHeaderSize {
			t.Fatalf("flushed log is %d bytes, want it emptied", got)
		}
	})

	t.Run("duplicate writes nothing", func(t *testing.T) {
		dir, _, s, sc, sen, _ := setup(t)
		i := s.staging
		size := logSize(t, dir, i)
		ingestMinutes(t, s, sc, sen, newGen(3, 10), t0.Add(11*time.Hour), 1, 5, 1100)
		grown := logSize(t, dir, i)
		if grown <= size {
			t.Fatalf("log did not grow with a batch: %d → %d bytes", size, grown)
		}
		dup, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sen, Epoch: 1, Seq: 1100},
			store.BatchMeta{Received: t0.Add(11 * time.Hour)}, newGen(3, 10).minute(t0.Add(11*time.Hour), 5))
		if err != nil || !dup {
			t.Fatalf("resend: dup %v, err %v", dup, err)
		}
		if got := logSize(t, dir, i); got != grown {
			t.Fatalf("a duplicate grew the log: %d → %d bytes", grown, got)
		}
	})

	t.Run("not a stage log", func(t *testing.T) {
		dir, _, s, _, _, _ := setup(t)
		s.Close()
		os.WriteFile(stageLogPath(dir, 0), []byte("something else entirely"), 0o640)
		cfg := DefaultConfig()
		cfg.Dir = dir
		if s, err := Open(cfg); err == nil {
			s.Close()
			t.Fatal("opened a store whose stage log is not one")
		}
	})
}

// reopenUnchanged opens the store in dir after its stage log i was
// damaged (what): the answers must be want, and the log back to size
// bytes.
func reopenUnchanged(t *testing.T, dir string, clk *clock, sc store.Scope, sen store.SensorID, want map[string]any,
	i int, size int64, what string) *Store {
	t.Helper()
	s := openTest(t, dir, clk)
	if !reflect.DeepEqual(snapshot(t, s, sc, sen), want) {
		t.Fatalf("answers differ after replaying a log with %s", what)
	}
	st, err := os.Stat(stageLogPath(dir, i))
	if err != nil || st.Size() != size {
		t.Fatalf("log after replaying %s: %v, %v; want %d bytes", what, st, err, size)
	}
	return s
}

// reopenHolds closes s, opens its directory again and checks that the
// tenant has want records.
func reopenHolds(t *testing.T, s *Store, dir string, clk *clock, sc store.Scope, want int64) {
	t.Helper()
	s.Close()
	s = openTest(t, dir, clk)
	if n := countAll(t, s, sc); n != want {
		t.Fatalf("%d records after a reopen, want %d", n, want)
	}
}

func countOf(snap map[string]any) int64 {
	var n int64
	for _, c := range snap["CountRecords"].(map[record.Kind]int64) {
		n += c
	}
	return n
}

// encodeStageEntries writes entries in the log's layout, as append does.
func encodeStageEntries(es []stageEntry) []byte {
	var out []byte
	for _, e := range es {
		body := binary.LittleEndian.AppendUint64(nil, uint64(e.tenant))
		body = binary.LittleEndian.AppendUint64(body, uint64(e.sensor))
		body = binary.LittleEndian.AppendUint64(body, e.epoch)
		body = binary.LittleEndian.AppendUint64(body, e.seq)
		body = binary.LittleEndian.AppendUint64(body, uint64(e.base))
		body = append(body, e.payload...)
		out = binary.LittleEndian.AppendUint32(out, uint32(len(body)))
		out = binary.LittleEndian.AppendUint32(out, crc32.Checksum(body, crc32c))
		out = append(out, body...)
	}
	return out
}

// TestStageLogAppendLayout: what append writes is the documented layout,
// and reads back.
func TestStageLogAppendLayout(t *testing.T) {
	path := t.TempDir() + "/x.log"
	l, err := openStageLog(path)
	if err != nil {
		t.Fatal(err)
	}
	es := []stageEntry{{tenant: 1, sensor: 2, epoch: 1 << 63, seq: 4, base: 5, payload: []byte("batch")},
		{tenant: 1, sensor: 3, epoch: 9, seq: 0, base: 6, payload: []byte{}}}
	for _, e := range es {
		if _, err := l.append(e); err != nil {
			t.Fatal(err)
		}
	}
	l.close()
	data, _ := os.ReadFile(path)
	if want := encodeStageEntries(es); !bytes.Equal(data[stageLogHeaderSize:], want) {
		t.Fatalf("log body\n %x\nwant\n %x", data[stageLogHeaderSize:], want)
	}
	l, err = openStageLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.close()
	var got []stageEntry
	end, err := l.entries(func(e stageEntry, _ int64) error { got = append(got, e); return nil })
	if err != nil || end != int64(len(data)) || !reflect.DeepEqual(got, es) {
		t.Fatalf("read back %+v to %d, %v; want %+v to %d", got, end, err, es, len(data))
	}
}

// FuzzStageLog: any bytes after the header read back as whole entries up
// to some offset, and those entries, written again, are exactly the bytes
// before it; nothing panics.
func FuzzStageLog(f *testing.F) {
	f.Add(encodeStageEntries([]stageEntry{{tenant: 1, sensor: 2, epoch: 3, seq: 4, base: 5, payload: []byte("x")}}))
	f.Add(append(encodeStageEntries([]stageEntry{{payload: []byte("ab")}}), 1, 2, 3))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var got []stageEntry
		end, err := readStageEntries(bytes.NewReader(data), 0, func(e stageEntry, _ int64) error {
			got = append(got, e)
			return nil
		})
		if err != nil {
			t.Fatalf("error from an in-memory reader: %v", err)
		}
		if end < 0 || end > int64(len(data)) {
			t.Fatalf("end %d outside 0…%d", end, len(data))
		}
		if re := encodeStageEntries(got); !bytes.Equal(re, data[:end]) {
			t.Fatalf("entries re-encode to %x, want %x", re, data[:end])
		}
	})
}

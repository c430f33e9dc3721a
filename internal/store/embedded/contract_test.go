package embedded

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

func TestTenantsAndSensorLimits(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, err := f.s.CreateTenant(ctx, store.Tenant{Name: "plant-a"}); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate tenant: err = %v, want ErrExists", err)
	}
	if f.ta.MaxSensors != 9 || f.ta.MaxUsers != 5 || f.ta.MaxDevicesPerSensor != 1500 || f.ta.TimeZone != "Asia/Tokyo" {
		t.Fatalf("defaults not applied: %+v", f.ta)
	}
	got, err := f.s.Tenant(ctx, store.ForTenant(f.ta.ID))
	if err != nil || got != f.ta {
		t.Fatalf("Tenant = %+v, %v; want %+v", got, err, f.ta)
	}
	if _, err := f.s.Tenant(ctx, store.ForTenant(999)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown tenant: err = %v", err)
	}
	all, err := f.s.Tenants(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("Tenants = %d, %v; want 2", len(all), err)
	}
	small, err := f.s.CreateTenant(ctx, store.Tenant{Name: "small", MaxSensors: 2})
	if err != nil {
		t.Fatal(err)
	}
	sc := store.ForTenant(small.ID)
	for i := range 2 {
		if _, err := f.s.CreateSensor(ctx, sc, fmt.Sprintf("s%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.s.CreateSensor(ctx, sc, "s0"); !errors.Is(err, store.ErrExists) {
		t.Fatalf("duplicate sensor name: err = %v, want ErrExists", err)
	}
	if _, err := f.s.CreateSensor(ctx, sc, "s2"); !errors.Is(err, store.ErrLimit) {
		t.Fatalf("third sensor of 2: err = %v, want ErrLimit", err)
	}
	// The same name in another tenant is fine (fixture: both "line-1").
	if f.sa.Name != f.sb.Name || f.sa.ID == f.sb.ID {
		t.Fatalf("fixture sensors: %+v %+v", f.sa, f.sb)
	}
	ss, err := f.s.Sensors(ctx, sc)
	if err != nil || len(ss) != 2 {
		t.Fatalf("Sensors = %d, %v; want 2", len(ss), err)
	}
	v := ss[0]
	v.CertSerial, v.CertNotAfter, v.Monitoring = "0a1b", t0.Add(365*24*time.Hour), true
	if err := f.s.UpdateSensor(ctx, sc, v); err != nil {
		t.Fatal(err)
	}
	if got, err := f.s.Sensor(ctx, sc, v.ID); err != nil || got != v {
		t.Fatalf("Sensor after update = %+v, %v; want %+v", got, err, v)
	}
	v.Name = "s1"
	if err := f.s.UpdateSensor(ctx, sc, v); !errors.Is(err, store.ErrExists) {
		t.Fatalf("rename onto another sensor: err = %v", err)
	}
}

func TestEnrolTokenSingleUseAndExpiry(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	h1, h2 := sha256.Sum256([]byte("secret-1")), sha256.Sum256([]byte("secret-2"))
	exp := t0.Add(time.Hour)
	if err := f.s.PutEnrolToken(ctx, sa, store.EnrolToken{Hash: h1, Sensor: f.sa.ID, Expires: exp}); err != nil {
		t.Fatal(err)
	}
	if err := f.s.PutEnrolToken(ctx, sa, store.EnrolToken{Hash: h2, Sensor: f.sa.ID, Expires: exp}); err != nil {
		t.Fatal(err)
	}
	// A token for another tenant's sensor is refused.
	if err := f.s.PutEnrolToken(ctx, sa, store.EnrolToken{Hash: sha256.Sum256([]byte("x")), Sensor: f.sb.ID, Expires: exp}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("token for a foreign sensor: err = %v", err)
	}
	if _, err := f.s.TakeEnrolToken(ctx, sha256.Sum256([]byte("nope")), t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: err = %v", err)
	}
	if _, err := f.s.TakeEnrolToken(ctx, h2, exp.Add(time.Microsecond)); !errors.Is(err, store.ErrExpired) {
		t.Fatalf("expired token: err = %v", err)
	}
	// Exactly one of many concurrent takers wins.
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, used := 0, 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tok, err := f.s.TakeEnrolToken(ctx, h1, exp) // at Expires: still valid
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
				if tok.Tenant != f.ta.ID || tok.Sensor != f.sa.ID || !tok.Used.Equal(exp) {
					t.Errorf("taken token = %+v", tok)
				}
			case errors.Is(err, store.ErrUsed):
				used++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || used != 7 {
		t.Fatalf("concurrent takes: %d won, %d ErrUsed; want 1 and 7", wins, used)
	}
}

func TestExactlyOnceUnderConcurrentDuplicates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	g := newGen(7, 40)
	batches := make([][]record.Record, 5)
	want := 0
	for i := range batches {
		batches[i] = g.minute(t0.Add(time.Duration(i)*time.Minute), 30)
		want += len(batches[i])
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	stored, dups := 0, 0
	for copyN := range 4 {
		for i := range batches {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dup, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 3, Seq: uint64(i)},
					store.BatchMeta{Received: t0.Add(time.Duration(copyN) * time.Second)}, batches[i])
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Error(err)
				} else if dup {
					dups++
				} else {
					stored++
				}
			}()
		}
	}
	wg.Wait()
	if stored != 5 || dups != 15 {
		t.Fatalf("stored %d, duplicates %d; want 5 and 15", stored, dups)
	}
	counts, err := f.s.CountRecords(ctx, sa, store.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, n := range counts {
		total += n
	}
	if total != int64(want) {
		t.Fatalf("%d records stored, want %d", total, want)
	}
	// The same seq under a new epoch is a new batch.
	dup, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 4, Seq: 0}, store.BatchMeta{}, batches[0][:1])
	if err != nil || dup {
		t.Fatalf("new epoch: dup=%v err=%v", dup, err)
	}
	// Spool epochs are random 64-bit numbers: half have the high bit set,
	// which database/sql refuses as a uint64 argument.
	high := store.BatchKey{Sensor: f.sa.ID, Epoch: 1<<63 | 12345, Seq: 7}
	for i, want := range []bool{false, true} {
		dup, err := f.s.IngestBatch(ctx, sa, high, store.BatchMeta{}, nil)
		if err != nil || dup != want {
			t.Fatalf("high-bit epoch, upload %d: dup=%v err=%v", i, dup, err)
		}
	}
	if err := f.s.LogUpload(ctx, sa, store.UploadEvent{Time: t0, Sensor: f.sa.ID, Epoch: high.Epoch, Seq: 7, Result: "stored"}); err != nil {
		t.Fatal(err)
	}
	ups, err := f.s.Uploads(ctx, sa, t0, 10)
	if err != nil || len(ups) == 0 || ups[0].Epoch != high.Epoch {
		t.Fatalf("uploads %+v, %v: want epoch %d back", ups, err, high.Epoch)
	}
	// The rollups counted each batch once: the connections equal the conn
	// records (the extra epoch-4 batch holds an interval record only).
	var conns uint64
	for _, r := range batches {
		for _, rec := range r {
			if _, ok := rec.(*record.Conn); ok {
				conns++
			}
		}
	}
	res, err := f.s.TrafficSeries(ctx, sa, store.TrafficQuery{From: t0, To: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 1 || res.Series[0].Total.Conns != conns {
		t.Fatalf("total conns = %+v, want %d", res.Series, conns)
	}
}

func TestFlushCrashKeepsOneCopy(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t0.Add(2 * time.Hour)}
	s := openTest(t, dir, clk)
	ctx := context.Background()
	ten, _ := s.CreateTenant(ctx, store.Tenant{Name: "t"})
	sc := store.ForTenant(ten.ID)
	sen, _ := s.CreateSensor(ctx, sc, "s")
	recs := ingestMinutes(t, s, sc, sen.ID, newGen(3, 30), t0, 4, 10, 1)
	crash := errors.New("simulated crash")
	s.afterParquet = func() error { return crash }
	if err := s.Flush(ctx); !errors.Is(err, crash) {
		t.Fatalf("flush: err = %v", err)
	}
	// The file is on disk, the rows are still staged: a query sees each
	// record once (the file is not in the catalog yet).
	if n := countAll(t, s, sc); n != int64(len(recs)) {
		t.Fatalf("after crash: %d records, want %d", n, len(recs))
	}
	files := parquetFiles(t, dir)
	if len(files) != 1 {
		t.Fatalf("after crash: %d parquet files, want 1", len(files))
	}
	s.Close()
	s = openTest(t, dir, clk)
	if got := parquetFiles(t, dir); len(got) != 0 {
		t.Fatalf("after reopen: orphan files %v not removed", got)
	}
	if n := countAll(t, s, sc); n != int64(len(recs)) {
		t.Fatalf("after reopen: %d records, want %d", n, len(recs))
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if n := countAll(t, s, sc); n != int64(len(recs)) {
		t.Fatalf("after second flush: %d records, want %d", n, len(recs))
	}
	var staged int
	s.db.QueryRow(`SELECT count(*) FROM staged`).Scan(&staged)
	if got := parquetFiles(t, dir); len(got) != 1 || staged != 0 {
		t.Fatalf("after second flush: files %v, %d staged rows; want 1 file, 0 rows", got, staged)
	}
	// New batches after a reopen continue the row sequence.
	more := ingestMinutes(t, s, sc, sen.ID, newGen(4, 30), t0.Add(10*time.Minute), 2, 10, 100)
	if n := countAll(t, s, sc); n != int64(len(recs)+len(more)) {
		t.Fatalf("after more: %d records, want %d", n, len(recs)+len(more))
	}
}

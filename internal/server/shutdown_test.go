package server

import (
	"context"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

func newUploader(t *testing.T, s *Server, spool *sensor.Spool, id *sensor.Identity) *sensor.Uploader {
	t.Helper()
	cfg := sensor.DefaultUploaderConfig()
	cfg.Server = "https://" + s.IngestAddr()
	cfg.MinBackoff, cfg.MaxBackoff, cfg.Poll = 10*time.Millisecond, 50*time.Millisecond, 20*time.Millisecond
	u, err := sensor.NewUploader(cfg, spool, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestServerGracefulShutdown stops the server while a sensor uploads,
// starts it again on the same data directory and lets the sensor finish:
// every batch is stored exactly once, and the inventory built before the
// stop was saved and carried on.
func TestServerGracefulShutdown(t *testing.T) {
	data := t.TempDir()
	cfg := testConfig(data)
	a := startServer(t, cfg)
	mustDo(t, a.Admin(), Request{Op: OpTenantAdd, Name: "acme"})
	id := enrolSensor(t, a, "acme", "line-a")
	// One batch per minute that has traffic: 15 of Modbus over 26 minutes,
	// then 1 of a mixed plant.
	spool, batches := spoolCaptures(t, id.SensorID(), "modbus/MODBUS-TestDataPart1.pcap", "modbus/mb2.pcap")
	if len(batches) != 16 {
		t.Fatalf("spooled %d batches, want 16", len(batches))
	}
	wantRecords := map[record.Kind]int64{}
	for _, b := range batches {
		for _, r := range b.Records {
			wantRecords[r.RecordKind()]++
		}
	}
	if wantRecords[record.KindConn] != 6+87 { // as `otsight analyze` counts
		t.Fatalf("spooled %d conn records, want 93", wantRecords[record.KindConn])
	}

	sc := store.ForTenant(1)
	ctx := context.Background()
	stored := func(s *Server) int {
		ev, err := s.Store().Uploads(ctx, sc, time.Time{}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range ev {
			if e.Result == "stored" {
				n++
			}
		}
		return n
	}
	up := newUploader(t, a, spool, id)
	up.Start(ctx)
	waitFor(t, "the first upload", func() bool { return stored(a) >= 1 })
	if err := a.Stop(); err != nil { // uploads still coming
		t.Fatal(err)
	}
	up.Stop()
	left, err := spool.Pending()
	if err != nil {
		t.Fatal(err)
	}
	if len(left) == 0 {
		t.Fatal("every batch went before the stop; the test needs some left")
	}
	t.Logf("stopped with %d of %d batches left in the spool", len(left), len(batches))

	b := startServer(t, cfg)
	up = newUploader(t, b, spool, id)
	up.Start(ctx)
	waitFor(t, "the spool to drain", func() bool {
		seqs, err := spool.Pending()
		return err == nil && len(seqs) == 0
	})
	up.Stop()

	// Exactly once: one stored event per batch, and the records of each
	// batch once.
	ev, err := b.Store().Uploads(ctx, sc, time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]int{}
	for _, e := range ev {
		if e.Result == "stored" {
			seen[e.Seq]++
		}
	}
	for _, bt := range batches {
		if seen[bt.Header.Seq] != 1 {
			t.Errorf("batch %d stored %d times", bt.Header.Seq, seen[bt.Header.Seq])
		}
	}
	got, err := b.Store().CountRecords(ctx, sc, store.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(wantRecords) {
		t.Errorf("stored kinds %v, want %v", got, wantRecords)
	}
	for k, n := range wantRecords {
		if got[k] != n {
			t.Errorf("%s: stored %d records, spooled %d", k, got[k], n)
		}
	}

	// The inventory continued from the snapshot the stop saved.
	inv := inventory.New(inventory.Config{})
	for _, bt := range batches {
		inv.Add(id.SensorID(), bt.Records)
	}
	st := mustDo(t, b.Admin(), Request{Op: OpStats}).Stats
	if n := len(inv.Devices()); st.Tenants[0].Sensors[0].Devices != n || n == 0 {
		t.Errorf("devices %d after the restart, want %d", st.Tenants[0].Sensors[0].Devices, n)
	}
	t.Logf("records %v, %d devices", got, len(inv.Devices()))
}

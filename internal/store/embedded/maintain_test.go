package embedded

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestBackgroundMaintenance(t *testing.T) {
	clk := &clock{t0.Add(time.Hour)}
	cfg := DefaultConfig()
	cfg.Dir, cfg.BackupDir = t.TempDir(), t.TempDir()
	cfg.MaintainEvery = 20 * time.Millisecond
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = clk.now
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	ten, _ := s.CreateTenant(ctx, store.Tenant{Name: "t"})
	sc := store.ForTenant(ten.ID)
	sen, _ := s.CreateSensor(ctx, sc, "s")
	recs := ingestMinutes(t, s, sc, sen.ID, newGen(1, 10), t0, 2, 10, 1)
	s.Start(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		snaps, _ := Snapshots(cfg.BackupDir)
		var staged int
		s.db.QueryRow(`SELECT count(*) FROM staged`).Scan(&staged)
		if staged == 0 && len(parquetFiles(t, cfg.Dir)) == 1 && len(snaps) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("maintenance did not flush and back up: %d staged, %d files, %d snapshots", staged, len(parquetFiles(t, cfg.Dir)), len(snaps))
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.Stop()
	s.Stop() // idempotent
	if n := countAll(t, s, sc); n != int64(len(recs)) {
		t.Fatalf("%d records after maintenance, want %d", n, len(recs))
	}
}

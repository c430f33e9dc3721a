package server

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// testConfig is a server on loopback ports the kernel picks, with its data
// in data.
func testConfig(data string) Config {
	cfg := DefaultConfig()
	cfg.DataDir = data
	cfg.Listen.Address = "127.0.0.1:0"
	cfg.Ingest.Address = "127.0.0.1:0"
	cfg.Ingest.Hosts = []string{"127.0.0.1"}
	cfg.Store.MaintainEvery = time.Hour
	cfg.Store.Threads = 1
	// The captures are years old: with the default retention the
	// maintenance at start would delete them once flushed.
	cfg.Store.RetentionDays = 100 * 365
	return cfg
}

func testLogger(t *testing.T) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return nil
}

// startServer runs a server until the test ends.
func startServer(t *testing.T, cfg Config) *Server {
	t.Helper()
	s, err := New(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		s.Stop()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}

// mustDo runs an admin request and fails the test on error.
func mustDo(t *testing.T, a *Admin, req Request) Response {
	t.Helper()
	resp := a.Do(context.Background(), req)
	if resp.Error != "" {
		t.Fatalf("%s: %s", req.Op, resp.Error)
	}
	return resp
}

// enrolSensor adds a sensor to tenant and enrols it against s.
func enrolSensor(t *testing.T, s *Server, tenant, name string) *sensor.Identity {
	t.Helper()
	resp := mustDo(t, s.Admin(), Request{Op: OpSensorAdd, Tenant: tenant, Name: name, On: true})
	id, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{
		Server: "https://" + s.IngestAddr(), Token: resp.Enrolment.Token,
		StateDir: filepath.Join(t.TempDir(), "state"), Timeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// spoolCaptures runs the sensor pipeline over captures into a new spool,
// one batch per minute of each, and returns the spool with every batch
// read back.
func spoolCaptures(t *testing.T, sensorID string, rels ...string) (*sensor.Spool, []*record.Batch) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "spool")
	// An epoch with the high bit set, as half of the random epochs are:
	// the whole path must carry it (database/sql alone refuses such uint64s).
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "epoch"), []byte("18446744073709551557\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	spool, err := sensor.OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range rels {
		next, err := spool.NextSeq()
		if err != nil {
			t.Fatal(err)
		}
		src, err := capture.OpenFile(pcaptest.Path(t, rel))
		if err != nil {
			t.Fatal(err)
		}
		b := sensor.NewBatcher(sensorID, next, spool.Put)
		cfg := sensor.DefaultConfig()
		cfg.Labels = []string{""}
		p := sensor.NewPipeline(cfg, reg, b, nil)
		if err := sensor.Drain(src, p); err != nil {
			t.Fatal(err)
		}
		src.Close()
		if b.Err != nil {
			t.Fatal(b.Err)
		}
		if err := spool.SaveNextSeq(b.NextSeq()); err != nil {
			t.Fatal(err)
		}
	}
	seqs, err := spool.Pending()
	if err != nil {
		t.Fatal(err)
	}
	var batches []*record.Batch
	for _, seq := range seqs {
		data, err := spool.Read(seq)
		if err != nil {
			t.Fatal(err)
		}
		b, err := record.Unmarshal(data)
		if err != nil {
			t.Fatal(err)
		}
		batches = append(batches, b)
	}
	return spool, batches
}

// waitFor polls cond until it holds or 20 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

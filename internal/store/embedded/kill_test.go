package embedded

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

const killTotal = 150 // batches the killed store must end up with

// killBatch is batch i of TestStoreKilled: the same records in every
// process.
func killBatch(i int) []record.Record {
	return wireOrder(newGen(uint64(1000+i), 30).minute(t0.Add(time.Duration(i)*time.Minute), 10))
}

// TestHelperStoreProcess is not a test: it is the server process that
// TestStoreKilled starts and kills. It ingests batches from
// OTSIGHT_STORE_FROM on, printing "ack N" once batch N is stored, while
// flushes and maintenance rounds run beside it without pause.
func TestHelperStoreProcess(t *testing.T) {
	dir := os.Getenv("OTSIGHT_STORE_DIR")
	if dir == "" {
		t.Skip("helper process only")
	}
	from, _ := strconv.Atoi(os.Getenv("OTSIGHT_STORE_FROM"))
	tenant, _ := strconv.ParseInt(os.Getenv("OTSIGHT_STORE_TENANT"), 10, 64)
	sensor, _ := strconv.ParseInt(os.Getenv("OTSIGHT_STORE_SENSOR"), 10, 64)
	cfg := DefaultConfig()
	cfg.Dir = dir
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = func() time.Time { return t0.Add(48 * time.Hour) }
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	go func() {
		for {
			if err := s.Flush(ctx); err != nil {
				fmt.Println("error", err)
			}
			if err := s.Maintain(ctx); err != nil {
				fmt.Println("error", err)
			}
		}
	}()
	sc := store.ForTenant(store.TenantID(tenant))
	for i := from; i < killTotal; i++ {
		m := t0.Add(time.Duration(i) * time.Minute)
		if _, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: store.SensorID(sensor), Epoch: 1, Seq: uint64(i)},
			store.BatchMeta{Received: m.Add(time.Minute), Start: m, End: m.Add(time.Minute)}, killBatch(i)); err != nil {
			fmt.Println("error", err)
			continue
		}
		fmt.Println("ack", i)
	}
	select {} // until killed
}

// TestStoreKilled kills the store's process with SIGKILL at random
// moments of its ingest, flushes and maintenance, and restarts it, as a
// sensor would resend: after each crash every acknowledged batch is
// stored, every stored batch has all its records once, and in the end the
// rollups equal the records.
func TestStoreKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills processes")
	}
	dir := t.TempDir()
	clk := &clock{t0.Add(48 * time.Hour)}
	s := openTest(t, dir, clk)
	sc, sen := oneSensor(t, s, "t", "s")
	s.Close()
	rng := rand.New(rand.NewPCG(5, 5))
	next, kills := 0, 0
	for next < killTotal {
		acked := runUntilKilled(t, dir, sc, sen.ID, next, 5+rng.IntN(25))
		if len(acked) > 0 {
			next = acked[len(acked)-1] + 1
		}
		kills++
		s = openTest(t, dir, clk)
		stored := storedSeqs(t, s, sen.ID)
		var want int64
		for _, i := range acked {
			if !stored[i] {
				t.Fatalf("after kill %d: acknowledged batch %d is not stored", kills, i)
			}
		}
		for i := range stored {
			want += int64(len(killBatch(i)))
		}
		if n := countAll(t, s, sc); n != want {
			t.Fatalf("after kill %d: %d records, the %d stored batches hold %d", kills, n, len(stored), want)
		}
		s.Close()
	}
	if kills < 3 {
		t.Fatalf("only %d kills", kills)
	}
	s = openTest(t, dir, clk)
	ctx := context.Background()
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Maintain(ctx); err != nil {
		t.Fatal(err)
	}
	var all []record.Record
	for i := range killTotal {
		all = append(all, killBatch(i)...)
	}
	if n := countAll(t, s, sc); n != int64(len(all)) {
		t.Fatalf("%d records, want %d", n, len(all))
	}
	checkPairHours(t, s, sc, expect(all), t0, t0.Add(4*time.Hour), "after the kills")
}

// runUntilKilled runs the helper process from batch from and kills it
// after n acknowledgements (or when it has stored everything); it returns
// the batches acknowledged.
func runUntilKilled(t *testing.T, dir string, sc store.Scope, sensor store.SensorID, from, n int) []int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStoreProcess$")
	cmd.Env = append(os.Environ(), "OTSIGHT_STORE_DIR="+dir, fmt.Sprintf("OTSIGHT_STORE_FROM=%d", from),
		fmt.Sprintf("OTSIGHT_STORE_TENANT=%d", sc.Tenant()), fmt.Sprintf("OTSIGHT_STORE_SENSOR=%d", sensor))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []int
	sc2 := bufio.NewScanner(out)
	for sc2.Scan() {
		line := sc2.Text()
		if rest, ok := strings.CutPrefix(line, "ack "); ok {
			i, _ := strconv.Atoi(rest)
			acked = append(acked, i)
			if len(acked) == n || i == killTotal-1 {
				break
			}
		} else if strings.HasPrefix(line, "error") {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("helper: %s", line)
		}
	}
	cmd.Process.Kill()
	io.Copy(io.Discard, out)
	cmd.Wait()
	return acked
}

func storedSeqs(t *testing.T, s *Store, sensor store.SensorID) map[int]bool {
	t.Helper()
	rows, err := s.db.Query(`SELECT seq FROM batches WHERE sensor_id = ?`, int64(sensor))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int]bool{}
	for rows.Next() {
		var seq int
		if err := rows.Scan(&seq); err != nil {
			t.Fatal(err)
		}
		out[seq] = true
	}
	return out
}

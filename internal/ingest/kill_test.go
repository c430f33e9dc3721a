package ingest_test

import (
	"context"
	"os"
	"os/exec"
	"sync"
	"testing"

	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

// TestHelperUploaderProcess is not a test: it is the sensor process that
// TestSensorKilled starts and kills.
func TestHelperUploaderProcess(t *testing.T) {
	state, spoolDir, server := os.Getenv("OTSIGHT_HELPER_STATE"), os.Getenv("OTSIGHT_HELPER_SPOOL"), os.Getenv("OTSIGHT_HELPER_SERVER")
	if state == "" {
		t.Skip("helper process only")
	}
	id, err := sensor.LoadIdentity(state)
	if err != nil {
		t.Fatal(err)
	}
	sp := openSpool(t, spoolDir)
	u := fastUploader(t, sp, id, server, nil)
	u.Start(context.Background())
	select {} // until killed
}

// The sensor is killed with SIGKILL while a batch is in flight (stored, its
// reply not yet sent) and restarted: every batch ends up stored exactly
// once and the restarted sensor does not reuse a sequence number.
func TestSensorKilled(t *testing.T) {
	h := newHarness(t, nil)
	sn := h.addSensor("line-1")
	state := t.TempDir()
	id, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: h.url, Token: h.token(sn.ID, 3600e9), StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	spoolDir := t.TempDir()
	sp := openSpool(t, spoolDir)
	for seq := range uint64(6) {
		if err := sp.Put(testBatch(id.SensorID(), 0, seq, 2)); err != nil {
			t.Fatal(err)
		}
	}
	inFlight, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	h.st.hooks(nil, func(k store.BatchKey) {
		if k.Seq == 3 {
			once.Do(func() { close(inFlight) })
			<-release
		}
	})
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperUploaderProcess$")
	cmd.Env = append(os.Environ(), "OTSIGHT_HELPER_STATE="+state, "OTSIGHT_HELPER_SPOOL="+spoolDir, "OTSIGHT_HELPER_SERVER="+h.url)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	<-inFlight
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	close(release)
	if p := pending(t, sp); len(p) != 3 || p[0] != 3 {
		t.Fatalf("after the kill the spool holds %v, want 3..5", p)
	}
	h.st.hooks(nil, nil)

	// Restart: reopen the spool as the sensor does.
	sp2 := openSpool(t, spoolDir)
	if next, err := sp2.NextSeq(); err != nil || next != 6 {
		t.Fatalf("restarted sensor's next seq = %d, %v; want 6", next, err)
	}
	u := fastUploader(t, sp2, id, "", nil)
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp2)) == 0 })
	u.Stop()
	if st := u.Stats(); st.Stored != 2 || st.Duplicates != 1 {
		t.Errorf("restarted uploader %+v, want 2 stored + 1 duplicate (the batch in flight)", st)
	}
	got, writes := h.st.stored()
	if writes != 6 || len(got) != 6 {
		t.Fatalf("store: %d writes, %d batches; want 6", writes, len(got))
	}
	// All batches uploaded and removed, no clean exit: numbering continues.
	if next, err := openSpool(t, spoolDir).NextSeq(); err != nil || next != 6 {
		t.Errorf("next seq = %d, %v; want 6", next, err)
	}
}

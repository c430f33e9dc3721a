package ingest_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

// The ready-made http.Server serves enrolment and uploads as the server
// command will run it.
func TestHTTPServer(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	ca, err := pki.LoadOrCreateCA(dir, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.ServerCertificate(dir, []string{"localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	st := newMemStore()
	srv := ingest.New(ingest.DefaultConfig(), st, ca, nil)
	hs := srv.HTTPServer("127.0.0.1:0", cert)
	ln, err := net.Listen("tcp", hs.Addr)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- hs.ServeTLS(ln, "", "") }()
	defer func() {
		hs.Close()
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("serve: %v", err)
		}
	}()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	url := "https://localhost:" + port

	sn, _ := st.CreateSensor(context.Background(), store.ForTenant(tenant), "line-1")
	tok, err := ingest.IssueToken(context.Background(), st, ca, store.ForTenant(tenant), sn.ID, time.Now().Add(ingest.DefaultTokenTTL))
	if err != nil {
		t.Fatal(err)
	}
	id, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: url, Token: tok, StateDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	sp := openSpool(t, t.TempDir())
	if err := sp.Put(testBatch(id.SensorID(), 0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	u := fastUploader(t, sp, id, "", nil)
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()
	if _, writes := st.stored(); writes != 1 {
		t.Fatalf("%d batches stored, want 1", writes)
	}
}

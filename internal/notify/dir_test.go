package notify

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

func TestDirTransport(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	dir := filepath.Join(t.TempDir(), "outbox")
	cfg := DefaultConfig()
	cfg.Transport, cfg.Dir, cfg.From = TransportDir, dir, "noreply@example.jp"
	logs := &logBuffer{}
	cfg.Logger = logs.logger()
	mailer, err := NewMailer(cfg, st, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := NewTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := NewDeliverer(cfg, st, tr, clk.now)
	sc := store.ForTenant(tn.ID)
	m1, err := mailer.Queue(t.Context(), sc, "a@plant-a.example.jp", jaSubject, jaBody)
	if err != nil {
		t.Fatal(err)
	}
	clk.add(90 * time.Second)
	m2, err := mailer.Queue(t.Context(), sc, "b@plant-a.example.jp", "second", "two\n")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(t.Context()); n != 2 || err != nil {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"20261127T090000Z-1.eml", "20261127T090130Z-2.eml"}
	if len(names) != 2 || names[0] != want[0] || names[1] != want[1] {
		t.Fatalf("outbox dir holds %q, want %q (and no temporary files)", names, want)
	}
	for i, m := range []store.Mail{m1, m2} {
		b, err := os.ReadFile(filepath.Join(dir, want[i]))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, m.Message) {
			t.Errorf("%s differs from the queued message", want[i])
		}
	}
	p := parseMessage(t, m1.Message)
	if p.Subject != jaSubject {
		t.Errorf("subject in .eml decodes to %q", p.Subject)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("outbox dir mode %v, %v; want 0700", fi.Mode().Perm(), err)
	}

	// A retry of the same message (say, after a crash before MarkMail)
	// rewrites its file instead of adding one.
	if err := tr.Send(t.Context(), m1); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("after a resend the dir holds %d files, want 2", len(entries))
	}
	if logs.count("mail delivered") != 2 {
		t.Errorf("attempt log:\n%s", logs.buf.String())
	}
}

// An unwritable directory fails the attempt and leaves the message queued.
func TestDirTransportFailureRetried(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	dir := filepath.Join(t.TempDir(), "outbox")
	tr, err := NewDirTransport(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.From = "noreply@example.jp"
	cfg.Logger = (&logBuffer{}).logger()
	mailer, _ := NewMailer(cfg, st, clk.now)
	d, _ := NewDeliverer(cfg, st, tr, clk.now)
	sc := store.ForTenant(tn.ID)
	if _, err := mailer.Queue(t.Context(), sc, "a@plant-a.example.jp", "s", "b\n"); err != nil {
		t.Fatal(err)
	}
	// Replace the directory by a file: every create in it fails, even as root.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if n, err := d.RunOnce(t.Context()); n != 0 || err != nil {
		t.Fatalf("RunOnce = %d, %v", n, err)
	}
	box, _ := st.Outbox(t.Context(), sc, 1)
	if box[0].Attempts != 1 || box[0].LastError == "" || !box[0].NextAttempt.Equal(t0.Add(30*time.Second)) {
		t.Fatalf("after a failed write: %+v", box[0])
	}
	os.Remove(dir)
	os.Mkdir(dir, 0o700)
	clk.add(30 * time.Second)
	if n, err := d.RunOnce(t.Context()); n != 1 || err != nil {
		t.Fatalf("RunOnce after repair = %d, %v", n, err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 || entries[0].Name() != "20261127T090000Z-1.eml" {
		t.Errorf("dir after repair: %v", entries)
	}
}

func TestDirConfig(t *testing.T) {
	cfg := DirConfig("/var/lib/otsight")
	if cfg.Transport != TransportDir || cfg.Dir != "/var/lib/otsight/outbox" {
		t.Fatalf("DirConfig = %q %q", cfg.Transport, cfg.Dir)
	}
	if _, err := NewTransport(DirConfig(t.TempDir())); err != nil {
		t.Fatal(err)
	}
}

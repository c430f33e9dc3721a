package notify

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// waitFor polls cond for up to 20 s; the bound only keeps a broken build
// from hanging, it asserts nothing about speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// With an hour between polls, only Wake (wired to OnQueued) can make the
// running Deliverer send the message.
func TestDelivererStartWakeStop(t *testing.T) {
	clk := &clock{t: t0}
	st, tn := openStore(t, clk)
	srv := startSMTP(t, "127.0.0.1:0", nil)
	logs := &logBuffer{}
	cfg := smtpConfig(srv.port(t), logs, nil)
	cfg.PollEvery = time.Hour
	mailer, _ := NewMailer(cfg, st, clk.now)
	tr, _ := NewTransport(cfg)
	ob := &countingOutbox{Outbox: st}
	d, err := NewDeliverer(cfg, ob, tr, clk.now)
	if err != nil {
		t.Fatal(err)
	}
	mailer.OnQueued = d.Wake
	d.Start(t.Context())
	d.Start(t.Context()) // no second loop
	// Let the first (empty) pass run so that the message below is found
	// only thanks to Wake.
	waitFor(t, "an empty first pass", func() bool { return ob.due.Load() == 1 })
	if _, err := mailer.Queue(t.Context(), store.ForTenant(tn.ID), "a@plant-a.example.jp", jaSubject, jaBody); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "delivery", func() bool { return len(srv.messages()) == 1 })
	d.Stop()
	d.Stop()
	waitFor(t, "the delivery log line", func() bool { return logs.count("mail delivered") == 1 })
	box, _ := st.Outbox(t.Context(), store.ForTenant(tn.ID), 10)
	if len(box) != 1 {
		t.Fatalf("outbox holds %d messages, want 1", len(box))
	}
	if box[0].Delivered.IsZero() || box[0].Attempts != 1 {
		t.Fatalf("outbox: attempts %d delivered %v; want 1 and delivered", box[0].Attempts, box[0].Delivered)
	}
	if n := ob.due.Load(); n != 2 {
		t.Errorf("outbox polled %d times, want 2 (start, wake)", n)
	}
}

// countingOutbox counts DueMail calls: the passes of the delivery loop.
type countingOutbox struct {
	Outbox
	due atomic.Int64
}

func (c *countingOutbox) DueMail(ctx context.Context, now time.Time, limit int) ([]store.Mail, error) {
	c.due.Add(1)
	return c.Outbox.DueMail(ctx, now, limit)
}

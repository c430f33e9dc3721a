package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Deliverer moves due messages from the outbox to a Transport. One
// Deliverer per outbox: two would send a message twice.
type Deliverer struct {
	cfg     Config
	outbox  Outbox
	tr      Transport
	now     func() time.Time
	log     *slog.Logger
	metrics *metrics

	wake chan struct{}

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewDeliverer returns a Deliverer sending outbox's due messages through
// tr; now is the clock (time.Now when nil).
func NewDeliverer(cfg Config, outbox Outbox, tr Transport, now func() time.Time) (*Deliverer, error) {
	cfg.fill()
	if now == nil {
		now = time.Now
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("deliverer metrics: %w", err)
	}
	return &Deliverer{cfg: cfg, outbox: outbox, tr: tr, now: now, log: cfg.Logger, metrics: m,
		wake: make(chan struct{}, 1)}, nil
}

// Wake makes a running Deliverer look at the outbox now instead of at its
// next poll. It never blocks.
func (d *Deliverer) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Start runs the delivery loop in the background until Stop or ctx ends.
// Starting a started Deliverer does nothing.
func (d *Deliverer) Start(ctx context.Context) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cancel != nil {
		return
	}
	ctx, d.cancel = context.WithCancel(ctx)
	d.done = make(chan struct{})
	go d.loop(ctx, d.done)
}

// Stop ends the loop and waits for an attempt in progress to finish.
func (d *Deliverer) Stop() {
	d.mu.Lock()
	cancel, done := d.cancel, d.done
	d.cancel, d.done = nil, nil
	d.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (d *Deliverer) loop(ctx context.Context, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(d.cfg.PollEvery)
	defer t.Stop()
	for {
		if _, err := d.RunOnce(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("mail outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.wake:
		}
	}
}

// RunOnce makes one attempt at every message due now (up to Config.Batch)
// and returns how many were delivered. The loop calls it; tests and a
// "send now" button may too, as long as no loop runs at the same time.
func (d *Deliverer) RunOnce(ctx context.Context) (delivered int, err error) {
	due, err := d.outbox.DueMail(ctx, d.now(), d.cfg.Batch)
	if err != nil {
		return 0, fmt.Errorf("due mail: %w", err)
	}
	var errs []error
	for _, m := range due {
		if ctx.Err() != nil {
			break
		}
		ok, err := d.attempt(ctx, m)
		if err != nil {
			errs = append(errs, err)
		}
		if ok {
			delivered++
		}
	}
	return delivered, errors.Join(errs...)
}

// attempt sends one message and records the outcome in the outbox, the log
// and the metrics. The error is about recording, not about sending: a
// failed send is an expected outcome that only moves the next attempt.
func (d *Deliverer) attempt(ctx context.Context, m store.Mail) (bool, error) {
	start := d.now()
	sendErr := d.tr.Send(ctx, m)
	// The outcome is recorded even when Stop cancels ctx meanwhile: a sent
	// message left unmarked would be sent again at the next start.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	at := d.now()
	attempt := m.Attempts + 1
	attrs := []any{"mail", int64(m.ID), "tenant", int64(m.Tenant), "to", m.To, "transport", d.tr.Name(),
		"attempt", attempt, "took", at.Sub(start)}
	if sendErr == nil {
		d.metrics.attempts.WithLabelValues(d.tr.Name(), "delivered").Inc()
		d.log.Info("mail delivered", attrs...)
		if err := d.outbox.MarkMail(rec, m.ID, true, at, "", time.Time{}); err != nil {
			// Sent but not recorded: it will be sent again. A duplicate
			// login code beats a lost one.
			return true, fmt.Errorf("mail %d delivered but not marked: %w", m.ID, err)
		}
		return true, nil
	}
	next := at.Add(d.cfg.backoff(attempt))
	d.metrics.attempts.WithLabelValues(d.tr.Name(), "failed").Inc()
	d.log.Warn("mail attempt failed", append(attrs, "err", sendErr.Error(), "next", next)...)
	if err := d.outbox.MarkMail(rec, m.ID, false, at, sendErr.Error(), next); err != nil {
		return false, fmt.Errorf("mail %d: record failed attempt: %w", m.ID, err)
	}
	return false, nil
}

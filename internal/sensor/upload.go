package sensor

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// UploaderConfig configures an Uploader.
type UploaderConfig struct {
	// Server is the base URL; empty: the one recorded at enrolment.
	Server string
	// Proxy is the HTTPS proxy; nil: HTTPS_PROXY / NO_PROXY from the
	// environment.
	Proxy *url.URL
	// MinBackoff and MaxBackoff bound the wait after a failed attempt; it
	// doubles per consecutive failure and is jittered (half to full), so
	// that sensors coming back after a server outage spread out.
	MinBackoff, MaxBackoff time.Duration
	// Poll is how often an idle uploader looks at the spool when nobody
	// Kicks it.
	Poll time.Duration
	// Timeout bounds one request.
	Timeout time.Duration
	// RenewRetry is the wait after a failed certificate renewal.
	RenewRetry time.Duration
	// Now is the clock for renewal decisions; nil: time.Now.
	Now func() time.Time
}

// DefaultUploaderConfig returns the production defaults.
func DefaultUploaderConfig() UploaderConfig {
	return UploaderConfig{
		MinBackoff: time.Second,
		MaxBackoff: 5 * time.Minute,
		Poll:       10 * time.Second,
		Timeout:    3 * time.Minute, // a minute batch over a slow plant uplink
		RenewRetry: 15 * time.Minute,
	}
}

// UploadStats counts the uploader's work since it was made.
type UploadStats struct {
	Stored     uint64 // batches the server stored
	Duplicates uint64 // batches the server already had (a retry after a lost reply)
	Refused    uint64 // batches refused for good, set aside in the spool's refused/ directory
	Failures   uint64 // attempts that failed and will be retried
	Renewals   uint64 // certificates renewed
}

// Uploader sends spooled batches to the server in sequence order, each
// removed only once the server has answered stored or duplicate. It runs
// beside the capture, which only ever writes to the spool, so a slow or
// absent server never slows the capture: batches wait on disk (up to the
// spool's cap).
type Uploader struct {
	cfg    UploaderConfig
	spool  *Spool
	id     *Identity
	log    *slog.Logger
	base   *url.URL
	tr     *http.Transport
	client *http.Client
	now    func() time.Time
	depth  int // batches waiting behind the one being sent
	kick   chan struct{}

	stored, duplicates, refused, failures, renewals atomic.Uint64

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewUploader returns an uploader of spool's batches with the credentials
// of id. It does nothing until Start.
func NewUploader(cfg UploaderConfig, spool *Spool, id *Identity, log *slog.Logger) (*Uploader, error) {
	if log == nil {
		log = slog.Default()
	}
	def := DefaultUploaderConfig()
	cfg.MinBackoff = cmp(cfg.MinBackoff, def.MinBackoff)
	cfg.MaxBackoff = max(cmp(cfg.MaxBackoff, def.MaxBackoff), cfg.MinBackoff)
	cfg.Poll = cmp(cfg.Poll, def.Poll)
	cfg.Timeout = cmp(cfg.Timeout, def.Timeout)
	cfg.RenewRetry = cmp(cfg.RenewRetry, def.RenewRetry)
	server := cfg.Server
	if server == "" {
		server = id.Server()
	}
	base, err := serverURL(server)
	if err != nil {
		return nil, err
	}
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	tr := newTransport(id.TLSConfig(), cfg.Proxy)
	return &Uploader{
		cfg: cfg, spool: spool, id: id, log: log, base: base, now: now,
		tr: tr, client: &http.Client{Transport: tr, Timeout: cfg.Timeout},
		kick: make(chan struct{}, 1),
	}, nil
}

// Start runs the uploader until ctx ends or Stop.
func (u *Uploader) Start(ctx context.Context) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.done != nil {
		return
	}
	ctx, u.cancel = context.WithCancel(ctx)
	u.done = make(chan struct{})
	go u.run(ctx)
}

// Stop ends the uploader and waits for it. A batch in flight is abandoned;
// it stays in the spool and is sent again next time (the server then
// answers duplicate if it had stored it).
func (u *Uploader) Stop() {
	u.mu.Lock()
	cancel, done := u.cancel, u.done
	u.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
	u.tr.CloseIdleConnections()
}

// Kick tells the uploader a new batch is in the spool. It never blocks.
func (u *Uploader) Kick() {
	select {
	case u.kick <- struct{}{}:
	default:
	}
}

// Stats returns the counters.
func (u *Uploader) Stats() UploadStats {
	return UploadStats{
		Stored: u.stored.Load(), Duplicates: u.duplicates.Load(), Refused: u.refused.Load(),
		Failures: u.failures.Load(), Renewals: u.renewals.Load(),
	}
}

func (u *Uploader) run(ctx context.Context) {
	defer close(u.done)
	var failures int
	var nextRenew time.Time
	for {
		if now := u.now(); !now.Before(nextRenew) && u.id.RenewDue(now) {
			if err := u.renew(ctx, now); err != nil {
				u.log.Error("certificate renewal failed", "err", err, "not_after", u.id.Certificate().NotAfter)
				nextRenew = now.Add(u.cfg.RenewRetry)
			}
		}
		err := u.drain(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			failures = 0
			select {
			case <-ctx.Done():
				return
			case <-u.kick:
			case <-time.After(u.cfg.Poll):
			}
			continue
		}
		failures++
		u.failures.Add(1)
		wait := u.backoff(failures)
		u.log.Warn("upload failed; will retry", "err", err, "attempt", failures, "retry_in", wait.Round(time.Millisecond))
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
	}
}

// backoff is MinBackoff·2^(n-1), at most MaxBackoff, jittered to between
// half and all of it.
func (u *Uploader) backoff(n int) time.Duration {
	d := u.cfg.MaxBackoff
	if n < 40 {
		d = min(u.cfg.MinBackoff<<(n-1), u.cfg.MaxBackoff)
	}
	half := d / 2
	return half + rand.N(half+1)
}

func (u *Uploader) renew(ctx context.Context, now time.Time) error {
	if err := u.id.Renew(ctx, u.client, now); err != nil {
		return err
	}
	u.renewals.Add(1)
	// Connections kept alive still present the old certificate.
	u.tr.CloseIdleConnections()
	u.log.Info("certificate renewed", "not_after", u.id.Certificate().NotAfter)
	return nil
}

// drain uploads every spooled batch, oldest first. It returns at the first
// failure that a retry may cure.
func (u *Uploader) drain(ctx context.Context) error {
	seqs, err := u.spool.Pending()
	if err != nil {
		return err
	}
	for i, seq := range seqs {
		if ctx.Err() != nil {
			return nil
		}
		u.depth = len(seqs) - i - 1 // waiting behind this one
		data, err := u.spool.Read(seq)
		if errors.Is(err, os.ErrNotExist) {
			continue // dropped by the spool cap meanwhile
		}
		if err != nil {
			return fmt.Errorf("read batch %d: %w", seq, err)
		}
		result, err := u.put(ctx, seq, data)
		var ref *refusedError
		switch {
		case errors.As(err, &ref) && (ref.status == http.StatusBadRequest || ref.status == http.StatusRequestEntityTooLarge):
			// Sending it again cannot help; keep it for a person, and go on
			// with the rest rather than block the queue behind it.
			u.refused.Add(1)
			u.log.Error("server refused a batch; set aside", "seq", seq, "bytes", len(data), "status", ref.status, "reason", ref.reason)
			if err := u.spool.setAside(seq); err != nil {
				return err
			}
			continue
		case err != nil:
			return fmt.Errorf("batch %d: %w", seq, err)
		}
		// Save the next sequence number before the last trace of this one
		// goes, so that a restart cannot reuse it.
		if err := u.spool.raiseNextSeq(seq + 1); err != nil {
			return err
		}
		if err := u.spool.Remove(seq); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("remove uploaded batch %d: %w", seq, err)
		}
		if result == "duplicate" {
			u.duplicates.Add(1)
		} else {
			u.stored.Add(1)
		}
		u.log.Debug("batch uploaded", "seq", seq, "bytes", len(data), "result", result)
	}
	return nil
}

// put sends one batch and returns the server's result, stored or
// duplicate.
func (u *Uploader) put(ctx context.Context, seq uint64, data []byte) (string, error) {
	target := u.base.JoinPath("v1", "batches", fmt.Sprint(u.spool.Epoch()), fmt.Sprint(seq))
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, target.String(), bytes.NewReader(data))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-otsight-batch")
	req.Header.Set("User-Agent", userAgent())
	// The server's sensor monitoring reads the sensor's clock, spool depth
	// and free disk from these headers (internal/server: clock skew, spool
	// depth in admin stats).
	req.Header.Set("Date", u.now().UTC().Format(http.TimeFormat))
	req.Header.Set("Otsight-Spool-Depth", strconv.Itoa(u.depth))
	if free, ok := diskFree(u.spool.Dir()); ok {
		req.Header.Set("Otsight-Disk-Free", strconv.FormatUint(free, 10))
	}
	resp, err := u.client.Do(req)
	if err != nil {
		return "", err
	}
	var rep serverReply
	if err := readReply(resp, &rep); err != nil {
		return "", err
	}
	if rep.Result != "stored" && rep.Result != "duplicate" {
		return "", fmt.Errorf("server answered 200 with result %q", rep.Result)
	}
	return rep.Result, nil
}

package notify

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net/mail"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Transport names accepted in Config.Transport.
const (
	TransportSMTP = "smtp"
	TransportDir  = "dir"
)

// TLSPolicy says whether the SMTP transport encrypts the connection.
type TLSPolicy string

// TLS policies for Config.SMTP.TLS.
const (
	// TLSMandatory refuses to send unless STARTTLS succeeds (the default).
	TLSMandatory TLSPolicy = "mandatory"
	// TLSOpportunistic uses STARTTLS when the server offers it.
	TLSOpportunistic TLSPolicy = "opportunistic"
	// TLSNone never encrypts: only for a relay on the same host or network
	// segment, and for tests.
	TLSNone TLSPolicy = "none"
	// TLSImplicit connects with TLS from the first byte (SMTPS, port 465).
	TLSImplicit TLSPolicy = "implicit"
)

// SMTPConfig is how the SMTP transport reaches its relay.
type SMTPConfig struct {
	Host     string
	Port     int    // default 587
	Username string // empty: no SMTP AUTH
	Password string
	TLS      TLSPolicy
	Timeout  time.Duration // per connection, default 30s
	HELO     string        // name sent in EHLO; empty: go-mail's default
	// TLSConfig overrides the TLS settings (a private CA, a server name);
	// nil verifies the relay's certificate for Host against the system roots.
	TLSConfig *tls.Config
}

// Config configures the Mailer and the Deliverer. Zero fields take the
// values of DefaultConfig.
type Config struct {
	Transport string // TransportSMTP or TransportDir
	From      string // RFC 5322 address of the sender, e.g. `otsight <noreply@example.jp>`
	SMTP      SMTPConfig
	Dir       string // directory of the dir transport (the demo uses <data dir>/outbox)

	// Backoff is the wait after each failed attempt: the n-th failure waits
	// Backoff[n-1], the last value repeats. A message is retried until it
	// is delivered.
	Backoff []time.Duration
	// PollEvery is how often the Deliverer looks for due messages when
	// nobody wakes it.
	PollEvery time.Duration
	// Batch is the number of due messages taken per poll.
	Batch int

	Logger     *slog.Logger          // every attempt is logged here
	Registerer prometheus.Registerer // nil: metrics are kept but not registered
}

// DefaultBackoff doubles from 30 seconds to an hour: 30s, 1m, 2m, 4m, 8m,
// 16m, 32m, then hourly.
func DefaultBackoff() []time.Duration {
	return []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute,
		8 * time.Minute, 16 * time.Minute, 32 * time.Minute, time.Hour}
}

// DefaultConfig returns the defaults: SMTP on port 587 with mandatory
// STARTTLS, a poll every 5 seconds, 20 messages per poll, DefaultBackoff.
func DefaultConfig() Config {
	return Config{
		Transport: TransportSMTP,
		From:      "otsight <noreply@localhost>",
		SMTP:      SMTPConfig{Port: 587, TLS: TLSMandatory, Timeout: 30 * time.Second},
		Backoff:   DefaultBackoff(),
		PollEvery: 5 * time.Second,
		Batch:     20,
		Logger:    slog.Default(),
	}
}

// fill applies the defaults to zero fields.
func (c *Config) fill() {
	d := DefaultConfig()
	if c.Transport == "" {
		c.Transport = d.Transport
	}
	if c.From == "" {
		c.From = d.From
	}
	if c.SMTP.Port == 0 {
		c.SMTP.Port = d.SMTP.Port
	}
	if c.SMTP.TLS == "" {
		c.SMTP.TLS = d.SMTP.TLS
	}
	if c.SMTP.Timeout <= 0 {
		c.SMTP.Timeout = d.SMTP.Timeout
	}
	if len(c.Backoff) == 0 {
		c.Backoff = d.Backoff
	}
	if c.PollEvery <= 0 {
		c.PollEvery = d.PollEvery
	}
	if c.Batch <= 0 {
		c.Batch = d.Batch
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
}

// validate reports configuration errors before anything is queued.
func (c *Config) validate() error {
	if _, err := mail.ParseAddress(c.From); err != nil {
		return fmt.Errorf("notify: from address %q: %w", c.From, err)
	}
	for i, d := range c.Backoff {
		if d <= 0 {
			return fmt.Errorf("notify: backoff[%d] = %v, want > 0", i, d)
		}
	}
	switch c.Transport {
	case TransportSMTP:
		if c.SMTP.Host == "" {
			return fmt.Errorf("notify: smtp transport without a host")
		}
		switch c.SMTP.TLS {
		case TLSMandatory, TLSOpportunistic, TLSNone, TLSImplicit:
		default:
			return fmt.Errorf("notify: unknown TLS policy %q", c.SMTP.TLS)
		}
	case TransportDir:
		if c.Dir == "" {
			return fmt.Errorf("notify: dir transport without a directory")
		}
	default:
		return fmt.Errorf("notify: unknown transport %q", c.Transport)
	}
	return nil
}

// backoff returns the wait after a message's failures-th failed attempt
// (failures ≥ 1).
func (c *Config) backoff(failures int) time.Duration {
	i := min(max(failures-1, 0), len(c.Backoff)-1)
	return c.Backoff[i]
}

// DirConfig is the configuration of the demo and of air-gapped trials:
// every message becomes a file in <dataDir>/outbox.
func DirConfig(dataDir string) Config {
	c := DefaultConfig()
	c.Transport = TransportDir
	c.Dir = filepath.Join(dataDir, "outbox")
	return c
}

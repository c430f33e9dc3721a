package notify

import (
	"context"
	"fmt"
	"net/mail"

	gomail "github.com/wneessen/go-mail"

	"github.com/otsight/otsight/internal/store"
)

// smtpTransport hands messages to a relay with go-mail. The stored bytes
// are sent as they are (DATA), so the Message-ID and Date written at queue
// time are what the recipient sees, however many attempts it took.
type smtpTransport struct {
	cfg    SMTPConfig
	sender string // envelope sender (MAIL FROM)
}

func newSMTPTransport(cfg Config) (*smtpTransport, error) {
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("smtp transport: from %q: %w", cfg.From, err)
	}
	return &smtpTransport{cfg: cfg.SMTP, sender: from.Address}, nil
}

// Name implements Transport.
func (t *smtpTransport) Name() string { return TransportSMTP }

func (t *smtpTransport) client() (*gomail.Client, error) {
	opts := []gomail.Option{gomail.WithPort(t.cfg.Port), gomail.WithTimeout(t.cfg.Timeout)}
	switch t.cfg.TLS {
	case TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if t.cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(t.cfg.TLSConfig))
	}
	if t.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(t.cfg.HELO))
	}
	if t.cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(t.cfg.Username), gomail.WithPassword(t.cfg.Password))
	}
	return gomail.NewClient(t.cfg.Host, opts...)
}

// Send implements Transport: one connection per message. The outbox holds
// a handful of messages a day (codes, alerts), so connection reuse would
// buy nothing and cost reconnect logic.
func (t *smtpTransport) Send(ctx context.Context, m store.Mail) error {
	c, err := t.client()
	if err != nil {
		return fmt.Errorf("smtp %s:%d: %w", t.cfg.Host, t.cfg.Port, err)
	}
	sc, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp %s:%d: connect: %w", t.cfg.Host, t.cfg.Port, err)
	}
	defer c.CloseWithSMTPClient(sc)
	rcpt, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("smtp: recipient %q: %w", m.To, err)
	}
	// The SMTP path syntax (RFC 5321 §4.1.2) wants the angle brackets.
	if err := sc.Mail("<" + t.sender + ">"); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := sc.Rcpt("<" + rcpt.Address + ">"); err != nil {
		return fmt.Errorf("smtp RCPT TO %q: %w", m.To, err)
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(m.Message); err != nil {
		w.Close()
		return fmt.Errorf("smtp DATA: %w", err)
	}
	// The relay takes responsibility for the message only with its reply
	// to the final dot, which Close reads.
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	return nil
}

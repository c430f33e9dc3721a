package notify

import (
	"context"
	"fmt"
	"net/mail"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Outbox is the part of store.State the mail code uses.
type Outbox interface {
	QueueMail(ctx context.Context, s store.Scope, m store.Mail) (store.Mail, error)
	DueMail(ctx context.Context, now time.Time, limit int) ([]store.Mail, error)
	MarkMail(ctx context.Context, id store.MailID, delivered bool, at time.Time, errText string, next time.Time) error
}

// Mailer queues messages in the outbox. It is safe for concurrent use.
type Mailer struct {
	from   string
	outbox Outbox
	now    func() time.Time
	// OnQueued, when set, is called after each message is stored; wire it
	// to Deliverer.Wake so that a login code leaves at once rather than at
	// the next poll.
	OnQueued func()
}

// NewMailer returns a Mailer that stores into outbox; now is the clock
// (time.Now when nil). Of cfg it uses only From.
func NewMailer(cfg Config, outbox Outbox, now func() time.Time) (*Mailer, error) {
	cfg.fill()
	if _, err := mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("notify: from address %q: %w", cfg.From, err)
	}
	if now == nil {
		now = time.Now
	}
	return &Mailer{from: cfg.From, outbox: outbox, now: now}, nil
}

// Queue builds a text/plain message to one recipient and stores it in the
// tenant's outbox, due at once. The returned Mail carries its outbox ID.
func (m *Mailer) Queue(ctx context.Context, s store.Scope, to, subject, textBody string) (store.Mail, error) {
	now := m.now()
	raw, err := BuildMessage(m.from, to, subject, textBody, now)
	if err != nil {
		return store.Mail{}, fmt.Errorf("queue mail to %q: %w", to, err)
	}
	mail, err := m.outbox.QueueMail(ctx, s, store.Mail{To: to, Subject: subject, Message: raw, Created: now, NextAttempt: now})
	if err != nil {
		return store.Mail{}, fmt.Errorf("queue mail to %q: %w", to, err)
	}
	if m.OnQueued != nil {
		m.OnQueued()
	}
	return mail, nil
}

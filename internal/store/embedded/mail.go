package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/otsight/otsight/internal/store"
)

const mailCols = `mail_id, tenant_id, rcpt, subject, message, created, attempts, next_attempt, delivered, last_error`

func scanMail(sc interface{ Scan(...any) error }) (store.Mail, error) {
	var m store.Mail
	var created, next, delivered int64
	err := sc.Scan(&m.ID, &m.Tenant, &m.To, &m.Subject, &m.Message, &created, &m.Attempts, &next, &delivered, &m.LastError)
	m.Created, m.NextAttempt, m.Delivered = fromMicros(created), fromMicros(next), fromMicros(delivered)
	return m, err
}

// QueueMail implements store.State.
func (s *Store) QueueMail(ctx context.Context, sc store.Scope, m store.Mail) (store.Mail, error) {
	m.Tenant = sc.Tenant()
	if m.Created.IsZero() {
		m.Created = s.cfg.Now()
	}
	if m.NextAttempt.IsZero() {
		m.NextAttempt = m.Created
	}
	m.Created, m.NextAttempt = fromMicros(micros(m.Created)), fromMicros(micros(m.NextAttempt))
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT nextval('mail_ids')`).Scan(&m.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO mail_outbox VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(m.ID), int64(m.Tenant), m.To, m.Subject, m.Message, micros(m.Created), m.Attempts,
			micros(m.NextAttempt), micros(m.Delivered), m.LastError)
		return err
	})
	if err != nil {
		return store.Mail{}, fmt.Errorf("queue mail: %w", err)
	}
	return m, nil
}

func (s *Store) mails(ctx context.Context, query string, args ...any) ([]store.Mail, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Mail
	for rows.Next() {
		m, err := scanMail(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// DueMail implements store.State.
func (s *Store) DueMail(ctx context.Context, now time.Time, limit int) ([]store.Mail, error) {
	if limit <= 0 {
		limit = 100
	}
	out, err := s.mails(ctx, `SELECT `+mailCols+` FROM mail_outbox WHERE delivered = 0 AND next_attempt <= ?
		ORDER BY next_attempt, mail_id LIMIT ?`, micros(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due mail: %w", err)
	}
	return out, nil
}

// MarkMail implements store.State.
func (s *Store) MarkMail(ctx context.Context, id store.MailID, delivered bool, at time.Time, errText string, next time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		var err error
		if delivered {
			res, err = tx.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, delivered = ?, last_error = '' WHERE mail_id = ?`,
				micros(at), int64(id))
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt = ? WHERE mail_id = ?`,
				errText, micros(next), int64(id))
		}
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("mark mail %d: %w", id, err)
	}
	return nil
}

// Outbox implements store.State.
func (s *Store) Outbox(ctx context.Context, sc store.Scope, limit int) ([]store.Mail, error) {
	if limit <= 0 {
		limit = 100
	}
	out, err := s.mails(ctx, `SELECT `+mailCols+` FROM mail_outbox WHERE tenant_id = ? ORDER BY created DESC, mail_id DESC LIMIT ?`,
		int64(sc.Tenant()), limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return out, nil
}

// Audit implements store.State.
func (s *Store) Audit(ctx context.Context, sc store.Scope, e store.AuditEntry) error {
	if e.Time.IsZero() {
		e.Time = s.cfg.Now()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?)`,
			int64(sc.Tenant()), micros(e.Time), e.Actor, e.Action, e.Target, e.Detail)
		return err
	})
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// AuditLog implements store.State.
func (s *Store) AuditLog(ctx context.Context, sc store.Scope, since time.Time, limit int) ([]store.AuditEntry, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, time, actor, action, target, detail FROM audit_log
		WHERE tenant_id = ? AND time >= ? ORDER BY time DESC, rowid DESC LIMIT ?`, int64(sc.Tenant()), micros(since), limit)
	if err != nil {
		return nil, fmt.Errorf("audit log: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEntry
	for rows.Next() {
		var e store.AuditEntry
		var t int64
		if err := rows.Scan(&e.Tenant, &t, &e.Actor, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, fmt.Errorf("audit log: %w", err)
		}
		e.Time = fromMicros(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

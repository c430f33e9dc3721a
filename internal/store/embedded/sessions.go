package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// FindSession implements store.State.
func (s *Store) FindSession(ctx context.Context, tokenHash [32]byte, now time.Time) ([]byte, bool, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, `SELECT data FROM sessions WHERE token_hash = ? AND expiry > ?`, tokenHash[:], micros(now)).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("find session: %w", err)
	}
	return data, true, nil
}

// CommitSession implements store.State.
func (s *Store) CommitSession(ctx context.Context, tokenHash [32]byte, data []byte, expiry time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO sessions VALUES (?, ?, ?)`, tokenHash[:], data, micros(expiry))
		return err
	})
	if err != nil {
		return fmt.Errorf("commit session: %w", err)
	}
	return nil
}

// DeleteSession implements store.State.
func (s *Store) DeleteSession(ctx context.Context, tokenHash [32]byte) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, tokenHash[:])
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// DeleteExpiredSessions implements store.State.
func (s *Store) DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expiry <= ?`, micros(now))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("delete expired sessions: %w", err)
	}
	return int(n), nil
}

const tokenCols = `hash, user_id, tenant_id, name, created, last_used, revoked`

func scanToken(sc interface{ Scan(...any) error }) (store.APIToken, error) {
	var t store.APIToken
	var h []byte
	var created, last, revoked int64
	err := sc.Scan(&h, &t.User, &t.Tenant, &t.Name, &created, &last, &revoked)
	copy(t.Hash[:], h)
	t.Created, t.LastUsed, t.Revoked = fromMicros(created), fromMicros(last), fromMicros(revoked)
	return t, err
}

// CreateAPIToken implements store.State. The user must belong to the scope.
func (s *Store) CreateAPIToken(ctx context.Context, sc store.Scope, t store.APIToken) error {
	if t.Created.IsZero() {
		t.Created = s.cfg.Now()
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE tenant_id = ? AND user_id = ?`,
			int64(sc.Tenant()), int64(t.User)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO api_tokens VALUES (?, ?, ?, ?, ?, ?, ?)`,
			t.Hash[:], int64(t.User), int64(sc.Tenant()), t.Name, micros(t.Created), micros(t.LastUsed), micros(t.Revoked))
		if isConstraint(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create API token: %w", err)
	}
	return nil
}

// APIToken implements store.State.
func (s *Store) APIToken(ctx context.Context, hash [32]byte) (store.APIToken, error) {
	t, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, hash[:]))
	if err != nil {
		return store.APIToken{}, fmt.Errorf("API token: %w", notFound(err))
	}
	return t, nil
}

// APITokens implements store.State; user 0 lists the whole tenant's.
func (s *Store) APITokens(ctx context.Context, sc store.Scope, user store.UserID) ([]store.APIToken, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE tenant_id = ? AND (? = 0 OR user_id = ?)
		ORDER BY created, hash`, int64(sc.Tenant()), int64(user), int64(user))
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	defer rows.Close()
	var out []store.APIToken
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list API tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TouchAPIToken implements store.State.
func (s *Store) TouchAPIToken(ctx context.Context, hash [32]byte, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used = ? WHERE hash = ?`, micros(at), hash[:])
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("touch API token: %w", err)
	}
	return nil
}

// RevokeAPIToken implements store.State.
func (s *Store) RevokeAPIToken(ctx context.Context, sc store.Scope, hash [32]byte, at time.Time) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked = ? WHERE tenant_id = ? AND hash = ? AND revoked = 0`,
			micros(at), int64(sc.Tenant()), hash[:])
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("revoke API token: %w", err)
	}
	return nil
}

// Setting implements store.State.
func (s *Store) Setting(ctx context.Context, sc store.Scope, key string) (json.RawMessage, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value::VARCHAR FROM settings WHERE tenant_id = ? AND key = ?`, int64(sc.Tenant()), key).Scan(&v)
	if err != nil {
		return nil, fmt.Errorf("setting %q: %w", key, notFound(err))
	}
	return json.RawMessage(v), nil
}

// PutSetting implements store.State.
func (s *Store) PutSetting(ctx context.Context, sc store.Scope, key string, value json.RawMessage) error {
	if !json.Valid(value) {
		return fmt.Errorf("setting %q: value is not JSON", key)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO settings VALUES (?, ?, ?)`, int64(sc.Tenant()), key, string(value))
		return err
	})
	if err != nil {
		return fmt.Errorf("put setting %q: %w", key, err)
	}
	return nil
}

// Settings implements store.State.
func (s *Store) Settings(ctx context.Context, sc store.Scope) (map[string]json.RawMessage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value::VARCHAR FROM settings WHERE tenant_id = ?`, int64(sc.Tenant()))
	if err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	defer rows.Close()
	out := map[string]json.RawMessage{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("settings: %w", err)
		}
		out[k] = json.RawMessage(v)
	}
	return out, rows.Err()
}

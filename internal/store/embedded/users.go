package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/otsight/otsight/internal/store"
)

const userCols = `user_id, tenant_id, login, email, role, password_hash, must_change, failed_attempts, locked_until, created, disabled`

func scanUser(sc interface{ Scan(...any) error }) (store.User, error) {
	var u store.User
	var locked, created int64
	var role string
	err := sc.Scan(&u.ID, &u.Tenant, &u.Login, &u.Email, &role, &u.PasswordHash, &u.MustChange, &u.FailedAttempts,
		&locked, &created, &u.Disabled)
	u.Role, u.LockedUntil, u.Created = store.Role(role), fromMicros(locked), fromMicros(created)
	return u, err
}

// CreateUser implements store.State.
func (s *Store) CreateUser(ctx context.Context, sc store.Scope, u store.User) (store.User, error) {
	if u.Login == "" {
		return store.User{}, errors.New("create user: empty login")
	}
	u.Tenant = sc.Tenant()
	if u.Created.IsZero() {
		u.Created = s.cfg.Now()
	}
	u.Created = fromMicros(micros(u.Created))
	err := s.write(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE login = ?`, u.Login).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return store.ErrExists
		}
		if u.Role != store.RoleOperator {
			var limit, n int
			err := tx.QueryRowContext(ctx, `SELECT max_users,
				(SELECT count(*) FROM users WHERE tenant_id = ? AND role <> 'operator') FROM tenants WHERE tenant_id = ?`,
				int64(u.Tenant), int64(u.Tenant)).Scan(&limit, &n)
			if err != nil {
				return notFound(err)
			}
			if n >= limit {
				return store.ErrLimit
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT nextval('user_ids')`).Scan(&u.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(u.ID), int64(u.Tenant), u.Login, u.Email, string(u.Role), u.PasswordHash, u.MustChange, u.FailedAttempts,
			micros(u.LockedUntil), micros(u.Created), u.Disabled)
		return err
	})
	if err != nil {
		return store.User{}, fmt.Errorf("create user %q: %w", u.Login, err)
	}
	return u, nil
}

// User implements store.State.
func (s *Store) User(ctx context.Context, sc store.Scope, id store.UserID) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE tenant_id = ? AND user_id = ?`,
		int64(sc.Tenant()), int64(id)))
	if err != nil {
		return store.User{}, fmt.Errorf("user %d: %w", id, notFound(err))
	}
	return u, nil
}

// UserByLogin implements store.State.
func (s *Store) UserByLogin(ctx context.Context, login string) (store.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE login = ?`, login))
	if err != nil {
		return store.User{}, fmt.Errorf("user %q: %w", login, notFound(err))
	}
	return u, nil
}

// Users implements store.State.
func (s *Store) Users(ctx context.Context, sc store.Scope) ([]store.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users WHERE tenant_id = ? ORDER BY user_id`, int64(sc.Tenant()))
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []store.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser implements store.State.
func (s *Store) UpdateUser(ctx context.Context, sc store.Scope, u store.User) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE login = ? AND user_id <> ?`, u.Login, int64(u.ID)).Scan(&taken); err != nil {
			return err
		}
		if taken > 0 {
			return store.ErrExists
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET login = ?, email = ?, role = ?, password_hash = ?, must_change = ?,
			failed_attempts = ?, locked_until = ?, disabled = ? WHERE tenant_id = ? AND user_id = ?`,
			u.Login, u.Email, string(u.Role), u.PasswordHash, u.MustChange, u.FailedAttempts, micros(u.LockedUntil), u.Disabled,
			int64(sc.Tenant()), int64(u.ID))
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("update user %d: %w", u.ID, err)
	}
	return nil
}

// CountLoginFailure implements store.State.
func (s *Store) CountLoginFailure(ctx context.Context, sc store.Scope, id store.UserID, threshold int, lockUntil time.Time) (bool, error) {
	var locked bool
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `UPDATE users SET failed_attempts = failed_attempts + 1
			WHERE tenant_id = ? AND user_id = ? RETURNING failed_attempts`, int64(sc.Tenant()), int64(id)).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil || n < threshold {
			return err
		}
		locked = true
		_, err = tx.ExecContext(ctx, `UPDATE users SET failed_attempts = 0, locked_until = ? WHERE tenant_id = ? AND user_id = ?`,
			micros(lockUntil), int64(sc.Tenant()), int64(id))
		return err
	})
	if err != nil {
		return false, fmt.Errorf("count login failure of user %d: %w", id, err)
	}
	return locked, nil
}

// DeleteUser implements store.State; the user's code and API tokens go too.
func (s *Store) DeleteUser(ctx context.Context, sc store.Scope, id store.UserID) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE tenant_id = ? AND user_id = ?`, int64(sc.Tenant()), int64(id))
		if err != nil {
			return err
		}
		if err := oneRow(res); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM one_time_codes WHERE user_id = ?`, int64(id)); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, int64(id))
		return err
	})
	if err != nil {
		return fmt.Errorf("delete user %d: %w", id, err)
	}
	return nil
}

// PutCode implements store.State.
func (s *Store) PutCode(ctx context.Context, sc store.Scope, c store.OneTimeCode) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE tenant_id = ? AND user_id = ?`,
			int64(sc.Tenant()), int64(c.User)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM one_time_codes WHERE user_id = ?`, int64(c.User)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO one_time_codes VALUES (?, ?, ?, ?, ?, ?)`,
			int64(c.User), int64(sc.Tenant()), c.Hash[:], micros(c.Expires), c.Attempts, micros(c.Used))
		return err
	})
	if err != nil {
		return fmt.Errorf("put code for user %d: %w", c.User, err)
	}
	return nil
}

// TakeCode implements store.State.
func (s *Store) TakeCode(ctx context.Context, sc store.Scope, user store.UserID, hash [32]byte, now time.Time, maxAttempts int) (store.OneTimeCode, error) {
	var c store.OneTimeCode
	var result error
	err := s.write(ctx, func(tx *sql.Tx) error {
		var stored []byte
		var expires, used int64
		err := tx.QueryRowContext(ctx, `SELECT hash, expires, attempts, used FROM one_time_codes WHERE tenant_id = ? AND user_id = ?`,
			int64(sc.Tenant()), int64(user)).Scan(&stored, &expires, &c.Attempts, &used)
		if err != nil {
			return notFound(err)
		}
		c.User, c.Expires, c.Used = user, fromMicros(expires), fromMicros(used)
		copy(c.Hash[:], stored)
		switch {
		case used != 0:
			result = store.ErrUsed
		case now.After(c.Expires):
			result = store.ErrExpired
		case maxAttempts > 0 && c.Attempts >= maxAttempts:
			result = store.ErrLimit
		case c.Hash != hash:
			// A wrong guess counts, and must commit while reporting failure.
			c.Attempts++
			result = store.ErrNotFound
			_, err := tx.ExecContext(ctx, `UPDATE one_time_codes SET attempts = ? WHERE user_id = ?`, c.Attempts, int64(user))
			return err
		default:
			c.Used = fromMicros(micros(now))
			_, err := tx.ExecContext(ctx, `UPDATE one_time_codes SET used = ? WHERE user_id = ?`, micros(now), int64(user))
			return err
		}
		return nil
	})
	if err == nil {
		err = result
	}
	if err != nil {
		return c, fmt.Errorf("take code of user %d: %w", user, err)
	}
	return c, nil
}

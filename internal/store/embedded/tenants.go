package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// isConstraint reports whether err is a unique or primary key violation.
func isConstraint(err error) bool {
	return err != nil && strings.Contains(err.Error(), "Constraint Error")
}

// CreateTenant implements store.Store.
func (s *Store) CreateTenant(ctx context.Context, t store.Tenant) (store.Tenant, error) {
	if t.Name == "" {
		return store.Tenant{}, errors.New("create tenant: empty name")
	}
	if t.MaxSensors <= 0 {
		t.MaxSensors = store.DefaultMaxSensors
	}
	if t.MaxUsers <= 0 {
		t.MaxUsers = store.DefaultMaxUsers
	}
	if t.MaxDevicesPerSensor <= 0 {
		t.MaxDevicesPerSensor = store.DefaultMaxDevicesPerSensor
	}
	if t.TimeZone == "" {
		t.TimeZone = store.DefaultTimeZone
	}
	if t.Created.IsZero() {
		t.Created = s.cfg.Now()
	}
	t.Created = fromMicros(micros(t.Created))
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM tenants WHERE name = ?`, t.Name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return store.ErrExists
		}
		if err := tx.QueryRowContext(ctx, `SELECT nextval('tenant_ids')`).Scan(&t.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tenants VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			int64(t.ID), t.Name, t.MaxSensors, t.MaxUsers, t.MaxDevicesPerSensor, t.TimeZone, t.FoldInternet, micros(t.Created))
		return err
	})
	if err != nil {
		return store.Tenant{}, fmt.Errorf("create tenant %q: %w", t.Name, err)
	}
	return t, nil
}

const tenantCols = `tenant_id, name, max_sensors, max_users, max_devices, time_zone, fold_internet, created`

func scanTenant(sc interface{ Scan(...any) error }) (store.Tenant, error) {
	var t store.Tenant
	var created int64
	err := sc.Scan(&t.ID, &t.Name, &t.MaxSensors, &t.MaxUsers, &t.MaxDevicesPerSensor, &t.TimeZone, &t.FoldInternet, &created)
	t.Created = fromMicros(created)
	return t, err
}

// Tenants implements store.Store.
func (s *Store) Tenants(ctx context.Context) ([]store.Tenant, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+tenantCols+` FROM tenants ORDER BY tenant_id`)
	if err != nil {
		return nil, fmt.Errorf("list tenants: %w", err)
	}
	defer rows.Close()
	var out []store.Tenant
	for rows.Next() {
		t, err := scanTenant(rows)
		if err != nil {
			return nil, fmt.Errorf("list tenants: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Tenant implements store.Store.
func (s *Store) Tenant(ctx context.Context, sc store.Scope) (store.Tenant, error) {
	t, err := scanTenant(s.db.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE tenant_id = ?`, int64(sc.Tenant())))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Tenant{}, fmt.Errorf("tenant %d: %w", sc.Tenant(), err)
	}
	return t, nil
}

// CreateSensor implements store.Store.
func (s *Store) CreateSensor(ctx context.Context, sc store.Scope, name string) (store.Sensor, error) {
	v := store.Sensor{Tenant: sc.Tenant(), Name: name, Created: fromMicros(micros(s.cfg.Now()))}
	err := s.write(ctx, func(tx *sql.Tx) error {
		var limit int
		err := tx.QueryRowContext(ctx, `SELECT max_sensors FROM tenants WHERE tenant_id = ?`, int64(sc.Tenant())).Scan(&limit)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var n, same int
		if err := tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE name = ?) FROM sensors WHERE tenant_id = ?`,
			name, int64(sc.Tenant())).Scan(&n, &same); err != nil {
			return err
		}
		if same > 0 {
			return store.ErrExists
		}
		if n >= limit {
			return store.ErrLimit
		}
		if err := tx.QueryRowContext(ctx, `SELECT nextval('sensor_ids')`).Scan(&v.ID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sensors (sensor_id, tenant_id, name, created) VALUES (?, ?, ?, ?)`,
			int64(v.ID), int64(v.Tenant), v.Name, micros(v.Created))
		return err
	})
	if err != nil {
		return store.Sensor{}, fmt.Errorf("create sensor %q: %w", name, err)
	}
	return v, nil
}

const sensorCols = `sensor_id, tenant_id, name, created, cert_serial, cert_not_after, revoked, revoked_at, monitoring, last_upload`

func scanSensor(sc interface{ Scan(...any) error }) (store.Sensor, error) {
	var v store.Sensor
	var created, notAfter, revokedAt, last int64
	err := sc.Scan(&v.ID, &v.Tenant, &v.Name, &created, &v.CertSerial, &notAfter, &v.Revoked, &revokedAt, &v.Monitoring, &last)
	v.Created, v.CertNotAfter, v.RevokedAt, v.LastUpload = fromMicros(created), fromMicros(notAfter), fromMicros(revokedAt), fromMicros(last)
	return v, err
}

// Sensors implements store.Store.
func (s *Store) Sensors(ctx context.Context, sc store.Scope) ([]store.Sensor, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sensorCols+` FROM sensors WHERE tenant_id = ? ORDER BY sensor_id`, int64(sc.Tenant()))
	if err != nil {
		return nil, fmt.Errorf("list sensors: %w", err)
	}
	defer rows.Close()
	var out []store.Sensor
	for rows.Next() {
		v, err := scanSensor(rows)
		if err != nil {
			return nil, fmt.Errorf("list sensors: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Sensor implements store.Store.
func (s *Store) Sensor(ctx context.Context, sc store.Scope, id store.SensorID) (store.Sensor, error) {
	v, err := scanSensor(s.db.QueryRowContext(ctx, `SELECT `+sensorCols+` FROM sensors WHERE tenant_id = ? AND sensor_id = ?`,
		int64(sc.Tenant()), int64(id)))
	if errors.Is(err, sql.ErrNoRows) {
		err = store.ErrNotFound
	}
	if err != nil {
		return store.Sensor{}, fmt.Errorf("sensor %d: %w", id, err)
	}
	return v, nil
}

// UpdateSensor implements store.Store: it replaces every field but ID,
// Tenant and Created. A new name must be free within the tenant.
func (s *Store) UpdateSensor(ctx context.Context, sc store.Scope, v store.Sensor) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var same int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sensors WHERE tenant_id = ? AND name = ? AND sensor_id <> ?`,
			int64(sc.Tenant()), v.Name, int64(v.ID)).Scan(&same); err != nil {
			return err
		}
		if same > 0 {
			return store.ErrExists
		}
		res, err := tx.ExecContext(ctx, `UPDATE sensors SET name = ?, cert_serial = ?, cert_not_after = ?, revoked = ?,
			revoked_at = ?, monitoring = ?, last_upload = ? WHERE tenant_id = ? AND sensor_id = ?`,
			v.Name, v.CertSerial, micros(v.CertNotAfter), v.Revoked, micros(v.RevokedAt), v.Monitoring, micros(v.LastUpload),
			int64(sc.Tenant()), int64(v.ID))
		if err != nil {
			return err
		}
		return oneRow(res)
	})
	if err != nil {
		return fmt.Errorf("update sensor %d: %w", v.ID, err)
	}
	return nil
}

// oneRow turns "no row changed" into ErrNotFound.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// notFound turns "no row" into ErrNotFound.
func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// PutEnrolToken implements store.Store. The token's sensor must belong to the
// scope's tenant.
func (s *Store) PutEnrolToken(ctx context.Context, sc store.Scope, t store.EnrolToken) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sensors WHERE tenant_id = ? AND sensor_id = ?`,
			int64(sc.Tenant()), int64(t.Sensor)).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return store.ErrNotFound
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO enrol_tokens VALUES (?, ?, ?, ?, 0)`,
			t.Hash[:], int64(sc.Tenant()), int64(t.Sensor), micros(t.Expires))
		if isConstraint(err) {
			return store.ErrExists
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("put enrolment token: %w", err)
	}
	return nil
}

// TakeEnrolToken implements store.Store.
func (s *Store) TakeEnrolToken(ctx context.Context, hash [32]byte, now time.Time) (store.EnrolToken, error) {
	var t store.EnrolToken
	err := s.write(ctx, func(tx *sql.Tx) error {
		var expires, used int64
		err := tx.QueryRowContext(ctx, `SELECT tenant_id, sensor_id, expires, used FROM enrol_tokens WHERE hash = ?`, hash[:]).
			Scan(&t.Tenant, &t.Sensor, &expires, &used)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		t.Hash, t.Expires, t.Used = hash, fromMicros(expires), fromMicros(used)
		if used != 0 {
			return store.ErrUsed
		}
		if now.After(t.Expires) {
			return store.ErrExpired
		}
		t.Used = fromMicros(micros(now))
		_, err = tx.ExecContext(ctx, `UPDATE enrol_tokens SET used = ? WHERE hash = ?`, micros(now), hash[:])
		return err
	})
	if err != nil {
		return t, fmt.Errorf("take enrolment token: %w", err)
	}
	return t, nil
}

// LogUpload implements store.Store.
func (s *Store) LogUpload(ctx context.Context, sc store.Scope, e store.UploadEvent) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO uploads VALUES (?, ?, ?, CAST(? AS UBIGINT), ?, ?, ?, ?, ?, ?)`,
			int64(sc.Tenant()), int64(e.Sensor), micros(e.Time), ubigint(e.Epoch), e.Seq, e.Records, e.Bytes, e.Result, e.Reason, e.Remote)
		return err
	})
	if err != nil {
		return fmt.Errorf("log upload: %w", err)
	}
	return nil
}

// Uploads implements store.Store: events at or after since, newest first.
func (s *Store) Uploads(ctx context.Context, sc store.Scope, since time.Time, limit int) ([]store.UploadEvent, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT time, sensor_id, epoch, seq, records, bytes, result, reason, remote
		FROM uploads WHERE tenant_id = ? AND time >= ? ORDER BY time DESC, rowid DESC LIMIT ?`, int64(sc.Tenant()), micros(since), limit)
	if err != nil {
		return nil, fmt.Errorf("list uploads: %w", err)
	}
	defer rows.Close()
	var out []store.UploadEvent
	for rows.Next() {
		var e store.UploadEvent
		var t int64
		if err := rows.Scan(&t, &e.Sensor, &e.Epoch, &e.Seq, &e.Records, &e.Bytes, &e.Result, &e.Reason, &e.Remote); err != nil {
			return nil, fmt.Errorf("list uploads: %w", err)
		}
		e.Time = fromMicros(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

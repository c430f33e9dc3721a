package embedded

import (
	"context"
	"fmt"
)

// migrations are applied in order, each once, each in its own transaction;
// the database records the number applied in schema_version. Append new
// steps (inventory, alerts, …) at the end; never edit a released one.
//
// Times are BIGINT microseconds since the Unix epoch, UTC (0 = not set):
// exact, compact and free of time-zone conversions. Every tenant row carries
// tenant_id, every sensor row sensor_id too.
var migrations = []string{
	// 1: tenants, sensors, enrolment, batches, uploads.
	`CREATE SEQUENCE tenant_ids START 1;
	CREATE SEQUENCE sensor_ids START 1;
	CREATE TABLE tenants (
		tenant_id BIGINT PRIMARY KEY,
		name VARCHAR NOT NULL UNIQUE,
		max_sensors INTEGER NOT NULL,
		max_users INTEGER NOT NULL,
		max_devices INTEGER NOT NULL,
		time_zone VARCHAR NOT NULL,
		fold_internet BOOLEAN NOT NULL,
		created BIGINT NOT NULL);
	CREATE TABLE sensors (
		sensor_id BIGINT PRIMARY KEY,
		tenant_id BIGINT NOT NULL,
		name VARCHAR NOT NULL,
		created BIGINT NOT NULL,
		cert_serial VARCHAR NOT NULL DEFAULT '',
		cert_not_after BIGINT NOT NULL DEFAULT 0,
		revoked BOOLEAN NOT NULL DEFAULT false,
		revoked_at BIGINT NOT NULL DEFAULT 0,
		monitoring BOOLEAN NOT NULL DEFAULT false,
		last_upload BIGINT NOT NULL DEFAULT 0,
		UNIQUE (tenant_id, name));
	CREATE TABLE enrol_tokens (
		hash BLOB PRIMARY KEY,
		tenant_id BIGINT NOT NULL,
		sensor_id BIGINT NOT NULL,
		expires BIGINT NOT NULL,
		used BIGINT NOT NULL DEFAULT 0);
	CREATE TABLE batches (
		tenant_id BIGINT NOT NULL,
		sensor_id BIGINT NOT NULL,
		epoch UBIGINT NOT NULL,
		seq UBIGINT NOT NULL,
		received BIGINT NOT NULL,
		bytes BIGINT NOT NULL,
		schema INTEGER NOT NULL,
		sensor_version VARCHAR NOT NULL,
		win_start BIGINT NOT NULL,
		win_end BIGINT NOT NULL,
		records INTEGER NOT NULL,
		PRIMARY KEY (sensor_id, epoch, seq));
	CREATE TABLE uploads (
		tenant_id BIGINT NOT NULL,
		sensor_id BIGINT NOT NULL,
		time BIGINT NOT NULL,
		epoch UBIGINT NOT NULL,
		seq UBIGINT NOT NULL,
		records INTEGER NOT NULL,
		bytes BIGINT NOT NULL,
		result VARCHAR NOT NULL,
		reason VARCHAR NOT NULL,
		remote VARCHAR NOT NULL);`,

	// 2: raw records: staged rows of the current hour and the catalog of
	// record files. No index on staged: it is appended to and scanned.
	`CREATE TABLE staged (` + recordColumnsDDL + `);
	CREATE TABLE record_files (
		path VARCHAR PRIMARY KEY,
		tenant_id BIGINT NOT NULL,
		sensor_id BIGINT NOT NULL,
		day DATE NOT NULL,
		rows BIGINT NOT NULL,
		bytes BIGINT NOT NULL,
		min_ts BIGINT NOT NULL,
		max_ts BIGINT NOT NULL,
		max_seq BIGINT NOT NULL,
		created BIGINT NOT NULL);`,

	// 3: traffic rollups, append-only partial sums that queries add up and
	// maintenance compacts (see rollup.go).
	rollupDDL("traffic_pair_1m", pairKeyDDL) + rollupDDL("traffic_pair_1h", pairKeyDDL) +
		rollupDDL("traffic_service_1m", serviceKeyDDL) + rollupDDL("traffic_service_1h", serviceKeyDDL) +
		rollupDDL("traffic_device_1m", deviceKeyDDL) + rollupDDL("traffic_device_1h", deviceKeyDDL) +
		`CREATE TABLE device_5m (
		tenant_id BIGINT NOT NULL, sensor_id BIGINT NOT NULL, ts BIGINT NOT NULL,
		vlan USMALLINT NOT NULL, ip VARCHAR NOT NULL,
		bytes_out UBIGINT NOT NULL, bytes_in UBIGINT NOT NULL,
		pkts_out UBIGINT NOT NULL, pkts_in UBIGINT NOT NULL,
		conns_out UBIGINT NOT NULL, conns_in UBIGINT NOT NULL,
		peers_out VARCHAR[] NOT NULL, peers_in VARCHAR[] NOT NULL,
		ports_out INTEGER[] NOT NULL, ports_in INTEGER[] NOT NULL,
		protos_out VARCHAR[] NOT NULL, protos_in VARCHAR[] NOT NULL);`,

	// 4: state of the rest of the server.
	`CREATE SEQUENCE user_ids START 1;
	CREATE SEQUENCE mail_ids START 1;
	CREATE TABLE users (
		user_id BIGINT PRIMARY KEY,
		tenant_id BIGINT NOT NULL,
		login VARCHAR NOT NULL UNIQUE,
		email VARCHAR NOT NULL,
		role VARCHAR NOT NULL,
		password_hash VARCHAR NOT NULL,
		must_change BOOLEAN NOT NULL,
		failed_attempts INTEGER NOT NULL,
		locked_until BIGINT NOT NULL,
		created BIGINT NOT NULL,
		disabled BOOLEAN NOT NULL);
	CREATE TABLE one_time_codes (
		user_id BIGINT PRIMARY KEY,
		tenant_id BIGINT NOT NULL,
		hash BLOB NOT NULL,
		expires BIGINT NOT NULL,
		attempts INTEGER NOT NULL,
		used BIGINT NOT NULL);
	CREATE TABLE mail_outbox (
		mail_id BIGINT PRIMARY KEY,
		tenant_id BIGINT NOT NULL,
		rcpt VARCHAR NOT NULL,
		subject VARCHAR NOT NULL,
		message BLOB NOT NULL,
		created BIGINT NOT NULL,
		attempts INTEGER NOT NULL,
		next_attempt BIGINT NOT NULL,
		delivered BIGINT NOT NULL,
		last_error VARCHAR NOT NULL);
	CREATE TABLE audit_log (
		tenant_id BIGINT NOT NULL,
		time BIGINT NOT NULL,
		actor VARCHAR NOT NULL,
		action VARCHAR NOT NULL,
		target VARCHAR NOT NULL,
		detail VARCHAR NOT NULL);
	CREATE TABLE sessions (
		token_hash BLOB PRIMARY KEY,
		data BLOB NOT NULL,
		expiry BIGINT NOT NULL);
	CREATE TABLE api_tokens (
		hash BLOB PRIMARY KEY,
		user_id BIGINT NOT NULL,
		tenant_id BIGINT NOT NULL,
		name VARCHAR NOT NULL,
		created BIGINT NOT NULL,
		last_used BIGINT NOT NULL,
		revoked BIGINT NOT NULL);
	CREATE TABLE settings (
		tenant_id BIGINT NOT NULL,
		key VARCHAR NOT NULL,
		value JSON NOT NULL,
		PRIMARY KEY (tenant_id, key));`,

	// 5: daily rollups for rankings over weeks and months, derived by
	// maintenance from the hourly ones (see dayrollup.go).
	rollupDDL("traffic_pair_1d", pairKeyDDL) + rollupDDL("traffic_service_1d", serviceKeyDDL) +
		rollupDDL("traffic_device_1d", deviceKeyDDL) +
		`CREATE TABLE rollup_days (
		tbl VARCHAR NOT NULL,
		tenant_id BIGINT NOT NULL,
		sensor_id BIGINT NOT NULL,
		ts BIGINT NOT NULL,
		checksum HUGEINT NOT NULL);`,

	// 6: rollups are aggregated from the staged rows in maintenance rather
	// than appended per batch; the mark is the last staged seq rolled up.
	// Stores of version 5 rolled up every batch as it came, so everything
	// staged so far is already counted.
	`CREATE TABLE rollup_mark (seq BIGINT NOT NULL);
	INSERT INTO rollup_mark SELECT greatest(
		(SELECT coalesce(max(seq), 0) FROM staged), (SELECT coalesce(max(max_seq), 0) FROM record_files));`,

	// 7: each batch's first row, so that a batch's records can be read
	// back (BatchesSince); 0 for batches stored before.
	`ALTER TABLE batches ADD COLUMN first_row BIGINT DEFAULT 0;`,

	// 8: where each table's compaction and the daily rollups resume (see
	// compactRollups); 0 looks at everything once.
	`CREATE TABLE rollup_marks (name VARCHAR PRIMARY KEY, ts BIGINT NOT NULL);
	INSERT INTO rollup_marks VALUES ('traffic_pair_1m', 0), ('traffic_pair_1h', 0), ('traffic_service_1m', 0),
		('traffic_service_1h', 0), ('traffic_device_1m', 0), ('traffic_device_1h', 0), ('device_5m', 0), ('days', 0);`,

	// 9: two staging tables that batches take turns to fill, hour by
	// hour, read together through the staged view (createLiveViews): a
	// flush empties a whole table, which a checkpoint then drops, instead
	// of deleting most of one that batches keep appending to.
	`DROP VIEW IF EXISTS live_traffic_pair_1m; DROP VIEW IF EXISTS live_traffic_pair_1h;
	DROP VIEW IF EXISTS live_traffic_service_1m; DROP VIEW IF EXISTS live_traffic_service_1h;
	DROP VIEW IF EXISTS live_traffic_device_1m; DROP VIEW IF EXISTS live_traffic_device_1h; DROP VIEW IF EXISTS live_device_5m;
	ALTER TABLE staged RENAME TO staged_a;
	CREATE TABLE staged_b (` + recordColumnsDDL + `);`,

	// 10: the staging tables move to an in-memory database, made durable
	// by the stage logs (stagelog.go), whose flushed generations are kept
	// here. Rows staged on disk by an older build are kept as legacy_
	// tables until Open has written them into the logs (adoptLegacy).
	`DROP VIEW IF EXISTS live_traffic_pair_1m; DROP VIEW IF EXISTS live_traffic_pair_1h;
	DROP VIEW IF EXISTS live_traffic_service_1m; DROP VIEW IF EXISTS live_traffic_service_1h;
	DROP VIEW IF EXISTS live_traffic_device_1m; DROP VIEW IF EXISTS live_traffic_device_1h; DROP VIEW IF EXISTS live_device_5m;
	DROP VIEW IF EXISTS staged;
	ALTER TABLE staged_a RENAME TO legacy_staged_a;
	ALTER TABLE staged_b RENAME TO legacy_staged_b;
	CREATE TABLE stage_logs (name VARCHAR PRIMARY KEY, flushed_gen UBIGINT NOT NULL);
	INSERT INTO stage_logs VALUES ('staged_a', 0), ('staged_b', 0);`,
}

// stageDB is the in-memory database that holds the staging tables.
const stageDB = "stage"

// stagingTables are the tables of stageDB batches are appended to, in
// turns; queries read them through the view staged. Each has a stage log
// of the same name.
var stagingTables = [2]string{"staged_a", "staged_b"}

// stagingTable is the qualified name of staging table i.
func stagingTable(i int) string { return stageDB + "." + stagingTables[i] }

// recordColumnsDDL is the layout shared by the staged table and the record
// files: the addresses every kind has as typed columns (so that a query can
// filter without parsing), every field of conn and conn_interval (nine rows
// in ten on a busy sensor) as typed columns, and any other kind as JSON in
// data. See docs/ARCHITECTURE.md, "Server storage", for the measurement.
const recordColumnsDDL = `seq BIGINT NOT NULL,
	tenant_id BIGINT NOT NULL,
	sensor_id BIGINT NOT NULL,
	ts BIGINT NOT NULL,
	kind VARCHAR NOT NULL,
	orig_h VARCHAR,
	resp_h VARCHAR,
	orig_p USMALLINT,
	resp_p USMALLINT,
	proto VARCHAR,
	vlan USMALLINT,
	orig_mac VARCHAR,
	resp_mac VARCHAR,
	data VARCHAR,
	uid VARCHAR,
	service VARCHAR,
	duration BIGINT,
	orig_bytes UBIGINT,
	resp_bytes UBIGINT,
	conn_state VARCHAR,
	missed_bytes UBIGINT,
	history VARCHAR,
	orig_pkts UBIGINT,
	orig_ip_bytes UBIGINT,
	orig_l2_bytes UBIGINT,
	resp_pkts UBIGINT,
	resp_ip_bytes UBIGINT,
	resp_l2_bytes UBIGINT,
	inner_vlan USMALLINT,
	iface VARCHAR,
	end_reason VARCHAR`

const (
	pairKeyDDL    = `vlan USMALLINT NOT NULL, orig_h VARCHAR NOT NULL, resp_h VARCHAR NOT NULL,`
	serviceKeyDDL = `proto VARCHAR NOT NULL, port USMALLINT NOT NULL, service VARCHAR NOT NULL,`
	deviceKeyDDL  = `vlan USMALLINT NOT NULL, ip VARCHAR NOT NULL,`
)

func rollupDDL(table, key string) string {
	return `CREATE TABLE ` + table + ` (
		tenant_id BIGINT NOT NULL, sensor_id BIGINT NOT NULL, ts BIGINT NOT NULL, ` + key + `
		orig_bytes UBIGINT NOT NULL, resp_bytes UBIGINT NOT NULL,
		orig_pkts UBIGINT NOT NULL, resp_pkts UBIGINT NOT NULL,
		conns UBIGINT NOT NULL);
	`
}

// SchemaVersion is the number of migrations this build knows.
func SchemaVersion() int { return len(migrations) }

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("create schema_version: %w", err)
	}
	var v int
	if err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&v); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("database schema version %d is newer than this build (%d)", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM schema_version`); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: record version: %w", i+1, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (?)`, i+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: record version: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %d: commit: %w", i+1, err)
		}
		s.log.Info("store schema migrated", "version", i+1)
	}
	return nil
}

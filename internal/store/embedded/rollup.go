package embedded

import (
	"context"
	"fmt"
)

// Rollups are append-only partial sums that queries add up (DuckDB
// aggregates millions of rows per second, and appends need no index).
// They are a function of the staged rows: rollUp aggregates the rows staged
// since the last round (rollup_mark) into every table in one transaction,
// and the live_ views add the rows not yet rolled up on the fly, so a query
// sees a batch as soon as it is stored. Aggregating in SQL, a few minutes of
// rows at a time, costs about half of what appending each batch's partial
// rows from Go did: those outnumbered the batch's records (figures in
// docs/ARCHITECTURE.md, "Server storage"). Maintenance compacts closed periods into
// one row per key (compactRollups). Bytes are IP bytes; connections are
// counted in the minute they started (from conn records), volumes from
// conn_interval and flow records.

const (
	minuteUS  = int64(60_000_000)
	fiveMinUS = 5 * minuteUS
	hourUS    = 60 * minuteUS
	dayUS     = 24 * hourUS
)

func floorTo(ts, step int64) int64 {
	if ts < 0 {
		return ts - (ts%step+step)%step
	}
	return ts - ts%step
}

var (
	pairTables    = [2]string{"traffic_pair_1m", "traffic_pair_1h"}
	serviceTables = [2]string{"traffic_service_1m", "traffic_service_1h"}
	deviceTables  = [2]string{"traffic_device_1m", "traffic_device_1h"}
)

// live names the view of a rollup table that includes the staged rows not
// yet rolled up. Queries read views; maintenance writes tables.
func live(table string) string { return "live_" + table }

// notRolled selects the staged rows the last rollUp did not cover.
const notRolled = `seq > (SELECT seq FROM rollup_mark)`

// bucketSQL floors ts to step microseconds, like floorTo.
func bucketSQL(step int64) string {
	return fmt.Sprintf(`(ts - ((ts %% %[1]d) + %[1]d) %% %[1]d)`, step)
}

// trafficRowsSQL is the staged conn, conn_interval and flow rows matching
// seqCond with their volumes: conn counts a connection, conn_interval and
// flow carry bytes and packets. A flow's protocol is its IANA keyword or
// else its number; it has no port or service.
func trafficRowsSQL(seqCond string) string {
	return `SELECT tenant_id, sensor_id, ts, coalesce(vlan, 0)::USMALLINT AS vlan, orig_h, resp_h,
		coalesce(proto, CASE WHEN kind = 'flow' THEN json_extract_string(data, '$.proto') END, '') AS proto,
		(CASE WHEN kind = 'flow' THEN 0 ELSE coalesce(resp_p, 0) END)::USMALLINT AS port,
		CASE WHEN kind = 'flow' THEN '' ELSE coalesce(service, '') END AS service,
		(CASE kind WHEN 'conn_interval' THEN orig_ip_bytes
			WHEN 'flow' THEN coalesce(json_extract_string(data, '$.ip_bytes')::UBIGINT, 0) ELSE 0 END)::UBIGINT AS orig_bytes,
		(CASE kind WHEN 'conn_interval' THEN resp_ip_bytes ELSE 0 END)::UBIGINT AS resp_bytes,
		(CASE kind WHEN 'conn_interval' THEN orig_pkts
			WHEN 'flow' THEN coalesce(json_extract_string(data, '$.pkts')::UBIGINT, 0) ELSE 0 END)::UBIGINT AS orig_pkts,
		(CASE kind WHEN 'conn_interval' THEN resp_pkts ELSE 0 END)::UBIGINT AS resp_pkts,
		(kind = 'conn')::UBIGINT AS conns
	FROM staged WHERE ` + seqCond + ` AND kind IN ('conn', 'conn_interval', 'flow')
		AND orig_h IS NOT NULL AND resp_h IS NOT NULL`
}

// otRowsSQL is the staged OT operations matching seqCond between two known
// addresses, with their protocol.
func otRowsSQL(seqCond string) string {
	return `SELECT tenant_id, sensor_id, ts, coalesce(vlan, 0)::USMALLINT AS vlan, orig_h, resp_h,
			coalesce(json_extract_string(data, '$.protocol'), '') AS name
		FROM staged WHERE ` + seqCond + ` AND kind = 'ot' AND orig_h IS NOT NULL AND resp_h IS NOT NULL`
}

// rollupSQL returns the SELECT that aggregates traffic rows (of
// trafficRowsSQL) and OT rows (of otRowsSQL) into the rows of table, in the
// table's column order. The sources are relations: table names or
// parenthesised queries.
func rollupSQL(table, traffic, ot string) string {
	var step int64
	switch table[len(table)-2:] {
	case "1m":
		step = minuteUS
	case "1h":
		step = hourUS
	case "5m":
		step = fiveMinUS
	}
	b := bucketSQL(step)
	switch table {
	case pairTables[0], pairTables[1]:
		return `SELECT tenant_id, sensor_id, ` + b + ` AS bucket, vlan, orig_h, resp_h, ` + volumeSums + `
			FROM ` + traffic + ` GROUP BY ALL`
	case serviceTables[0], serviceTables[1]:
		return `SELECT tenant_id, sensor_id, ` + b + ` AS bucket, proto, port, service, ` + volumeSums + `
			FROM ` + traffic + ` GROUP BY ALL`
	case deviceTables[0], deviceTables[1]:
		return `SELECT tenant_id, sensor_id, ` + b + ` AS bucket, vlan, ip, ` + volumeSums + ` FROM (
			SELECT tenant_id, sensor_id, ts, vlan, orig_h AS ip, orig_bytes, resp_bytes, orig_pkts, resp_pkts, conns FROM ` + traffic + `
			UNION ALL
			SELECT tenant_id, sensor_id, ts, vlan, resp_h, resp_bytes, orig_bytes, resp_pkts, orig_pkts, conns FROM ` + traffic + `)
			GROUP BY ALL`
	}
	return device5mSQL(b, traffic, ot)
}

// device5mSQL builds the per-device 5-minute statistics. Out is what a
// device sent or initiated, In what it received or accepted. Peers, ports
// and protocols come from rows with packets only: a conn record counts its
// connection, its interval records (same addresses, same service) fill the
// sets, so a connection whose service was named late is not counted under
// two names. OT operations add their protocol to both devices' sets; their
// volume is already in the connection's.
func device5mSQL(b, traffic, ot string) string {
	return `WITH t AS (SELECT *, orig_pkts + resp_pkts > 0 AS active,
			CASE WHEN service <> '' THEN service ELSE proto END AS name FROM ` + traffic + `),
		sides (tenant_id, sensor_id, ts, vlan, ip, bo, bi, po, pi, co, ci, peer_out, peer_in, port_out, port_in, proto_out, proto_in) AS (
			SELECT tenant_id, sensor_id, ts, vlan, orig_h, orig_bytes, resp_bytes, orig_pkts, resp_pkts, conns, 0::UBIGINT,
				CASE WHEN active THEN resp_h END, NULL::VARCHAR, CASE WHEN active THEN port::INTEGER END, NULL::INTEGER,
				CASE WHEN active THEN name END, NULL::VARCHAR FROM t
			UNION ALL
			SELECT tenant_id, sensor_id, ts, vlan, resp_h, resp_bytes, orig_bytes, resp_pkts, orig_pkts, 0::UBIGINT, conns,
				NULL::VARCHAR, CASE WHEN active THEN orig_h END, NULL::INTEGER, CASE WHEN active THEN port::INTEGER END,
				NULL::VARCHAR, CASE WHEN active THEN name END FROM t
			UNION ALL
			SELECT tenant_id, sensor_id, ts, vlan, orig_h, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, name, NULL FROM ` + ot + `
			UNION ALL
			SELECT tenant_id, sensor_id, ts, vlan, resp_h, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, name FROM ` + ot + `)
		SELECT tenant_id, sensor_id, ` + b + ` AS bucket, vlan, ip,
			sum(bo)::UBIGINT, sum(bi)::UBIGINT, sum(po)::UBIGINT, sum(pi)::UBIGINT, sum(co)::UBIGINT, sum(ci)::UBIGINT,
			` + distinctList("peer_out") + `, ` + distinctList("peer_in") + `,
			` + distinctList("port_out") + `, ` + distinctList("port_in") + `,
			` + distinctList("proto_out") + `, ` + distinctList("proto_in") + `
		FROM sides GROUP BY tenant_id, sensor_id, bucket, vlan, ip`
}

// distinctList is the sorted set of a column's non-null values.
func distinctList(col string) string {
	return `coalesce(list_sort(list(DISTINCT ` + col + `) FILTER (WHERE ` + col + ` IS NOT NULL)), [])`
}

// rolledTables are the tables rollUp writes, each with a live_ view.
var rolledTables = []string{
	pairTables[0], pairTables[1], serviceTables[0], serviceTables[1], deviceTables[0], deviceTables[1], "device_5m",
}

// createLiveViews (re)defines the view staged over the staging tables and
// the live_ views; they are code, not schema, so every Open writes the
// current definitions.
func (s *Store) createLiveViews(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE OR REPLACE VIEW staged AS
		SELECT * FROM `+stagingTable(0)+` UNION ALL SELECT * FROM `+stagingTable(1)); err != nil {
		return fmt.Errorf("create view staged: %w", err)
	}
	for _, t := range rolledTables {
		q := `CREATE OR REPLACE VIEW ` + live(t) + ` AS SELECT * FROM ` + t + ` UNION ALL SELECT * FROM (` +
			rollupSQL(t, `(`+trafficRowsSQL(notRolled)+`)`, `(`+otRowsSQL(notRolled)+`)`) + `)`
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create view %s: %w", live(t), err)
		}
	}
	return nil
}

// rollUp aggregates the rows staged since the last round into the rollup
// tables and moves the mark, in one transaction: a crash leaves either the
// old mark and no rows or the new mark and all of them. It runs beside the
// ingest, not under its lock: it writes no table a batch writes, and it
// takes its range of rows from its own snapshot, where every seq up to the
// largest is committed (batches commit one at a time, in seq order).
func (s *Store) rollUp(ctx context.Context) error {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	return s.rollUpLocked(ctx)
}

// rollUpLocked is rollUp with mmu held.
func (s *Store) rollUpLocked(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("roll up: %w", err)
	}
	defer tx.Rollback()
	var mark, upto int64
	if err := tx.QueryRowContext(ctx, `SELECT seq, (SELECT coalesce(max(seq), 0) FROM staged) FROM rollup_mark`).Scan(&mark, &upto); err != nil {
		return fmt.Errorf("roll up: read mark: %w", err)
	}
	if upto <= mark {
		return nil
	}
	// The round's rows are selected once into temporary tables (memory,
	// no log) that every rollup reads, already summed per minute and
	// flow (addresses, protocol, port, service): the rollups are sums and
	// sets over these keys, so they come out the same from fewer rows (a
	// connection's record and its interval records become one row).
	cond := fmt.Sprintf("seq > %d AND seq <= %d", mark, upto)
	minute := bucketSQL(minuteUS)
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE roll_traffic AS
			SELECT tenant_id, sensor_id, `+minute+` AS ts, vlan, orig_h, resp_h, proto, port, service, `+volumeSums+`
			FROM (`+trafficRowsSQL(cond)+`) GROUP BY ALL;
		CREATE OR REPLACE TEMP TABLE roll_ot AS
			SELECT DISTINCT tenant_id, sensor_id, `+minute+` AS ts, vlan, orig_h, resp_h, name FROM (`+otRowsSQL(cond)+`)`); err != nil {
		return fmt.Errorf("roll up: select rows: %w", err)
	}
	// Compaction and the daily rollups look from the oldest row added on.
	if _, err := tx.ExecContext(ctx, `UPDATE rollup_marks SET ts = least(ts, coalesce((SELECT min(r.ts) FROM (
		SELECT ts FROM roll_traffic UNION ALL SELECT ts FROM roll_ot) r), ts))`); err != nil {
		return fmt.Errorf("roll up: lower marks: %w", err)
	}
	for _, t := range rolledTables {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t+` SELECT * FROM (`+rollupSQL(t, "roll_traffic", "roll_ot")+`)`); err != nil {
			return fmt.Errorf("roll up into %s: %w", t, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE roll_traffic; DROP TABLE roll_ot`); err != nil {
		return fmt.Errorf("roll up: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE rollup_mark SET seq = ?`, upto); err != nil {
		return fmt.Errorf("roll up: move mark: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("roll up: commit: %w", err)
	}
	return nil
}

// rollupSpec describes how to compact one rollup table.
type rollupSpec struct {
	table, keys, sums string
	period            int64 // a bucket is closed once now passes its end by this much
}

var volumeSums = `sum(orig_bytes)::UBIGINT AS orig_bytes, sum(resp_bytes)::UBIGINT AS resp_bytes,
	sum(orig_pkts)::UBIGINT AS orig_pkts, sum(resp_pkts)::UBIGINT AS resp_pkts, sum(conns)::UBIGINT AS conns`

var rollupSpecs = []rollupSpec{
	{"traffic_pair_1m", "vlan, orig_h, resp_h", volumeSums, minuteUS},
	{"traffic_pair_1h", "vlan, orig_h, resp_h", volumeSums, hourUS},
	{"traffic_service_1m", "proto, port, service", volumeSums, minuteUS},
	{"traffic_service_1h", "proto, port, service", volumeSums, hourUS},
	{"traffic_device_1m", "vlan, ip", volumeSums, minuteUS},
	{"traffic_device_1h", "vlan, ip", volumeSums, hourUS},
	{"device_5m", "vlan, ip", `sum(bytes_out)::UBIGINT, sum(bytes_in)::UBIGINT, sum(pkts_out)::UBIGINT, sum(pkts_in)::UBIGINT,
		sum(conns_out)::UBIGINT, sum(conns_in)::UBIGINT,
		list_sort(list_distinct(flatten(list(peers_out)))), list_sort(list_distinct(flatten(list(peers_in)))),
		list_sort(list_distinct(flatten(list(ports_out)))), list_sort(list_distinct(flatten(list(ports_in)))),
		list_sort(list_distinct(flatten(list(protos_out)))), list_sort(list_distinct(flatten(list(protos_in))))`, fiveMinUS},
}

// compactRollups merges the partial rows of buckets that have more than one
// row per key into one row per key. Buckets still open (the last few minutes
// and the current hour) are left alone: they are still being appended to,
// and late records would only create another partial row anyway. Only
// buckets from the table's mark on are looked at: rollUp lowers the marks
// to the oldest row it adds, and each compaction raises its table's to
// where it stopped, so a round costs what changed since the last one, not
// the size of a year of rollups. It returns how many rows it removed.
func (s *Store) compactRollups(ctx context.Context, now int64) (int64, error) {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	marks, err := s.marks(ctx)
	if err != nil {
		return 0, fmt.Errorf("compact rollups: %w", err)
	}
	var removed int64
	for _, sp := range rollupSpecs {
		from := marks[sp.table]
		cutoff := floorTo(now, sp.period) - sp.period
		lo := floorTo(from, sp.period)
		if lo >= cutoff {
			continue
		}
		n, err := s.compactTable(ctx, sp, lo, cutoff)
		if err != nil {
			return removed, fmt.Errorf("compact %s: %w", sp.table, err)
		}
		removed += n
		if err := s.raiseMark(ctx, sp.table, from, cutoff); err != nil {
			return removed, fmt.Errorf("compact %s: %w", sp.table, err)
		}
	}
	return removed, nil
}

// The marks in rollup_marks are named after the rollup table whose
// compaction resumes there, and markDays for the daily rollups: each is
// the oldest bucket (or day) that may have changed since its consumer last
// looked.
const markDays = "days"

// marks reads every mark in one query.
func (s *Store) marks(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, ts FROM rollup_marks`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var ts int64
		if err := rows.Scan(&name, &ts); err != nil {
			return nil, err
		}
		out[name] = ts
	}
	return out, rows.Err()
}

// raiseMark moves a mark from what its consumer read to where it got,
// unless a roll-up lowered it meanwhile: that change is then kept for the
// next round. Its caller holds mmu, which every writer of marks takes, so
// the compare is a guard against a mistake rather than a race.
func (s *Store) raiseMark(ctx context.Context, name string, from, to int64) error {
	if to <= from {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `UPDATE rollup_marks SET ts = ? WHERE name = ? AND ts = ?`, to, name, from)
	return err
}

// compactTable compacts the buckets of [lo, cutoff) of one table.
func (s *Store) compactTable(ctx context.Context, sp rollupSpec, lo, cutoff int64) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// Buckets with duplicate keys, in the range.
	q := `CREATE OR REPLACE TEMP TABLE compact_buckets AS
		SELECT DISTINCT tenant_id, sensor_id, ts FROM (
			SELECT tenant_id, sensor_id, ts FROM ` + sp.table + ` WHERE ts >= ? AND ts < ?
			GROUP BY tenant_id, sensor_id, ts, ` + sp.keys + ` HAVING count(*) > 1)`
	if _, err := tx.ExecContext(ctx, q, lo, cutoff); err != nil {
		return 0, err
	}
	var buckets int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM compact_buckets`).Scan(&buckets); err != nil {
		return 0, err
	}
	if buckets == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE compact_rows AS
		SELECT tenant_id, sensor_id, ts, `+sp.keys+`, `+sp.sums+` FROM `+sp.table+`
		SEMI JOIN compact_buckets USING (tenant_id, sensor_id, ts) WHERE ts >= ? AND ts < ?
		GROUP BY tenant_id, sensor_id, ts, `+sp.keys, lo, cutoff); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM `+sp.table+` t USING compact_buckets b
		WHERE t.tenant_id = b.tenant_id AND t.sensor_id = b.sensor_id AND t.ts = b.ts AND t.ts >= ? AND t.ts < ?`, lo, cutoff)
	if err != nil {
		return 0, err
	}
	deleted, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `INSERT INTO `+sp.table+` SELECT * FROM compact_rows`)
	if err != nil {
		return 0, err
	}
	inserted, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `DROP TABLE compact_buckets; DROP TABLE compact_rows`); err != nil {
		return 0, err
	}
	return deleted - inserted, tx.Commit()
}

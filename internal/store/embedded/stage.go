package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/otsight/otsight/internal/record"
)

// The records of the current hour are staged in an in-memory database and
// made durable by the stage logs (stagelog.go). This file opens both:
// attaching the database, adopting rows an older build staged on disk, and
// replaying the logs into the tables.

// batchKey identifies a batch in a replay.
type batchKey struct {
	sensor     int64
	epoch, seq uint64
}

func stageLogPath(dir string, i int) string {
	return filepath.Join(dbDir(dir), stagingTables[i]+".log")
}

// attachStaging attaches the in-memory staging database and creates its
// tables. It runs before the migrations, whose views name them.
func (s *Store) attachStaging(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `ATTACH ':memory:' AS `+stageDB); err != nil {
		return fmt.Errorf("attach staging database: %w", err)
	}
	for i := range stagingTables {
		if _, err := s.db.ExecContext(ctx, `CREATE TABLE `+stagingTable(i)+` (`+recordColumnsDDL+`)`); err != nil {
			return fmt.Errorf("create staging table: %w", err)
		}
	}
	return nil
}

// openStaging opens the stage logs, moves rows an older build staged on
// disk into them, and replays them into the staging tables.
func (s *Store) openStaging(ctx context.Context) error {
	for i := range stagingTables {
		l, err := openStageLog(stageLogPath(s.cfg.Dir, i))
		if err != nil {
			return err
		}
		s.logs[i] = l
	}
	if err := s.adoptLegacy(ctx); err != nil {
		return err
	}
	applied := map[batchKey]bool{}
	for i := range stagingTables {
		if err := s.replay(ctx, i, applied); err != nil {
			return err
		}
	}
	return nil
}

// flushedGen is the last generation of log i whose rows are in files.
func (s *Store) flushedGen(ctx context.Context, i int) (uint64, error) {
	var g uint64
	err := s.db.QueryRowContext(ctx, `SELECT flushed_gen FROM stage_logs WHERE name = ?`, stagingTables[i]).Scan(&g)
	if err != nil {
		return 0, fmt.Errorf("read flushed generation of %s: %w", stagingTables[i], err)
	}
	return g, nil
}

// replay appends the rows of log i's committed batches to staging table i.
// A log whose generation a flush recorded is already in files: it is
// emptied. An entry whose key did not commit (a crash between the log's
// sync and the commit) is dropped from the log: the sensor still has that
// batch and sends it again. A torn tail is cut off.
func (s *Store) replay(ctx context.Context, i int, applied map[batchKey]bool) error {
	l := s.logs[i]
	flushed, err := s.flushedGen(ctx, i)
	if err != nil {
		return err
	}
	if l.gen <= flushed {
		if l.size > stageLogHeaderSize {
			s.log.Info("store: stage log already flushed into record files; emptying it", "log", l.path, "gen", l.gen)
		}
		return l.reset(flushed + 1)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("replay %s: %w", l.path, err)
	}
	defer conn.Close()
	var batches, rows int
	drop := map[int64]bool{}
	end, err := l.entries(func(e stageEntry, off int64) error {
		// Dropped below, so never met again; this is for safety.
		k := batchKey{e.sensor, e.epoch, e.seq}
		if applied[k] {
			drop[off] = true
			return nil
		}
		var first int64
		err := conn.QueryRowContext(ctx, `SELECT first_row FROM batches
			WHERE tenant_id = ? AND sensor_id = ? AND epoch = CAST(? AS UBIGINT) AND seq = ?`,
			e.tenant, e.sensor, ubigint(e.epoch), e.seq).Scan(&first)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && first != e.base+1) {
			drop[off] = true
			return nil
		}
		if err != nil {
			return err
		}
		b, err := record.Unmarshal(e.payload)
		if err != nil {
			return fmt.Errorf("batch %d/%d/%d: %w", e.sensor, e.epoch, e.seq, err)
		}
		p, err := prepare(b.Records)
		if err != nil {
			return fmt.Errorf("batch %d/%d/%d: %w", e.sensor, e.epoch, e.seq, err)
		}
		err = conn.Raw(func(dc any) error { return p.append(dc.(driver.Conn), i, e.tenant, e.sensor, e.base) })
		if err != nil {
			return fmt.Errorf("batch %d/%d/%d: %w", e.sensor, e.epoch, e.seq, err)
		}
		applied[k] = true
		batches++
		rows += len(p.rows)
		return nil
	})
	if err != nil {
		return fmt.Errorf("replay %s: %w", l.path, err)
	}
	if end < l.size {
		s.log.Warn("store: stage log ends in a partial entry (a crash while a batch was written, before it was acknowledged); cutting it off",
			"log", l.path, "bytes", l.size-end)
		if err := l.truncate(end); err != nil {
			return err
		}
	}
	if len(drop) > 0 {
		// Left in the log, such an entry would be replayed once the
		// sensor's resend commits the same key with the same first row
		// (the next batch starts where the uncommitted one did), into
		// either table: twice.
		s.log.Info("store: dropping stage log entries of batches that were never stored", "log", l.path, "entries", len(drop))
		if err := l.dropEntries(drop); err != nil {
			return err
		}
	}
	if batches > 0 {
		s.log.Info("store: staged batches replayed from the stage log", "log", l.path, "batches", batches, "records", rows)
	}
	return nil
}

// adoptLegacy moves rows that a build before schema 10 staged in the
// database file (now the legacy_ tables) into the stage logs, batch by
// batch, and then drops those tables. Until the drop commits, a crash
// repeats the whole adoption: the logs are emptied first, and nothing else
// writes them before Open returns.
func (s *Store) adoptLegacy(ctx context.Context) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM duckdb_tables()
		WHERE database_name <> '`+stageDB+`' AND table_name LIKE 'legacy_staged_%'`).Scan(&n); err != nil {
		return fmt.Errorf("adopt staged rows: %w", err)
	}
	if n == 0 {
		return nil
	}
	total := 0
	for i := range stagingTables {
		flushed, err := s.flushedGen(ctx, i)
		if err != nil {
			return err
		}
		if err := s.logs[i].reset(max(flushed, s.logs[i].gen) + 1); err != nil {
			return err
		}
		legacy := "legacy_" + stagingTables[i]
		k, err := s.adoptTable(ctx, legacy, s.logs[i])
		if err != nil {
			return fmt.Errorf("adopt rows of %s: %w", legacy, err)
		}
		var left int
		if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM `+legacy).Scan(&left); err != nil {
			return fmt.Errorf("adopt rows of %s: %w", legacy, err)
		}
		if left != k {
			return fmt.Errorf("adopt rows of %s: %d rows belong to no batch (%d do)", legacy, left-k, k)
		}
		total += k
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("adopt staged rows: %w", err)
	}
	defer tx.Rollback()
	for i := range stagingTables {
		if _, err := tx.ExecContext(ctx, `DROP TABLE legacy_`+stagingTables[i]); err != nil {
			return fmt.Errorf("adopt staged rows: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("adopt staged rows: %w", err)
	}
	s.log.Info("store: rows staged by an older build moved into the stage logs", "records", total)
	return nil
}

// adoptTable writes one log entry per batch whose rows are in table, made
// from the rows read back as records, and returns the rows written.
func (s *Store) adoptTable(ctx context.Context, table string, l *stageLog) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.tenant_id, b.sensor_id, CAST(b.epoch AS VARCHAR), b.seq, b.first_row, b.records
		FROM batches b WHERE b.records > 0 AND b.first_row IN (SELECT seq FROM `+table+`) ORDER BY b.first_row`)
	if err != nil {
		return 0, err
	}
	var entries []stageEntry
	var counts []int64
	for rows.Next() {
		var e stageEntry
		var epoch string
		var n int64
		if err := rows.Scan(&e.tenant, &e.sensor, &epoch, &e.seq, &e.base, &n); err != nil {
			rows.Close()
			return 0, err
		}
		if e.epoch, err = strconv.ParseUint(epoch, 10, 64); err != nil {
			rows.Close()
			return 0, err
		}
		e.base--
		entries = append(entries, e)
		counts = append(counts, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	total := 0
	for j, e := range entries {
		recs, err := s.legacyRecords(ctx, table, e.base+1, e.base+counts[j])
		if err != nil {
			return 0, err
		}
		b := &record.Batch{Header: record.Header{SensorID: strconv.FormatInt(e.sensor, 10), Epoch: e.epoch, Seq: e.seq}, Records: recs}
		if e.payload, err = record.Marshal(b); err != nil {
			return 0, err
		}
		if _, err := l.append(e); err != nil {
			return 0, err
		}
		total += len(recs)
	}
	return total, nil
}

func (s *Store) legacyRecords(ctx context.Context, table string, first, last int64) ([]record.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+storedColumns+` FROM `+table+` WHERE seq BETWEEN ? AND ? ORDER BY seq`, first, last)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []record.Record
	var sr storedRow
	dst := sr.dest()
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return nil, err
		}
		r, err := sr.record()
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", first+int64(len(out)), err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

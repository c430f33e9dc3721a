package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Record files: records/tenant=T/sensor=S/day=YYYY-MM-DD/NAME.parquet, where
// NAME is h-<seq> for a flush of staged rows and d-<seq> for a compacted
// day, <seq> being the largest row sequence inside (unique, so a name is
// never reused). The record_files table is the catalog: a file that is not in
// it does not exist for queries, and Open deletes it. Every change therefore
// writes the file under a temporary name, renames it, and only then commits
// the catalog change, together with the deletion of the rows it replaces; a
// crash at any point leaves either the old rows or the new file, never both.

const tmpSuffix = ".tmp"

func dayString(dayIndex int64) string {
	return time.UnixMicro(dayIndex * dayUS).UTC().Format(time.DateOnly)
}

func partitionDir(tenant, sensor int64, day string) string {
	return filepath.Join("records", fmt.Sprintf("tenant=%d", tenant), fmt.Sprintf("sensor=%d", sensor), "day="+day)
}

// copyToParquet writes the result of query into rel (relative to the data
// directory) through a temporary file, and returns the file's size.
func (s *Store) copyToParquet(ctx context.Context, ex interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, query, rel string) (int64, error) {
	abs := filepath.Join(s.cfg.Dir, rel)
	if err := os.MkdirAll(filepath.Dir(abs), 0o750); err != nil {
		return 0, err
	}
	tmp := abs + tmpSuffix
	if _, err := ex.ExecContext(ctx, `COPY (`+query+`) TO '`+sqlString(tmp)+`' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE `+strconv.Itoa(rowGroupRows)+`)`); err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", rel, err)
	}
	if err := syncFile(tmp); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp, abs); err != nil {
		return 0, fmt.Errorf("rename %s: %w", rel, err)
	}
	st, err := os.Stat(abs)
	if err != nil {
		return 0, err
	}
	return st.Size(), nil
}

// syncFile fsyncs a file, or a directory (after a rename in it).
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

type fileEntry struct {
	path                          string
	tenant, sensor                int64
	day                           string
	rows, bytes, minTS, maxTS, mx int64
}

func insertFile(ctx context.Context, tx *sql.Tx, f fileEntry, now int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO record_files VALUES (?, ?, ?, ?::DATE, ?, ?, ?, ?, ?, ?)`,
		f.path, f.tenant, f.sensor, f.day, f.rows, f.bytes, f.minTS, f.maxTS, f.mx, now)
	return err
}

// Flush moves the staged rows into record files, one per tenant, sensor
// and day. The background maintenance calls it; tests and `otsight admin`
// may too. It runs beside the ingest: it switches batches to the other
// staging table, then flushes and empties the one they filled, and its
// stage log. Rows a batch staged while a previous flush failed, or before
// a crash, go with the next flush.
func (s *Store) Flush(ctx context.Context) error {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	s.wmu.Lock()
	fi := s.staging
	s.staging = 1 - s.staging
	s.wmu.Unlock()
	full, l := stagingTable(fi), s.logs[fi]
	// Staged rows leave only once they are counted in the rollups. The
	// roll-up's snapshot starts after the switch, so it holds every row of
	// the full table: no batch appends there any more.
	if err := s.rollUpLocked(ctx); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, sensor_id, CAST(floor(ts / ?) AS BIGINT) AS d,
		count(*), min(ts), max(ts), max(seq) FROM `+full+` GROUP BY ALL ORDER BY ALL`, float64(dayUS))
	if err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	var files []fileEntry
	var days []int64
	for rows.Next() {
		var f fileEntry
		var d int64
		if err := rows.Scan(&f.tenant, &f.sensor, &d, &f.rows, &f.minTS, &f.maxTS, &f.mx); err != nil {
			rows.Close()
			return fmt.Errorf("flush: %w", err)
		}
		f.day = dayString(d)
		f.path = filepath.Join(partitionDir(f.tenant, f.sensor, f.day), fmt.Sprintf("h-%016d.parquet", f.mx))
		files = append(files, f)
		days = append(days, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	if len(files) == 0 && l.size == stageLogHeaderSize {
		return nil
	}
	for i := range files {
		f := &files[i]
		// In staging order (seq), not sorted by time: batches arrive in
		// time order, so the file is nearly sorted already and the row
		// groups' time ranges prune as well; a sort of every column would
		// cost more than the rest of the flush.
		q := fmt.Sprintf(`SELECT * FROM %s WHERE tenant_id = %d AND sensor_id = %d AND ts >= %d AND ts < %d`,
			full, f.tenant, f.sensor, days[i]*dayUS, (days[i]+1)*dayUS)
		if f.bytes, err = s.copyToParquet(ctx, s.db, q, f.path); err != nil {
			return fmt.Errorf("flush: %w", err)
		}
	}
	if s.afterParquet != nil {
		if err := s.afterParquet(); err != nil {
			return err
		}
	}
	if err := s.catalogFlush(ctx, files, fi); err != nil {
		return err
	}
	// The files hold the log's rows now, and the catalog says so (a crash
	// before this reset finds the log's generation flushed and empties it).
	if err := l.reset(l.gen + 1); err != nil {
		// Batches must not go to a log whose generation is flushed: a
		// replay would empty it.
		s.wmu.Lock()
		s.stageErr = err
		s.wmu.Unlock()
		return fmt.Errorf("flush: %w", err)
	}
	// Checkpoint the in-memory database: only a checkpoint gives back the
	// memory of deleted rows (without it the staging tables grew by 100
	// MiB an hour of a busy sensor); it takes a millisecond. Batches wait:
	// a checkpoint refuses to start beside a transaction that writes. The
	// database file is left to DuckDB's own checkpoint, when its log
	// reaches Config.WALSize: checkpointing it every hour cost a busy
	// sensor-day 5-9 % more CPU and held the batches meanwhile.
	s.wmu.Lock()
	_, err = s.db.ExecContext(ctx, `CHECKPOINT `+stageDB)
	s.wmu.Unlock()
	if err != nil {
		s.log.Warn("store: checkpoint after flush", "err", err)
	}
	s.metrics.flushedFiles.Add(float64(len(files)))
	s.log.Debug("store flushed staged records", "table", full, "files", len(files))
	return nil
}

// catalogFlush commits the files of a flush of staging table fi, with the
// generation of its log, and empties the table. Queries hold filesMu
// shared, so none sees the rows twice (in the new files and still staged)
// or not at all: the catalog and the in-memory table are two databases,
// which one transaction cannot change together.
func (s *Store) catalogFlush(ctx context.Context, files []fileEntry, fi int) error {
	s.filesMu.Lock()
	defer s.filesMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("flush: %w", err)
	}
	defer tx.Rollback()
	now := micros(s.cfg.Now())
	for _, f := range files {
		if err := insertFile(ctx, tx, f, now); err != nil {
			return fmt.Errorf("flush: catalog %s: %w", f.path, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stage_logs SET flushed_gen = ? WHERE name = ?`, s.logs[fi].gen, stagingTables[fi]); err != nil {
		return fmt.Errorf("flush: record the log's generation: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("flush: commit: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM `+stagingTable(fi)); err != nil {
		// The rows are in files, and the catalog says so; the replay of a
		// restart will not stage them again. Until then batches cannot go
		// to this table.
		s.wmu.Lock()
		s.stageErr = fmt.Errorf("empty %s after a flush: %w", stagingTable(fi), err)
		s.wmu.Unlock()
		return fmt.Errorf("flush: %w", s.stageErr)
	}
	return nil
}

// rowGroupRows is the row group size of the record files.
const rowGroupRows = 122_880

// CompactFiles merges the files of every closed day (before today, UTC)
// that has more than one, of fewer rows than Config.CompactBelowRows (a
// row group) on average, into a single day file. Compaction is for the
// many small files of a quiet sensor; a busy sensor's hour files hold full
// row groups already, and rewriting them bought nothing: a day of the
// `large` plant (6.6 M records) scanned in 2.13 s from its 24 hour files
// and 2.06 s from one day file, and the rewrite cost 8.6 s of CPU a day
// (measured when this rule was made; docs/ARCHITECTURE.md).
func (s *Store) CompactFiles(ctx context.Context) (int, error) {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	today := s.cfg.Now().UTC().Format(time.DateOnly)
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, sensor_id, strftime(day, '%Y-%m-%d'), list(path ORDER BY path),
		sum(rows), min(min_ts), max(max_ts), max(max_seq)
		FROM record_files WHERE day < ?::DATE GROUP BY ALL HAVING count(*) > 1 AND sum(rows) / count(*) < ?
		ORDER BY ALL`, today, s.cfg.CompactBelowRows)
	if err != nil {
		return 0, fmt.Errorf("compact files: %w", err)
	}
	type job struct {
		f   fileEntry
		old []string
	}
	var jobs []job
	for rows.Next() {
		var j job
		var list []any
		if err := rows.Scan(&j.f.tenant, &j.f.sensor, &j.f.day, &list, &j.f.rows, &j.f.minTS, &j.f.maxTS, &j.f.mx); err != nil {
			rows.Close()
			return 0, fmt.Errorf("compact files: %w", err)
		}
		for _, p := range list {
			j.old = append(j.old, p.(string))
		}
		j.f.path = filepath.Join(partitionDir(j.f.tenant, j.f.sensor, j.f.day), fmt.Sprintf("d-%016d.parquet", j.f.mx))
		jobs = append(jobs, j)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("compact files: %w", err)
	}
	for _, j := range jobs {
		if err := s.compactDay(ctx, j.f, j.old); err != nil {
			return 0, err
		}
	}
	return len(jobs), nil
}

func (s *Store) compactDay(ctx context.Context, f fileEntry, old []string) error {
	var b strings.Builder
	for i, p := range old {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("'" + sqlString(filepath.Join(s.cfg.Dir, p)) + "'")
	}
	// The hour files in the order they were flushed (old is sorted by
	// path, h-<last seq>), concatenated without a sort: the day keeps the
	// staging order, as each hour did. Sorting a busy day (6.6 M rows, 31
	// columns) took 12.6 of its 15.9 s of maintenance.
	q := `SELECT * FROM read_parquet([` + b.String() + `])`
	var err error
	if f.bytes, err = s.copyToParquet(ctx, s.db, q, f.path); err != nil {
		return fmt.Errorf("compact %s: %w", f.path, err)
	}
	s.wmu.Lock()
	err = func() error {
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for _, p := range old {
			if _, err := tx.ExecContext(ctx, `DELETE FROM record_files WHERE path = ?`, p); err != nil {
				return err
			}
		}
		if err := insertFile(ctx, tx, f, micros(s.cfg.Now())); err != nil {
			return err
		}
		return tx.Commit()
	}()
	s.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("compact %s: catalog: %w", f.path, err)
	}
	s.metrics.flushedFiles.Inc()
	s.removeFiles(old)
	return nil
}

// removeFiles unlinks files that left the catalog, waiting for queries that
// may be reading them.
func (s *Store) removeFiles(rel []string) {
	s.filesMu.Lock()
	defer s.filesMu.Unlock()
	for _, p := range rel {
		if err := os.Remove(filepath.Join(s.cfg.Dir, p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			s.log.Warn("store: remove record file", "path", p, "err", err)
		}
	}
	s.removeEmptyDirs()
}

// removeEmptyDirs prunes partition directories left empty.
func (s *Store) removeEmptyDirs() {
	var dirs []string
	filepath.WalkDir(recordsDir(s.cfg.Dir), func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i > 0; i-- { // deepest first; keep records/ itself
		os.Remove(dirs[i]) // fails, harmlessly, unless empty
	}
}

// reconcileFiles makes the record files agree with the catalog after a
// crash: temporary files and files the catalog does not list (a flush or
// compaction that did not commit: its rows are still staged, or still in
// the old files) are deleted; catalog rows without a file are dropped loudly.
func (s *Store) reconcileFiles(ctx context.Context) error {
	known := map[string]bool{}
	rows, err := s.db.QueryContext(ctx, `SELECT path FROM record_files`)
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return fmt.Errorf("reconcile: %w", err)
		}
		known[p] = false
	}
	rows.Close()
	err = filepath.WalkDir(recordsDir(s.cfg.Dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(s.cfg.Dir, p)
		if err != nil {
			return err
		}
		if _, ok := known[rel]; ok {
			known[rel] = true
			return nil
		}
		if strings.HasSuffix(p, ".parquet") || strings.HasSuffix(p, tmpSuffix) {
			s.log.Warn("store: removing record file left by an interrupted flush or compaction", "path", rel)
			return os.Remove(p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("reconcile: %w", err)
	}
	for p, found := range known {
		if found {
			continue
		}
		s.log.Error("store: record file in the catalog is missing; dropping it", "path", p)
		if _, err := s.db.ExecContext(ctx, `DELETE FROM record_files WHERE path = ?`, p); err != nil {
			return fmt.Errorf("reconcile: %w", err)
		}
	}
	s.removeEmptyDirs()
	return nil
}

// Package embedded is the single-machine storage backend: one data directory,
// no set-up. State and rollups live in a DuckDB database (db/otsight.duckdb);
// the records of the current hour in an in-memory DuckDB database, made
// durable by stage logs (db/staged_*.log); older raw records in immutable
// zstd Parquet files partitioned by tenant, sensor and day
// (records/tenant=T/sensor=S/day=YYYY-MM-DD/), which retention deletes whole
// and backup copies once.
//
// This is the only package of the module that uses cgo (through the DuckDB
// driver). All SQL of the embedded backend stays here.
package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/otsight/otsight/internal/store"
)

// Config configures a Store. Zero fields take the defaults of DefaultConfig.
type Config struct {
	Dir              string // data directory; created if missing
	SizeCapPerSensor int64  // bytes of record files per sensor before the oldest day goes
	RetentionDays    int    // days of records and rollups kept
	MinuteDays       int    // days the per-minute rollups are kept (hourly ones follow RetentionDays)
	// CompactBelowRows: a closed day's record files are merged into one
	// when they average fewer rows than this (default: a row group).
	CompactBelowRows int64
	BackupDir        string // "" disables the daily backup
	BackupEvery      time.Duration
	MaintainEvery    time.Duration // period of flush, compaction and retention in the background
	MemoryLimit      string        // DuckDB memory_limit, e.g. "2GB"; "" leaves DuckDB's default
	// WALSize is how large DuckDB's write-ahead log (roll-ups, batch keys,
	// state: the raw records go to the stage logs) may grow before DuckDB
	// checkpoints it into the database file. A busy sensor writes about
	// 190 MB a day; a larger log is replayed after a crash, a smaller one
	// is checkpointed more often (docs/ARCHITECTURE.md).
	WALSize string
	Threads int // DuckDB threads; 0 leaves DuckDB's default
	Logger  *slog.Logger
	Now     func() time.Time // clock; tests move it
}

// Defaults (SPEC §6).
const (
	DefaultSizeCapPerSensor = 119 << 30
	DefaultRetentionDays    = 365
	DefaultMinuteDays       = 8
)

// DefaultConfig returns the defaults: 365 days or 119 GiB per sensor, per-minute
// rollups for 8 days, maintenance every 5 minutes, a backup a day.
func DefaultConfig() Config {
	return Config{
		SizeCapPerSensor: DefaultSizeCapPerSensor,
		RetentionDays:    DefaultRetentionDays,
		MinuteDays:       DefaultMinuteDays,
		BackupEvery:      24 * time.Hour,
		MaintainEvery:    5 * time.Minute,
		WALSize:          "256MB",
		Logger:           slog.Default(),
		Now:              time.Now,
	}
}

func (c *Config) fill() {
	d := DefaultConfig()
	if c.SizeCapPerSensor <= 0 {
		c.SizeCapPerSensor = d.SizeCapPerSensor
	}
	if c.RetentionDays <= 0 {
		c.RetentionDays = d.RetentionDays
	}
	if c.MinuteDays <= 0 {
		c.MinuteDays = d.MinuteDays
	}
	if c.BackupEvery <= 0 {
		c.BackupEvery = d.BackupEvery
	}
	if c.MaintainEvery <= 0 {
		c.MaintainEvery = d.MaintainEvery
	}
	if c.CompactBelowRows <= 0 {
		c.CompactBelowRows = rowGroupRows
	}
	if c.WALSize == "" {
		c.WALSize = d.WALSize
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	if c.Now == nil {
		c.Now = d.Now
	}
}

// Store is the embedded backend. It implements store.Backend and is safe for
// concurrent use.
type Store struct {
	cfg Config
	log *slog.Logger
	db  *sql.DB

	// wmu serialises batches and the short changes of state (users,
	// sensors, catalog rows). DuckDB would abort concurrent writers of the
	// same rows; one at a time is simpler and, with one batch per sensor
	// per minute, nowhere near a bottleneck. Maintenance (mmu) writes
	// beside them, to tables batches do not write: roll-ups, compaction
	// and flushes cost as much CPU as the batches themselves, and on a
	// machine of two cores running both at once halves a day's ingest.
	wmu      sync.Mutex
	stageSeq int64 // last seq given to a staged row; under wmu
	staging  int   // the index in stagingTables batches append to; under wmu
	// logs are the stage logs of stagingTables: logs[staging] under wmu,
	// the other under mmu (only a flush writes it).
	logs [2]*stageLog
	// stageErr, once set, refuses batches: a stored batch could not be
	// staged nor taken back, and only a restart's replay mends that.
	stageErr error // under wmu

	// filesMu guards the record files against removal while a query reads
	// them: readers hold it shared, compaction and retention exclusively
	// while they unlink.
	filesMu sync.RWMutex
	// mmu serialises maintenance (roll-ups, flush, compaction, daily
	// rollups, retention, backup).
	mmu sync.Mutex

	metrics *Metrics

	bgMu     sync.Mutex
	bgCancel context.CancelFunc
	bgDone   chan struct{}

	// afterParquet, when set by a test, runs after a flush has renamed its
	// files into place and before the staged rows are deleted; an error
	// simulates a crash at that point.
	afterParquet func() error
}

var _ store.Backend = (*Store)(nil)

// Open opens (creating or migrating) the store in cfg.Dir and reconciles the
// record files with the catalog after a crash.
func Open(cfg Config) (*Store, error) {
	if cfg.Dir == "" {
		return nil, errors.New("embedded store: no data directory")
	}
	cfg.fill()
	for _, d := range []string{dbDir(cfg.Dir), recordsDir(cfg.Dir)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
	}
	conn, err := duckdb.NewConnector(dbPath(cfg.Dir), nil)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", dbPath(cfg.Dir), err)
	}
	s := &Store{cfg: cfg, log: cfg.Logger, db: sql.OpenDB(conn), metrics: newMetrics()}
	ctx := context.Background()
	if err := s.setup(ctx); err != nil {
		s.db.Close()
		s.closeLogs()
		return nil, err
	}
	return s, nil
}

func (s *Store) setup(ctx context.Context) error {
	if s.cfg.MemoryLimit != "" {
		if _, err := s.db.ExecContext(ctx, "SET memory_limit = '"+sqlString(s.cfg.MemoryLimit)+"'"); err != nil {
			return fmt.Errorf("set memory limit: %w", err)
		}
	}
	if s.cfg.Threads > 0 {
		if _, err := s.db.ExecContext(ctx, fmt.Sprintf("SET threads = %d", s.cfg.Threads)); err != nil {
			return fmt.Errorf("set threads: %w", err)
		}
	}
	if _, err := s.db.ExecContext(ctx, "SET checkpoint_threshold = '"+sqlString(s.cfg.WALSize)+"'"); err != nil {
		return fmt.Errorf("set checkpoint threshold: %w", err)
	}
	if err := s.attachStaging(ctx); err != nil {
		return err
	}
	if err := s.migrate(ctx); err != nil {
		return err
	}
	if err := s.createLiveViews(ctx); err != nil {
		return err
	}
	if err := s.openStaging(ctx); err != nil {
		return err
	}
	// Batches go on into the table that holds the newest row.
	var seqs [2]int64
	for i := range stagingTables {
		if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(seq), 0) FROM "+stagingTable(i)).Scan(&seqs[i]); err != nil {
			return fmt.Errorf("read staged sequence: %w", err)
		}
	}
	s.stageSeq = max(seqs[0], seqs[1])
	if seqs[1] > seqs[0] {
		s.staging = 1
	}
	// Record files continue the staged sequence so that every row keeps
	// its seq for ordering; the largest may be in a file already.
	var fileSeq int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(max_seq), 0) FROM record_files").Scan(&fileSeq); err != nil {
		return fmt.Errorf("read file sequence: %w", err)
	}
	s.stageSeq = max(s.stageSeq, fileSeq)
	if err := s.reconcileFiles(ctx); err != nil {
		return err
	}
	return s.refreshSizes(ctx)
}

// Close stops the background work and closes the database.
func (s *Store) Close() error {
	s.Stop()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err := s.db.Close()
	s.closeLogs()
	return err
}

func (s *Store) closeLogs() {
	for i, l := range s.logs {
		if l != nil {
			l.close()
			s.logs[i] = nil
		}
	}
}

// Dir returns the data directory.
func (s *Store) Dir() string { return s.cfg.Dir }

func dbDir(dir string) string      { return filepath.Join(dir, "db") }
func dbPath(dir string) string     { return filepath.Join(dir, "db", "otsight.duckdb") }
func recordsDir(dir string) string { return filepath.Join(dir, "records") }

// micros converts a time to the BIGINT microseconds the tables hold; the
// zero time is 0 so that "not set" survives a round trip.
func micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// fromMicros is the inverse of micros, in UTC.
func fromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}

// sqlString escapes a string literal for the few statements (SET, COPY)
// that take no parameters.
func sqlString(v string) string {
	out := make([]byte, 0, len(v))
	for i := 0; i < len(v); i++ {
		if v[i] == '\'' {
			out = append(out, '\'')
		}
		out = append(out, v[i])
	}
	return string(out)
}

// write runs fn in a transaction under the write lock.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

package embedded

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/duckdb/duckdb-go/v2"
)

// A backup directory holds db/otsight-<UTC time>.duckdb snapshots of the
// database, each with copies of the stage logs beside it
// (otsight-<UTC time>.staged_a.log …), and records/…, a mirror of the record files. Record files are
// immutable and uniquely named, so each is copied once: the first backup is
// full, the next ones copy the new files and a database snapshot.

// BackupResult describes one backup.
type BackupResult struct {
	Snapshot    string // path of the database snapshot
	FilesCopied int    // record files new since the last backup
	FilesKept   int    // record files already in the backup
	BytesCopied int64  // including the snapshot
}

const snapshotPrefix, snapshotSuffix = "otsight-", ".duckdb"

// Backup writes a consistent snapshot into dir: the database is
// checkpointed and copied while writes wait, then the record files it lists
// are copied if the backup does not have them yet.
func (s *Store) Backup(ctx context.Context, dir string) (BackupResult, error) {
	var res BackupResult
	s.mmu.Lock() // no flush, compaction or retention: the file set stays put
	defer s.mmu.Unlock()
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o750); err != nil {
		return res, fmt.Errorf("backup: %w", err)
	}
	res.Snapshot = filepath.Join(dir, "db", snapshotPrefix+s.cfg.Now().UTC().Format("20060102T150405.000000Z")+snapshotSuffix)
	var paths []string
	err := func() error {
		s.wmu.Lock()
		defer s.wmu.Unlock()
		if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
			return fmt.Errorf("checkpoint: %w", err)
		}
		n, err := copyFile(dbPath(s.cfg.Dir), res.Snapshot)
		if err != nil {
			return err
		}
		res.BytesCopied += n
		// The staged rows are in the stage logs, not in the database.
		for i := range stagingTables {
			n, err := copyFile(stageLogPath(s.cfg.Dir, i), snapshotLog(res.Snapshot, i))
			if err != nil {
				return err
			}
			res.BytesCopied += n
		}
		paths, err = catalogPaths(ctx, s.db)
		return err
	}()
	if err != nil {
		return res, fmt.Errorf("backup: %w", err)
	}
	for _, p := range paths {
		dst := filepath.Join(dir, p)
		if _, err := os.Stat(dst); err == nil {
			res.FilesKept++
			continue
		}
		n, err := copyFile(filepath.Join(s.cfg.Dir, p), dst)
		if err != nil {
			return res, fmt.Errorf("backup: %w", err)
		}
		res.FilesCopied++
		res.BytesCopied += n
	}
	if err := pruneSnapshots(dir, s.cfg.Now(), time.Duration(s.cfg.RetentionDays)*24*time.Hour); err != nil {
		return res, fmt.Errorf("backup: prune: %w", err)
	}
	return res, nil
}

func catalogPaths(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT path FROM record_files ORDER BY path`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// snapshotLog is where a snapshot keeps its copy of stage log i.
func snapshotLog(snapshot string, i int) string {
	return strings.TrimSuffix(snapshot, snapshotSuffix) + "." + stagingTables[i] + ".log"
}

// Snapshots lists the database snapshots in a backup directory, oldest first.
func Snapshots(dir string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(dir, "db"))
	if err != nil {
		return nil, fmt.Errorf("list snapshots: %w", err)
	}
	var out []string
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, snapshotPrefix) && strings.HasSuffix(n, snapshotSuffix) {
			out = append(out, filepath.Join(dir, "db", n))
		}
	}
	sort.Strings(out)
	return out, nil
}

// Restore rebuilds a data directory from a backup: the newest database
// snapshot (or the one named by snapshot, if not empty) and the record files
// it lists. dataDir must not hold a database yet.
func Restore(backupDir, snapshot, dataDir string) error {
	if _, err := os.Stat(dbPath(dataDir)); err == nil {
		return fmt.Errorf("restore: %s already holds a database", dataDir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("restore: %w", err)
	}
	if snapshot == "" {
		snaps, err := Snapshots(backupDir)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		if len(snaps) == 0 {
			return fmt.Errorf("restore: no snapshot in %s", backupDir)
		}
		snapshot = snaps[len(snaps)-1]
	}
	if _, err := copyFile(snapshot, dbPath(dataDir)); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	for i := range stagingTables {
		// A snapshot of a build before the stage logs has none: its
		// staged rows are in the database.
		if _, err := copyFile(snapshotLog(snapshot, i), stageLogPath(dataDir, i)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("restore: %w", err)
		}
	}
	conn, err := duckdb.NewConnector(dbPath(dataDir), nil)
	if err != nil {
		return fmt.Errorf("restore: open snapshot: %w", err)
	}
	db := sql.OpenDB(conn)
	paths, err := catalogPaths(context.Background(), db)
	db.Close()
	if err != nil {
		return fmt.Errorf("restore: read catalog: %w", err)
	}
	for _, p := range paths {
		if _, err := copyFile(filepath.Join(backupDir, p), filepath.Join(dataDir, p)); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	return nil
}

// copyFile copies src to dst through a temporary file, synced, and returns
// the bytes copied.
func copyFile(src, dst string) (int64, error) {
	in, err := os.Open(src)
	if err != nil {
		return 0, err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return 0, err
	}
	tmp := dst + tmpSuffix
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, dst)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("copy %s: %w", src, err)
	}
	return n, nil
}

// pruneSnapshots removes snapshots older than keep.
func pruneSnapshots(dir string, now time.Time, keep time.Duration) error {
	snaps, err := Snapshots(dir)
	if err != nil {
		return err
	}
	for _, p := range snaps {
		stamp := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), snapshotPrefix), snapshotSuffix)
		t, err := time.Parse("20060102T150405.000000Z", stamp)
		if err == nil && now.Sub(t) > keep {
			if err := os.Remove(p); err != nil {
				return err
			}
			for i := range stagingTables {
				if err := os.Remove(snapshotLog(p, i)); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
		}
	}
	return nil
}

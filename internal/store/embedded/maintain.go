package embedded

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Start runs the maintenance in the background until ctx ends or Stop is
// called: once per MaintainEvery it rolls up the rows staged since the
// last round, compacts closed days and rollup buckets, applies retention
// and, when a backup directory is configured, takes the daily backup; once
// an hour it flushes the staged rows into record files. Errors are logged and retried at the next round.
func (s *Store) Start(ctx context.Context) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.bgCancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	s.bgCancel, s.bgDone = cancel, make(chan struct{})
	go func() {
		defer close(s.bgDone)
		t := time.NewTicker(s.cfg.MaintainEvery)
		defer t.Stop()
		var lastFlushHour int64 = -1
		var lastBackup time.Time
		for {
			hour := floorTo(micros(s.cfg.Now()), hourUS)
			if hour != lastFlushHour {
				if err := s.Flush(ctx); err != nil {
					s.log.Error("store: flush", "err", err)
				} else {
					lastFlushHour = hour
				}
			}
			if err := s.Maintain(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("store: maintenance", "err", err)
			}
			if s.cfg.BackupDir != "" && s.cfg.Now().Sub(lastBackup) >= s.cfg.BackupEvery {
				if res, err := s.Backup(ctx, s.cfg.BackupDir); err != nil {
					s.log.Error("store: backup", "err", err)
				} else {
					lastBackup = s.cfg.Now()
					s.log.Info("store: backup done", "snapshot", res.Snapshot, "files_copied", res.FilesCopied, "bytes_copied", res.BytesCopied)
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
}

// Stop ends the background maintenance and waits for it.
func (s *Store) Stop() {
	s.bgMu.Lock()
	cancel, done := s.bgCancel, s.bgDone
	s.bgCancel, s.bgDone = nil, nil
	s.bgMu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Maintain runs one round of rollups, compaction and retention (without
// the flush of staged rows: see Flush).
func (s *Store) Maintain(ctx context.Context) error {
	if err := s.rollUp(ctx); err != nil {
		return err
	}
	if _, err := s.CompactFiles(ctx); err != nil {
		return err
	}
	if _, err := s.compactRollups(ctx, micros(s.cfg.Now())); err != nil {
		return err
	}
	if _, err := s.rollupDays(ctx); err != nil {
		return err
	}
	if _, err := s.ApplyRetention(ctx); err != nil {
		return err
	}
	return s.refreshSizes(ctx)
}

// rollupTables lists every table with tenant_id, sensor_id and a ts column
// that retention trims.
var rollupTables = []string{
	"traffic_pair_1m", "traffic_pair_1h", "traffic_service_1m", "traffic_service_1h",
	"traffic_device_1m", "traffic_device_1h", "device_5m",
	"traffic_pair_1d", "traffic_service_1d", "traffic_device_1d", "rollup_days",
}

// RetentionResult says what a retention round deleted.
type RetentionResult struct {
	DaysByAge, DaysBySize int
	Bytes                 int64
}

type partition struct {
	tenant, sensor int64
	day            time.Time
	paths          []string
	bytes          int64
}

// ApplyRetention deletes, per sensor, the day partitions older than
// RetentionDays and then, oldest first, as many more as needed to bring the
// sensor's record files under SizeCapPerSensor; rollups of a deleted day go
// with it. Per-minute rollups older than MinuteDays go too.
func (s *Store) ApplyRetention(ctx context.Context) (RetentionResult, error) {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	var res RetentionResult
	now := s.cfg.Now().UTC()
	cutoff := now.Truncate(24*time.Hour).AddDate(0, 0, -s.cfg.RetentionDays+1) // the oldest day kept
	parts, err := s.partitions(ctx)
	if err != nil {
		return res, fmt.Errorf("retention: %w", err)
	}
	// Partitions come oldest first per sensor; walk each sensor's.
	total := map[[2]int64]int64{}
	for _, p := range parts {
		total[[2]int64{p.tenant, p.sensor}] += p.bytes
	}
	for _, p := range parts {
		key := [2]int64{p.tenant, p.sensor}
		reason := ""
		switch {
		case p.day.Before(cutoff):
			reason = "age"
		case total[key] > s.cfg.SizeCapPerSensor:
			reason = "size"
		default:
			continue
		}
		if err := s.dropPartition(ctx, p); err != nil {
			return res, fmt.Errorf("retention: %w", err)
		}
		total[key] -= p.bytes
		res.Bytes += p.bytes
		if reason == "age" {
			res.DaysByAge++
		} else {
			res.DaysBySize++
		}
		s.metrics.retention.WithLabelValues(reason).Inc()
		s.metrics.retentionB.WithLabelValues(reason).Add(float64(p.bytes))
		s.log.Info("store: retention deleted a day", "reason", reason, "tenant", p.tenant, "sensor", p.sensor,
			"day", p.day.Format(time.DateOnly), "bytes", p.bytes, "sensor_bytes_left", total[key])
	}
	// Rollups and logs of days no file covers any more (sensors without
	// records, minute rows past their shorter life).
	err = s.write(ctx, func(tx *sql.Tx) error {
		for _, t := range rollupTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE ts < ?`, cutoff.UnixMicro()); err != nil {
				return err
			}
		}
		minuteCut := now.Add(-time.Duration(s.cfg.MinuteDays) * 24 * time.Hour).UnixMicro()
		for _, t := range []string{"traffic_pair_1m", "traffic_service_1m", "traffic_device_1m"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE ts < ?`, minuteCut); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM uploads WHERE time < ?`, cutoff.UnixMicro()); err != nil {
			return err
		}
		// Batch keys older than the retention can go: a sensor re-sends a
		// batch only until it is acknowledged, and its spool holds days,
		// not a year. The key table would otherwise grow by 1,440 rows a
		// day per sensor for ever.
		_, err := tx.ExecContext(ctx, `DELETE FROM batches WHERE received < ?`, cutoff.UnixMicro())
		return err
	})
	if err != nil {
		return res, fmt.Errorf("retention: %w", err)
	}
	return res, s.refreshSizes(ctx)
}

func (s *Store) partitions(ctx context.Context) ([]partition, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, sensor_id, strftime(day, '%Y-%m-%d'), list(path ORDER BY path), sum(bytes)::BIGINT
		FROM record_files GROUP BY ALL ORDER BY tenant_id, sensor_id, 3`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []partition
	for rows.Next() {
		var p partition
		var day string
		var paths []any
		if err := rows.Scan(&p.tenant, &p.sensor, &day, &paths, &p.bytes); err != nil {
			return nil, err
		}
		if p.day, err = time.Parse(time.DateOnly, day); err != nil {
			return nil, err
		}
		for _, v := range paths {
			p.paths = append(p.paths, v.(string))
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// dropPartition removes one sensor's day: catalog rows and the sensor's
// rollups up to the day's end in one transaction, then the files.
func (s *Store) dropPartition(ctx context.Context, p partition) error {
	end := p.day.Add(24 * time.Hour).UnixMicro()
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM record_files WHERE tenant_id = ? AND sensor_id = ? AND day = ?::DATE`,
			p.tenant, p.sensor, p.day.Format(time.DateOnly)); err != nil {
			return err
		}
		for _, t := range rollupTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t+` WHERE tenant_id = ? AND sensor_id = ? AND ts < ?`,
				p.tenant, p.sensor, end); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.removeFiles(p.paths)
	return nil
}

package embedded

import (
	"context"
	"fmt"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// Daily rollups answer rankings over weeks and months from about 1/24 of
// the rows. They are derived from the hourly tables by maintenance, for
// closed UTC days only, and recomputed when a day's hourly rows change (a
// late conn record, a backlog from a sensor's spool): rollup_days keeps a
// checksum of each day's hourly volumes, which compaction preserves and new
// rows change. Queries read a day from the daily table only up to the last
// day maintenance has rolled up, and the hourly table for the rest, so an
// answer is never missing data; it can lag a late record by one maintenance
// period.

var dayTables = map[string]string{
	"traffic_pair_1h":    "traffic_pair_1d",
	"traffic_service_1h": "traffic_service_1d",
	"traffic_device_1h":  "traffic_device_1d",
}

var dayKeys = map[string]string{
	"traffic_pair_1h":    "vlan, orig_h, resp_h",
	"traffic_service_1h": "proto, port, service",
	"traffic_device_1h":  "vlan, ip",
}

const checksumExpr = `sum(orig_bytes::HUGEINT + resp_bytes + orig_pkts + resp_pkts + conns)`

// rollupDays (re)computes the daily rows of closed days whose hourly rows
// changed, and returns how many days it wrote. It looks at the days from
// the "days" mark on (rollUp lowers it to the oldest row it adds), so a
// round reads the hourly rows of the days that may have changed only.
func (s *Store) rollupDays(ctx context.Context) (int64, error) {
	s.mmu.Lock()
	defer s.mmu.Unlock()
	today := floorTo(micros(s.cfg.Now()), dayUS)
	marks, err := s.marks(ctx)
	if err != nil {
		return 0, fmt.Errorf("daily rollups: %w", err)
	}
	mark := marks[markDays]
	from := floorTo(mark, dayUS)
	if from >= today {
		return 0, nil
	}
	var total int64
	for hour, day := range dayTables {
		n, err := s.rollupDaysOf(ctx, hour, day, dayKeys[hour], from, today)
		if err != nil {
			return total, fmt.Errorf("daily rollup of %s: %w", hour, err)
		}
		total += n
	}
	if err := s.raiseMark(ctx, markDays, mark, today); err != nil {
		return total, fmt.Errorf("daily rollups: %w", err)
	}
	return total, nil
}

func (s *Store) rollupDaysOf(ctx context.Context, hour, day, keys string, from, today int64) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	q := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE day_todo AS
		SELECT tenant_id, sensor_id, (ts // %[1]d) * %[1]d AS ts, %[2]s AS checksum FROM %[3]s WHERE ts >= ? AND ts < ? GROUP BY ALL
		EXCEPT SELECT tenant_id, sensor_id, ts, checksum FROM rollup_days WHERE tbl = ? AND ts >= ?`, dayUS, checksumExpr, hour)
	if _, err := tx.ExecContext(ctx, q, from, today, hour, from); err != nil {
		return 0, err
	}
	var n int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM day_todo`).Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	stmts := []struct {
		q    string
		args []any
	}{
		{`DELETE FROM ` + day + ` d USING day_todo t WHERE d.tenant_id = t.tenant_id AND d.sensor_id = t.sensor_id AND d.ts = t.ts`, nil},
		{fmt.Sprintf(`INSERT INTO %s SELECT h.tenant_id, h.sensor_id, (h.ts // %d) * %d AS day, %s, %s FROM %s h
			SEMI JOIN day_todo t ON h.tenant_id = t.tenant_id AND h.sensor_id = t.sensor_id AND (h.ts // %d) * %d = t.ts
			WHERE h.ts >= %d AND h.ts < %d
			GROUP BY h.tenant_id, h.sensor_id, day, %s ORDER BY day`,
			day, dayUS, dayUS, keys, volumeSums, hour, dayUS, dayUS, from, today, keys), nil},
		{`DELETE FROM rollup_days r USING day_todo t WHERE r.tbl = ? AND r.tenant_id = t.tenant_id AND r.sensor_id = t.sensor_id AND r.ts = t.ts`, []any{hour}},
		{`INSERT INTO rollup_days SELECT ?, tenant_id, sensor_id, ts, checksum FROM day_todo`, []any{hour}},
		{`DROP TABLE day_todo`, nil},
	}
	for _, st := range stmts {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return 0, err
		}
	}
	return n, tx.Commit()
}

// dayWatermark is the end of the last day the daily table of an hourly
// table covers (0: none yet).
func (s *Store) dayWatermark(ctx context.Context, hour string) (int64, error) {
	var w int64
	err := s.db.QueryRowContext(ctx, `SELECT coalesce(max(ts) + ?, 0) FROM rollup_days WHERE tbl = ?`, dayUS, hour).Scan(&w)
	return w, err
}

// rankingSource returns the rows of [from, to) of an hourly table family as a
// SQL relation: whole rolled-up days from the daily table, the rest from
// table (hourly or per minute), with the filter applied to each part.
func (s *Store) rankingSource(ctx context.Context, sc store.Scope, sensor store.SensorID, table string, tables [2]string, from, to time.Time) (string, []any, error) {
	where, args := filter(sc, sensor, from, to, nil, false)
	plain := `SELECT * FROM ` + table + ` WHERE ` + where
	day, ok := dayTables[tables[1]]
	if !ok || to.Sub(from) < 48*time.Hour {
		return plain, args, nil
	}
	w, err := s.dayWatermark(ctx, tables[1])
	if err != nil {
		return "", nil, err
	}
	f, t := from.UnixMicro(), to.UnixMicro()
	dFrom := floorTo(f+dayUS-1, dayUS)
	dTo := min(floorTo(t, dayUS), w)
	if dFrom >= dTo {
		return plain, args, nil
	}
	var parts []string
	var all []any
	add := func(tbl string, a, b int64) {
		if a >= b {
			return
		}
		wh, ar := filter(sc, sensor, fromMicros(a), fromMicros(b), nil, false)
		parts = append(parts, `SELECT * FROM `+tbl+` WHERE `+wh)
		all = append(all, ar...)
	}
	add(table, f, dFrom)
	add(day, dFrom, dTo)
	add(table, dTo, t)
	src := parts[0]
	for _, p := range parts[1:] {
		src += ` UNION ALL ` + p
	}
	return src, all, nil
}

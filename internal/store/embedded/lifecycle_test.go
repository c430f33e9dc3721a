package embedded

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/store"
)

func TestMigrateEmptyDirAndReopen(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t0}
	s := openTest(t, dir, clk)
	var v int
	if err := s.db.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != SchemaVersion() {
		t.Fatalf("schema version = %d, %v; want %d", v, err, SchemaVersion())
	}
	ctx := context.Background()
	sc, sen := oneSensor(t, s, "t", "s")
	populate(t, s, sc, sen.ID, 5)
	want := snapshot(t, s, sc, sen.ID)
	s.Close()
	s = openTest(t, dir, clk)
	if got := snapshot(t, s, sc, sen.ID); !reflect.DeepEqual(got, want) {
		t.Fatal("answers differ after reopening")
	}
	// IDs continue after a reopen.
	sen2, err := s.CreateSensor(ctx, sc, "s2")
	if err != nil || sen2.ID != sen.ID+1 {
		t.Fatalf("second sensor = %+v, %v", sen2, err)
	}
	var rows int
	s.db.QueryRow(`SELECT count(*) FROM schema_version`).Scan(&rows)
	if rows != 1 {
		t.Fatalf("schema_version has %d rows", rows)
	}
}

// TestMigrateStagedOnDisk: builds before schema 10 kept the staged rows in
// the database file, in one table (schema 8) or two (schema 9). Opening
// such a store moves them into the stage logs; the answers are the same
// then and after another reopen (which replays the logs), and a new batch
// and a flush work.
func TestMigrateStagedOnDisk(t *testing.T) {
	for _, version := range []int{8, 9} {
		t.Run(fmt.Sprint("schema ", version), func(t *testing.T) { testMigrateStagedOnDisk(t, version) })
	}
}

func testMigrateStagedOnDisk(t *testing.T, version int) {
	dir := t.TempDir()
	clk := &clock{t0.Add(24 * time.Hour)}
	s := openTest(t, dir, clk)
	ctx := context.Background()
	sc, sen := oneSensor(t, s, "t", "s")
	populate(t, s, sc, sen.ID, 5)
	// Rows in both staging tables, as schema 9 could have.
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	ingestMinutes(t, s, sc, sen.ID, newGen(4, 10), t0.Add(5*time.Hour), 2, 5, 500)
	s.staging = 1 - s.staging
	ingestMinutes(t, s, sc, sen.ID, newGen(5, 10), t0.Add(6*time.Hour), 2, 5, 600)
	want := snapshot(t, s, sc, sen.ID)
	staged := countStaged(t, s)
	var inA int
	s.db.QueryRow(`SELECT count(*) FROM stage.staged_a`).Scan(&inA)
	if inA == 0 || inA == staged {
		t.Fatalf("%d of %d staged rows in staged_a; want some in each table", inA, staged)
	}
	// Back to the layout of the older schema, its staged rows on disk.
	steps := []string{`DROP VIEW live_traffic_pair_1m`, `DROP VIEW live_traffic_pair_1h`, `DROP VIEW live_traffic_service_1m`,
		`DROP VIEW live_traffic_service_1h`, `DROP VIEW live_traffic_device_1m`, `DROP VIEW live_traffic_device_1h`,
		`DROP VIEW live_device_5m`, `DROP VIEW staged`, `DROP TABLE stage_logs`,
		fmt.Sprintf(`UPDATE schema_version SET version = %d`, version)}
	if version == 8 {
		steps = append(steps, `CREATE TABLE staged (`+recordColumnsDDL+`)`,
			`INSERT INTO staged SELECT * FROM stage.staged_a UNION ALL SELECT * FROM stage.staged_b`)
	} else {
		steps = append(steps, `CREATE TABLE staged_a (`+recordColumnsDDL+`)`, `INSERT INTO staged_a SELECT * FROM stage.staged_a`,
			`CREATE TABLE staged_b (`+recordColumnsDDL+`)`, `INSERT INTO staged_b SELECT * FROM stage.staged_b`)
	}
	for _, q := range steps {
		if _, err := s.db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	s.Close()
	for i := range stagingTables {
		if err := os.Remove(stageLogPath(dir, i)); err != nil {
			t.Fatal(err)
		}
	}
	s = openTest(t, dir, clk)
	if got := countStaged(t, s); got != staged {
		t.Fatalf("after migration: %d rows staged, want %d", got, staged)
	}
	var legacy int
	s.db.QueryRow(`SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE '%staged%' AND database_name <> 'stage'`).Scan(&legacy)
	if legacy != 0 {
		t.Fatalf("%d staging tables left in the database file", legacy)
	}
	if got := snapshot(t, s, sc, sen.ID); !reflect.DeepEqual(got, want) {
		t.Fatal("answers differ after the migration")
	}
	s.Close()
	s = openTest(t, dir, clk)
	if got := snapshot(t, s, sc, sen.ID); !reflect.DeepEqual(got, want) {
		t.Fatal("answers differ after replaying the adopted rows")
	}
	extra := ingestMinutes(t, s, sc, sen.ID, newGen(3, 10), t0.Add(20*time.Hour), 1, 5, 1000)
	if got := countStaged(t, s); got != staged+len(extra) {
		t.Fatalf("new batch: %d rows staged, want %d", got, staged+len(extra))
	}
	before := countAll(t, s, sc)
	for range 2 { // both tables
		if err := s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := countStaged(t, s); got != 0 || countAll(t, s, sc) != before {
		t.Fatalf("after the flushes: %d rows staged, %d records (had %d)", got, countAll(t, s, sc), before)
	}
}

func countStaged(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM staged`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// dayFixture ingests one small batch per day for days days from t0.
func dayFixture(t *testing.T, days int) (*fixture, store.Scope) {
	f := newFixture(t)
	sa := store.ForTenant(f.ta.ID)
	g := newGen(9, 20)
	for d := range days {
		ingestMinutes(t, f.s, sa, f.sa.ID, g, t0.Add(time.Duration(d)*24*time.Hour+time.Hour), 2, 20, uint64(d*10))
	}
	// Tenant B, one day, must be untouched by A's size cap.
	ingestMinutes(t, f.s, store.ForTenant(f.tb.ID), f.sb.ID, g, t0.Add(time.Hour), 2, 20, 1)
	if err := f.s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f, sa
}

func days(t *testing.T, f *fixture, sensor store.SensorID) []string {
	t.Helper()
	parts, err := f.s.partitions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range parts {
		if p.sensor == int64(sensor) {
			out = append(out, p.day.Format(time.DateOnly))
		}
	}
	return out
}

func TestRetentionByAge(t *testing.T) {
	f, sa := dayFixture(t, 5)
	ctx := context.Background()
	f.s.cfg.RetentionDays = 3
	f.clk.t = t0.Add(4*24*time.Hour + 12*time.Hour) // day 4 is today: keep days 2, 3, 4
	res, err := f.s.ApplyRetention(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := days(t, f, f.sa.ID); !reflect.DeepEqual(got, []string{"2026-11-04", "2026-11-05", "2026-11-06"}) {
		t.Fatalf("days left = %v", got)
	}
	if res.DaysByAge != 3 || res.DaysBySize != 0 { // A's days 0 and 1, and B's day 0
		t.Fatalf("result = %+v", res)
	}
	// Records and rollups of the deleted days are gone.
	counts, _ := f.s.CountRecords(ctx, sa, store.RecordQuery{To: t0.Add(48 * time.Hour)})
	if len(counts) != 0 {
		t.Fatalf("records before the cutoff: %v", counts)
	}
	ph, _ := f.s.PairHourly(ctx, sa, store.PairQuery{From: t0, To: t0.Add(48 * time.Hour)})
	if len(ph) != 0 {
		t.Fatalf("%d pair-hours before the cutoff", len(ph))
	}
	ph, _ = f.s.PairHourly(ctx, sa, store.PairQuery{From: t0, To: t0.Add(5 * 24 * time.Hour)})
	if len(ph) == 0 {
		t.Fatal("retention removed the rollups of kept days")
	}
	if got := metricValue(t, f.s, "otsight_store_retention_deleted_days_total", map[string]string{"reason": "age"}); got != 3 {
		t.Fatalf("metric age deletions = %v", got)
	}
	if n := len(parquetFiles(t, f.s.cfg.Dir)); n != 3 {
		t.Fatalf("%d files on disk, want 3", n)
	}
	// Batch keys go with the retention; the kept ones still refuse a
	// second copy.
	cut := t0.Add(2 * 24 * time.Hour).UnixMicro()
	var old, kept int
	f.s.db.QueryRow(`SELECT count(*) FILTER (WHERE received < ?), count(*) FILTER (WHERE received >= ?) FROM batches`, cut, cut).Scan(&old, &kept)
	if old != 0 || kept == 0 {
		t.Fatalf("batch keys: %d before the cutoff, %d after", old, kept)
	}
	var seq uint64
	var sensor int64
	f.s.db.QueryRow(`SELECT sensor_id, seq FROM batches WHERE tenant_id = ? ORDER BY received DESC LIMIT 1`, int64(f.ta.ID)).Scan(&sensor, &seq)
	dup, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: store.SensorID(sensor), Epoch: 1, Seq: seq}, store.BatchMeta{}, nil)
	if err != nil || !dup {
		t.Fatalf("re-sent kept batch: duplicate=%v, %v", dup, err)
	}
}

func TestRetentionBySize(t *testing.T) {
	f, _ := dayFixture(t, 5)
	ctx := context.Background()
	parts, _ := f.s.partitions(ctx)
	var sizes []int64
	for _, p := range parts {
		if p.sensor == int64(f.sa.ID) {
			sizes = append(sizes, p.bytes)
		}
	}
	// A cap that holds the newest two days but not three.
	f.s.cfg.SizeCapPerSensor = sizes[3] + sizes[4] + sizes[2]/2
	res, err := f.s.ApplyRetention(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := days(t, f, f.sa.ID); !reflect.DeepEqual(got, []string{"2026-11-05", "2026-11-06"}) {
		t.Fatalf("days left = %v (sizes %v, cap %d)", got, sizes, f.s.cfg.SizeCapPerSensor)
	}
	if got := days(t, f, f.sb.ID); len(got) != 1 {
		t.Fatalf("tenant B's days = %v, want its one day", got)
	}
	if res.DaysBySize != 3 || res.Bytes != sizes[0]+sizes[1]+sizes[2] {
		t.Fatalf("result = %+v", res)
	}
	// The per-sensor size gauge follows.
	if got := metricValue(t, f.s, "otsight_store_sensor_bytes", map[string]string{"tenant": "1", "sensor": "1"}); got != float64(sizes[3]+sizes[4]) {
		t.Fatalf("size gauge = %v, want %d", got, sizes[3]+sizes[4])
	}
	if got := metricValue(t, f.s, "otsight_store_retention_deleted_bytes_total", map[string]string{"reason": "size"}); got != float64(res.Bytes) {
		t.Fatalf("deleted bytes metric = %v, want %d", got, res.Bytes)
	}
}

// metricValue gathers the store's collectors and returns one sample.
func metricValue(t *testing.T, s *Store, name string, labels map[string]string) float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	for _, c := range s.Collectors() {
		reg.MustRegister(c)
	}
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue next
				}
			}
			if m.GetGauge() != nil {
				return m.GetGauge().GetValue()
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no sample %s%v", name, labels)
	return 0
}

func TestCompactFilesIntoDays(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	g := newGen(21, 20)
	// Three flushes into day 0, one into day 1 (today: left alone).
	for i := range 3 {
		ingestMinutes(t, f.s, sa, f.sa.ID, g, t0.Add(time.Duration(i)*time.Hour), 2, 10, uint64(i*10))
		if err := f.s.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	f.clk.t = t0.Add(24*time.Hour + time.Hour)
	ingestMinutes(t, f.s, sa, f.sa.ID, g, t0.Add(24*time.Hour), 2, 10, 100)
	if err := f.s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, f.s, sa, f.sa.ID)
	// Files of full row groups are left as they are: here, files of more
	// than ten rows.
	f.s.cfg.CompactBelowRows = 10
	if n, err := f.s.CompactFiles(ctx); err != nil || n != 0 || len(parquetFiles(t, f.s.cfg.Dir)) != 4 {
		t.Fatalf("CompactFiles of big files = %d, %v; %d files", n, err, len(parquetFiles(t, f.s.cfg.Dir)))
	}
	f.s.cfg.CompactBelowRows = rowGroupRows
	n, err := f.s.CompactFiles(ctx)
	if err != nil || n != 1 {
		t.Fatalf("CompactFiles = %d, %v; want 1 day", n, err)
	}
	files := parquetFiles(t, f.s.cfg.Dir)
	var names []string
	for _, p := range files {
		names = append(names, filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p)[:2])
	}
	if !reflect.DeepEqual(names, []string{"day=2026-11-02/d-", "day=2026-11-03/h-"}) {
		t.Fatalf("files after compaction: %v", names)
	}
	if after := snapshot(t, f.s, sa, f.sa.ID); !reflect.DeepEqual(after, before) {
		t.Fatal("answers changed by compaction")
	}
}

func TestBackupRestoreEqual(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa, sb := store.ForTenant(f.ta.ID), store.ForTenant(f.tb.ID)
	populate(t, f.s, sa, f.sa.ID, 1)
	if err := f.s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	populate(t, f.s, sb, f.sb.ID, 2) // B's records stay staged: they are in the snapshot
	bdir := t.TempDir()
	r1, err := f.s.Backup(ctx, bdir)
	if err != nil {
		t.Fatal(err)
	}
	if r1.FilesCopied != 1 || r1.FilesKept != 0 {
		t.Fatalf("first backup = %+v, want 1 file copied", r1)
	}
	// More data, another flush: the second backup copies only the new file.
	f.clk.t = f.clk.t.Add(24 * time.Hour)
	ingestMinutes(t, f.s, sa, f.sa.ID, newGen(3, 10), t0.Add(5*time.Hour), 3, 10, 1000)
	if err := f.s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	r2, err := f.s.Backup(ctx, bdir)
	if err != nil {
		t.Fatal(err)
	}
	if r2.FilesCopied != 2 || r2.FilesKept != 1 { // A's new hour file and B's first
		t.Fatalf("second backup = %+v, want 2 copied, 1 kept", r2)
	}
	want := map[store.Scope]map[string]any{sa: snapshot(t, f.s, sa, f.sa.ID), sb: snapshot(t, f.s, sb, f.sb.ID)}
	// The store keeps going after the backup; the restore must not see it.
	ingestMinutes(t, f.s, sa, f.sa.ID, newGen(4, 10), t0.Add(7*time.Hour), 1, 10, 2000)

	rdir := t.TempDir()
	if err := Restore(bdir, "", rdir); err != nil {
		t.Fatal(err)
	}
	if err := Restore(bdir, "", rdir); err == nil {
		t.Fatal("restore over an existing database succeeded")
	}
	r := openTest(t, rdir, f.clk)
	for sc, w := range want {
		sensor := f.sa.ID
		if sc == sb {
			sensor = f.sb.ID
		}
		got := snapshot(t, r, sc, sensor)
		for name := range w {
			if !reflect.DeepEqual(got[name], w[name]) {
				t.Errorf("tenant %d: %s differs after restore", sc.Tenant(), name)
			}
		}
	}
	snaps, _ := Snapshots(bdir)
	if len(snaps) != 2 {
		t.Fatalf("snapshots = %v", snaps)
	}
}

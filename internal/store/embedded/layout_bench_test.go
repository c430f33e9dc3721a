package embedded

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// BenchmarkRecordLayout compares, on ten minutes of a busy sensor, the
// Parquet bytes per record of the layout the store uses (typed address
// columns, every conn and conn_interval field as its own column, other kinds
// as JSON) with a layout that keeps every record as JSON next to the address
// columns, and the time to scan each back.
func BenchmarkRecordLayout(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	g := newGen(42, 1500)
	n := 0
	for i := range 10 {
		recs := g.minute(t0.Add(time.Duration(i)*time.Minute), 2100)
		n += len(recs)
		if _, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 1, Seq: uint64(i)}, store.BatchMeta{}, recs); err != nil {
			b.Fatal(err)
		}
	}
	dir := b.TempDir()
	common := filepath.Join(dir, "common.parquet")
	typed := filepath.Join(dir, "typed.parquet")
	copyOut := func(q, path string) int64 {
		if _, err := f.s.db.Exec(`COPY (` + q + `) TO '` + path + `' (FORMAT parquet, COMPRESSION zstd)`); err != nil {
			b.Fatal(err)
		}
		st, _ := os.Stat(path)
		return st.Size()
	}
	cs := copyOut(`SELECT seq, tenant_id, sensor_id, ts, kind, orig_h, resp_h, orig_p, resp_p, proto, vlan, orig_mac, resp_mac,
		CASE WHEN data IS NOT NULL THEN data ELSE json_object('ts', ts, 'uid', uid, 'orig_h', orig_h, 'orig_p', orig_p,
			'resp_h', resp_h, 'resp_p', resp_p, 'proto', proto, 'service', service, 'duration', duration,
			'orig_bytes', orig_bytes, 'resp_bytes', resp_bytes, 'conn_state', conn_state, 'missed_bytes', missed_bytes,
			'history', history, 'orig_pkts', orig_pkts, 'orig_ip_bytes', orig_ip_bytes, 'orig_l2_bytes', orig_l2_bytes,
			'resp_pkts', resp_pkts, 'resp_ip_bytes', resp_ip_bytes, 'resp_l2_bytes', resp_l2_bytes,
			'orig_l2_addr', orig_mac, 'resp_l2_addr', resp_mac, 'vlan', vlan, 'end', end_reason)::VARCHAR END AS data
		FROM staged ORDER BY ts, seq`, common)
	ts := copyOut(`SELECT * FROM staged ORDER BY ts, seq`, typed)
	b.ReportMetric(float64(cs)/float64(n), "json-B/record")
	b.ReportMetric(float64(ts)/float64(n), "typed-B/record")
	var sink int64
	b.Run("scan-json", func(b *testing.B) {
		for range b.N {
			f.s.db.QueryRow(`SELECT sum((data->>'orig_bytes')::UBIGINT) FROM read_parquet('` + common + `') WHERE kind = 'conn'`).Scan(&sink)
		}
	})
	b.Run("scan-typed", func(b *testing.B) {
		for range b.N {
			f.s.db.QueryRow(`SELECT sum(orig_bytes) FROM read_parquet('` + typed + `') WHERE kind = 'conn'`).Scan(&sink)
		}
	})
	b.Run("records-conn", func(b *testing.B) {
		for range b.N {
			c := 0
			for _, err := range f.s.Records(ctx, sa, store.RecordQuery{Kind: record.KindConn}) {
				if err != nil {
					b.Fatal(err)
				}
				c++
			}
		}
	})
	b.Logf("%d records: all JSON %d bytes (%.1f B/record), typed conn %d bytes (%.1f B/record)", n, cs, float64(cs)/float64(n), ts, float64(ts)/float64(n))
}

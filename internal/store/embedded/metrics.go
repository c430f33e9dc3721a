package embedded

import (
	"context"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the store's Prometheus collectors; register them with
// Store.Collectors.
type Metrics struct {
	records      *prometheus.CounterVec
	batches      *prometheus.CounterVec
	retention    *prometheus.CounterVec
	retentionB   *prometheus.CounterVec
	flushedFiles prometheus.Counter

	sizeMu sync.Mutex
	sizes  map[[2]int64]int64 // (tenant, sensor) → bytes of record files
	sizeD  *prometheus.Desc
}

func newMetrics() *Metrics {
	return &Metrics{
		records: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otsight_store_records_ingested_total", Help: "Records stored, by kind.",
		}, []string{"kind"}),
		batches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otsight_store_batches_total", Help: "Batches offered to the store, by result (stored, duplicate).",
		}, []string{"result"}),
		retention: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otsight_store_retention_deleted_days_total", Help: "Day partitions deleted by retention, by reason (age, size).",
		}, []string{"reason"}),
		retentionB: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "otsight_store_retention_deleted_bytes_total", Help: "Bytes of record files deleted by retention, by reason.",
		}, []string{"reason"}),
		flushedFiles: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "otsight_store_record_files_written_total", Help: "Parquet record files written (flushes and compactions).",
		}),
		sizes: map[[2]int64]int64{},
		sizeD: prometheus.NewDesc("otsight_store_sensor_bytes", "Bytes of record files on disk per sensor.",
			[]string{"tenant", "sensor"}, nil),
	}
}

// Describe implements prometheus.Collector for the per-sensor sizes.
func (m *Metrics) Describe(ch chan<- *prometheus.Desc) { ch <- m.sizeD }

// Collect implements prometheus.Collector for the per-sensor sizes.
func (m *Metrics) Collect(ch chan<- prometheus.Metric) {
	m.sizeMu.Lock()
	defer m.sizeMu.Unlock()
	for k, v := range m.sizes {
		ch <- prometheus.MustNewConstMetric(m.sizeD, prometheus.GaugeValue, float64(v),
			strconv.FormatInt(k[0], 10), strconv.FormatInt(k[1], 10))
	}
}

// Collectors returns the store's collectors for the server's registry.
func (s *Store) Collectors() []prometheus.Collector {
	m := s.metrics
	return []prometheus.Collector{m.records, m.batches, m.retention, m.retentionB, m.flushedFiles, m}
}

// refreshSizes recomputes the per-sensor gauge from the file catalog.
func (s *Store) refreshSizes(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, `SELECT tenant_id, sensor_id, sum(bytes) FROM record_files GROUP BY ALL`)
	if err != nil {
		return err
	}
	defer rows.Close()
	sizes := map[[2]int64]int64{}
	for rows.Next() {
		var t, se, b int64
		if err := rows.Scan(&t, &se, &b); err != nil {
			return err
		}
		sizes[[2]int64{t, se}] = b
	}
	if err := rows.Err(); err != nil {
		return err
	}
	s.metrics.sizeMu.Lock()
	s.metrics.sizes = sizes
	s.metrics.sizeMu.Unlock()
	return nil
}

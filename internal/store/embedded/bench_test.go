package embedded

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// BenchmarkIngest ingests one-minute batches of a busy sensor: 2,100
// connections a minute (3,000,000 a day) among 1,500 devices, each with its
// interval record, Modbus operations for an eighth of them and the sensor's
// stats: about 4,500 records a batch. The maintenance runs as in the
// server, beside the ingest: a round every 5 batches and the flush into
// Parquet every 60, with the store's clock following the batches. The day
// counts as ingested when its last round is done, so the maintenance's
// cost is in the figure. DuckDB runs with one thread (store.threads: 1)
// unless OTSIGHT_BENCH_THREADS says otherwise.
func BenchmarkIngest(b *testing.B) {
	// plant: each device connects to 4 fixed peers (about 6,000 pairs, as
	// in the query history below); random: every connection a new random
	// pair, the worst case for the rollups.
	b.Run("plant", func(b *testing.B) { benchIngest(b, 4) })
	b.Run("random", func(b *testing.B) { benchIngest(b, 0) })
}

// benchStore opens a store in a temporary directory with one tenant and one
// sensor, its clock now; DuckDB gets threads threads (0: its default, one
// per core).
func benchStore(b *testing.B, now func() time.Time, threads int) (*Store, store.Scope, store.SensorID) {
	cfg := DefaultConfig()
	cfg.Dir = b.TempDir()
	cfg.Threads = threads
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = now
	s, err := Open(cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	sc, sen := oneSensor(b, s, "t", "s")
	return s, sc, sen.ID
}

func benchIngest(b *testing.B, peers int) {
	threads := benchThreads(1)
	// The store's clock follows the batches, so that the maintenance
	// closes buckets, hours and days as it would on the day itself.
	var clock atomic.Int64
	clock.Store(t0.UnixMicro())
	s, sc, sensor := benchStore(b, func() time.Time { return time.UnixMicro(clock.Load()).UTC() }, threads)
	ctx := context.Background()
	g := newGen(42, 1500)
	g.peers = peers
	batches := make([][]record.Record, 60)
	// The uploads as the server receives them, for the stage log. Their
	// records stay those of the first hour: the log is not read back
	// here, and its entries are as large as the real ones.
	payloads := make([][]byte, len(batches))
	var recs, conns int
	for i := range batches {
		at := t0.Add(time.Duration(i) * time.Minute)
		// In the order of the wire form, as the server decodes them.
		batches[i] = wireOrder(g.minute(at, 2100))
		var err error
		payloads[i], err = record.Marshal(&record.Batch{Header: record.Header{SensorID: strconv.FormatInt(int64(sensor), 10),
			Epoch: 1, Seq: uint64(i), Start: record.Micros(at.UnixMicro()), End: record.Micros(at.Add(time.Minute).UnixMicro())},
			Records: batches[i]})
		if err != nil {
			b.Fatal(err)
		}
		recs += len(batches[i])
		for _, r := range batches[i] {
			if _, ok := r.(*record.Conn); ok {
				conns++
			}
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	m := startMaintenance(ctx, b, s)
	for i := 0; i < b.N; i++ {
		if i > 0 && i%len(batches) == 0 {
			// The next hour: the same traffic an hour later.
			for _, bt := range batches {
				shiftRecords(bt, record.Micros(time.Hour.Microseconds()))
			}
		}
		at := t0.Add(time.Duration(i) * time.Minute)
		end := at.Add(time.Minute)
		clock.Store(end.UnixMicro())
		_, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sensor, Epoch: 1, Seq: uint64(i)},
			store.BatchMeta{Received: end, Start: at, End: end, Bytes: len(payloads[i%len(batches)]), Payload: payloads[i%len(batches)]},
			batches[i%len(batches)])
		if err != nil {
			b.Fatal(err)
		}
		// As the background maintenance: the flush when an hour ends,
		// the rest every 5 minutes.
		m.due((i+1)%len(batches) == 0, (i+1)%5 == 0)
	}
	ingested := time.Since(start).Seconds()
	if err := m.finish(); err != nil {
		b.Fatal(err)
	}
	// The day's checkpoint counts in the day, however DuckDB schedules it.
	if _, err := s.db.Exec(`CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
	el, cpu := time.Since(start).Seconds(), (cpuTime() - cpu0).Seconds()
	b.StopTimer()
	perBatch := el / float64(b.N)
	b.ReportMetric(float64(recs)/float64(len(batches))/perBatch, "records/s")
	b.ReportMetric(perBatch*1440, "s/sensor-day")
	// Where the day's time went: the batches alone, and the maintenance
	// that ran beside them (and after the last one).
	b.ReportMetric(ingested/float64(b.N)*1440, "ingest-s/sensor-day")
	b.ReportMetric(m.busy.Seconds()/float64(b.N)*1440, "maint-s/sensor-day")
	// CPU time, all threads: on a shared machine wall time waits for other
	// processes; records per CPU-second is the per-core rate.
	b.ReportMetric(float64(recs)/float64(len(batches))*float64(b.N)/cpu, "records/cpu-s")
	b.ReportMetric(cpu/float64(b.N)*1440, "cpu-s/sensor-day")
	b.ReportMetric(float64(rssBytes())/(1<<20), "RSS-MiB")
}

// benchMaintenance runs the store's maintenance beside the ingest, as the
// server's background loop does: a round asked for while one runs is done
// after it (requests coalesce, as ticks of a ticker would), so a backlog
// ingested faster than real time gets the rounds it leaves time for.
type benchMaintenance struct {
	mu                 sync.Mutex
	flush, round, stop bool
	wake               chan struct{}
	done               chan error
	busy               time.Duration // time spent in rounds; read after finish
}

func startMaintenance(ctx context.Context, b *testing.B, s *Store) *benchMaintenance {
	m := &benchMaintenance{wake: make(chan struct{}, 1), done: make(chan error, 1)}
	go func() {
		for range m.wake {
			m.mu.Lock()
			flush, round, stop := m.flush, m.round, m.stop
			m.flush, m.round = false, false
			m.mu.Unlock()
			start := time.Now()
			if flush {
				if err := s.Flush(ctx); err != nil {
					m.done <- err
					return
				}
			}
			if round {
				if err := s.Maintain(ctx); err != nil {
					m.done <- err
					return
				}
			}
			m.busy += time.Since(start)
			if stop {
				m.done <- nil
				return
			}
		}
	}()
	b.Cleanup(func() {
		if err := m.finish(); err != nil {
			b.Error(err)
		}
	})
	return m
}

// due asks for a flush and/or a maintenance round.
func (m *benchMaintenance) due(flush, round bool) {
	if !flush && !round {
		return
	}
	m.mu.Lock()
	m.flush, m.round = m.flush || flush, m.round || round
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	default:
	}
}

// finish runs the rounds still asked for and stops; the day is ingested
// when they are done.
func (m *benchMaintenance) finish() error {
	m.mu.Lock()
	if m.stop {
		m.mu.Unlock()
		return nil
	}
	m.stop = true
	m.mu.Unlock()
	select {
	case m.wake <- struct{}{}:
	case err := <-m.done: // stopped on an error
		return err
	}
	return <-m.done
}

// benchThreads is DuckDB's thread count for a benchmark: def unless
// OTSIGHT_BENCH_THREADS says otherwise (0: DuckDB's default, a thread per
// core, as the store's own default). Ingest runs with one: batches and
// maintenance already use a core each, and more threads per query cost
// more CPU than they saved (docs/ARCHITECTURE.md).
func benchThreads(def int) int {
	if v := os.Getenv("OTSIGHT_BENCH_THREADS"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return def
}

// shiftRecords moves the records of the benchmark's generator by d.
func shiftRecords(recs []record.Record, d record.Micros) {
	for _, r := range recs {
		switch v := r.(type) {
		case *record.Conn:
			v.TS += d
		case *record.ConnInterval:
			v.TS += d
		case *record.OT:
			v.TS, v.TSFirst, v.TSLast = v.TS+d, v.TSFirst+d, v.TSLast+d
		case *record.SensorStats:
			v.TS, v.TSEnd = v.TS+d, v.TSEnd+d
		}
	}
}

// cpuTime is the process's user and system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssBytes is the process's resident set: Go heap and DuckDB's buffers.
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// history fills a store with synthetic rollups of one sensor: devices
// devices on four VLANs, each initiating to four peers of its VLAN on one
// of eight services; hourly rows for 30 days, per-minute rows for the last
// minuteHours hours (half the pairs active a minute) and 5-minute device
// statistics for the last dev5Days days. Values come from DuckDB's hash of
// the keys: fixed, not random per run.
func history(b *testing.B, s *Store, devices, minuteHours, dev5Days int, end time.Time) {
	ctx := context.Background()
	endUS := end.UnixMicro()
	ip := func(col string) string {
		return fmt.Sprintf(`'10.' || ((%[1]s >> 16) & 255) || '.' || ((%[1]s >> 8) & 255) || '.' || (%[1]s & 255)`, col)
	}
	pairs := fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE bench_pairs AS
		SELECT i, k, 10 + i %% 4 AS vlan, %s AS orig_h,
			%s AS resp_h,
			['tcp','tcp','tcp','tcp','udp','tcp','tcp','udp'][((i + k) %% 8) + 1] AS proto,
			[502, 102, 44818, 2404, 20000, 80, 443, 53][((i + k) %% 8) + 1]::USMALLINT AS port,
			['modbus','s7comm','enip','iec104','dnp3','http','ssl','dns'][((i + k) %% 8) + 1] AS service
		FROM range(1, %d + 1) r(i), range(4) q(k)`,
		ip("i"), ip(fmt.Sprintf("(((i - 1 + 4 * (k * 37 + 1)) %% %d) + 1)", devices)), devices)
	steps := []string{pairs}
	gen := func(table string, stepUS int64, n int, sparse bool) string {
		where := ""
		if sparse {
			where = "WHERE hash(i, k, t) % 2 = 0"
		}
		return fmt.Sprintf(`CREATE OR REPLACE TEMP TABLE bench_rows AS
			SELECT %d - (t + 1) * %d AS ts, vlan, orig_h, resp_h, proto, port, service,
				(hash(i, k, t) %% 50000)::UBIGINT AS ob, (hash(k, i, t) %% 200000)::UBIGINT AS rb,
				(hash(i, t, k) %% 500)::UBIGINT AS op, (hash(t, i, k) %% 500)::UBIGINT AS rp,
				(hash(t, k, i) %% 3)::UBIGINT AS c
			FROM range(%d) s(t), bench_pairs %s ORDER BY ts;
			INSERT INTO traffic_pair_%s SELECT 1, 1, ts, vlan, orig_h, resp_h, ob, rb, op, rp, c FROM bench_rows;
			INSERT INTO traffic_service_%s SELECT 1, 1, ts, proto, port, service, sum(ob), sum(rb), sum(op), sum(rp), sum(c)
				FROM bench_rows GROUP BY ALL ORDER BY ts;
			INSERT INTO traffic_device_%s SELECT 1, 1, ts, vlan, ip, sum(ob), sum(rb), sum(op), sum(rp), sum(c) FROM (
				SELECT ts, vlan, orig_h AS ip, ob, rb, op, rp, c FROM bench_rows
				UNION ALL SELECT ts, vlan, resp_h, rb, ob, rp, op, c FROM bench_rows) GROUP BY ALL ORDER BY ts;
			DROP TABLE bench_rows;`, endUS, stepUS, n, where, table, table, table)
	}
	steps = append(steps, gen("1h", hourUS, 30*24, false), gen("1m", minuteUS, minuteHours*60, true))
	steps = append(steps, fmt.Sprintf(`INSERT INTO device_5m
		SELECT 1, 1, %d - (t + 1) * %d AS ts, vlan, orig_h,
			sum(hash(i, k, t) %% 50000)::UBIGINT, sum(hash(k, i, t) %% 200000)::UBIGINT,
			sum(hash(i, t, k) %% 500)::UBIGINT, sum(hash(t, i, k) %% 500)::UBIGINT,
			count(*)::UBIGINT, 0::UBIGINT,
			list(DISTINCT resp_h), []::VARCHAR[], list(DISTINCT port::INTEGER), []::INTEGER[], list(DISTINCT service), []::VARCHAR[]
		FROM range(%d) s(t), bench_pairs GROUP BY t, vlan, orig_h ORDER BY ts`, endUS, fiveMinUS, dev5Days*288))
	for _, q := range steps {
		if _, err := s.db.ExecContext(ctx, q); err != nil {
			b.Fatalf("generate history: %v\n%s", err, q)
		}
	}
	// What the background maintenance would have done by now.
	if _, err := s.rollupDays(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTrafficQueries measures the traffic functions on 30 days of
// history of one sensor with 1,500 and 10,000 devices. Each iteration runs
// one query with a random range end (fixed seed); p50 and p95 are reported
// in milliseconds.
func BenchmarkTrafficQueries(b *testing.B) {
	for _, devices := range []int{1500, 10000} {
		b.Run(fmt.Sprintf("devices=%d", devices), func(b *testing.B) {
			benchQueries(b, devices)
		})
	}
}

func benchQueries(b *testing.B, devices int) {
	end := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	s, sc, sensor := benchStore(b, func() time.Time { return end }, benchThreads(0))
	ctx := context.Background()
	setup := time.Now()
	minuteHours, dev5Days := 24, 7
	if devices > 5000 {
		minuteHours, dev5Days = 6, 2
	}
	history(b, s, devices, minuteHours, dev5Days, end)
	// The last five minutes are staged and not yet rolled up, as between
	// two maintenance rounds: every query's live view aggregates them.
	g := newGen(42, devices)
	g.peers = 4
	for i := range 5 {
		m := end.Add(time.Duration(i-5) * time.Minute)
		if _, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sensor, Epoch: 1, Seq: uint64(i)},
			store.BatchMeta{Received: m}, g.minute(m, 2100)); err != nil {
			b.Fatal(err)
		}
	}
	var rows int64
	for _, t := range rollupTables {
		var n int64
		s.db.QueryRow(`SELECT count(*) FROM ` + t).Scan(&n)
		rows += n
	}
	b.Logf("devices=%d: %d rollup rows generated in %v; RSS %d MiB", devices, rows, time.Since(setup).Round(time.Second), rssBytes()>>20)

	rng := rand.New(rand.NewPCG(7, 7))
	dev := func() *store.Device {
		i := 1 + rng.IntN(devices)
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		return &store.Device{VLAN: uint16(10 + i%4), IP: a}
	}
	runQueries(b, s, sc, sensor, end, rng, dev)
	logMemory(b, s, fmt.Sprintf("devices=%d", devices))
}

// runQueries runs the portal's traffic queries as sub-benchmarks, each
// b.N times with random range ends, and reports p50 and p95 in ms. dev
// picks a device for the per-device queries.
func runQueries(b *testing.B, s *Store, sc store.Scope, sensor store.SensorID, end time.Time, rng *rand.Rand, dev func() *store.Device) {
	ctx := context.Background()
	// hourEnd is a whole hour within the last 6 hours, so minute queries
	// stay inside the per-minute history.
	hourEnd := func() time.Time { return end.Add(-time.Duration(rng.IntN(6)) * time.Hour) }
	day := 24 * time.Hour
	queries := []struct {
		name string
		run  func() error
	}{
		{"series-total-1h-by-minute", func() error {
			to := hourEnd()
			_, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: to.Add(-time.Hour), To: to, Step: time.Minute})
			return err
		}},
		{"series-pairs-top10-24h-by-hour", func() error {
			to := hourEnd()
			_, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: to.Add(-day), To: to, GroupBy: store.GroupPair})
			return err
		}},
		{"series-devices-top10-7d-by-hour", func() error {
			to := hourEnd()
			_, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: to.Add(-7 * day), To: to, GroupBy: store.GroupDevice})
			return err
		}},
		{"series-services-30d-by-hour", func() error {
			_, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: end.Add(-30 * day), To: end, GroupBy: store.GroupService})
			return err
		}},
		{"series-one-device-pairs-7d", func() error {
			to := hourEnd()
			_, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: to.Add(-7 * day), To: to, GroupBy: store.GroupPair, Device: dev()})
			return err
		}},
		{"top-pairs-30d", func() error {
			_, err := s.TopPairs(ctx, sc, store.TopQuery{From: end.Add(-30 * day), To: end, Limit: 20})
			return err
		}},
		{"top-devices-24h", func() error {
			to := hourEnd()
			_, err := s.TopDevices(ctx, sc, store.TopQuery{From: to.Add(-day), To: to, Limit: 20})
			return err
		}},
		{"top-services-7d", func() error {
			_, err := s.TopServices(ctx, sc, store.TopQuery{From: end.Add(-7 * day), To: end, By: store.ByConns})
			return err
		}},
		{"device-stats-5m-1d", func() error {
			to := hourEnd()
			d := dev()
			_, err := s.DeviceStats5m(ctx, sc, sensor, *d, to.Add(-day), to)
			return err
		}},
		{"pair-hourly-one-device-7d", func() error {
			to := hourEnd()
			_, err := s.PairHourly(ctx, sc, store.PairQuery{From: to.Add(-7 * day), To: to, Device: dev()})
			return err
		}},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				t := time.Now()
				if err := q.run(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[min(len(lat)-1, len(lat)*95/100)]), "p95-ms")
		})
	}
}

// logMemory logs the process's memory after the queries.
func logMemory(b *testing.B, s *Store, what string) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	var duck int64
	s.db.QueryRow(`SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()`).Scan(&duck)
	b.Logf("%s after queries: RSS %d MiB, Go heap %d MiB, DuckDB buffers %d MiB", what, rssBytes()>>20, ms.HeapInuse>>20, duck>>20)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

package embedded

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// ErrUnsupported is returned for a traffic question no rollup answers.
var ErrUnsupported = errors.New("not answerable from the rollups")

const volCols = `sum(orig_bytes)::UBIGINT, sum(resp_bytes)::UBIGINT, sum(orig_pkts)::UBIGINT, sum(resp_pkts)::UBIGINT, sum(conns)::UBIGINT`

// grouping describes one GroupBy: its table family and key columns.
type grouping struct {
	tables [2]string // per minute, per hour
	keys   string    // SQL key columns, "" for the total
}

func groupingOf(g store.GroupBy, device bool) (grouping, error) {
	switch g {
	case store.GroupTotal, "":
		if device {
			return grouping{deviceTables, ""}, nil
		}
		return grouping{pairTables, ""}, nil
	case store.GroupPair:
		return grouping{pairTables, "sensor_id, vlan, orig_h, resp_h"}, nil
	case store.GroupService:
		if device {
			return grouping{}, fmt.Errorf("service traffic of one device: %w", ErrUnsupported)
		}
		return grouping{serviceTables, "sensor_id, proto, port"}, nil
	case store.GroupDevice:
		return grouping{deviceTables, "sensor_id, vlan, ip"}, nil
	}
	return grouping{}, fmt.Errorf("unknown grouping %q", g)
}

func aligned(t time.Time, d time.Duration) bool { return t.UnixMicro()%d.Microseconds() == 0 }

// pickTable returns the coarsest table of a family that answers a range at
// a step: the hourly one when the step is whole hours and the range starts
// and ends on hours, or when the per-minute rows have already expired (the
// step and range then widen to whole hours).
func (s *Store) pickTable(tables [2]string, from, to *time.Time, step *time.Duration) string {
	if *step >= time.Hour && *step%time.Hour == 0 && aligned(*from, time.Hour) && aligned(*to, time.Hour) {
		return tables[1]
	}
	minuteStart := s.cfg.Now().Add(-time.Duration(s.cfg.MinuteDays) * 24 * time.Hour)
	if from.Before(minuteStart) {
		*step = max(time.Hour, (*step+time.Hour-1)/time.Hour*time.Hour)
		*from = from.Truncate(time.Hour)
		if !aligned(*to, time.Hour) {
			*to = to.Truncate(time.Hour).Add(time.Hour)
		}
		return tables[1]
	}
	return tables[0]
}

// filter builds the WHERE clause common to traffic queries.
func filter(sc store.Scope, sensor store.SensorID, from, to time.Time, dev *store.Device, pairs bool) (string, []any) {
	w := []string{"tenant_id = ?", "ts >= ?", "ts < ?"}
	args := []any{int64(sc.Tenant()), from.UnixMicro(), to.UnixMicro()}
	if sensor != 0 {
		w = append(w, "sensor_id = ?")
		args = append(args, int64(sensor))
	}
	if dev != nil {
		w = append(w, "vlan = ?")
		args = append(args, dev.VLAN)
		if pairs {
			w = append(w, "(orig_h = ? OR resp_h = ?)")
			args = append(args, dev.IP.String(), dev.IP.String())
		} else {
			w = append(w, "ip = ?")
			args = append(args, dev.IP.String())
		}
	}
	return strings.Join(w, " AND "), args
}

func checkRange(from, to time.Time) error {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return fmt.Errorf("bad time range [%v, %v)", from, to)
	}
	return nil
}

// TrafficSeries implements store.Traffic.
func (s *Store) TrafficSeries(ctx context.Context, sc store.Scope, q store.TrafficQuery) (store.TrafficResult, error) {
	if err := checkRange(q.From, q.To); err != nil {
		return store.TrafficResult{}, fmt.Errorf("traffic series: %w", err)
	}
	g, err := groupingOf(q.GroupBy, q.Device != nil)
	if err != nil {
		return store.TrafficResult{}, fmt.Errorf("traffic series: %w", err)
	}
	step := q.Step
	if step <= 0 {
		step = time.Minute
		if q.To.Sub(q.From) > 6*time.Hour {
			step = time.Hour
		}
	}
	step = max(time.Minute, step.Truncate(time.Minute))
	from, to := q.From, q.To
	table := live(s.pickTable(g.tables, &from, &to, &step))
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	where, args := filter(sc, q.Sensor, from, to, q.Device, g.tables == pairTables)
	stepUS := step.Microseconds()
	var query string
	if g.keys == "" {
		query = fmt.Sprintf(`SELECT (ts // %d) * %d AS b, %s FROM %s WHERE %s GROUP BY b ORDER BY b`, stepUS, stepUS, volCols, table, where)
	} else {
		svc := ""
		if g.tables == serviceTables {
			svc = ", max(service)"
		}
		query = fmt.Sprintf(`WITH base AS (SELECT * FROM %s WHERE %s),
			top AS (SELECT %s FROM base GROUP BY ALL ORDER BY sum(orig_bytes) + sum(resp_bytes) DESC, %s LIMIT %d)
			SELECT %s, (ts // %d) * %d AS b, %s%s FROM base SEMI JOIN top USING (%s) GROUP BY ALL ORDER BY ALL`,
			table, where, g.keys, g.keys, limit, g.keys, stepUS, stepUS, volCols, svc, g.keys)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return store.TrafficResult{}, fmt.Errorf("traffic series: %w", err)
	}
	defer rows.Close()
	bySeries := map[store.TrafficKey]*store.Series{}
	var order []store.TrafficKey
	for rows.Next() {
		var k store.TrafficKey
		var b int64
		var v store.Volume
		dst := keyDest(q.GroupBy, &k)
		dst = append(dst, &b, &v.OrigBytes, &v.RespBytes, &v.OrigPkts, &v.RespPkts, &v.Conns)
		var svc string
		if g.tables == serviceTables && g.keys != "" {
			dst = append(dst, &svc)
		}
		var addrs [2]string
		if err := rows.Scan(bindAddrs(dst, &addrs)...); err != nil {
			return store.TrafficResult{}, fmt.Errorf("traffic series: %w", err)
		}
		if err := fillAddrs(q.GroupBy, &k, addrs); err != nil {
			return store.TrafficResult{}, fmt.Errorf("traffic series: %w", err)
		}
		k.Service = svc
		sr := bySeries[k]
		if sr == nil {
			sr = &store.Series{Key: k}
			bySeries[k] = sr
			order = append(order, k)
		}
		sr.Points = append(sr.Points, store.Point{Time: fromMicros(b), Volume: v})
		sr.Total.Add(v)
	}
	if err := rows.Err(); err != nil {
		return store.TrafficResult{}, fmt.Errorf("traffic series: %w", err)
	}
	res := store.TrafficResult{Step: step}
	for _, k := range order {
		res.Series = append(res.Series, *bySeries[k])
	}
	sort.SliceStable(res.Series, func(i, j int) bool { return res.Series[i].Total.Bytes() > res.Series[j].Total.Bytes() })
	return res, nil
}

// addrSlot marks a Scan destination that is an address read as text.
type addrSlot int

// keyDest lists the Scan destinations of a grouping's key columns.
func keyDest(g store.GroupBy, k *store.TrafficKey) []any {
	switch g {
	case store.GroupPair:
		return []any{&k.Sensor, &k.VLAN, addrSlot(0), addrSlot(1)}
	case store.GroupService:
		return []any{&k.Sensor, &k.Proto, &k.Port}
	case store.GroupDevice:
		return []any{&k.Sensor, &k.VLAN, addrSlot(0)}
	}
	return nil
}

func bindAddrs(dst []any, addrs *[2]string) []any {
	for i, d := range dst {
		if slot, ok := d.(addrSlot); ok {
			dst[i] = &addrs[slot]
		}
	}
	return dst
}

func fillAddrs(g store.GroupBy, k *store.TrafficKey, a [2]string) error {
	var err error
	switch g {
	case store.GroupPair:
		if k.Orig, err = netip.ParseAddr(a[0]); err != nil {
			return err
		}
		k.Resp, err = netip.ParseAddr(a[1])
	case store.GroupDevice:
		k.Orig, err = netip.ParseAddr(a[0])
	}
	return err
}

func orderExpr(o store.Order) (string, error) {
	switch o {
	case store.ByBytes, "":
		return "sum(orig_bytes) + sum(resp_bytes)", nil
	case store.ByPackets:
		return "sum(orig_pkts) + sum(resp_pkts)", nil
	case store.ByConns:
		return "sum(conns)", nil
	}
	return "", fmt.Errorf("unknown order %q", o)
}

func (s *Store) top(ctx context.Context, sc store.Scope, q store.TopQuery, g store.GroupBy) ([]store.Ranked, error) {
	if err := checkRange(q.From, q.To); err != nil {
		return nil, err
	}
	gr, err := groupingOf(g, false)
	if err != nil {
		return nil, err
	}
	ord, err := orderExpr(q.By)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 10
	}
	from, to, step := q.From, q.To, time.Hour
	if !aligned(from, time.Hour) || !aligned(to, time.Hour) {
		step = time.Minute
	}
	table := live(s.pickTable(gr.tables, &from, &to, &step))
	src, args, err := s.rankingSource(ctx, sc, q.Sensor, table, gr.tables, from, to)
	if err != nil {
		return nil, err
	}
	svc := ""
	if gr.tables == serviceTables {
		svc = ", max(service)"
	}
	query := fmt.Sprintf(`SELECT %s, %s%s FROM (%s) GROUP BY %s ORDER BY %s DESC, %s LIMIT %d`,
		gr.keys, volCols, svc, src, gr.keys, ord, gr.keys, limit)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Ranked
	for rows.Next() {
		var r store.Ranked
		var addrs [2]string
		dst := append(keyDest(g, &r.Key), &r.OrigBytes, &r.RespBytes, &r.OrigPkts, &r.RespPkts, &r.Conns)
		if svc != "" {
			dst = append(dst, &r.Key.Service)
		}
		if err := rows.Scan(bindAddrs(dst, &addrs)...); err != nil {
			return nil, err
		}
		if err := fillAddrs(g, &r.Key, addrs); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// TopPairs implements store.Traffic.
func (s *Store) TopPairs(ctx context.Context, sc store.Scope, q store.TopQuery) ([]store.Ranked, error) {
	r, err := s.top(ctx, sc, q, store.GroupPair)
	if err != nil {
		return nil, fmt.Errorf("top pairs: %w", err)
	}
	return r, nil
}

// TopServices implements store.Traffic.
func (s *Store) TopServices(ctx context.Context, sc store.Scope, q store.TopQuery) ([]store.Ranked, error) {
	r, err := s.top(ctx, sc, q, store.GroupService)
	if err != nil {
		return nil, fmt.Errorf("top services: %w", err)
	}
	return r, nil
}

// TopDevices implements store.Traffic: Orig* is what a device sent, Resp*
// what it received.
func (s *Store) TopDevices(ctx context.Context, sc store.Scope, q store.TopQuery) ([]store.Ranked, error) {
	r, err := s.top(ctx, sc, q, store.GroupDevice)
	if err != nil {
		return nil, fmt.Errorf("top devices: %w", err)
	}
	return r, nil
}

// DeviceStats5m implements store.Traffic.
func (s *Store) DeviceStats5m(ctx context.Context, sc store.Scope, sensor store.SensorID, d store.Device, from, to time.Time) ([]store.DeviceStats, error) {
	if err := checkRange(from, to); err != nil {
		return nil, fmt.Errorf("device stats: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT ts,
		sum(bytes_out)::UBIGINT, sum(bytes_in)::UBIGINT, sum(pkts_out)::UBIGINT, sum(pkts_in)::UBIGINT,
		sum(conns_out)::UBIGINT, sum(conns_in)::UBIGINT,
		len(list_distinct(flatten(list(peers_out)))), len(list_distinct(flatten(list(peers_in)))),
		len(list_distinct(flatten(list(ports_out)))), len(list_distinct(flatten(list(ports_in)))),
		len(list_distinct(flatten(list(protos_out)))), len(list_distinct(flatten(list(protos_in))))
		FROM live_device_5m WHERE tenant_id = ? AND sensor_id = ? AND vlan = ? AND ip = ? AND ts >= ? AND ts < ?
		GROUP BY ts ORDER BY ts`,
		int64(sc.Tenant()), int64(sensor), d.VLAN, d.IP.String(), from.UnixMicro(), to.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("device stats: %w", err)
	}
	defer rows.Close()
	var out []store.DeviceStats
	for rows.Next() {
		var v store.DeviceStats
		var ts int64
		if err := rows.Scan(&ts, &v.BytesOut, &v.BytesIn, &v.PktsOut, &v.PktsIn, &v.ConnsOut, &v.ConnsIn,
			&v.PeersOut, &v.PeersIn, &v.PortsOut, &v.PortsIn, &v.ProtosOut, &v.ProtosIn); err != nil {
			return nil, fmt.Errorf("device stats: %w", err)
		}
		v.Time = fromMicros(ts)
		out = append(out, v)
	}
	return out, rows.Err()
}

// PairHourly implements store.Traffic.
func (s *Store) PairHourly(ctx context.Context, sc store.Scope, q store.PairQuery) ([]store.PairHour, error) {
	if err := checkRange(q.From, q.To); err != nil {
		return nil, fmt.Errorf("pair hourly: %w", err)
	}
	where, args := filter(sc, q.Sensor, q.From, q.To, q.Device, true)
	query := `SELECT ts, sensor_id, vlan, orig_h, resp_h, ` + volCols + ` FROM live_traffic_pair_1h WHERE ` + where +
		` GROUP BY ALL ORDER BY ts, sensor_id, vlan, orig_h, resp_h`
	if q.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", q.Limit)
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("pair hourly: %w", err)
	}
	defer rows.Close()
	var out []store.PairHour
	for rows.Next() {
		var p store.PairHour
		var ts int64
		var o, r string
		if err := rows.Scan(&ts, &p.Sensor, &p.VLAN, &o, &r, &p.OrigBytes, &p.RespBytes, &p.OrigPkts, &p.RespPkts, &p.Conns); err != nil {
			return nil, fmt.Errorf("pair hourly: %w", err)
		}
		p.Time = fromMicros(ts)
		if p.Orig, err = netip.ParseAddr(o); err != nil {
			return nil, fmt.Errorf("pair hourly: %w", err)
		}
		if p.Resp, err = netip.ParseAddr(r); err != nil {
			return nil, fmt.Errorf("pair hourly: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

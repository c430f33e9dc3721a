package embedded

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net/netip"
	"slices"
	"strconv"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/otsight/otsight/internal/record"
)

// Rollups are append-only partial sums: each batch appends its own rows and
// queries add them up (DuckDB aggregates millions of rows per second, and
// appends need no index). Maintenance compacts closed periods into one row
// per key (compactRollups), so a table holds about one row per key and
// period. Bytes are IP bytes; connections are counted in the minute they
// started (from conn records), volumes from conn_interval and flow records.

const (
	minuteUS  = int64(60_000_000)
	fiveMinUS = 5 * minuteUS
	hourUS    = 60 * minuteUS
	dayUS     = 24 * hourUS
)

func floorTo(ts, step int64) int64 {
	if ts < 0 {
		return ts - (ts%step+step)%step
	}
	return ts - ts%step
}

type pairKey struct {
	ts         int64
	vlan       uint16
	orig, resp netip.Addr
}

type serviceKey struct {
	ts      int64
	proto   string
	port    uint16
	service string
}

type deviceKey struct {
	ts   int64
	vlan uint16
	ip   netip.Addr
}

type vol struct{ origBytes, respBytes, origPkts, respPkts, conns uint64 }

func (v *vol) add(o vol) {
	v.origBytes += o.origBytes
	v.respBytes += o.respBytes
	v.origPkts += o.origPkts
	v.respPkts += o.respPkts
	v.conns += o.conns
}

// dev5 is one device's 5-minute statistics; Out is what the device sent or
// initiated, In what it received or accepted.
type dev5 struct {
	bytesOut, bytesIn, pktsOut, pktsIn, connsOut, connsIn uint64
	peersOut, peersIn                                     map[netip.Addr]struct{}
	portsOut, portsIn                                     map[uint16]struct{}
	protosOut, protosIn                                   map[string]struct{}
}

func newDev5() *dev5 {
	return &dev5{
		peersOut: map[netip.Addr]struct{}{}, peersIn: map[netip.Addr]struct{}{},
		portsOut: map[uint16]struct{}{}, portsIn: map[uint16]struct{}{},
		protosOut: map[string]struct{}{}, protosIn: map[string]struct{}{},
	}
}

// rollups holds one batch's increments; index 0 is per minute, 1 per hour.
type rollups struct {
	pair    [2]map[pairKey]*vol
	service [2]map[serviceKey]*vol
	device  [2]map[deviceKey]*vol
	dev5m   map[deviceKey]*dev5
}

func newRollups() *rollups {
	r := &rollups{dev5m: map[deviceKey]*dev5{}}
	for i := range 2 {
		r.pair[i] = map[pairKey]*vol{}
		r.service[i] = map[serviceKey]*vol{}
		r.device[i] = map[deviceKey]*vol{}
	}
	return r
}

// add accounts one record.
func (r *rollups) add(rec record.Record) {
	switch v := rec.(type) {
	case *record.ConnInterval:
		r.traffic(int64(v.TS), v.VLAN, v.OrigH, v.RespH, v.Proto, v.RespP, v.Service,
			vol{v.OrigIPBytes, v.RespIPBytes, v.OrigPkts, v.RespPkts, 0})
	case *record.Conn:
		r.traffic(int64(v.TS), v.VLAN, v.OrigH, v.RespH, v.Proto, v.RespP, v.Service, vol{conns: 1})
	case *record.Flow:
		proto := v.ProtoKey
		if proto == "" {
			proto = strconv.Itoa(int(v.Proto))
		}
		r.traffic(int64(v.TS), v.VLAN, v.SrcH, v.DstH, proto, 0, "", vol{origBytes: v.IPBytes, origPkts: v.Pkts})
	case *record.OT:
		// OT operations add their protocol to the devices' protocol sets;
		// their volume is already in the connection's.
		if v.ReqH.IsValid() && v.RespH.IsValid() {
			t := floorTo(int64(v.TS), fiveMinUS)
			r.dev(deviceKey{t, v.VLAN, v.ReqH}).protosOut[v.Protocol] = struct{}{}
			r.dev(deviceKey{t, v.VLAN, v.RespH}).protosIn[v.Protocol] = struct{}{}
		}
	}
}

func (r *rollups) dev(k deviceKey) *dev5 {
	d := r.dev5m[k]
	if d == nil {
		d = newDev5()
		r.dev5m[k] = d
	}
	return d
}

func bump[K comparable](m map[K]*vol, k K, v vol) {
	if p := m[k]; p != nil {
		p.add(v)
		return
	}
	c := v
	m[k] = &c
}

func (r *rollups) traffic(ts int64, vlan uint16, orig, resp netip.Addr, proto string, port uint16, service string, v vol) {
	if !orig.IsValid() || !resp.IsValid() {
		return
	}
	for i, step := range [2]int64{minuteUS, hourUS} {
		t := floorTo(ts, step)
		bump(r.pair[i], pairKey{t, vlan, orig, resp}, v)
		bump(r.service[i], serviceKey{t, proto, port, service}, v)
		bump(r.device[i], deviceKey{t, vlan, orig}, v)
		bump(r.device[i], deviceKey{t, vlan, resp}, vol{v.respBytes, v.origBytes, v.respPkts, v.origPkts, v.conns})
	}
	name := proto
	if service != "" {
		name = service
	}
	t := floorTo(ts, fiveMinUS)
	o := r.dev(deviceKey{t, vlan, orig})
	o.bytesOut += v.origBytes
	o.bytesIn += v.respBytes
	o.pktsOut += v.origPkts
	o.pktsIn += v.respPkts
	o.connsOut += v.conns
	d := r.dev(deviceKey{t, vlan, resp})
	d.bytesOut += v.respBytes
	d.bytesIn += v.origBytes
	d.pktsOut += v.respPkts
	d.pktsIn += v.origPkts
	d.connsIn += v.conns
	if v.origPkts+v.respPkts == 0 {
		// A conn record only counts the connection; its interval records
		// (same addresses, same service) fill the sets, so a connection
		// whose service was named late is not counted under two names.
		return
	}
	o.peersOut[resp] = struct{}{}
	o.portsOut[port] = struct{}{}
	o.protosOut[name] = struct{}{}
	d.peersIn[orig] = struct{}{}
	d.portsIn[port] = struct{}{}
	d.protosIn[name] = struct{}{}
}

var (
	pairTables    = [2]string{"traffic_pair_1m", "traffic_pair_1h"}
	serviceTables = [2]string{"traffic_service_1m", "traffic_service_1h"}
	deviceTables  = [2]string{"traffic_device_1m", "traffic_device_1h"}
)

// appendRows opens an appender on table, calls fill with its AppendRow and
// closes it.
func appendRows(dc driver.Conn, table string, fill func(add func(...driver.Value) error) error) error {
	a, err := duckdb.NewAppenderFromConn(dc, "", table)
	if err != nil {
		return fmt.Errorf("%s appender: %w", table, err)
	}
	if err := fill(a.AppendRow); err != nil {
		a.Close()
		return fmt.Errorf("append to %s: %w", table, err)
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("append to %s: %w", table, err)
	}
	return nil
}

func (r *rollups) append(dc driver.Conn, tenant, sensor int64) error {
	for i := range 2 {
		err := appendRows(dc, pairTables[i], func(add func(...driver.Value) error) error {
			for k, v := range r.pair[i] {
				if err := add(tenant, sensor, k.ts, k.vlan, k.orig.String(), k.resp.String(),
					v.origBytes, v.respBytes, v.origPkts, v.respPkts, v.conns); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = appendRows(dc, serviceTables[i], func(add func(...driver.Value) error) error {
			for k, v := range r.service[i] {
				if err := add(tenant, sensor, k.ts, k.proto, k.port, k.service,
					v.origBytes, v.respBytes, v.origPkts, v.respPkts, v.conns); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = appendRows(dc, deviceTables[i], func(add func(...driver.Value) error) error {
			for k, v := range r.device[i] {
				if err := add(tenant, sensor, k.ts, k.vlan, k.ip.String(),
					v.origBytes, v.respBytes, v.origPkts, v.respPkts, v.conns); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return appendRows(dc, "device_5m", func(add func(...driver.Value) error) error {
		for k, d := range r.dev5m {
			if err := add(tenant, sensor, k.ts, k.vlan, k.ip.String(), d.bytesOut, d.bytesIn, d.pktsOut, d.pktsIn,
				d.connsOut, d.connsIn, addrList(d.peersOut), addrList(d.peersIn), portList(d.portsOut), portList(d.portsIn),
				strList(d.protosOut), strList(d.protosIn)); err != nil {
				return err
			}
		}
		return nil
	})
}

func addrList(m map[netip.Addr]struct{}) []string {
	out := make([]string, 0, len(m))
	for a := range m {
		out = append(out, a.String())
	}
	slices.Sort(out)
	return out
}

func portList(m map[uint16]struct{}) []int32 {
	out := make([]int32, 0, len(m))
	for p := range m {
		out = append(out, int32(p))
	}
	slices.Sort(out)
	return out
}

func strList(m map[string]struct{}) []string {
	out := make([]string, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// rollupSpec describes how to compact one rollup table.
type rollupSpec struct {
	table, keys, sums string
	period            int64 // a bucket is closed once now passes its end by this much
}

var volumeSums = `sum(orig_bytes)::UBIGINT, sum(resp_bytes)::UBIGINT, sum(orig_pkts)::UBIGINT, sum(resp_pkts)::UBIGINT, sum(conns)::UBIGINT`

var rollupSpecs = []rollupSpec{
	{"traffic_pair_1m", "vlan, orig_h, resp_h", volumeSums, minuteUS},
	{"traffic_pair_1h", "vlan, orig_h, resp_h", volumeSums, hourUS},
	{"traffic_service_1m", "proto, port, service", volumeSums, minuteUS},
	{"traffic_service_1h", "proto, port, service", volumeSums, hourUS},
	{"traffic_device_1m", "vlan, ip", volumeSums, minuteUS},
	{"traffic_device_1h", "vlan, ip", volumeSums, hourUS},
	{"device_5m", "vlan, ip", `sum(bytes_out)::UBIGINT, sum(bytes_in)::UBIGINT, sum(pkts_out)::UBIGINT, sum(pkts_in)::UBIGINT,
		sum(conns_out)::UBIGINT, sum(conns_in)::UBIGINT,
		list_sort(list_distinct(flatten(list(peers_out)))), list_sort(list_distinct(flatten(list(peers_in)))),
		list_sort(list_distinct(flatten(list(ports_out)))), list_sort(list_distinct(flatten(list(ports_in)))),
		list_sort(list_distinct(flatten(list(protos_out)))), list_sort(list_distinct(flatten(list(protos_in))))`, fiveMinUS},
}

// compactRollups merges the partial rows of buckets that have more than one
// row per key into one row per key. Buckets still open (the last few minutes
// and the current hour) are left alone: they are still being appended to,
// and late records would only create another partial row anyway. It returns
// how many rows it removed.
func (s *Store) compactRollups(ctx context.Context, now int64) (int64, error) {
	var removed int64
	for _, sp := range rollupSpecs {
		cutoff := floorTo(now, sp.period) - sp.period
		s.wmu.Lock()
		n, err := s.compactTable(ctx, sp, cutoff)
		s.wmu.Unlock()
		if err != nil {
			return removed, fmt.Errorf("compact %s: %w", sp.table, err)
		}
		removed += n
	}
	return removed, nil
}

func (s *Store) compactTable(ctx context.Context, sp rollupSpec, cutoff int64) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// Buckets with duplicate keys, below the cutoff.
	q := `CREATE OR REPLACE TEMP TABLE compact_buckets AS
		SELECT DISTINCT tenant_id, sensor_id, ts FROM (
			SELECT tenant_id, sensor_id, ts FROM ` + sp.table + ` WHERE ts < ?
			GROUP BY tenant_id, sensor_id, ts, ` + sp.keys + ` HAVING count(*) > 1)`
	if _, err := tx.ExecContext(ctx, q, cutoff); err != nil {
		return 0, err
	}
	var buckets int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM compact_buckets`).Scan(&buckets); err != nil {
		return 0, err
	}
	if buckets == 0 {
		return 0, nil
	}
	if _, err := tx.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE compact_rows AS
		SELECT tenant_id, sensor_id, ts, `+sp.keys+`, `+sp.sums+` FROM `+sp.table+`
		SEMI JOIN compact_buckets USING (tenant_id, sensor_id, ts)
		GROUP BY tenant_id, sensor_id, ts, `+sp.keys); err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM `+sp.table+` t USING compact_buckets b
		WHERE t.tenant_id = b.tenant_id AND t.sensor_id = b.sensor_id AND t.ts = b.ts`)
	if err != nil {
		return 0, err
	}
	deleted, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `INSERT INTO `+sp.table+` SELECT * FROM compact_rows`)
	if err != nil {
		return 0, err
	}
	inserted, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, `DROP TABLE compact_buckets; DROP TABLE compact_rows`); err != nil {
		return 0, err
	}
	return deleted - inserted, tx.Commit()
}

package embedded

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/duckdb/duckdb-go/v2"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// IngestBatch implements store.Store. The batch's upload is appended to
// the stage log and synced, then its key commits, then its rows are staged
// (stage.go): a batch is either wholly stored or not at all, and a key seen
// before writes nothing. Rollups follow from the staged rows (rollup.go).
func (s *Store) IngestBatch(ctx context.Context, sc store.Scope, k store.BatchKey, m store.BatchMeta, recs []record.Record) (bool, error) {
	// The CPU work (JSON) happens before taking the write
	// lock, so batches of different sensors prepare in parallel.
	recs = wireOrder(recs)
	p, err := prepare(recs)
	if err != nil {
		return false, fmt.Errorf("ingest batch %d/%d/%d: %w", k.Sensor, k.Epoch, k.Seq, err)
	}
	payload := m.Payload
	if payload == nil {
		b := &record.Batch{Header: record.Header{SensorID: strconv.FormatInt(int64(k.Sensor), 10), Epoch: k.Epoch, Seq: k.Seq,
			Start: record.Micros(micros(m.Start)), End: record.Micros(micros(m.End))}, Records: recs}
		if payload, err = record.Marshal(b); err != nil {
			return false, fmt.Errorf("ingest batch %d/%d/%d: %w", k.Sensor, k.Epoch, k.Seq, err)
		}
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	dup, err := s.ingestLocked(ctx, sc, k, m, p, payload)
	if err != nil {
		return false, fmt.Errorf("ingest batch %d/%d/%d: %w", k.Sensor, k.Epoch, k.Seq, err)
	}
	if dup {
		s.metrics.batches.WithLabelValues("duplicate").Inc()
		return true, nil
	}
	s.metrics.batches.WithLabelValues("stored").Inc()
	for kind, n := range p.kinds {
		s.metrics.records.WithLabelValues(string(kind)).Add(float64(n))
	}
	return false, nil
}

func (s *Store) ingestLocked(ctx context.Context, sc store.Scope, k store.BatchKey, m store.BatchMeta, p *prepared, payload []byte) (dup bool, err error) {
	if s.stageErr != nil {
		return false, fmt.Errorf("staging unusable until the store is reopened: %w", s.stageErr)
	}
	tenant, sensor := int64(sc.Tenant()), int64(k.Sensor)
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return false, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return false, err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	// The key goes in first, and only for a sensor of the tenant: the
	// primary key refuses a batch stored before, before anything is
	// written, without a query of its own (duplicates are rare).
	base := s.stageSeq
	res, err := conn.ExecContext(ctx, `INSERT INTO batches (tenant_id, sensor_id, epoch, seq, received, bytes, schema,
			sensor_version, win_start, win_end, records, first_row)
		SELECT ?, ?, CAST(? AS UBIGINT), ?, ?, ?, ?, ?, ?, ?, ?, ?
		WHERE EXISTS (SELECT 1 FROM sensors WHERE tenant_id = ? AND sensor_id = ?)`,
		tenant, sensor, ubigint(k.Epoch), k.Seq, micros(m.Received), m.Bytes, m.Schema, m.SensorVersion,
		micros(m.Start), micros(m.End), len(p.rows), base+1, tenant, sensor)
	var de *duckdb.Error
	switch {
	case errors.As(err, &de) && de.Type == duckdb.ErrorTypeConstraint:
		return true, nil
	case err != nil:
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, fmt.Errorf("sensor %d of tenant %d: %w", sensor, tenant, store.ErrNotFound)
	}
	if _, err := conn.ExecContext(ctx, `UPDATE sensors SET last_upload = greatest(last_upload, ?) WHERE sensor_id = ?`,
		micros(m.Received), sensor); err != nil {
		return false, err
	}
	// The log entry is synced before the key commits: a key without its
	// entry would make the sensor's resend a duplicate of nothing.
	l := s.logs[s.staging]
	off, err := l.append(stageEntry{tenant: tenant, sensor: sensor, epoch: k.Epoch, seq: k.Seq, base: base, payload: payload})
	if err != nil {
		return false, err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		l.truncate(off)
		return false, err
	}
	committed = true
	// Staged after the commit, so that a roll-up never counts rows of a
	// batch whose key may still fail.
	err = conn.Raw(func(dc any) error { return p.append(dc.(driver.Conn), s.staging, tenant, sensor, base) })
	if err != nil {
		return false, s.unstage(ctx, conn, k, l, off, base, err)
	}
	s.stageSeq = base + int64(len(p.rows))
	return false, nil
}

// unstage takes back a batch whose key committed but whose rows could not
// be staged (the in-memory table refused them: out of memory), so that the
// sensor's resend is stored rather than taken for a duplicate. If even that
// fails, batches are refused until a restart replays the log, which holds
// the batch.
func (s *Store) unstage(ctx context.Context, conn *sql.Conn, k store.BatchKey, l *stageLog, off, base int64, cause error) error {
	_, err := conn.ExecContext(ctx, `DELETE FROM `+stagingTable(s.staging)+` WHERE seq > ?`, base)
	if err == nil {
		_, err = conn.ExecContext(ctx, `DELETE FROM batches WHERE sensor_id = ? AND epoch = CAST(? AS UBIGINT) AND seq = ?`,
			int64(k.Sensor), ubigint(k.Epoch), k.Seq)
	}
	if err == nil {
		err = l.truncate(off)
	}
	if err != nil {
		s.stageErr = fmt.Errorf("batch %d/%d/%d: %w (taking it back: %v)", k.Sensor, k.Epoch, k.Seq, cause, err)
		s.log.Error("store: a stored batch could not be staged; refusing batches until restart", "err", s.stageErr)
	}
	return fmt.Errorf("stage rows: %w", cause)
}

// wireOrder returns recs in the order of their batch's wire form (by kind,
// in record.Encode's order), which is the order a replay of the stage log
// stages them in: a batch's rows get the same seqs whether they were
// staged on upload or replayed. Batches decoded from an upload are in that
// order already.
func wireOrder(recs []record.Record) []record.Record {
	byKind := func(a, b record.Record) int { return strings.Compare(string(a.RecordKind()), string(b.RecordKind())) }
	if slices.IsSortedFunc(recs, byKind) {
		return recs
	}
	out := slices.Clone(recs)
	slices.SortStableFunc(out, byKind)
	return out
}

// stagedRow is one record in the layout of recordColumnsDDL, without the
// seq, tenant and sensor that the ingest adds.
type stagedRow struct {
	ts               int64
	kind             string
	origH, respH     netip.Addr
	origP, respP     uint16
	hasPorts         bool
	proto            string
	vlan             uint16
	origMAC, respMAC record.MAC
	// The address columns as the appender takes them (nil for none),
	// made in prepare, outside the write lock.
	origHS, respHS, origMACS, respMACS driver.Value
	data                               []byte // other kinds
	conn                               *record.Conn
	interval                           *record.ConnInterval
}

// prepared is a batch ready to append.
type prepared struct {
	rows  []stagedRow
	kinds map[record.Kind]int
}

func prepare(recs []record.Record) (*prepared, error) {
	p := &prepared{rows: make([]stagedRow, 0, len(recs)), kinds: map[record.Kind]int{}}
	names := addrNames{addrs: map[netip.Addr]driver.Value{}, macs: map[record.MAC]driver.Value{}}
	for _, r := range recs {
		var row stagedRow
		switch v := r.(type) {
		case *record.Conn:
			row = addresses(r, nil)
			row.conn = v
		case *record.ConnInterval:
			row = addresses(r, nil)
			row.interval = v
		default:
			data, err := json.Marshal(r)
			if err != nil {
				return nil, fmt.Errorf("encode %s record: %w", r.RecordKind(), err)
			}
			row = addresses(r, data)
			row.data = data
		}
		row.kind = string(r.RecordKind())
		row.origHS, row.respHS = names.addr(row.origH), names.addr(row.respH)
		row.origMACS, row.respMACS = names.mac(row.origMAC), names.mac(row.respMAC)
		p.rows = append(p.rows, row)
		p.kinds[r.RecordKind()]++
	}
	return p, nil
}

// addresses fills the typed columns of a record's row.
func addresses(r record.Record, data []byte) stagedRow {
	switch v := r.(type) {
	case *record.Conn:
		return stagedRow{ts: int64(v.TS), origH: v.OrigH, respH: v.RespH, origP: v.OrigP, respP: v.RespP, hasPorts: true,
			proto: v.Proto, vlan: v.VLAN, origMAC: v.OrigMAC, respMAC: v.RespMAC}
	case *record.ConnInterval:
		return stagedRow{ts: int64(v.TS), origH: v.OrigH, respH: v.RespH, origP: v.OrigP, respP: v.RespP, hasPorts: true,
			proto: v.Proto, vlan: v.VLAN}
	case *record.Flow:
		return stagedRow{ts: int64(v.TS), origH: v.SrcH, respH: v.DstH, proto: v.ProtoKey, vlan: v.VLAN,
			origMAC: v.SrcMAC, respMAC: v.DstMAC}
	case *record.Eth:
		return stagedRow{ts: int64(v.TS), vlan: v.VLAN, origMAC: v.SrcMAC, respMAC: v.DstMAC}
	case *record.ARP:
		return stagedRow{ts: int64(v.TS), origH: v.OrigIP, respH: v.RespIP, vlan: v.VLAN, origMAC: v.OrigMAC, respMAC: v.RespMAC}
	case *record.NDP:
		return stagedRow{ts: int64(v.TS), origH: v.OrigIP, respH: v.RespIP, vlan: v.VLAN, origMAC: v.OrigMAC, respMAC: v.RespMAC}
	case *record.OT:
		return stagedRow{ts: int64(v.TS), origH: v.ReqH, respH: v.RespH, respP: v.RespP, hasPorts: v.RespP != 0,
			proto: v.Transport, vlan: v.VLAN, origMAC: v.ReqMAC, respMAC: v.RespMAC}
	case *record.AssetID:
		return stagedRow{ts: int64(v.TS), origH: v.IP, vlan: v.VLAN, origMAC: v.MAC}
	case *record.SensorStats:
		return stagedRow{ts: int64(v.TS)}
	}
	// Kinds of protocol packages follow Zeek's field names; read the
	// common ones back from the JSON rather than knowing every type.
	var g struct {
		TS      int64      `json:"ts"`
		OrigH   netip.Addr `json:"orig_h"`
		RespH   netip.Addr `json:"resp_h"`
		OrigP   *uint16    `json:"orig_p"`
		RespP   uint16     `json:"resp_p"`
		Proto   string     `json:"proto"`
		VLAN    uint16     `json:"vlan"`
		OrigL2  record.MAC `json:"orig_l2_addr"`
		RespL2  record.MAC `json:"resp_l2_addr"`
		SrcL2   record.MAC `json:"src_l2_addr"`
		DstL2   record.MAC `json:"dst_l2_addr"`
		OrigMAC record.MAC `json:"orig_mac"`
		RespMAC record.MAC `json:"resp_mac"`
	}
	json.Unmarshal(data, &g) // best effort: a field that does not parse stays zero
	row := stagedRow{ts: g.TS, origH: g.OrigH, respH: g.RespH, respP: g.RespP, proto: g.Proto, vlan: g.VLAN}
	if g.OrigP != nil {
		row.origP, row.hasPorts = *g.OrigP, true
	}
	row.origMAC = firstMAC(g.OrigL2, g.SrcL2, g.OrigMAC)
	row.respMAC = firstMAC(g.RespL2, g.DstL2, g.RespMAC)
	return row
}

func firstMAC(ms ...record.MAC) record.MAC {
	for _, m := range ms {
		if !m.IsZero() {
			return m
		}
	}
	return record.MAC{}
}

// addrNames formats each address of a batch once: a minute of a plant
// repeats the same few hundred addresses thousands of times.
type addrNames struct {
	addrs map[netip.Addr]driver.Value
	macs  map[record.MAC]driver.Value
}

func (n addrNames) addr(a netip.Addr) driver.Value {
	if !a.IsValid() {
		return nil
	}
	v, ok := n.addrs[a]
	if !ok {
		v = a.String()
		n.addrs[a] = v
	}
	return v
}

func (n addrNames) mac(m record.MAC) driver.Value {
	if m.IsZero() {
		return nil
	}
	v, ok := n.macs[m]
	if !ok {
		v = m.String()
		n.macs[m] = v
	}
	return v
}

// append writes the prepared rows through DuckDB appenders on the
// transaction's connection. One value slice serves every row: the appender
// copies the values into its chunk.
func (p *prepared) append(dc driver.Conn, table int, tenant, sensor, base int64) error {
	a, err := duckdb.NewAppender(dc, stageDB, "", stagingTables[table])
	if err != nil {
		return fmt.Errorf("staged appender: %w", err)
	}
	vals := make([]driver.Value, 0, 31)
	for i := range p.rows {
		r := &p.rows[i]
		var op, rp driver.Value
		if r.hasPorts {
			op, rp = r.origP, r.respP
		} else if r.respP != 0 {
			rp = r.respP
		}
		var proto driver.Value
		if r.proto != "" {
			proto = r.proto
		}
		vals = append(vals[:0], base+int64(i)+1, tenant, sensor, r.ts, r.kind, r.origHS, r.respHS,
			op, rp, proto, r.vlan, r.origMACS, r.respMACS)
		vals = appendTyped(vals, r)
		if err := a.AppendRow(vals...); err != nil {
			a.Close()
			return fmt.Errorf("append staged row: %w", err)
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("flush staged rows: %w", err)
	}
	return nil
}

// appendTyped appends the columns from data on: the JSON of other kinds, or
// the fields of conn and conn_interval.
func appendTyped(vals []driver.Value, r *stagedRow) []driver.Value {
	switch {
	case r.conn != nil:
		c := r.conn
		return append(vals, nil, c.UID, c.Service, int64(c.Duration), c.OrigBytes, c.RespBytes, c.ConnState, c.MissedBytes,
			c.History, c.OrigPkts, c.OrigIPBytes, c.OrigL2Bytes, c.RespPkts, c.RespIPBytes, c.RespL2Bytes, c.InnerVLAN, c.Iface, c.End)
	case r.interval != nil:
		c := r.interval
		return append(vals, nil, c.UID, c.Service, nil, c.OrigBytes, c.RespBytes, nil, nil,
			nil, c.OrigPkts, c.OrigIPBytes, c.OrigL2Bytes, c.RespPkts, c.RespIPBytes, c.RespL2Bytes, nil, nil, nil)
	}
	return append(vals, string(r.data), nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil)
}

// ubigint passes a uint64 to DuckDB as text for a CAST(? AS UBIGINT):
// database/sql refuses uint64 arguments with the high bit set, and spool
// epochs are random 64-bit numbers.
func ubigint(v uint64) string { return strconv.FormatUint(v, 10) }

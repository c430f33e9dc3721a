package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/netip"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// recordSource returns a SQL relation of the rows q selects from the staged
// table and the catalogued files, and the arguments of its placeholders;
// fromSeq, when not 0, leaves out rows before it. The caller must hold
// filesMu shared while the relation is read.
func (s *Store) recordSource(ctx context.Context, sc store.Scope, q store.RecordQuery, fromSeq int64, cols string) (string, []any, error) {
	where := []string{"tenant_id = ?"}
	args := []any{int64(sc.Tenant())}
	if fromSeq != 0 {
		where = append(where, "seq >= ?")
		args = append(args, fromSeq)
	}
	if q.Sensor != 0 {
		where = append(where, "sensor_id = ?")
		args = append(args, int64(q.Sensor))
	}
	if q.Kind != "" {
		where = append(where, "kind = ?")
		args = append(args, string(q.Kind))
	}
	if !q.From.IsZero() {
		where = append(where, "ts >= ?")
		args = append(args, q.From.UnixMicro())
	}
	if !q.To.IsZero() {
		where = append(where, "ts < ?")
		args = append(args, q.To.UnixMicro())
	}
	cond := strings.Join(where, " AND ")

	// The catalog prunes whole files by tenant, sensor and time.
	fq := `SELECT path FROM record_files WHERE tenant_id = ?`
	fargs := []any{int64(sc.Tenant())}
	if q.Sensor != 0 {
		fq += ` AND sensor_id = ?`
		fargs = append(fargs, int64(q.Sensor))
	}
	if !q.From.IsZero() {
		fq += ` AND max_ts >= ?`
		fargs = append(fargs, q.From.UnixMicro())
	}
	if !q.To.IsZero() {
		fq += ` AND min_ts < ?`
		fargs = append(fargs, q.To.UnixMicro())
	}
	if fromSeq != 0 {
		fq += ` AND max_seq >= ?`
		fargs = append(fargs, fromSeq)
	}
	rows, err := s.db.QueryContext(ctx, fq+` ORDER BY path`, fargs...)
	if err != nil {
		return "", nil, err
	}
	var paths []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return "", nil, err
		}
		paths = append(paths, "'"+sqlString(filepath.Join(s.cfg.Dir, p))+"'")
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", nil, err
	}
	src := `SELECT ` + cols + ` FROM staged WHERE ` + cond
	if len(paths) > 0 {
		src += ` UNION ALL SELECT ` + cols + ` FROM read_parquet([` + strings.Join(paths, ", ") + `]) WHERE ` + cond
		args = append(args, args...)
	}
	return src, args, nil
}

// Records implements store.Records.
func (s *Store) Records(ctx context.Context, sc store.Scope, q store.RecordQuery) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		s.filesMu.RLock()
		defer s.filesMu.RUnlock()
		src, args, err := s.recordSource(ctx, sc, q, 0, "seq, "+storedColumns)
		if err != nil {
			yield(nil, fmt.Errorf("records: %w", err))
			return
		}
		query := `SELECT ` + storedColumns + ` FROM (` + src + `) ORDER BY ts, seq`
		if q.Limit > 0 {
			query += fmt.Sprintf(" LIMIT %d", q.Limit)
		}
		rows, err := s.db.QueryContext(ctx, query, args...)
		if err != nil {
			yield(nil, fmt.Errorf("records: %w", err))
			return
		}
		defer rows.Close()
		var sr storedRow
		dst := sr.dest()
		for rows.Next() {
			if err := rows.Scan(dst...); err != nil {
				yield(nil, fmt.Errorf("records: %w", err))
				return
			}
			r, err := sr.record()
			if !yield(r, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(nil, fmt.Errorf("records: %w", err))
		}
	}
}

// BatchesSince implements store.Records. A batch's records are the rows
// first_row … first_row+records-1, read in one pass over the staged table
// and the files that can hold them.
func (s *Store) BatchesSince(ctx context.Context, sc store.Scope, since time.Time, fn func(store.StoredBatch) error) error {
	type span struct {
		b           store.StoredBatch
		first, last int64
	}
	rows, err := s.db.QueryContext(ctx, `SELECT sensor_id, epoch, seq, received, bytes, schema, sensor_version,
			win_start, win_end, first_row, records
		FROM batches WHERE tenant_id = ? AND received >= ? AND first_row > 0 ORDER BY first_row`,
		int64(sc.Tenant()), micros(since))
	if err != nil {
		return fmt.Errorf("batches since %v: %w", since, err)
	}
	var spans []span
	for rows.Next() {
		var sp span
		var sensor, received, start, end, n int64
		m := &sp.b.Meta
		if err := rows.Scan(&sensor, &sp.b.Key.Epoch, &sp.b.Key.Seq, &received, &m.Bytes, &m.Schema, &m.SensorVersion,
			&start, &end, &sp.first, &n); err != nil {
			rows.Close()
			return fmt.Errorf("batches since %v: %w", since, err)
		}
		sp.b.Key.Sensor = store.SensorID(sensor)
		m.Received, m.Start, m.End = fromMicros(received), fromMicros(start), fromMicros(end)
		sp.last = sp.first + n - 1
		spans = append(spans, sp)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("batches since %v: %w", since, err)
	}
	if len(spans) == 0 {
		return nil
	}
	// Batches are handed out as their rows are read, so memory holds one
	// batch; retention and compaction wait meanwhile, as for Records.
	s.filesMu.RLock()
	defer s.filesMu.RUnlock()
	i := 0
	flushTo := func(seq int64) error { // hands out every batch that ends before seq
		for ; i < len(spans) && spans[i].last < seq; i++ {
			if err := fn(spans[i].b); err != nil {
				return err
			}
			spans[i].b.Records = nil
		}
		return nil
	}
	src, args, err := s.recordSource(ctx, sc, store.RecordQuery{}, spans[0].first, "seq, "+storedColumns)
	if err != nil {
		return fmt.Errorf("batches since %v: %w", since, err)
	}
	rows, err = s.db.QueryContext(ctx, `SELECT seq, `+storedColumns+` FROM (`+src+`) WHERE seq <= ? ORDER BY seq`,
		append(args, spans[len(spans)-1].last)...)
	if err != nil {
		return fmt.Errorf("batches since %v: %w", since, err)
	}
	defer rows.Close()
	var sr storedRow
	var seq int64
	dst := append([]any{&seq}, sr.dest()...)
	for rows.Next() {
		if err := rows.Scan(dst...); err != nil {
			return fmt.Errorf("batches since %v: %w", since, err)
		}
		if err := flushTo(seq); err != nil {
			return err
		}
		if i == len(spans) || seq < spans[i].first {
			continue // a row of a batch received before since
		}
		r, err := sr.record()
		if err != nil {
			return fmt.Errorf("batches since %v: row %d: %w", since, seq, err)
		}
		spans[i].b.Records = append(spans[i].b.Records, r)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("batches since %v: %w", since, err)
	}
	return flushTo(spans[len(spans)-1].last + 1)
}

// CountRecords implements store.Records.
func (s *Store) CountRecords(ctx context.Context, sc store.Scope, q store.RecordQuery) (map[record.Kind]int64, error) {
	s.filesMu.RLock()
	defer s.filesMu.RUnlock()
	src, args, err := s.recordSource(ctx, sc, q, 0, "kind")
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, count(*) FROM (`+src+`) GROUP BY kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	defer rows.Close()
	out := map[record.Kind]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("count records: %w", err)
		}
		out[record.Kind(k)] = n
	}
	return out, rows.Err()
}

// recordTypes caches, per kind, the Go type the record package decodes it
// into. The record package exports no constructor by kind, so the type is
// learnt once by decoding a one-record batch through its public codec.
var recordTypes sync.Map // record.Kind → reflect.Type (nil for unknown kinds)

func recordType(k record.Kind) (reflect.Type, error) {
	if t, ok := recordTypes.Load(k); ok {
		typ, _ := t.(reflect.Type)
		return typ, nil
	}
	b := &record.Batch{
		Header:  record.Header{Schema: record.SchemaVersion, Records: 1},
		Records: []record.Record{&record.Raw{Kind: k, JSON: json.RawMessage(`{}`)}},
	}
	wire, err := record.Marshal(b)
	if err != nil {
		return nil, fmt.Errorf("probe kind %s: %w", k, err)
	}
	got, err := record.Unmarshal(wire)
	if err != nil {
		return nil, fmt.Errorf("probe kind %s: %w", k, err)
	}
	var typ reflect.Type
	if _, raw := got.Records[0].(*record.Raw); !raw {
		typ = reflect.TypeOf(got.Records[0]).Elem()
	}
	recordTypes.Store(k, typ)
	return typ, nil
}

// decodeRecord turns a stored row back into its record type; kinds this
// build does not know come back as *record.Raw, as the codec does.
func decodeRecord(k record.Kind, data []byte) (record.Record, error) {
	typ, err := recordType(k)
	if err != nil {
		return nil, err
	}
	if typ == nil {
		return &record.Raw{Kind: k, JSON: json.RawMessage(data)}, nil
	}
	r := reflect.New(typ).Interface().(record.Record)
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("decode %s record: %w", k, err)
	}
	return r, nil
}

// storedColumns are the columns a record is rebuilt from.
const storedColumns = `kind, data, ts, orig_h, resp_h, orig_p, resp_p, proto, vlan, orig_mac, resp_mac,
	uid, service, duration, orig_bytes, resp_bytes, conn_state, missed_bytes, history,
	orig_pkts, orig_ip_bytes, orig_l2_bytes, resp_pkts, resp_ip_bytes, resp_l2_bytes, inner_vlan, iface, end_reason`

// storedRow receives one row of storedColumns.
type storedRow struct {
	kind                               string
	data                               sql.NullString
	ts                                 int64
	origH, respH                       sql.NullString
	origP, respP, vlan, innerVLAN      sql.NullInt32
	proto, origMAC, respMAC            sql.NullString
	uid, service, connState, history   sql.NullString
	iface, end                         sql.NullString
	duration                           sql.NullInt64
	origBytes, respBytes, missed       nullUint
	origPkts, origIPBytes, origL2Bytes nullUint
	respPkts, respIPBytes, respL2Bytes nullUint
}

// nullUint scans a nullable UBIGINT.
type nullUint struct{ v uint64 }

// Scan implements sql.Scanner.
func (n *nullUint) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		n.v = 0
	case uint64:
		n.v = v
	case int64:
		n.v = uint64(v)
	default:
		return fmt.Errorf("scan %T into an unsigned integer", src)
	}
	return nil
}

func (r *storedRow) dest() []any {
	return []any{&r.kind, &r.data, &r.ts, &r.origH, &r.respH, &r.origP, &r.respP, &r.proto, &r.vlan, &r.origMAC, &r.respMAC,
		&r.uid, &r.service, &r.duration, &r.origBytes, &r.respBytes, &r.connState, &r.missed, &r.history,
		&r.origPkts, &r.origIPBytes, &r.origL2Bytes, &r.respPkts, &r.respIPBytes, &r.respL2Bytes, &r.innerVLAN, &r.iface, &r.end}
}

func parseAddr(s sql.NullString) (netip.Addr, error) {
	if !s.Valid {
		return netip.Addr{}, nil
	}
	return netip.ParseAddr(s.String)
}

func parseMAC(s sql.NullString) (record.MAC, error) {
	var m record.MAC
	if !s.Valid {
		return m, nil
	}
	err := m.UnmarshalText([]byte(s.String))
	return m, err
}

// record rebuilds the record of the row.
func (r *storedRow) record() (record.Record, error) {
	k := record.Kind(r.kind)
	if k != record.KindConn && k != record.KindConnInterval {
		if !r.data.Valid {
			return nil, fmt.Errorf("%s record without data", k)
		}
		return decodeRecord(k, []byte(r.data.String))
	}
	origH, err1 := parseAddr(r.origH)
	respH, err2 := parseAddr(r.respH)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("decode %s record: %w", k, err)
	}
	if k == record.KindConnInterval {
		return &record.ConnInterval{TS: record.Micros(r.ts), UID: r.uid.String, OrigH: origH, OrigP: uint16(r.origP.Int32),
			RespH: respH, RespP: uint16(r.respP.Int32), Proto: r.proto.String, Service: r.service.String, VLAN: uint16(r.vlan.Int32),
			OrigBytes: r.origBytes.v, RespBytes: r.respBytes.v, OrigPkts: r.origPkts.v, OrigIPBytes: r.origIPBytes.v,
			OrigL2Bytes: r.origL2Bytes.v, RespPkts: r.respPkts.v, RespIPBytes: r.respIPBytes.v, RespL2Bytes: r.respL2Bytes.v}, nil
	}
	om, err1 := parseMAC(r.origMAC)
	rm, err2 := parseMAC(r.respMAC)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("decode conn record: %w", err)
	}
	return &record.Conn{TS: record.Micros(r.ts), UID: r.uid.String, OrigH: origH, OrigP: uint16(r.origP.Int32),
		RespH: respH, RespP: uint16(r.respP.Int32), Proto: r.proto.String, Service: r.service.String,
		Duration: record.Micros(r.duration.Int64), OrigBytes: r.origBytes.v, RespBytes: r.respBytes.v, ConnState: r.connState.String,
		MissedBytes: r.missed.v, History: r.history.String, OrigPkts: r.origPkts.v, OrigIPBytes: r.origIPBytes.v,
		OrigL2Bytes: r.origL2Bytes.v, RespPkts: r.respPkts.v, RespIPBytes: r.respIPBytes.v, RespL2Bytes: r.respL2Bytes.v,
		OrigMAC: om, RespMAC: rm, VLAN: uint16(r.vlan.Int32), InnerVLAN: uint16(r.innerVLAN.Int32), Iface: r.iface.String,
		End: r.end.String}, nil
}

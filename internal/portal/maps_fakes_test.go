package portal

import (
	"context"
	"iter"
	"net/netip"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// mapFakes serve tenant 1's pair rollup and raw records; tenant 2 has none.
// They honour the query's sensor, kind and range as the store does.
type mapFakes struct {
	hours   []store.PairHour
	records []sensorRecord
}

type sensorRecord struct {
	sensor store.SensorID
	at     time.Time
	rec    record.Record
}

func (f *mapFakes) PairHourly(ctx context.Context, s store.Scope, q store.PairQuery) ([]store.PairHour, error) {
	if s.Tenant() != 1 {
		return nil, nil
	}
	var out []store.PairHour
	for _, h := range f.hours {
		if (q.Sensor == 0 || h.Sensor == q.Sensor) && !h.Time.Before(q.From) && h.Time.Before(q.To) {
			out = append(out, h)
		}
	}
	return out, nil
}

func (f *mapFakes) Records(ctx context.Context, s store.Scope, q store.RecordQuery) iter.Seq2[record.Record, error] {
	return func(yield func(record.Record, error) bool) {
		if s.Tenant() != 1 {
			return
		}
		n := 0
		for _, r := range f.records {
			if (q.Sensor != 0 && r.sensor != q.Sensor) || (q.Kind != "" && r.rec.RecordKind() != q.Kind) ||
				r.at.Before(q.From) || !r.at.Before(q.To) {
				continue
			}
			if q.Limit > 0 && n == q.Limit {
				return
			}
			n++
			if !yield(r.rec, nil) {
				return
			}
		}
	}
}

func (f *mapFakes) deps() MapDeps { return MapDeps{Pairs: f, Records: f} }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func mac(s string) record.MAC {
	m, err := parseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// newMapFakes: two sensors' traffic around testNow (2026-11-27 03:00 UTC).
// In the last 24 hours: eng-ws → PLC-A with S7 (OT), eng-ws → .100 (IT),
// HMI → Q-PLC with Modbus (OT), PROFINET DCP on Ethernet; connections
// eng-ws → PLC-A s7comm (2), HMI → Q-PLC modbus, eng-ws → 192.168.1.50
// smb. The 24 hours before: eng-ws → PLC-A, HMI → Q-PLC and .100 → PLC-A
// snmp.
func newMapFakes() *mapFakes {
	at := func(h, m int) time.Time {
		return testNow.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	f := &mapFakes{}
	pair := func(sensor store.SensorID, t time.Time, orig, resp string, ob, rb, conns uint64) {
		f.hours = append(f.hours, store.PairHour{Time: t, Sensor: sensor, Orig: ip(orig), Resp: ip(resp),
			Volume: store.Volume{OrigBytes: ob, RespBytes: rb, Conns: conns}})
	}
	pair(11, at(-2, 0), "192.168.1.2", "192.168.1.10", 1000, 500, 3)
	pair(11, at(-1, 0), "192.168.1.2", "192.168.1.10", 200, 100, 1)
	pair(11, at(-1, 0), "192.168.1.2", "192.168.1.100", 50, 50, 1)
	pair(12, at(-1, 0), "10.0.0.20", "10.0.0.5", 400, 600, 2)
	pair(11, at(-48, 0), "192.168.1.100", "192.168.1.10", 70, 70, 1)
	ot := func(sensor store.SensorID, t time.Time, o record.OT) {
		o.TS, o.TSFirst, o.TSLast = record.Micros(t.Truncate(time.Minute).UnixMicro()), record.Micros(t.UnixMicro()), record.Micros(t.Add(30*time.Second).UnixMicro())
		f.records = append(f.records, sensorRecord{sensor, t, &o})
	}
	s7 := record.OT{ReqMAC: mac("00:0c:29:00:00:02"), RespMAC: mac("00:1b:1b:00:00:0a"), ReqH: ip("192.168.1.2"), RespH: ip("192.168.1.10"),
		RespP: 102, Transport: "tcp", Protocol: "s7comm", Function: "read_var", Direction: "request"}
	s7.Count = 10
	ot(11, at(-2, 10), s7)
	s7.Count, s7.Errors = 5, 1
	ot(11, at(-1, 10), s7)
	ot(12, at(-1, 20), record.OT{ReqMAC: mac("00:80:f4:00:00:14"), RespMAC: mac("00:80:f4:00:00:05"), ReqH: ip("10.0.0.20"), RespH: ip("10.0.0.5"),
		RespP: 502, Transport: "tcp", Protocol: "modbus", Function: "read_holding_registers", Count: 7, Errors: 2})
	ot(11, at(-1, 30), record.OT{ReqMAC: mac("00:0c:29:00:00:02"), RespMAC: mac("00:1b:1b:00:00:0a"),
		Transport: "eth", Protocol: "profinet_dcp", Function: "identify", Count: 3})
	ot(11, at(-40, 0), record.OT{ReqH: ip("192.168.1.100"), RespH: ip("192.168.1.10"), RespP: 102, Transport: "tcp",
		Protocol: "s7comm", Function: "setup_communication", Count: 1})
	conn := func(sensor store.SensorID, t time.Time, orig, resp, proto string, port uint16, service string, bytes uint64) {
		f.records = append(f.records, sensorRecord{sensor, t, &record.Conn{TS: record.Micros(t.UnixMicro()), OrigH: ip(orig), RespH: ip(resp),
			Proto: proto, RespP: port, Service: service, OrigIPBytes: bytes, RespIPBytes: bytes}})
	}
	conn(11, at(-2, 5), "192.168.1.2", "192.168.1.10", "tcp", 102, "s7comm", 600)
	conn(11, at(-1, 5), "192.168.1.2", "192.168.1.10", "tcp", 102, "s7comm", 100)
	conn(12, at(-1, 15), "10.0.0.20", "10.0.0.5", "tcp", 502, "modbus", 500)
	conn(11, at(-3, 0), "192.168.1.2", "192.168.1.50", "tcp", 445, "smb", 20)
	conn(11, at(-30, 0), "192.168.1.2", "192.168.1.10", "tcp", 102, "s7comm", 600)
	conn(12, at(-30, 0), "10.0.0.20", "10.0.0.5", "tcp", 502, "modbus", 500)
	conn(11, at(-40, 0), "192.168.1.100", "192.168.1.10", "udp", 161, "snmp", 80)
	return f
}

// keyedDevices are testDevices with the keys the server gives them.
func keyedDevices() []DeviceRow {
	rows := testDevices()
	for i := range rows {
		rows[i].Key = rows[i].Sensor + ",," + rows[i].IP.String()
	}
	return rows
}

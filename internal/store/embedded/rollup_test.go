package embedded

import (
	"context"
	"net/netip"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

type pairID struct {
	vlan       uint16
	orig, resp netip.Addr
}

// expected recomputes the rollups from raw records, independently of the
// store's aggregation code.
type expected struct {
	pairs    map[pairID]store.Volume
	pairHour map[time.Time]map[pairID]store.Volume
	services map[[2]any]store.Volume
	devices  map[store.Device]store.Volume
	total    store.Volume
}

func expect(recs []record.Record) *expected {
	e := &expected{pairs: map[pairID]store.Volume{}, pairHour: map[time.Time]map[pairID]store.Volume{},
		services: map[[2]any]store.Volume{}, devices: map[store.Device]store.Volume{}}
	add := func(ts record.Micros, vlan uint16, o, r netip.Addr, proto string, port uint16, v store.Volume) {
		id := pairID{vlan, o, r}
		p := e.pairs[id]
		p.Add(v)
		e.pairs[id] = p
		h := time.UnixMicro(int64(ts)).UTC().Truncate(time.Hour)
		if e.pairHour[h] == nil {
			e.pairHour[h] = map[pairID]store.Volume{}
		}
		ph := e.pairHour[h][id]
		ph.Add(v)
		e.pairHour[h][id] = ph
		sk := [2]any{proto, port}
		sv := e.services[sk]
		sv.Add(v)
		e.services[sk] = sv
		od := e.devices[store.Device{VLAN: vlan, IP: o}]
		od.Add(v)
		e.devices[store.Device{VLAN: vlan, IP: o}] = od
		rd := e.devices[store.Device{VLAN: vlan, IP: r}]
		rd.Add(store.Volume{OrigBytes: v.RespBytes, RespBytes: v.OrigBytes, OrigPkts: v.RespPkts, RespPkts: v.OrigPkts, Conns: v.Conns})
		e.devices[store.Device{VLAN: vlan, IP: r}] = rd
		e.total.Add(v)
	}
	for _, r := range recs {
		switch v := r.(type) {
		case *record.ConnInterval:
			add(v.TS, v.VLAN, v.OrigH, v.RespH, v.Proto, v.RespP, store.Volume{OrigBytes: v.OrigIPBytes, RespBytes: v.RespIPBytes, OrigPkts: v.OrigPkts, RespPkts: v.RespPkts})
		case *record.Conn:
			add(v.TS, v.VLAN, v.OrigH, v.RespH, v.Proto, v.RespP, store.Volume{Conns: 1})
		}
	}
	return e
}

// checkPairHours compares the hourly pair volumes of [from, to) with want,
// hour by hour.
func checkPairHours(t *testing.T, s *Store, sc store.Scope, want *expected, from, to time.Time, stage string) {
	t.Helper()
	ph, err := s.PairHourly(context.Background(), sc, store.PairQuery{From: from, To: to})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, m := range want.pairHour {
		n += len(m)
	}
	if len(ph) != n {
		t.Fatalf("%s: %d pair-hours, want %d", stage, len(ph), n)
	}
	for _, p := range ph {
		if w := want.pairHour[p.Time][pairID{p.VLAN, p.Orig, p.Resp}]; w != p.Volume {
			t.Fatalf("%s: pair-hour %v %v→%v = %+v, want %+v", stage, p.Time, p.Orig, p.Resp, p.Volume, w)
		}
	}
}

func TestRollupsEqualRawRecords(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	// 90 minutes across an hour boundary, 40 devices, 25 connections a minute.
	start := t0.Add(30 * time.Minute)
	recs := ingestMinutes(t, f.s, sa, f.sa.ID, newGen(11, 40), start, 90, 25, 1)
	want := expect(recs)
	from, to := t0, t0.Add(3*time.Hour)

	verify := func(stage string) {
		t.Helper()
		pairs, err := f.s.TopPairs(ctx, sa, store.TopQuery{From: from, To: to, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		if len(pairs) != len(want.pairs) {
			t.Fatalf("%s: %d pairs, want %d", stage, len(pairs), len(want.pairs))
		}
		for _, p := range pairs {
			if w := want.pairs[pairID{p.Key.VLAN, p.Key.Orig, p.Key.Resp}]; w != p.Volume {
				t.Fatalf("%s: pair %+v = %+v, want %+v", stage, p.Key, p.Volume, w)
			}
		}
		for i := 1; i < len(pairs); i++ {
			if pairs[i].Bytes() > pairs[i-1].Bytes() {
				t.Fatalf("%s: TopPairs not sorted by bytes at %d", stage, i)
			}
		}
		svcs, err := f.s.TopServices(ctx, sa, store.TopQuery{From: from, To: to, Limit: 1000, By: store.ByConns})
		if err != nil {
			t.Fatal(err)
		}
		if len(svcs) != len(want.services) {
			t.Fatalf("%s: %d services, want %d", stage, len(svcs), len(want.services))
		}
		for _, sv := range svcs {
			if w := want.services[[2]any{sv.Key.Proto, sv.Key.Port}]; w != sv.Volume {
				t.Fatalf("%s: service %+v = %+v, want %+v", stage, sv.Key, sv.Volume, w)
			}
		}
		devs, err := f.s.TopDevices(ctx, sa, store.TopQuery{From: from, To: to, Limit: 1000, By: store.ByPackets})
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != len(want.devices) {
			t.Fatalf("%s: %d devices, want %d", stage, len(devs), len(want.devices))
		}
		for _, d := range devs {
			if w := want.devices[store.Device{VLAN: d.Key.VLAN, IP: d.Key.Orig}]; w != d.Volume {
				t.Fatalf("%s: device %+v = %+v, want %+v", stage, d.Key, d.Volume, w)
			}
		}
		// The hourly pair volumes, hour by hour.
		checkPairHours(t, f.s, sa, want, from, to, stage)
		// The total series at 1 minute (minute table) and 1 hour (hour
		// table) both add up to the raw total.
		for _, step := range []time.Duration{time.Minute, time.Hour} {
			res, err := f.s.TrafficSeries(ctx, sa, store.TrafficQuery{From: from, To: to, Step: step})
			if err != nil {
				t.Fatal(err)
			}
			var sum store.Volume
			for _, p := range res.Series[0].Points {
				sum.Add(p.Volume)
			}
			if sum != want.total || res.Step != step {
				t.Fatalf("%s: total at %v = %+v, want %+v", stage, step, sum, want.total)
			}
			if step == time.Hour && len(res.Series[0].Points) != 2 {
				t.Fatalf("%s: hourly points = %d, want 2", stage, len(res.Series[0].Points))
			}
			if step == time.Minute && len(res.Series[0].Points) != 90 {
				t.Fatalf("%s: minute points = %d, want 90", stage, len(res.Series[0].Points))
			}
		}
	}
	verify("rolled up and live")
	var unrolled int
	f.s.db.QueryRow(`SELECT count(*) FROM staged WHERE ` + notRolled).Scan(&unrolled)
	if unrolled == 0 {
		t.Fatal("no staged rows left for the live views to add")
	}
	if err := f.s.rollUp(ctx); err != nil {
		t.Fatal(err)
	}
	verify("rolled up")
	var before, after int
	f.s.db.QueryRow(`SELECT count(*) FROM traffic_pair_1h`).Scan(&before)
	removed, err := f.s.compactRollups(ctx, micros(f.clk.now()))
	if err != nil {
		t.Fatal(err)
	}
	f.s.db.QueryRow(`SELECT count(*) FROM traffic_pair_1h`).Scan(&after)
	if removed <= 0 || after >= before {
		t.Fatalf("compaction removed %d rows, pair_1h %d → %d", removed, before, after)
	}
	n := 0
	for _, m := range want.pairHour {
		n += len(m)
	}
	if after != n {
		t.Fatalf("after compaction pair_1h has %d rows, want one per pair and hour: %d", after, n)
	}
	verify("compacted")
}

func TestDeviceStats5m(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("10.0.0.2"), netip.MustParseAddr("10.0.0.3")
	iv := func(m int, o, r netip.Addr, port uint16, proto, svc string, ob, rb uint64) record.Record {
		return &record.ConnInterval{TS: record.Micros(t0.Add(time.Duration(m) * time.Minute).UnixMicro()), OrigH: o, RespH: r,
			RespP: port, Proto: proto, Service: svc, VLAN: 5, OrigIPBytes: ob, RespIPBytes: rb, OrigPkts: 1, RespPkts: 2}
	}
	conn := func(m int, o, r netip.Addr, port uint16, proto string) record.Record {
		return &record.Conn{TS: record.Micros(t0.Add(time.Duration(m) * time.Minute).UnixMicro()), OrigH: o, RespH: r,
			RespP: port, Proto: proto, VLAN: 5}
	}
	batches := [][]record.Record{
		{iv(0, a, b, 502, "tcp", "modbus", 100, 200), conn(0, a, b, 502, "tcp"), iv(0, c, a, 80, "tcp", "http", 10, 1000), conn(0, c, a, 80, "tcp")},
		{iv(1, a, b, 502, "tcp", "modbus", 100, 200), iv(1, a, c, 53, "udp", "dns", 60, 90), conn(1, a, c, 53, "udp"),
			&record.OT{TS: record.Micros(t0.Add(time.Minute).UnixMicro()), ReqH: a, RespH: b, RespP: 502, VLAN: 5, Protocol: "modbus", Count: 3}},
		{iv(5, a, b, 502, "tcp", "modbus", 7, 8)},
		// Same address on another VLAN: another device.
		{&record.ConnInterval{TS: record.Micros(t0.UnixMicro()), OrigH: a, RespH: b, RespP: 502, Proto: "tcp", VLAN: 6, OrigIPBytes: 999}},
	}
	// Rolled up after each batch but the last: partial rows in device_5m
	// and one batch only in the live view.
	for i, recs := range batches {
		if _, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 1, Seq: uint64(i)}, store.BatchMeta{}, recs); err != nil {
			t.Fatal(err)
		}
		if i < len(batches)-1 {
			if err := f.s.rollUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	got, err := f.s.DeviceStats5m(ctx, sa, f.sa.ID, store.Device{VLAN: 5, IP: a}, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := []store.DeviceStats{
		{Time: t0, BytesOut: 100 + 1000 + 100 + 60, BytesIn: 200 + 10 + 200 + 90, PktsOut: 1 + 2 + 1 + 1, PktsIn: 2 + 1 + 2 + 2,
			ConnsOut: 2, ConnsIn: 1, PeersOut: 2, PeersIn: 1, PortsOut: 2, PortsIn: 1, ProtosOut: 2, ProtosIn: 1},
		{Time: t0.Add(5 * time.Minute), BytesOut: 7, BytesIn: 8, PktsOut: 1, PktsIn: 2, PeersOut: 1, PortsOut: 1, ProtosOut: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("DeviceStats5m(a) =\n%+v\nwant\n%+v", got, want)
	}
	// Compaction merges the partial rows without changing the answer.
	if err := f.s.rollUp(ctx); err != nil {
		t.Fatal(err)
	}
	f.clk.t = t0.Add(time.Hour)
	if _, err := f.s.compactRollups(ctx, micros(f.clk.now())); err != nil {
		t.Fatal(err)
	}
	var rows int
	f.s.db.QueryRow(`SELECT count(*) FROM device_5m WHERE ip = '10.0.0.1' AND vlan = 5`).Scan(&rows)
	again, err := f.s.DeviceStats5m(ctx, sa, f.sa.ID, store.Device{VLAN: 5, IP: a}, t0, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, want) || rows != 2 {
		t.Fatalf("after compaction (%d rows): %+v", rows, again)
	}
	// The device-filtered total series equals the device's volumes.
	res, err := f.s.TrafficSeries(ctx, sa, store.TrafficQuery{Sensor: f.sa.ID, From: t0, To: t0.Add(time.Hour),
		Step: time.Hour, Device: &store.Device{VLAN: 5, IP: a}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 1 || res.Series[0].Total != (store.Volume{OrigBytes: 1267, RespBytes: 508, OrigPkts: 6, RespPkts: 9, Conns: 3}) {
		t.Fatalf("device series = %+v", res.Series)
	}
	// Grouped by service, names come from the dissectors.
	top, err := f.s.TopServices(ctx, sa, store.TopQuery{From: t0, To: t0.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range top {
		names = append(names, r.Key.Service)
	}
	sort.Strings(names)
	if !reflect.DeepEqual(names, []string{"dns", "http", "modbus"}) {
		t.Fatalf("services = %v", names)
	}
}

// TestFlowAndOTRollups covers the kinds whose rollup fields are read from
// their JSON: flows (volumes, protocol keyword or number) and OT operations
// (protocols of both devices), the same before and after the roll-up.
func TestFlowAndOTRollups(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	a, b, c := netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("224.0.0.22"), netip.MustParseAddr("10.0.0.3")
	ts := record.Micros(t0.Add(2 * time.Minute).UnixMicro())
	recs := []record.Record{
		&record.Flow{TS: ts, SrcH: a, DstH: b, Proto: 2, ProtoKey: "igmp", VLAN: 3, Pkts: 2, IPBytes: 64},
		&record.Flow{TS: ts, SrcH: a, DstH: c, Proto: 89, VLAN: 3, Pkts: 5, IPBytes: 500},
		&record.OT{TS: ts, ReqH: c, RespH: a, RespP: 102, VLAN: 3, Protocol: "s7comm", Count: 1},
		&record.OT{TS: ts, ReqH: c, Protocol: "profinet_dcp", Count: 1}, // no responder: no device sets
	}
	if _, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 1, Seq: 1}, store.BatchMeta{}, recs); err != nil {
		t.Fatal(err)
	}
	wantServices := map[string]store.Volume{"igmp": {OrigBytes: 64, OrigPkts: 2}, "89": {OrigBytes: 500, OrigPkts: 5}}
	wantA := []store.DeviceStats{{Time: t0, BytesOut: 564, PktsOut: 7, PeersOut: 2, PortsOut: 1, ProtosOut: 2, ProtosIn: 1}}
	wantC := []store.DeviceStats{{Time: t0, BytesIn: 500, PktsIn: 5, PeersIn: 1, PortsIn: 1, ProtosOut: 1, ProtosIn: 1}}
	check := func(stage string) {
		t.Helper()
		svcs, err := f.s.TopServices(ctx, sa, store.TopQuery{From: t0, To: t0.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]store.Volume{}
		for _, r := range svcs {
			if r.Key.Port != 0 {
				t.Fatalf("%s: flow service with port %d", stage, r.Key.Port)
			}
			got[r.Key.Proto] = r.Volume
		}
		if !reflect.DeepEqual(got, wantServices) {
			t.Fatalf("%s: services = %+v, want %+v", stage, got, wantServices)
		}
		for _, d := range []struct {
			ip   netip.Addr
			want []store.DeviceStats
		}{{a, wantA}, {c, wantC}} {
			st, err := f.s.DeviceStats5m(ctx, sa, f.sa.ID, store.Device{VLAN: 3, IP: d.ip}, t0, t0.Add(time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(st, d.want) {
				t.Fatalf("%s: stats of %s = %+v, want %+v", stage, d.ip, st, d.want)
			}
		}
	}
	check("live")
	if err := f.s.rollUp(ctx); err != nil {
		t.Fatal(err)
	}
	var live int
	f.s.db.QueryRow(`SELECT count(*) FROM staged WHERE ` + notRolled).Scan(&live)
	if live != 0 {
		t.Fatalf("%d staged rows not rolled up", live)
	}
	check("rolled up")
}

// TestMaintenanceBesideIngest runs roll-ups, flushes and compaction over and
// over while batches arrive, as the server's background loop does now that
// it no longer holds the ingest's lock: at the end every record is stored
// once (in files or staged) and every rollup equals the raw records.
func TestMaintenanceBesideIngest(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	start := t0.Add(-2 * time.Hour) // the fixture's clock is two days after t0: every bucket is closed
	stop := make(chan struct{})
	done := make(chan error, 1)
	rounds := 0
	go func() {
		for {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			if err := f.s.Flush(ctx); err != nil {
				done <- err
				return
			}
			if err := f.s.Maintain(ctx); err != nil {
				done <- err
				return
			}
			rounds++
		}
	}()
	recs := ingestMinutes(t, f.s, sa, f.sa.ID, newGen(5, 60), start, 150, 30, 1)
	close(stop)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if rounds < 3 {
		t.Fatalf("only %d maintenance rounds ran beside the ingest", rounds)
	}
	// Half the checks with rows still staged, half after a last flush.
	for _, stage := range []string{"beside", "flushed"} {
		if stage == "flushed" {
			if err := f.s.Flush(ctx); err != nil {
				t.Fatal(err)
			}
			if err := f.s.Maintain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if n := countAll(t, f.s, sa); n != int64(len(recs)) {
			t.Fatalf("%s: %d records stored, %d ingested", stage, n, len(recs))
		}
		var fileRows, staged int64
		f.s.db.QueryRow(`SELECT coalesce(sum(rows), 0) FROM record_files`).Scan(&fileRows)
		f.s.db.QueryRow(`SELECT count(*) FROM staged`).Scan(&staged)
		if fileRows+staged != int64(len(recs)) {
			t.Fatalf("%s: %d rows in files and %d staged, %d ingested", stage, fileRows, staged, len(recs))
		}
		want := expect(recs)
		from, to := start, start.Add(3*time.Hour)
		pairs, err := f.s.TopPairs(ctx, sa, store.TopQuery{From: from, To: to, Limit: 100000})
		if err != nil || len(pairs) != len(want.pairs) {
			t.Fatalf("%s: %d pairs, %v; want %d", stage, len(pairs), err, len(want.pairs))
		}
		for _, p := range pairs {
			if w := want.pairs[pairID{p.Key.VLAN, p.Key.Orig, p.Key.Resp}]; w != p.Volume {
				t.Fatalf("%s: pair %+v = %+v, want %+v", stage, p.Key, p.Volume, w)
			}
		}
		checkPairHours(t, f.s, sa, want, from, to, stage)
		devs, err := f.s.TopDevices(ctx, sa, store.TopQuery{From: from, To: to, Limit: 1000})
		if err != nil || len(devs) != len(want.devices) {
			t.Fatalf("%s: %d devices, %v; want %d", stage, len(devs), err, len(want.devices))
		}
		for _, d := range devs {
			if w := want.devices[store.Device{VLAN: d.Key.VLAN, IP: d.Key.Orig}]; w != d.Volume {
				t.Fatalf("%s: device %+v = %+v, want %+v", stage, d.Key, d.Volume, w)
			}
		}
	}
}

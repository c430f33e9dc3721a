package embedded

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// t0 is the start of the synthetic data: a Monday, midnight UTC.
var t0 = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func openTest(t testing.TB, dir string, c *clock) *Store {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Dir = dir
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Now = c.now
	s, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// oneSensor creates a tenant and a sensor of it.
func oneSensor(tb testing.TB, s *Store, tenant, sensor string) (store.Scope, store.Sensor) {
	tb.Helper()
	ctx := context.Background()
	ten, err := s.CreateTenant(ctx, store.Tenant{Name: tenant})
	if err != nil {
		tb.Fatal(err)
	}
	sc := store.ForTenant(ten.ID)
	sen, err := s.CreateSensor(ctx, sc, sensor)
	if err != nil {
		tb.Fatal(err)
	}
	return sc, sen
}

// fixture is a store with two tenants of one sensor each.
type fixture struct {
	s      *Store
	clk    *clock
	ta, tb store.Tenant
	sa, sb store.Sensor
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{clk: &clock{t0.Add(48 * time.Hour)}}
	f.s = openTest(t, t.TempDir(), f.clk)
	ctx := context.Background()
	var err error
	if f.ta, err = f.s.CreateTenant(ctx, store.Tenant{Name: "plant-a"}); err != nil {
		t.Fatal(err)
	}
	if f.tb, err = f.s.CreateTenant(ctx, store.Tenant{Name: "plant-b"}); err != nil {
		t.Fatal(err)
	}
	if f.sa, err = f.s.CreateSensor(ctx, store.ForTenant(f.ta.ID), "line-1"); err != nil {
		t.Fatal(err)
	}
	if f.sb, err = f.s.CreateSensor(ctx, store.ForTenant(f.tb.ID), "line-1"); err != nil {
		t.Fatal(err)
	}
	return f
}

// gen makes deterministic plant-like traffic: a fixed set of devices on
// two VLANs, each minute a number of connections with one interval record
// each, plus OT operations.
type gen struct {
	rng     *rand.Rand
	devices []netip.Addr
	uid     int
	// peers, when set, fixes the communication graph as in a plant: each
	// device opens connections only to its own peers, each pair on one
	// VLAN and service. Zero draws every connection's pair at random.
	peers int
}

func newGen(seed uint64, devices int) *gen {
	g := &gen{rng: rand.New(rand.NewPCG(seed, 1))}
	for i := range devices {
		g.devices = append(g.devices, netip.AddrFrom4([4]byte{10, byte(1 + i/250), byte(i % 250 / 250), byte(1 + i%250)}))
	}
	return g
}

var ports = []uint16{502, 102, 44818, 2404, 20000, 80, 443, 53}

// minute returns the records of one minute starting at m: conns complete
// connections that began and ended inside the minute.
func (g *gen) minute(m time.Time, conns int) []record.Record {
	var out []record.Record
	ts := record.Micros(m.UnixMicro())
	for range conns {
		oi := g.rng.IntN(len(g.devices))
		o, r := g.devices[oi], g.devices[g.rng.IntN(len(g.devices))]
		p := ports[g.rng.IntN(len(ports))]
		vlan := uint16(10 + g.rng.IntN(2))
		if g.peers > 0 {
			k := g.rng.IntN(g.peers)
			r = g.devices[(oi+1+37*k)%len(g.devices)]
			p, vlan = ports[(oi+k)%len(ports)], uint16(10+oi%2)
		}
		if o == r {
			continue
		}
		g.uid++
		proto := "tcp"
		if p == 53 || p == 20000 {
			proto = "udp"
		}
		start := ts + record.Micros(g.rng.IntN(50_000_000))
		ob, rb := uint64(g.rng.IntN(5000)), uint64(g.rng.IntN(20000))
		op, rp := uint64(1+g.rng.IntN(20)), uint64(1+g.rng.IntN(20))
		uid := fmt.Sprintf("C%08d", g.uid)
		out = append(out,
			&record.ConnInterval{TS: ts, UID: uid, OrigH: o, OrigP: uint16(40000 + g.rng.IntN(20000)), RespH: r, RespP: p, Proto: proto,
				VLAN: vlan, OrigBytes: ob, RespBytes: rb, OrigPkts: op, RespPkts: rp, OrigIPBytes: ob + 40*op, RespIPBytes: rb + 40*rp,
				OrigL2Bytes: ob + 54*op, RespL2Bytes: rb + 54*rp},
			&record.Conn{TS: start, UID: uid, OrigH: o, OrigP: 40000, RespH: r, RespP: p, Proto: proto, Duration: 1_000_000,
				OrigBytes: ob, RespBytes: rb, ConnState: "SF", History: "ShADadFf", OrigPkts: op, RespPkts: rp,
				OrigIPBytes: ob + 40*op, RespIPBytes: rb + 40*rp, OrigL2Bytes: ob + 54*op, RespL2Bytes: rb + 54*rp,
				OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}, VLAN: vlan, End: "closed"})
		if p == 502 {
			out = append(out, &record.OT{TS: ts, TSFirst: start, TSLast: start + 1000, ReqH: o, RespH: r, RespP: p,
				Transport: "tcp", VLAN: vlan, Protocol: "modbus", Function: "read_holding_registers", Code: "3",
				Direction: "request", Count: op, ReqMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2}})
		}
	}
	out = append(out, &record.SensorStats{TS: ts, TSEnd: ts + 60_000_000, Frames: uint64(conns * 10), Bytes: uint64(conns * 1000)})
	return out
}

// ingestMinutes ingests n one-minute batches from start, seq numbered from
// seq0, and returns every record ingested. Like the maintenance, it rolls
// the staged rows up now and then (every seventh batch, so that most runs
// end with some rows only in the live views).
func ingestMinutes(t testing.TB, s *Store, sc store.Scope, sensor store.SensorID, g *gen, start time.Time, n, conns int, seq0 uint64) []record.Record {
	t.Helper()
	var all []record.Record
	for i := range n {
		m := start.Add(time.Duration(i) * time.Minute)
		recs := g.minute(m, conns)
		dup, err := s.IngestBatch(context.Background(), sc, store.BatchKey{Sensor: sensor, Epoch: 1, Seq: seq0 + uint64(i)},
			store.BatchMeta{Received: m.Add(time.Minute), Bytes: 1000, Schema: 1, SensorVersion: "test", Start: m, End: m.Add(time.Minute)}, recs)
		if err != nil {
			t.Fatal(err)
		}
		if dup {
			t.Fatalf("batch %d reported duplicate", seq0+uint64(i))
		}
		if (i+1)%7 == 0 {
			if err := s.rollUp(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		all = append(all, recs...)
	}
	return all
}

func countAll(t testing.TB, s *Store, sc store.Scope) int64 {
	t.Helper()
	counts, err := s.CountRecords(context.Background(), sc, store.RecordQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, c := range counts {
		n += c
	}
	return n
}

func parquetFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(filepath.Join(dir, "records"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	return out
}

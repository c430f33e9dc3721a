package embedded

import (
	"context"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

func TestDailyRollups(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	g := newGen(5, 30)
	var recs []record.Record
	for d := range 3 {
		recs = append(recs, ingestMinutes(t, f.s, sa, f.sa.ID, g, t0.Add(time.Duration(d)*24*time.Hour+10*time.Hour), 5, 20, uint64(d*100))...)
	}
	f.clk.t = t0.Add(3*24*time.Hour + time.Hour)
	from, to := t0, t0.Add(4*24*time.Hour)
	check := func(stage string, recs []record.Record) {
		t.Helper()
		want := expect(recs)
		got, err := f.s.TopPairs(ctx, sa, store.TopQuery{From: from, To: to, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want.pairs) {
			t.Fatalf("%s: %d pairs, want %d", stage, len(got), len(want.pairs))
		}
		for _, p := range got {
			if w := want.pairs[pairID{p.Key.VLAN, p.Key.Orig, p.Key.Resp}]; w != p.Volume {
				t.Fatalf("%s: pair %+v = %+v, want %+v", stage, p.Key, p.Volume, w)
			}
		}
		devs, err := f.s.TopDevices(ctx, sa, store.TopQuery{From: from, To: to, Limit: 100000})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range devs {
			if w := want.devices[store.Device{VLAN: d.Key.VLAN, IP: d.Key.Orig}]; w != d.Volume {
				t.Fatalf("%s: device %+v = %+v, want %+v", stage, d.Key, d.Volume, w)
			}
		}
	}
	check("hourly only", recs)
	if err := f.s.rollUp(ctx); err != nil {
		t.Fatal(err)
	}
	n, err := f.s.rollupDays(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 9 { // three days of three tables
		t.Fatalf("rolled up %d days, want 9", n)
	}
	if n, _ := f.s.rollupDays(ctx); n != 0 {
		t.Fatalf("second round rolled up %d days, want 0", n)
	}
	// The days mark moved to today: the next round reads no older day.
	if marks, err := f.s.marks(ctx); err != nil || marks[markDays] != floorTo(micros(f.clk.now()), dayUS) {
		t.Fatalf("days mark = %v (%v), want the start of today", marks[markDays], err)
	}
	var dayRows int
	f.s.db.QueryRow(`SELECT count(*) FROM traffic_pair_1d`).Scan(&dayRows)
	if dayRows == 0 {
		t.Fatal("no daily rows")
	}
	check("daily", recs)
	// Compaction of the hourly rows keeps the checksums: nothing to redo.
	if _, err := f.s.compactRollups(ctx, micros(f.clk.now())); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.s.rollupDays(ctx); n != 0 {
		t.Fatalf("after compaction rolled up %d days, want 0", n)
	}
	// A late batch for day 1 is picked up by the next round.
	late := ingestMinutes(t, f.s, sa, f.sa.ID, g, t0.Add(24*time.Hour+20*time.Hour), 1, 20, 1000)
	if err := f.s.rollUp(ctx); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.s.rollupDays(ctx); n != 3 {
		t.Fatalf("after a late batch rolled up %d days, want 3", n)
	}
	check("daily after late data", append(recs, late...))
}

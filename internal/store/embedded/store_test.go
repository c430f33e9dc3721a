package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

func TestIngestAndRecordsRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa := store.ForTenant(f.ta.ID)
	recs := ingestMinutes(t, f.s, sa, f.sa.ID, newGen(1, 50), t0, 3, 20, 1)
	// Every other shape of record: core kinds, a protocol package's kind,
	// and a kind this build does not know.
	a, b := netip.MustParseAddr("192.168.0.10"), netip.MustParseAddr("fe80::1")
	mac := record.MAC{0, 0x1b, 0x1b, 1, 2, 3}
	ts := record.Micros(t0.Add(90 * time.Second).UnixMicro())
	misc := []record.Record{
		&record.Flow{TS: ts, TSEnd: ts + 5, SrcH: a, DstH: netip.MustParseAddr("224.0.0.18"), Proto: 112, ProtoKey: "vrrp", SrcMAC: mac, Pkts: 3, IPBytes: 120, L2Bytes: 162, VLAN: 7},
		&record.Eth{TS: ts, TSEnd: ts + 9, SrcMAC: mac, DstMAC: record.MAC{1, 0x0e, 0xcf, 0, 0, 0}, EtherType: 0x8892, Frames: 10, Bytes: 640, Iface: "span0"},
		&record.ARP{TS: ts, OrigMAC: mac, OrigIP: a, WhoHas: netip.MustParseAddr("192.168.0.1"), Op: "request", Pkts: 2},
		&record.NDP{TS: ts, OrigMAC: mac, OrigIP: b, WhoHas: netip.MustParseAddr("fe80::2"), Op: "solicitation", Pkts: 1},
		&record.AssetID{TS: ts, MAC: mac, IP: a, Protocol: "profinet_dcp", Message: "identify", Vendor: "Siemens", Model: "S7-1500", Count: 1},
		&record.SSDP{TS: ts, OrigH: a, RespH: netip.MustParseAddr("239.255.255.250"), OrigP: 1900, RespP: 1900},
		&record.Raw{Kind: "future_kind", JSON: json.RawMessage(`{"ts":1,"x":[1,2]}`)},
	}
	if _, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 2, Seq: 1}, store.BatchMeta{}, misc); err != nil {
		t.Fatal(err)
	}
	recs = append(recs, misc...)
	check := func(stage string) {
		t.Helper()
		var got []record.Record
		for r, err := range f.s.Records(ctx, sa, store.RecordQuery{Sensor: f.sa.ID}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, r)
		}
		if len(got) != len(recs) {
			t.Fatalf("%s: %d records back, want %d", stage, len(got), len(recs))
		}
		// Exactly the records ingested, field by field (as multisets: the
		// store returns them in time order).
		if a, b := jsonLines(t, got), jsonLines(t, recs); !slices.Equal(a, b) {
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("%s: records differ:\n got %s\nwant %s", stage, a[i], b[i])
				}
			}
		}
		kinds := map[string]int{}
		for _, r := range got {
			if reflect.TypeOf(r).Elem().PkgPath() != "github.com/otsight/otsight/internal/record" {
				t.Fatalf("%s: record type %T", stage, r)
			}
			kinds[reflect.TypeOf(r).Elem().Name()]++
		}
		if kinds["Raw"] != 1 || kinds["SSDP"] != 1 || kinds["Conn"] != 60 {
			t.Fatalf("%s: decoded types %v", stage, kinds)
		}
		counts, err := f.s.CountRecords(ctx, sa, store.RecordQuery{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[record.Kind]int64{}
		for _, r := range recs {
			want[r.RecordKind()]++
		}
		if !reflect.DeepEqual(counts, want) {
			t.Fatalf("%s: counts %v, want %v", stage, counts, want)
		}
		conns, err := f.s.CountRecords(ctx, sa, store.RecordQuery{Kind: record.KindConn, From: t0.Add(time.Minute), To: t0.Add(2 * time.Minute)})
		if err != nil || conns[record.KindConn] != 20 || len(conns) != 1 {
			t.Fatalf("%s: conns of the second minute = %v, %v; want 20", stage, conns, err)
		}
	}
	check("staged")
	if err := f.s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("flushed")
	_, err := f.s.IngestBatch(ctx, sa, store.BatchKey{Sensor: f.sa.ID, Epoch: 1, Seq: 1}, store.BatchMeta{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.IngestBatch(ctx, store.ForTenant(f.tb.ID), store.BatchKey{Sensor: f.sa.ID, Epoch: 1, Seq: 99}, store.BatchMeta{}, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("foreign sensor: err = %v", err)
	}
	res, err := f.s.TrafficSeries(ctx, sa, store.TrafficQuery{From: t0, To: t0.Add(time.Hour), GroupBy: store.GroupPair, Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Series) != 3 || res.Series[0].Total.Bytes() < res.Series[2].Total.Bytes() || res.Step != time.Minute {
		t.Fatalf("top 3 pair series = %+v", res)
	}
}

func jsonLines(t *testing.T, recs []record.Record) []string {
	t.Helper()
	out := inOrder(t, recs)
	slices.Sort(out)
	return out
}

// TestBatchesSince reads batches back in the order they were stored, each
// with its records in the order of its wire form, from the staged table, from
// files, and from both; other tenants' batches never appear.
func TestBatchesSince(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	sa, sb := store.ForTenant(f.ta.ID), store.ForTenant(f.tb.ID)
	g := newGen(3, 30)
	var sent []store.StoredBatch
	ingest := func(sc store.Scope, sensor store.SensorID, i int) {
		t.Helper()
		m := t0.Add(time.Duration(i) * time.Minute)
		b := store.StoredBatch{Key: store.BatchKey{Sensor: sensor, Epoch: 9, Seq: uint64(i)},
			Meta:    store.BatchMeta{Received: m.Add(time.Minute), Bytes: 100 + i, Schema: 1, SensorVersion: "v", Start: m, End: m.Add(time.Minute)},
			Records: g.minute(m, 5)}
		if _, err := f.s.IngestBatch(ctx, sc, b.Key, b.Meta, b.Records); err != nil {
			t.Fatal(err)
		}
		if sc == sa {
			sent = append(sent, b)
		}
	}
	check := func(stage string, since time.Time, want []store.StoredBatch) {
		t.Helper()
		var got []store.StoredBatch
		if err := f.s.BatchesSince(ctx, sa, since, func(b store.StoredBatch) error {
			got = append(got, b)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %d batches, want %d", stage, len(got), len(want))
		}
		for i := range got {
			g, w := got[i], want[i]
			if g.Key != w.Key || !g.Meta.Received.Equal(w.Meta.Received) || g.Meta.Bytes != w.Meta.Bytes ||
				!g.Meta.Start.Equal(w.Meta.Start) || g.Meta.SensorVersion != w.Meta.SensorVersion {
				t.Fatalf("%s: batch %d = %+v %+v, want %+v %+v", stage, i, g.Key, g.Meta, w.Key, w.Meta)
			}
			if a, b := inOrder(t, g.Records), inOrder(t, wireOrder(w.Records)); !slices.Equal(a, b) {
				t.Fatalf("%s: records of batch %d differ:\n got %v\nwant %v", stage, i, a, b)
			}
		}
	}
	for i := range 6 {
		ingest(sa, f.sa.ID, i)
		ingest(sb, f.sb.ID, i)
	}
	check("staged", t0.Add(3*time.Minute), sent[2:])
	if err := f.s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	check("flushed", t0.Add(3*time.Minute), sent[2:])
	for i := 6; i < 8; i++ {
		ingest(sa, f.sa.ID, i)
	}
	check("files and staged", t0.Add(5*time.Minute), sent[4:])
	check("all", time.Time{}, sent)
	check("none", t0.Add(time.Hour), nil)
}

// inOrder is each record's kind and JSON, in the order given.
func inOrder(t *testing.T, recs []record.Record) []string {
	t.Helper()
	out := make([]string, len(recs))
	for i, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(r.RecordKind()) + " " + string(b)
	}
	return out
}

// TestLastUpload: a sensor's last upload is its newest stored batch's
// receipt, never lowered by a late batch, and kept across restarts and
// after retention has removed the batch keys.
func TestLastUpload(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t0}
	s := openTest(t, dir, clk)
	ctx := context.Background()
	sc, sen := oneSensor(t, s, "plant", "line-1")
	last := func(s *Store) time.Time {
		t.Helper()
		v, err := s.Sensor(ctx, sc, sen.ID)
		if err != nil {
			t.Fatal(err)
		}
		all, err := s.Sensors(ctx, sc)
		if err != nil || len(all) != 1 || !all[0].LastUpload.Equal(v.LastUpload) {
			t.Fatalf("Sensors = %+v, %v; Sensor says %v", all, err, v.LastUpload)
		}
		return v.LastUpload
	}
	if got := last(s); !got.IsZero() {
		t.Fatalf("last upload before any batch = %v", got)
	}
	newest := t0.Add(10 * time.Minute)
	for i, at := range []time.Time{t0.Add(5 * time.Minute), newest, t0.Add(7 * time.Minute)} {
		if _, err := s.IngestBatch(ctx, sc, store.BatchKey{Sensor: sen.ID, Epoch: 1, Seq: uint64(i)},
			store.BatchMeta{Received: at, Start: at.Add(-time.Minute), End: at}, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := last(s); !got.Equal(newest) {
		t.Fatalf("last upload = %v, want %v", got, newest)
	}
	s.Close()
	s = openTest(t, dir, clk)
	if got := last(s); !got.Equal(newest) {
		t.Fatalf("after a restart: last upload = %v, want %v", got, newest)
	}
	if _, err := s.db.Exec(`DELETE FROM batches`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openTest(t, dir, clk)
	if got := last(s); !got.Equal(newest) {
		t.Fatalf("without batch keys: last upload = %v, want %v", got, newest)
	}
}

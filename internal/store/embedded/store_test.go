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
	out := make([]string, len(recs))
	for i, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = string(r.RecordKind()) + " " + string(b)
	}
	slices.Sort(out)
	return out
}

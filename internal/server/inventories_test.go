package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// TestInventoryReplayAfterCrash loses the inventory's in-memory state
// after a snapshot, with batches added since and one stored but never
// added (a crash between the commit and the inventory): the restored
// inventory replays exactly the missing batches from the store and equals
// one that saw every batch once.
func TestInventoryReplayAfterCrash(t *testing.T) {
	ctx := context.Background()
	st, scopes, sensors := storeWithTenants(t, "a")
	sc, sensor := scopes[0], sensors[0]
	dir := t.TempDir()
	open := func() *inventories {
		return newInventories(dir, st, 1500, false, slog.New(slog.DiscardHandler), time.Now)
	}
	want := inventory.New(inventory.Config{MaxDevicesPerSensor: 1500})
	start := time.Now().Add(-time.Minute)
	batch := func(i int) (store.BatchKey, store.BatchMeta, []record.Record) {
		ts := record.Micros(start.Add(time.Duration(i) * time.Second).UnixMicro())
		plc := netip.AddrFrom4([4]byte{192, 168, 1, byte(100 + i)})
		hmi := netip.MustParseAddr("192.168.1.10")
		recs := []record.Record{
			&record.ARP{TS: ts, OrigMAC: record.MAC{2, 0, 0, 0, 1, byte(i)}, OrigIP: plc, WhoHas: hmi, Op: "request", Pkts: 1},
			&record.Conn{TS: ts, UID: fmt.Sprint("C", i), OrigH: hmi, OrigP: 50000, RespH: plc, RespP: 502, Proto: "tcp",
				Service: "modbus", OrigPkts: 4, RespPkts: 4, OrigIPBytes: 300, RespIPBytes: 400,
				OrigMAC: record.MAC{2, 0, 0, 0, 0, 10}, RespMAC: record.MAC{2, 0, 0, 0, 1, byte(i)}},
			&record.ConnInterval{TS: ts, UID: fmt.Sprint("C", i), OrigH: hmi, OrigP: 50000, RespH: plc, RespP: 502, Proto: "tcp",
				Service: "modbus", OrigPkts: 4, RespPkts: 4, OrigIPBytes: 300 + uint64(i), RespIPBytes: 400},
		}
		return store.BatchKey{Sensor: sensor, Epoch: 7, Seq: uint64(i)},
			store.BatchMeta{Received: start.Add(time.Duration(i) * time.Second)}, recs
	}
	ingest := func(v *inventories, i int, addToInventory bool) {
		t.Helper()
		k, m, recs := batch(i)
		if _, err := st.IngestBatch(ctx, sc, k, m, recs); err != nil {
			t.Fatal(err)
		}
		want.Add(sensorKey(sensor), recs)
		if addToInventory {
			if _, err := v.add(ctx, sc, k, m, recs); err != nil {
				t.Fatal(err)
			}
		}
	}
	same := func(stage string, v *inventories) {
		t.Helper()
		inv, err := v.get(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(inv.Devices())
		exp, _ := json.Marshal(want.Devices())
		if string(got) != string(exp) {
			t.Fatalf("%s: inventory differs from one that saw every batch once:\n got %s\nwant %s", stage, got, exp)
		}
	}

	v1 := open()
	for i := 1; i <= 4; i++ {
		ingest(v1, i, true)
	}
	if err := v1.save(); err != nil {
		t.Fatal(err)
	}
	for i := 5; i <= 7; i++ {
		ingest(v1, i, true)
	}
	ingest(v1, 8, false) // stored; the server died before the inventory saw it

	// The crash: v1's memory is gone, its snapshot has batches 1-4.
	v2 := open()
	same("after replay", v2)
	ingest(v2, 9, true)
	same("after a new batch", v2)
	// A batch the replay added is not added twice when its upload lands.
	k, m, recs := batch(8)
	if _, err := v2.add(ctx, sc, k, m, recs); err != nil {
		t.Fatal(err)
	}
	same("after a late add of a replayed batch", v2)
	if err := v2.save(); err != nil {
		t.Fatal(err)
	}
	same("after a clean restart", open())

	// A snapshot that cannot be read, with and without the header: kept
	// aside, and the inventory rebuilt from every stored batch.
	for i, junk := range []string{snapshotMagic + "not gob", "neither"} {
		path := open().path(sc.Tenant())
		if err := os.WriteFile(path, []byte(junk), 0o600); err != nil {
			t.Fatal(err)
		}
		same(fmt.Sprint("rebuilt from an unreadable snapshot ", i), open())
		aside, _ := filepath.Glob(path + ".unreadable-*")
		if len(aside) == 0 {
			t.Fatalf("unreadable snapshot %d not kept aside", i)
		}
		for _, a := range aside {
			os.Remove(a)
		}
	}
}

package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/netip"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
	"github.com/otsight/otsight/internal/store/embedded"
)

// TestInventoryFollowsFoldSetting changes the tenant's Internet folding in
// the settings the portal writes: each batch is folded as the setting was
// when it arrived, and another tenant is not affected.
func TestInventoryFollowsFoldSetting(t *testing.T) {
	ctx := context.Background()
	st, scopes, sensors := storeWithTenants(t, "a", "b")
	v := newInventories(t.TempDir(), st, 1500, false, slog.New(slog.DiscardHandler), time.Now)
	ts := record.Micros(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC).UnixMicro())
	var seq uint64
	add := func(tenant int, dst string) {
		t.Helper()
		recs := []record.Record{&record.Conn{TS: ts, OrigH: netip.MustParseAddr("192.168.1.10"), OrigP: 50000,
			RespH: netip.MustParseAddr(dst), RespP: 443, Proto: "tcp", OrigPkts: 3, RespPkts: 3,
			OrigMAC: record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 0xfe}}}
		seq++
		k := store.BatchKey{Sensor: sensors[tenant], Epoch: 1, Seq: seq}
		m := store.BatchMeta{Received: time.UnixMicro(int64(ts))}
		if _, err := st.IngestBatch(ctx, scopes[tenant], k, m, recs); err != nil {
			t.Fatal(err)
		}
		if _, err := v.add(ctx, scopes[tenant], k, m, recs); err != nil {
			t.Fatal(err)
		}
	}
	internet := func(tenant int) []string {
		t.Helper()
		inv, err := v.get(ctx, scopes[tenant])
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, d := range inv.Devices() {
			if d.Key.Segment == inventory.InternetSegment {
				out = append(out, d.Key.Addr.String())
			}
		}
		sort.Strings(out)
		return out
	}
	setFold := func(fold bool) {
		t.Helper()
		raw, _ := json.Marshal(fold)
		if err := st.PutSetting(ctx, scopes[0], settingFoldInternet, raw); err != nil {
			t.Fatal(err)
		}
	}
	add(0, "8.8.8.8")
	setFold(true)
	add(0, "1.1.1.1")
	add(1, "1.1.1.1")
	setFold(false)
	add(0, "9.9.9.9")
	// 0.0.0.0 is the folded Internet device of the sensor.
	if got, want := internet(0), []string{"0.0.0.0", "8.8.8.8", "9.9.9.9"}; !slices.Equal(got, want) {
		t.Fatalf("tenant a's Internet devices = %v, want %v", got, want)
	}
	if got, want := internet(1), []string{"1.1.1.1"}; !slices.Equal(got, want) {
		t.Fatalf("tenant b's Internet devices = %v, want %v", got, want)
	}
}

// storeWithTenants opens an embedded store in a temporary directory with
// the named tenants, each with one sensor "line-1".
func storeWithTenants(t *testing.T, names ...string) (*embedded.Store, []store.Scope, []store.SensorID) {
	t.Helper()
	st, err := embedded.Open(embedded.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var scopes []store.Scope
	var sensors []store.SensorID
	for _, name := range names {
		ten, err := st.CreateTenant(context.Background(), store.Tenant{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		sc := store.ForTenant(ten.ID)
		sen, err := st.CreateSensor(context.Background(), sc, "line-1")
		if err != nil {
			t.Fatal(err)
		}
		scopes, sensors = append(scopes, sc), append(sensors, sen.ID)
	}
	return st, scopes, sensors
}

package embedded

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// populate fills one tenant with traffic and state; seed varies the data.
func populate(t testing.TB, s *Store, sc store.Scope, sensor store.SensorID, seed uint64) {
	t.Helper()
	ctx := context.Background()
	ingestMinutes(t, s, sc, sensor, newGen(seed, 30), t0.Add(50*time.Minute), 20, 15, 1)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(s.LogUpload(ctx, sc, store.UploadEvent{Time: t0, Sensor: sensor, Epoch: 1, Seq: 1, Records: 10, Bytes: 99, Result: "stored", Remote: "192.0.2.1:5000"}))
	u, err := s.CreateUser(ctx, sc, store.User{Login: fmt.Sprintf("admin-%d", seed), Email: "a@example.com", Role: store.RoleAdmin, PasswordHash: "h"})
	must(err)
	must(s.PutCode(ctx, sc, store.OneTimeCode{User: u.ID, Hash: sha256.Sum256([]byte("123456")), Expires: t0.Add(time.Hour)}))
	_, err = s.QueueMail(ctx, sc, store.Mail{To: "a@example.com", Subject: fmt.Sprintf("alert %d", seed), Message: []byte("Subject: x\r\n\r\nbody")})
	must(err)
	must(s.Audit(ctx, sc, store.AuditEntry{Time: t0, Actor: u.Login, Action: "login", Target: u.Login}))
	must(s.CreateAPIToken(ctx, sc, store.APIToken{Hash: sha256.Sum256([]byte(fmt.Sprint("tok", seed))), User: u.ID, Name: "ci"}))
	must(s.PutSetting(ctx, sc, "fold_internet", json.RawMessage(`{"on":true}`)))
}

// snapshot calls every tenant-scoped query function and collects the
// answers.
func snapshot(t testing.TB, s *Store, sc store.Scope, sensor store.SensorID) map[string]any {
	t.Helper()
	ctx := context.Background()
	out := map[string]any{}
	put := func(name string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		out[name] = v
	}
	from, to := t0, t0.Add(3*time.Hour)
	v1, err := s.Tenant(ctx, sc)
	put("Tenant", v1, err)
	v2, err := s.Sensors(ctx, sc)
	put("Sensors", v2, err)
	v3, err := s.Sensor(ctx, sc, sensor)
	put("Sensor", v3, err)
	v4, err := s.Uploads(ctx, sc, time.Time{}, 0)
	put("Uploads", v4, err)
	for _, g := range []store.GroupBy{store.GroupTotal, store.GroupPair, store.GroupService, store.GroupDevice} {
		for _, step := range []time.Duration{time.Minute, time.Hour} {
			v, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: from, To: to, Step: step, GroupBy: g, Limit: 1000})
			put(fmt.Sprint("TrafficSeries/", g, step), v, err)
		}
	}
	dev := store.Device{VLAN: 10, IP: netip.AddrFrom4([4]byte{10, 1, 0, 1})}
	v5, err := s.TrafficSeries(ctx, sc, store.TrafficQuery{From: from, To: to, GroupBy: store.GroupPair, Device: &dev, Limit: 1000})
	put("TrafficSeries/device", v5, err)
	q := store.TopQuery{From: from, To: to, Limit: 1000}
	v6, err := s.TopPairs(ctx, sc, q)
	put("TopPairs", v6, err)
	v7, err := s.TopServices(ctx, sc, q)
	put("TopServices", v7, err)
	v8, err := s.TopDevices(ctx, sc, q)
	put("TopDevices", v8, err)
	v9, err := s.DeviceStats5m(ctx, sc, sensor, dev, from, to)
	put("DeviceStats5m", v9, err)
	v10, err := s.PairHourly(ctx, sc, store.PairQuery{From: from, To: to})
	put("PairHourly", v10, err)
	var recs []string
	for r, err := range s.Records(ctx, sc, store.RecordQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		recs = append(recs, string(r.RecordKind())+string(b))
	}
	out["Records"] = recs
	v11, err := s.CountRecords(ctx, sc, store.RecordQuery{})
	put("CountRecords", v11, err)
	var batches []string
	err = s.BatchesSince(ctx, sc, time.Time{}, func(b store.StoredBatch) error {
		j, _ := json.Marshal(b)
		batches = append(batches, string(j))
		return nil
	})
	put("BatchesSince", batches, err)
	v12, err := s.Users(ctx, sc)
	put("Users", v12, err)
	if len(v12) > 0 {
		u, err := s.User(ctx, sc, v12[0].ID)
		put("User", u, err)
		tk, err := s.APITokens(ctx, sc, 0)
		put("APITokens", tk, err)
	}
	v13, err := s.Outbox(ctx, sc, 0)
	put("Outbox", v13, err)
	v14, err := s.AuditLog(ctx, sc, time.Time{}, 0)
	put("AuditLog", v14, err)
	v15, err := s.Settings(ctx, sc)
	put("Settings", v15, err)
	return out
}

func TestTenantIsolation(t *testing.T) {
	// alone: only tenant A has data. both: B has overlapping data (same
	// addresses, times and batch numbers). A's answers must not change.
	alone, both := newFixture(t), newFixture(t)
	populate(t, alone.s, store.ForTenant(alone.ta.ID), alone.sa.ID, 1)
	populate(t, both.s, store.ForTenant(both.ta.ID), both.sa.ID, 1)
	populate(t, both.s, store.ForTenant(both.tb.ID), both.sb.ID, 2)
	for _, flush := range []bool{false, true} {
		if flush {
			for _, f := range []*fixture{alone, both} {
				if err := f.s.Flush(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
		}
		want := snapshot(t, alone.s, store.ForTenant(alone.ta.ID), alone.sa.ID)
		got := snapshot(t, both.s, store.ForTenant(both.ta.ID), both.sa.ID)
		for name, w := range want {
			if !reflect.DeepEqual(got[name], w) {
				t.Errorf("flushed=%v: %s differs with another tenant's data present:\n got %+v\nwant %+v", flush, name, got[name], w)
			}
		}
		if recs := want["Records"].([]string); len(recs) < 100 {
			t.Fatalf("only %d records: the comparison proves nothing", len(recs))
		}
	}
	// B cannot reach A's sensor, user, token or code by id.
	ctx := context.Background()
	sb := store.ForTenant(both.tb.ID)
	if _, err := both.s.Sensor(ctx, sb, both.sa.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B reads A's sensor: err = %v", err)
	}
	if err := both.s.UpdateSensor(ctx, sb, store.Sensor{ID: both.sa.ID, Name: "x"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B updates A's sensor: err = %v", err)
	}
	ua, _ := both.s.Users(ctx, store.ForTenant(both.ta.ID))
	if _, err := both.s.User(ctx, sb, ua[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B reads A's user: err = %v", err)
	}
	if err := both.s.UpdateUser(ctx, sb, ua[0]); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B updates A's user: err = %v", err)
	}
	if err := both.s.DeleteUser(ctx, sb, ua[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B deletes A's user: err = %v", err)
	}
	if _, err := both.s.TakeCode(ctx, sb, ua[0].ID, sha256.Sum256([]byte("123456")), t0, 5); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B takes A's code: err = %v", err)
	}
	if err := both.s.RevokeAPIToken(ctx, sb, sha256.Sum256([]byte("tok1")), t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B revokes A's token: err = %v", err)
	}
	if err := both.s.CreateAPIToken(ctx, sb, store.APIToken{Hash: sha256.Sum256([]byte("z")), User: ua[0].ID}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("B makes a token for A's user: err = %v", err)
	}
	if _, err := both.s.Setting(ctx, store.ForTenant(999), "fold_internet"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown tenant reads a setting: err = %v", err)
	}
	for name, call := range map[string]func() (int, error){
		"DeviceStats5m": func() (int, error) {
			v, err := both.s.DeviceStats5m(ctx, sb, both.sa.ID, store.Device{VLAN: 10, IP: netip.AddrFrom4([4]byte{10, 1, 0, 1})}, t0, t0.Add(3*time.Hour))
			return len(v), err
		},
		"Records": func() (int, error) {
			n := 0
			for _, err := range both.s.Records(ctx, sb, store.RecordQuery{Sensor: both.sa.ID}) {
				if err != nil {
					return 0, err
				}
				n++
			}
			return n, nil
		},
		"TrafficSeries": func() (int, error) {
			v, err := both.s.TrafficSeries(ctx, sb, store.TrafficQuery{Sensor: both.sa.ID, From: t0, To: t0.Add(3 * time.Hour)})
			return len(v.Series), err
		},
		"PairHourly": func() (int, error) {
			v, err := both.s.PairHourly(ctx, sb, store.PairQuery{Sensor: both.sa.ID, From: t0, To: t0.Add(3 * time.Hour)})
			return len(v), err
		},
		"TopPairs": func() (int, error) {
			v, err := both.s.TopPairs(ctx, sb, store.TopQuery{Sensor: both.sa.ID, From: t0, To: t0.Add(3 * time.Hour)})
			return len(v), err
		},
	} {
		if n, err := call(); err != nil || n != 0 {
			t.Errorf("B asks for A's sensor in %s: %d rows, err %v; want none", name, n, err)
		}
	}
}

package demo

import (
	"bytes"
	"context"
	"maps"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
	"github.com/otsight/otsight/internal/server"
	"github.com/otsight/otsight/internal/store"
)

// syncBuffer is the demo's output, read by the test while the demo writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// started is a demo running in the background.
type started struct {
	ready  *Ready
	out    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// start runs the demo with cfg until stop and waits for it to be ready.
func start(t *testing.T, cfg Config) *started {
	t.Helper()
	readyCh := make(chan *Ready, 1)
	cfg.OnReady = func(r *Ready) { readyCh <- r }
	ctx, cancel := context.WithCancel(context.Background())
	s := &started{out: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- Run(ctx, cfg, s.out) }()
	select {
	case s.ready = <-readyCh:
	case err := <-s.done:
		cancel()
		t.Fatalf("demo ended before it was ready: %v\n%s", err, s.out)
	case <-time.After(3 * time.Minute):
		cancel()
		<-s.done
		t.Fatalf("demo not ready after 3 minutes:\n%s", s.out)
	}
	return s
}

// stop cancels the demo (Ctrl-C) and waits for its graceful end.
func (s *started) stop(t *testing.T) string {
	t.Helper()
	s.cancel()
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("demo: %v\n%s", err, s.out)
		}
	case <-time.After(time.Minute):
		t.Fatalf("demo did not stop within a minute:\n%s", s.out)
	}
	return s.out.String()
}

var credLine = regexp.MustCompile(`(?m)^(portal|login|password): (\S+)$`)

// credentials returns the portal, login and password lines of out.
func credentialsOf(t *testing.T, out string) map[string]string {
	t.Helper()
	got := map[string]string{}
	for _, m := range credLine.FindAllStringSubmatch(out, -1) {
		if _, dup := got[m[1]]; dup {
			t.Fatalf("%s printed twice:\n%s", m[1], out)
		}
		got[m[1]] = m[2]
	}
	if len(got) != 3 {
		t.Fatalf("want portal, login and password lines, got %v:\n%s", got, out)
	}
	return got
}

// endpoints are the (VLAN, address) pairs of conn records: the devices the
// traffic rollups know.
func endpoints(recs []record.Record) map[store.Device]bool {
	out := map[store.Device]bool{}
	for _, r := range recs {
		if c, ok := r.(*record.Conn); ok {
			out[store.Device{VLAN: c.VLAN, IP: c.OrigH}] = true
			out[store.Device{VLAN: c.VLAN, IP: c.RespH}] = true
		}
	}
	return out
}

// rankedDevices lists the devices the store's traffic rollups rank in
// [from, to).
func rankedDevices(t *testing.T, r *Ready, from, to time.Time) map[store.Device]bool {
	t.Helper()
	rows, err := r.Server.Store().TopDevices(context.Background(), store.ForTenant(r.Tenant),
		store.TopQuery{Sensor: r.Sensor, From: from, To: to, Limit: 100000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[store.Device]bool{}
	for _, row := range rows {
		out[store.Device{VLAN: row.Key.VLAN, IP: row.Key.Orig}] = true
	}
	return out
}

func countKinds(recs []record.Record) map[record.Kind]int64 {
	out := map[record.Kind]int64{}
	for _, r := range recs {
		out[r.RecordKind()]++
	}
	return out
}

func dev(vlan uint16, ip string) store.Device {
	return store.Device{VLAN: vlan, IP: netip.MustParseAddr(ip)}
}

// TestDemoHistoryAndRestart runs the demo with 30 minutes of history on a
// fresh data directory, finds the history's records and the plant's devices
// through the store's queries, stops it, and starts it again on the same
// directory: same credentials, one tenant, one sensor, history kept and not
// generated again.
func TestDemoHistoryAndRestart(t *testing.T) {
	dir := t.TempDir()
	// The demo's clock runs from a whole hour, so the history span is known
	// here; the generator is deterministic, so its records are too.
	base := time.Now().UTC().Truncate(time.Hour)
	t0 := time.Now()
	cfg := Config{DataDir: dir, Listen: "127.0.0.1:0", History: 30 * time.Minute, Plant: "small", Seed: 1,
		Now: func() time.Time { return base.Add(time.Since(t0)) }}
	from, to := base.Add(-30*time.Minute), base

	plant, err := gen.Preset("small")
	if err != nil {
		t.Fatal(err)
	}
	var want []record.Record
	st, err := gen.WriteRecords(gen.Options{Plant: plant, Start: from, Duration: to.Sub(from), Seed: 1}, 0,
		func(b *record.Batch) error { want = append(want, b.Records...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if st.Batches != 30 {
		t.Fatalf("generator made %d batches for 30 minutes, want 30", st.Batches)
	}
	wantKinds := countKinds(want)
	for _, k := range []record.Kind{"conn", "conn_interval", "ot", "arp", "eth", "sensor_stats"} {
		if wantKinds[k] == 0 {
			t.Fatalf("the small plant makes no %s records in 30 minutes: %v", k, wantKinds)
		}
	}
	if wantKinds["sensor_stats"] != 30 {
		t.Fatalf("sensor_stats = %d, want one per minute (30)", wantKinds["sensor_stats"])
	}

	check := func(r *Ready) {
		t.Helper()
		select {
		case <-r.HistoryIngested:
		case <-time.After(2 * time.Minute):
			t.Fatal("history not ingested after 2 minutes")
		}
		got, err := r.Server.Store().CountRecords(context.Background(), store.ForTenant(r.Tenant),
			store.RecordQuery{Sensor: r.Sensor, From: from, To: to})
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(got, wantKinds) {
			t.Errorf("stored records of the history span by kind:\n got  %v\n want %v", got, wantKinds)
		}
		devs := rankedDevices(t, r, from, to)
		for _, d := range []store.Device{
			dev(101, "192.168.1.10"), // line1-HMI
			dev(101, "192.168.1.20"), // line1-mitsubishi-plc1
			dev(104, "192.168.1.10"), // line4-HMI: same address, another cell
			dev(20, "10.20.0.10"),    // historian01
			dev(20, "10.20.0.11"),    // SCADA01
			dev(30, "10.30.0.10"),    // BMS01
		} {
			if !devs[d] {
				t.Errorf("device %v not among the %d the store ranks", d, len(devs))
			}
		}
		if wantDevs := endpoints(want); !maps.Equal(devs, wantDevs) {
			t.Errorf("the store ranks %d devices, the history's conn records have %d", len(devs), len(wantDevs))
		}
		t.Logf("history span: stored %v; %d devices ranked", got, len(devs))
	}

	s := start(t, cfg)
	check(s.ready)
	first := s.ready
	out1 := s.stop(t)
	cred1 := credentialsOf(t, out1)
	if !strings.HasPrefix(cred1["portal"], "http://127.0.0.1:") || cred1["portal"] != first.PortalURL {
		t.Errorf("portal line %q, ready %q", cred1["portal"], first.PortalURL)
	}
	if cred1["login"] != first.Login || cred1["password"] != first.Password || first.Password == "" {
		t.Errorf("printed %v, ready %q/%q", cred1, first.Login, first.Password)
	}
	outbox := "one-time login codes are written as .eml files under " + filepath.Join(dir, "outbox") + "/"
	if !strings.Contains(out1, outbox) {
		t.Errorf("no outbox line %q in:\n%s", outbox, out1)
	}
	if !strings.Contains(out1, `created tenant "demo"`) || !strings.Contains(out1, "history: all 30 batches ingested") {
		t.Errorf("first start's progress lacks creation or history lines:\n%s", out1)
	}
	if fi, err := os.Stat(filepath.Join(dir, loginFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v, mode %v; want 0600", loginFile, err, fi.Mode())
	}
	hist1, err := os.ReadFile(historyPath(dir))
	if err != nil {
		t.Fatal(err)
	}

	s = start(t, cfg)
	check(s.ready)
	ctx := context.Background()
	tenants := s.ready.Server.Admin().Do(ctx, server.Request{Op: server.OpTenantList})
	sensors := s.ready.Server.Admin().Do(ctx, server.Request{Op: server.OpSensorList})
	out2 := s.stop(t)
	if len(tenants.Tenants) != 1 || tenants.Tenants[0].Name != TenantName {
		t.Errorf("tenants after a restart: %+v", tenants)
	}
	if len(sensors.Sensors) != 1 || sensors.Sensors[0].Name != SensorName || !sensors.Sensors[0].Enrolled {
		t.Errorf("sensors after a restart: %+v", sensors)
	}
	if cred2 := credentialsOf(t, out2); cred2["login"] != cred1["login"] || cred2["password"] != cred1["password"] {
		t.Errorf("restart printed %v, first start %v", cred2, cred1)
	}
	if !strings.Contains(out2, "history: 30 batches of") || !strings.Contains(out2, "generated before, not again") ||
		strings.Contains(out2, "history: generating") || strings.Contains(out2, "created tenant") {
		t.Errorf("restart's progress:\n%s", out2)
	}
	if hist2, err := os.ReadFile(historyPath(dir)); err != nil || !bytes.Equal(hist1, hist2) {
		t.Errorf("history state changed by the restart:\n%s\n%s", hist1, hist2)
	}
}

// TestDemoReadCapture runs the demo on a real capture instead of the
// generator: every record the sensor pipeline makes of it is stored, and
// the capture's hosts are among the devices.
func TestDemoReadCapture(t *testing.T) {
	path := pcaptest.Path(t, "modbus/mb2.pcap")
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := sensortest.Run(reg, path)
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := countKinds(res.Records)
	if wantKinds["conn"] == 0 || wantKinds["ot"] == 0 {
		t.Fatalf("mb2.pcap gives no conn or ot records: %v", wantKinds)
	}

	s := start(t, Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", History: time.Hour, Read: path})
	r := s.ready
	ctx := context.Background()
	var got map[record.Kind]int64
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if got, err = r.Server.Store().CountRecords(ctx, store.ForTenant(r.Tenant), store.RecordQuery{Sensor: r.Sensor}); err != nil {
			t.Fatal(err)
		}
		if maps.Equal(got, wantKinds) {
			break
		}
	}
	// The capture spans 21 s of 2012-11-12.
	devs := rankedDevices(t, r, time.Date(2012, 11, 12, 0, 0, 0, 0, time.UTC), time.Date(2012, 11, 13, 0, 0, 0, 0, time.UTC))
	out := s.stop(t)
	if !maps.Equal(got, wantKinds) {
		t.Errorf("stored records by kind:\n got  %v\n want %v", got, wantKinds)
	}
	for _, d := range []store.Device{dev(0, "141.81.0.10"), dev(0, "141.81.0.146"), dev(0, "141.81.0.11")} {
		if !devs[d] {
			t.Errorf("device %v not among the %d the store ranks", d, len(devs))
		}
	}
	if wantDevs := endpoints(res.Records); !maps.Equal(devs, wantDevs) {
		t.Errorf("the store ranks %d devices, the capture's conn records have %d", len(devs), len(wantDevs))
	}
	if len(devs) != 38 || got["sensor_stats"] != 1 { // tshark -z endpoints,ip: 38; 21 s within one minute
		t.Errorf("%d devices and %d minutes, want 38 and 1", len(devs), got["sensor_stats"])
	}
	t.Logf("mb2.pcap: stored %v; %d devices ranked", got, len(devs))
	if strings.Contains(out, "history:") {
		t.Errorf("a capture run generated history:\n%s", out)
	}
	if !strings.Contains(out, "live: "+path+" read to its end") {
		t.Errorf("no end-of-file line:\n%s", out)
	}
	credentialsOf(t, out)
}

// TestDemoFreeAddress moves to the next port when the first is taken.
func TestDemoFreeAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if port >= 65535-ListenTries {
		t.Skipf("kernel gave port %d, too close to the end", port)
	}
	got, err := freeAddress(ln.Addr().String(), ListenTries)
	if err != nil {
		t.Fatal(err)
	}
	_, ps, _ := net.SplitHostPort(got)
	p, err := strconv.Atoi(ps)
	if err != nil {
		t.Fatal(err)
	}
	if p <= port || p >= port+ListenTries {
		t.Errorf("freeAddress(%s) = %s, want a port in (%d, %d)", ln.Addr(), got, port, port+ListenTries)
	}
	if _, err := freeAddress(ln.Addr().String(), 1); err == nil {
		t.Errorf("freeAddress with one try on a taken port: no error")
	}
}

// TestDemoPasswordMatches recognises the demo's password in an argon2id
// hash made by the auth service, and a changed one.
func TestDemoPasswordMatches(t *testing.T) {
	svc, err := auth.New(auth.Config{Argon2: auth.Argon2Params{Time: 1, Memory: 64, Threads: 1}}, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	h, err := svc.HashPassword(context.Background(), "initial-demo-password")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		hash, pw string
		want     bool
	}{
		{h, "initial-demo-password", true},
		{h, "initial-demo-passwore", false},
		{h, "", false},
		{"not a hash", "initial-demo-password", false},
	} {
		if got := passwordMatches(c.hash, c.pw); got != c.want {
			t.Errorf("passwordMatches(%q, %q) = %v", c.hash, c.pw, got)
		}
	}
}

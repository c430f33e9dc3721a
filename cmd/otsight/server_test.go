//go:build cgo

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/config"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/server"
	"github.com/otsight/otsight/internal/store"
)

// e2eCaptures are replayed through a sensor into the server: Modbus over
// 26 minutes (27 batches), a mixed plant (Modbus, EtherNet/IP, S7,
// PROFINET) and IT traffic (ARP, DNS, HTTP, mDNS, NBNS).
var e2eCaptures = []string{
	"modbus/MODBUS-TestDataPart1.pcap",
	"modbus/mb2.pcap",
	"it/wikipedia.pcap",
}

// testServer runs `otsight server` on a data directory with loopback
// listeners on free ports until the test ends or stop is called.
type testServer struct {
	srv  *server.Server
	data string
	stop func()
}

func startServer(t *testing.T, data string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	started := make(chan *server.Server, 1)
	done := make(chan int, 1)
	var stderr bytes.Buffer
	env := []string{
		"OTSIGHT_LISTEN_ADDRESS=127.0.0.1:0",
		"OTSIGHT_INGEST_ADDRESS=127.0.0.1:0",
		"OTSIGHT_INGEST_HOSTS=127.0.0.1",
	}
	var logw io.Writer = &stderr
	if p := os.Getenv("H10_DEBUG"); p != "" {
		f, _ := os.Create(p)
		logw = f
	}
	go func() { done <- serveUntil(ctx, []string{"--data", data}, env, io.Discard, logw, started) }()
	ts := &testServer{data: data}
	select {
	case ts.srv = <-started:
	case code := <-done:
		cancel()
		t.Fatalf("server exited with %d:\n%s", code, stderr.String())
	}
	stopped := false
	ts.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("server exit %d:\n%s", code, stderr.String())
		}
	}
	t.Cleanup(ts.stop)
	return ts
}

// runCmd runs one otsight command line and fails the test unless it exits 0.
func runCmd(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	var code int
	if args[0] == "admin" {
		code = admin(context.Background(), args[1:], nil, &stdout, &stderr)
	} else {
		code = run(args, &stdout, &stderr)
	}
	if code != 0 {
		t.Fatalf("otsight %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return stdout.String()
}

var tokenRE = regexp.MustCompile(`otsight-enrol-v1\.\S+`)

// TestServerEndToEnd: a sensor enrolled with the token of `admin sensor
// add` uploads captures over mutual TLS; the server stores exactly the
// records `otsight analyze` produces for the same files, kind by kind, and
// `admin stats --json` reports them, through the socket while the server
// runs and from the data directory once it stopped.
func TestServerEndToEnd(t *testing.T) {
	dir := t.TempDir()
	data, state, spool := filepath.Join(dir, "data"), filepath.Join(dir, "state"), filepath.Join(dir, "spool")
	ts := startServer(t, data)

	out := runCmd(t, "admin", "--data", data, "tenant", "add", "acme", "--sensors", "2", "--admin-email", "ops@acme.example")
	if !strings.Contains(out, "tenant acme (id 1): up to 2 sensors") {
		t.Fatalf("tenant add printed %q", out)
	}
	out = runCmd(t, "admin", "--data", data, "sensor", "add", "--tenant", "acme", "--name", "line-a")
	token := tokenRE.FindString(out)
	if token == "" || !strings.Contains(out, ts.srv.CA().Fingerprint().String()) {
		t.Fatalf("sensor add printed %q", out)
	}
	seedEpoch(t, spool)
	url := "https://" + ts.srv.IngestAddr()
	runCmd(t, "sensor", "enroll", "--server", url, "--token", token, "--state", state)

	want := map[record.Kind][]string{} // analyze's records, canonical JSON
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range e2eCaptures {
		file := pcaptest.Path(t, rel)
		runCmd(t, "sensor", "--read", file, "--spool", spool, "--server", url, "--state", state)
		outDir := filepath.Join(dir, "analyze")
		if _, err := analyzeFile(file, outDir, reg, nil, io.Discard, false); err != nil {
			t.Fatal(err)
		}
		readKindFiles(t, filepath.Join(outDir, filepath.Base(file)), want)
	}

	// Every batch was stored before `sensor --read` returned.
	sc := store.ForTenant(1)
	got := map[record.Kind][]string{}
	var stored []record.Record
	for r, err := range ts.srv.Store().Records(context.Background(), sc, store.RecordQuery{}) {
		if err != nil {
			t.Fatal(err)
		}
		got[r.RecordKind()] = append(got[r.RecordKind()], canonical(t, r))
		stored = append(stored, r)
	}
	counts := map[record.Kind]int64{}
	for k, v := range want {
		slices.Sort(v)
		slices.Sort(got[k])
		counts[k] = int64(len(v))
		if len(got[k]) != len(v) {
			t.Errorf("%s: stored %d records, analyze %d", k, len(got[k]), len(v))
			continue
		}
		if !slices.Equal(got[k], v) {
			for i := range v {
				if got[k][i] != v[i] {
					t.Errorf("%s record %d differs:\nstored  %s\nanalyze %s", k, i, got[k][i], v[i])
					break
				}
			}
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("stored %d %s records analyze does not produce", len(got[k]), k)
		}
	}
	t.Logf("records per kind: %v", counts)
	// 6 + 87 + 34 connections: tshark finds 6, 80+3 and 10+24 TCP+UDP
	// conversations in the three files; mb2's other 4 are ICMP echoes.
	if counts[record.KindConn] != 127 {
		t.Errorf("%d conn records, want 127", counts[record.KindConn])
	}
	// The server built its inventory batch by batch; built in one go from
	// the same records it has the same devices.
	inv := inventory.New(inventory.Config{})
	inv.Add("1", stored)
	devices := 0
	for _, d := range inv.Devices() {
		if d.Key.Sensor == "1" {
			devices++
		}
	}

	// Stats through the socket.
	live := adminStats(t, data)
	checkStats(t, live, counts, devices)
	received := metricSum(t, ts.srv, `otsight_ingest_received_bytes_total{sensor="1"}`)
	sent := metricSum(t, ts.srv, `otsight_ingest_sent_bytes_total{sensor="1"}`)
	if b := live.Tenants[0].Sensors[0].BytesThisMonth; b != received+sent || received == 0 || sent == 0 {
		t.Errorf("bytes_this_month %d, want received %d + sent %d", b, received, sent)
	}

	// The captures are years old: the data is stale, nothing else fails.
	res, err := http.Get("http://" + ts.srv.PortalAddr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var rep server.HealthReport
	json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || rep.Status != "fault" || len(rep.Sensors) != 1 ||
		!slices.Equal(rep.Sensors[0].Faults, []string{server.CheckStaleData}) {
		t.Errorf("/healthz %d %+v", res.StatusCode, rep)
	}
	// The real uploader sends its clock (Date) and free disk with every
	// batch: the clocks of this one machine agree, the disk is not empty.
	if len(rep.Sensors) == 1 && (rep.Sensors[0].ClockSkew > 5 || rep.Sensors[0].ClockSkew < -5) {
		t.Errorf("clock skew %.1f s between two processes of one machine", rep.Sensors[0].ClockSkew)
	}
	if free := metricSum(t, ts.srv, `otsight_sensor_disk_free_bytes{sensor="1",tenant="1"}`); free <= 0 {
		t.Errorf("disk free %v: the uploader's Otsight-Disk-Free header did not arrive", free)
	}

	// Stopped: the same figures straight from the data directory (the
	// bytes sent were counted by the server that stopped).
	ts.stop()
	if _, err := os.Stat(server.SocketPath(data)); !os.IsNotExist(err) {
		t.Fatalf("admin socket left behind: %v", err)
	}
	offline := adminStats(t, data)
	checkStats(t, offline, counts, devices)
	if b := offline.Tenants[0].Sensors[0].BytesThisMonth; b != received {
		t.Errorf("stopped: bytes_this_month %d, want %d", b, received)
	}
	if *offline.Tenants[0].Sensors[0].LastUpload != *live.Tenants[0].Sensors[0].LastUpload {
		t.Errorf("last_upload %s stopped, %s running", *offline.Tenants[0].Sensors[0].LastUpload, *live.Tenants[0].Sensors[0].LastUpload)
	}
}

// seedEpoch gives a spool an epoch with the high bit set, as half of the
// random epochs a new spool draws have: the whole path from spool to store
// must carry it (database/sql alone refuses such uint64 arguments).
func seedEpoch(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "epoch"), []byte("9223372036854775809\n"), 0o640); err != nil {
		t.Fatal(err)
	}
}

// adminStats runs `otsight admin stats --json` and checks the JSON has
// exactly the documented keys.
func adminStats(t *testing.T, data string) server.Stats {
	t.Helper()
	out := runCmd(t, "admin", "--data", data, "stats", "--json")
	var shape struct {
		Tenants []map[string]json.RawMessage `json:"tenants"`
	}
	if err := json.Unmarshal([]byte(out), &shape); err != nil {
		t.Fatalf("stats: %v\n%s", err, out)
	}
	for _, tn := range shape.Tenants {
		if keys := slices.Sorted(maps.Keys(tn)); !slices.Equal(keys, []string{"name", "sensors"}) {
			t.Errorf("tenant keys %v", keys)
		}
		var sensors []map[string]json.RawMessage
		json.Unmarshal(tn["sensors"], &sensors)
		for _, s := range sensors {
			want := []string{"bytes_this_month", "devices", "last_upload", "name", "records", "spool_depth"}
			if keys := slices.Sorted(maps.Keys(s)); !slices.Equal(keys, want) {
				t.Errorf("sensor keys %v, want %v", keys, want)
			}
		}
	}
	var st server.Stats
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func checkStats(t *testing.T, st server.Stats, counts map[record.Kind]int64, devices int) {
	t.Helper()
	if len(st.Tenants) != 1 || st.Tenants[0].Name != "acme" || len(st.Tenants[0].Sensors) != 1 {
		t.Fatalf("stats %+v", st)
	}
	s := st.Tenants[0].Sensors[0]
	if s.Name != "line-a" || !maps.Equal(s.Records, counts) || s.Devices != devices || s.SpoolDepth != 0 {
		t.Errorf("stats %+v, want records %v, %d devices", s, counts, devices)
	}
	if s.LastUpload == nil {
		t.Fatal("no last_upload")
	}
	if at, err := time.Parse(time.RFC3339, *s.LastUpload); err != nil || time.Since(at) > time.Minute {
		t.Errorf("last_upload %q: %v", *s.LastUpload, err)
	}
}

// readKindFiles reads analyze's per-kind NDJSON files into want as
// canonical JSON.
func readKindFiles(t *testing.T, dir string, want map[record.Kind][]string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		kind := record.Kind(strings.TrimSuffix(e.Name(), ".ndjson"))
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() {
			want[kind] = append(want[kind], canonicalJSON(t, sc.Bytes()))
		}
		f.Close()
	}
}

// canonical is a record's JSON without connection UIDs, which a sensor
// seeds differently on every run, and without the interface counters of
// sensor_stats.
func canonical(t *testing.T, r record.Record) string {
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return canonicalJSON(t, b)
}

func canonicalJSON(t *testing.T, b []byte) string {
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "uid")
	// A sensor reports its capture interfaces' counters (the file's, here);
	// analyze attaches no source.
	if _, stats := m["ts_end"]; stats {
		delete(m, "interfaces")
	}
	b, _ = json.Marshal(m)
	return string(b)
}

// metricSum scrapes /metrics for one sample.
func metricSum(t *testing.T, srv *server.Server, sample string) int64 {
	t.Helper()
	res, err := http.Get("http://" + srv.PortalAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			var f float64
			json.Unmarshal([]byte(v), &f)
			return int64(f)
		}
	}
	t.Fatalf("no %s in /metrics", sample)
	return 0
}

// TestServerPrintConfig: defaults, then a file, then OTSIGHT_* variables,
// then --data; unknown settings are errors.
func TestServerPrintConfig(t *testing.T) {
	file := filepath.Join(t.TempDir(), "otsight.yaml")
	if err := os.WriteFile(file, []byte("health:\n  silence_after: 20m\n  clock_skew: 1m\nlimits:\n  devices_per_sensor: 800\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	env := []string{"OTSIGHT_HEALTH_SILENCE_AFTER=5m", "OTSIGHT_INGEST_HOSTS=[ot.example.com, 192.0.2.10]", "OTSIGHT_MAIL_SMTP_PASSWORD=hunter2"}
	if code := serveUntil(context.Background(), []string{"--config", file, "--data", "/srv/ot", "--print-config"}, env, &stdout, &stderr, nil); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{
		"data_dir: /srv/ot\n", "silence_after: 5m0s\n", "clock_skew: 1m0s\n", "devices_per_sensor: 800\n",
		"sensors_per_tenant: 9\n", "stale_data: 4h0m0s\n", "address: 127.0.0.1:8080\n",
		"  hosts:\n    - ot.example.com\n    - 192.0.2.10\n", "password: \"********\"\n",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--print-config lacks %q:\n%s", want, stdout.String())
		}
	}
	if strings.Contains(stdout.String(), "hunter2") {
		t.Error("--print-config shows the SMTP password")
	}
	stderr.Reset()
	if code := serveUntil(context.Background(), []string{"--print-config"}, []string{"OTSIGHT_HEALTH_SILENCE=5m"}, io.Discard, &stderr, nil); code != 2 ||
		!strings.Contains(stderr.String(), "unknown variable OTSIGHT_HEALTH_SILENCE") {
		t.Errorf("unknown variable: exit %d, %q", code, stderr.String())
	}
}

// TestServerDocsListVariables: docs/operations.md names every setting and
// its variable.
func TestServerDocsListVariables(t *testing.T) {
	doc, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.DefaultConfig()
	for _, v := range config.Variables(&cfg, envPrefix) {
		if row := "| `" + v.Path + "` | `" + v.Name + "` |"; !strings.Contains(string(doc), row) {
			t.Errorf("docs/operations.md lacks %s", row)
		}
	}
}

// TestAdminUsage: malformed admin command lines exit 2 with the usage.
func TestAdminUsage(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"tenant"},
		{"tenant", "add"},
		{"tenant", "add", "a", "b"},
		{"sensor", "monitor", "--tenant", "a", "--name", "b", "maybe"},
		{"frobnicate"},
		{"restore"},
	} {
		var stdout, stderr bytes.Buffer
		if code := admin(context.Background(), args, nil, &stdout, &stderr); code != 2 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), "usage: otsight admin") && !strings.Contains(stderr.String(), "want on or off") {
			t.Errorf("%v: stderr %q", args, stderr.String())
		}
	}
}

// TestGenUpload: `otsight gen --upload` sends a synthetic plant's records
// to a server as an enrolled sensor, over the sensor's own mutual-TLS
// path; the server stores exactly what `gen --records` writes for the same
// arguments, kind by kind.
func TestGenUpload(t *testing.T) {
	dir := t.TempDir()
	data, state := filepath.Join(dir, "data"), filepath.Join(dir, "state")
	ts := startServer(t, data)
	runCmd(t, "admin", "--data", data, "tenant", "add", "acme")
	token := tokenRE.FindString(runCmd(t, "admin", "--data", data, "sensor", "add", "--tenant", "acme", "--name", "gen-1"))
	runCmd(t, "sensor", "enroll", "--server", "https://"+ts.srv.IngestAddr(), "--token", token, "--state", state)
	seedEpoch(t, filepath.Join(state, "gen-spool"))

	// Recent enough for the store's 365-day retention.
	start := time.Now().UTC().Add(-2 * time.Hour).Truncate(time.Hour).Format(time.RFC3339)
	args := []string{"gen", "--preset", "small", "--duration", "10m", "--start", start, "--seed", "7"}
	runCmd(t, append(args, "--upload", "--state", state)...)
	ref := filepath.Join(dir, "ref")
	runCmd(t, append(args, "--records", ref)...)

	want := map[record.Kind]int64{}
	sp, err := sensor.OpenSpool(ref)
	if err != nil {
		t.Fatal(err)
	}
	seqs, err := sp.Pending()
	// One batch per minute, and one more: what the end of the span flushes
	// (connections still open), as a sensor does when its input ends.
	if err != nil || len(seqs) != 11 {
		t.Fatalf("reference spool: %d batches, %v; want 11", len(seqs), err)
	}
	for _, seq := range seqs {
		raw, err := sp.Read(seq)
		if err != nil {
			t.Fatal(err)
		}
		b, err := record.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range b.Records {
			want[r.RecordKind()]++
		}
	}
	st := adminStats(t, data)
	got := st.Tenants[0].Sensors[0].Records
	if !maps.Equal(got, want) {
		t.Errorf("stored records by kind %v, want %v", got, want)
	}
	if seqs, _ := mustOpenSpool(t, filepath.Join(state, "gen-spool")).Pending(); len(seqs) != 0 {
		t.Errorf("%d batches left in the upload spool", len(seqs))
	}
}

func mustOpenSpool(t *testing.T, dir string) *sensor.Spool {
	t.Helper()
	sp, err := sensor.OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

package ingest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

const tenant store.TenantID = 7

// clock is the server's clock: real time plus an offset a test can move.
type clock struct{ off atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.off.Load())) }
func (c *clock) advance(d time.Duration) { c.off.Add(int64(d)) }

// syncBuffer collects log output from several goroutines.
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

// harness is an ingest server over real TLS on loopback, with a CA in a
// temporary directory and an in-memory store. It can be stopped and
// started again on the same address (a server outage).
type harness struct {
	t     *testing.T
	ca    *pki.CA
	st    *memStore
	srv   *ingest.Server
	reg   *prometheus.Registry
	tls   *tls.Config
	clock *clock
	logs  *syncBuffer
	addr  string
	url   string
	ts    *httptest.Server
	hits  atomic.Int64 // requests that reached the handler
}

func newHarness(t *testing.T, mod func(*ingest.Config)) *harness {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pki")
	h := &harness{t: t, st: newMemStore(), reg: prometheus.NewRegistry(), clock: new(clock), logs: new(syncBuffer)}
	var err error
	if h.ca, err = pki.LoadOrCreateCA(dir, time.Now()); err != nil {
		t.Fatal(err)
	}
	cert, err := h.ca.ServerCertificate(dir, []string{"127.0.0.1", "localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cfg := ingest.DefaultConfig()
	cfg.Registerer = h.reg
	cfg.Now = h.clock.now
	if mod != nil {
		mod(&cfg)
	}
	h.srv = ingest.New(cfg, h.st, h.ca, slog.New(slog.NewTextHandler(h.logs, nil)))
	h.tls = ingest.TLSConfig(h.ca, cert)
	h.tls.Time = h.clock.now // certificate validity by the server's clock
	h.addr = "127.0.0.1:0"
	h.start()
	t.Cleanup(h.stop)
	return h
}

// start serves on h.addr (the same port again after a stop).
func (h *harness) start() {
	h.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the old socket may linger briefly
		if ln, err = net.Listen("tcp", h.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		h.t.Fatal(err)
	}
	h.addr = ln.Addr().String()
	handler := h.srv.Handler()
	h.ts = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.hits.Add(1)
		handler.ServeHTTP(w, r)
	}))
	h.ts.Listener.Close()
	h.ts.Listener = ln
	h.ts.TLS = h.tls
	h.ts.Config.ErrorLog = nil
	h.ts.StartTLS()
	h.url = "https://" + h.addr
}

func (h *harness) stop() {
	if h.ts != nil {
		h.ts.CloseClientConnections()
		h.ts.Close()
		h.ts = nil
	}
}

func (h *harness) addSensor(name string) store.Sensor {
	h.t.Helper()
	s, err := h.st.CreateSensor(context.Background(), store.ForTenant(tenant), name)
	if err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) token(id store.SensorID, ttl time.Duration) string {
	h.t.Helper()
	tok, err := ingest.IssueToken(context.Background(), h.st, h.ca, store.ForTenant(tenant), id, h.clock.now().Add(ttl))
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// enrol makes a sensor in the store and enrols it into a new state
// directory.
func (h *harness) enrol(name string) (store.Sensor, *sensor.Identity) {
	h.t.Helper()
	s := h.addSensor(name)
	id, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{
		Server: h.url, Token: h.token(s.ID, time.Hour), StateDir: h.t.TempDir(),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return h.st.sensor(s.ID), id
}

// client speaks to the server with tc (a sensor's identity, or none).
func (h *harness) client(tc *tls.Config) *http.Client {
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: tc}, Timeout: 30 * time.Second}
	h.t.Cleanup(c.CloseIdleConnections)
	return c
}

// put sends one batch body and returns the status and decoded reply.
func (h *harness) put(c *http.Client, epoch, seq uint64, body []byte) (int, map[string]string) {
	h.t.Helper()
	req, err := http.NewRequest(http.MethodPut, fmt.Sprintf("%s/v1/batches/%d/%d", h.url, epoch, seq), bytes.NewReader(body))
	if err != nil {
		h.t.Fatal(err)
	}
	resp, err := c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var rep map[string]string
	if err := json.Unmarshal(data, &rep); err != nil {
		h.t.Fatalf("reply %q: %v", data, err)
	}
	return resp.StatusCode, rep
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testBatch is a small synthetic batch: n conn records and a sensor_stats.
func testBatch(sensorID string, epoch, seq uint64, n int) *record.Batch {
	start := record.Micros(1_764_201_600_000_000 + int64(seq)*60_000_000)
	b := &record.Batch{Header: record.Header{
		Schema: record.SchemaVersion, SensorID: sensorID, Epoch: epoch, Seq: seq, Start: start, End: start + 60_000_000,
	}}
	for i := range n {
		b.Records = append(b.Records, &record.Conn{
			TS: start + record.Micros(i), UID: fmt.Sprintf("C%d-%d", seq, i),
			OrigH: netip.MustParseAddr("192.168.0.10"), OrigP: uint16(40000 + i),
			RespH: netip.MustParseAddr("192.168.0.20"), RespP: 502, Proto: "tcp", Service: "modbus",
			ConnState: "SF", End: "closed",
		})
	}
	b.Records = append(b.Records, &record.SensorStats{TS: start, TSEnd: start + 60_000_000, Frames: 1000 + seq, Bytes: 64000,
		Drops:      map[string]uint64{"table_full": 2},
		Interfaces: []record.IfaceStats{{Label: "span0", Packets: 1000 + seq, KernelDrops: 3}}})
	return b
}

func marshal(t *testing.T, b *record.Batch) []byte {
	t.Helper()
	data, err := record.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// fastUploader is an uploader with short waits, for tests.
func fastUploader(t *testing.T, sp *sensor.Spool, id *sensor.Identity, server string, mod func(*sensor.UploaderConfig)) *sensor.Uploader {
	t.Helper()
	cfg := sensor.DefaultUploaderConfig()
	cfg.Server = server
	cfg.MinBackoff = 5 * time.Millisecond
	cfg.MaxBackoff = 50 * time.Millisecond
	cfg.Poll = 10 * time.Millisecond
	cfg.Timeout = 10 * time.Second
	if mod != nil {
		mod(&cfg)
	}
	u, err := sensor.NewUploader(cfg, sp, id, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func openSpool(t *testing.T, dir string) *sensor.Spool {
	t.Helper()
	sp, err := sensor.OpenSpool(dir)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

func pending(t *testing.T, sp *sensor.Spool) []uint64 {
	t.Helper()
	p, err := sp.Pending()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

var errStoreDown = errors.New("store down")

func pkiSerial(id *sensor.Identity) string { return pki.SerialHex(id.Certificate()) }

// counter reads a counter from the harness registry: the sum over the
// series whose labels include the given ones.
func (h *harness) counter(name string, labels map[string]string) float64 {
	h.t.Helper()
	mfs, err := h.reg.Gather()
	if err != nil {
		h.t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, m := range mf.GetMetric() {
			for k, v := range labels {
				found := false
				for _, lp := range m.GetLabel() {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue series
				}
			}
			sum += m.GetCounter().GetValue()
		}
	}
	return sum
}

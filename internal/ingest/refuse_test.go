package ingest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

// Garbage, an oversized body, a batch naming another sensor and a batch
// whose header disagrees with its URL are refused with a reason, logged in
// the tenant's system log and counted; nothing is stored.
func TestBadBatchesRefused(t *testing.T) {
	h := newHarness(t, func(c *ingest.Config) { c.MaxBatchBytes = 4096 })
	sn, id := h.enrol("line-1")
	c := h.client(id.TLSConfig())
	big := testBatch(id.SensorID(), 5, 9, 0)
	for i := range 2000 { // incompressible enough to pass 4 KiB
		big.Records = append(big.Records, testBatch(id.SensorID(), 5, uint64(i)*7919, 1).Records[0])
	}
	cases := []struct {
		name   string
		epoch  uint64
		seq    uint64
		body   []byte
		status int
		code   string
		reason string
	}{
		{"garbage", 5, 1, []byte("this is not a batch"), 400, "undecodable", "undecodable batch: not an otsight batch"},
		{"truncated", 5, 2, marshal(t, testBatch(id.SensorID(), 5, 2, 50))[:60], 400, "undecodable", "undecodable batch"},
		{"oversized", 5, 9, marshal(t, big), 413, "too_large", "exceeds the limit of 4096"},
		{"other sensor", 5, 3, marshal(t, testBatch("999", 5, 3, 1)), 400, "wrong_sensor", `batch names sensor "999", the certificate sensor 101`},
		{"no sensor id", 5, 4, marshal(t, testBatch("", 5, 4, 1)), 400, "wrong_sensor", `batch names sensor ""`},
		{"seq mismatch", 5, 6, marshal(t, testBatch(id.SensorID(), 5, 7, 1)), 400, "wrong_key", "epoch 5 seq 7, the request 5/6"},
		{"epoch mismatch", 6, 8, marshal(t, testBatch(id.SensorID(), 5, 8, 1)), 400, "wrong_key", "epoch 5 seq 8, the request 6/8"},
		{"epoch zero", 0, 8, marshal(t, testBatch(id.SensorID(), 0, 8, 1)), 400, "bad_path", "bad spool epoch"},
	}
	for _, tc := range cases {
		code, rep := h.put(c, tc.epoch, tc.seq, tc.body)
		if code != tc.status || rep["result"] != "refused" || !strings.Contains(rep["reason"], tc.reason) {
			t.Errorf("%s: %d %v, want %d with reason containing %q", tc.name, code, rep, tc.status, tc.reason)
		}
		if n := h.counter("otsight_ingest_uploads_total", map[string]string{"result": "refused", "reason": tc.code}); n < 1 {
			t.Errorf("%s: uploads_total{refused,%s} = %v", tc.name, tc.code, n)
		}
	}
	if _, writes := h.st.stored(); writes != 0 {
		t.Fatalf("%d refused batches were stored", writes)
	}
	log := h.st.log(tenant)
	if len(log) != len(cases) {
		t.Fatalf("system log has %d entries, want %d", len(log), len(cases))
	}
	for i, e := range log {
		if e.Result != ingest.ResultRefused || e.Sensor != sn.ID || !strings.Contains(e.Reason, cases[i].reason) {
			t.Errorf("log %d: %+v", i, e)
		}
	}
	if !strings.Contains(h.logs.String(), "ingest: batch refused") {
		t.Error("refusals not in the server log")
	}
}

// A refused batch does not block the queue: the uploader sets it aside in
// the spool's refused/ directory and sends the rest.
func TestUploaderSetsAsideRefused(t *testing.T) {
	h := newHarness(t, nil)
	_, id := h.enrol("line-1")
	dir := t.TempDir()
	sp := openSpool(t, dir)
	for seq := range uint64(3) {
		sid := id.SensorID()
		if seq == 1 {
			sid = "spooled-before-enrolment"
		}
		if err := sp.Put(testBatch(sid, 0, seq, 1)); err != nil {
			t.Fatal(err)
		}
	}
	u := fastUploader(t, sp, id, "", nil)
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()
	if st := u.Stats(); st.Stored != 2 || st.Refused != 1 {
		t.Errorf("stats %+v, want 2 stored 1 refused", st)
	}
	if _, err := os.Stat(filepath.Join(dir, "refused", "00000000000000000001.otsb")); err != nil {
		t.Errorf("refused batch not kept: %v", err)
	}
}

// Without a client certificate the upload and renew routes refuse; the
// enrol route needs none.
func TestNoClientCertificate(t *testing.T) {
	h := newHarness(t, nil)
	_, id := h.enrol("line-1")
	noCert := id.TLSConfig()
	noCert.GetClientCertificate = nil
	c := h.client(noCert)
	code, rep := h.put(c, 1, 0, marshal(t, testBatch(id.SensorID(), 1, 0, 1)))
	if code != 401 || rep["reason"] != "a client certificate is required" {
		t.Fatalf("upload without certificate: %d %v", code, rep)
	}
	if n := h.counter("otsight_ingest_uploads_total", map[string]string{"reason": "no_client_cert"}); n != 1 {
		t.Errorf("no_client_cert counted %v", n)
	}
	resp, err := c.Post(h.url+"/v1/renew", "application/json", strings.NewReader(`{"csr":""}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("renew without certificate: %d", resp.StatusCode)
	}
	if _, writes := h.st.stored(); writes != 0 {
		t.Fatal("stored without a certificate")
	}
}

// A certificate from another CA does not even complete the handshake.
func TestForeignCertificate(t *testing.T) {
	h := newHarness(t, nil)
	_, id := h.enrol("line-1")
	other, err := pki.LoadOrCreateCA(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, _ := pki.NewKey()
	csrPEM, _ := pki.CSR(key)
	csr, _ := pki.ParseCSRPEM(csrPEM)
	cert, err := other.SignSensor(csr, id.Name(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tc := id.TLSConfig()
	tc.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
		return &tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key}, nil
	}
	c := h.client(tc)
	before := h.hits.Load()
	if _, err := c.Post(h.url+"/v1/batches/1/0", "", strings.NewReader("x")); err == nil {
		t.Fatal("a certificate of another CA was accepted")
	}
	if h.hits.Load() != before {
		t.Error("the request reached the handler")
	}
}

// A revoked sensor is refused, and so is a certificate that an enrolment
// replaced (a reinstalled sensor's old one).
func TestRevokedAndSupersededRefused(t *testing.T) {
	h := newHarness(t, nil)
	sn, id := h.enrol("line-1")
	c := h.client(id.TLSConfig())

	// Enrol the same sensor again (new machine): the first certificate is
	// superseded. Advance the clock so the new one outlives the old.
	h.clock.advance(time.Hour)
	id2, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{
		Server: h.url, Token: h.token(sn.ID, time.Hour), StateDir: t.TempDir(), Now: h.clock.now,
	})
	if err != nil {
		t.Fatal(err)
	}
	code, rep := h.put(c, 1, 0, marshal(t, testBatch(id.SensorID(), 1, 0, 1)))
	if code != 403 || rep["reason"] != "certificate is not the sensor's current one" {
		t.Fatalf("superseded certificate: %d %v", code, rep)
	}
	c2 := h.client(id2.TLSConfig())
	if code, rep := h.put(c2, 1, 0, marshal(t, testBatch(id2.SensorID(), 1, 0, 1))); code != 200 {
		t.Fatalf("current certificate: %d %v", code, rep)
	}

	s := h.st.sensor(sn.ID)
	s.Revoked, s.RevokedAt = true, time.Now()
	if err := h.st.UpdateSensor(context.Background(), store.ForTenant(tenant), s); err != nil {
		t.Fatal(err)
	}
	code, rep = h.put(c2, 1, 1, marshal(t, testBatch(id2.SensorID(), 1, 1, 1)))
	if code != 403 || rep["reason"] != "sensor revoked" {
		t.Fatalf("revoked sensor: %d %v", code, rep)
	}
	if _, writes := h.st.stored(); writes != 1 {
		t.Fatalf("%d batches stored, want only the one before revocation", writes)
	}
	var reasons []string
	for _, e := range h.st.log(tenant) {
		reasons = append(reasons, e.Result+":"+e.Reason)
	}
	want := "refused:certificate is not the sensor's current one,stored:,refused:sensor revoked"
	if strings.Join(reasons, ",") != want {
		t.Errorf("system log %v, want %s", reasons, want)
	}
	// A revoked sensor cannot enrol again either.
	if _, err := ingest.IssueToken(context.Background(), h.st, h.ca, store.ForTenant(tenant), sn.ID, time.Now().Add(time.Hour)); err == nil {
		t.Error("token issued for a revoked sensor")
	}
}

// Expired, reused and unknown tokens are refused with their reason; a
// refused enrolment leaves no identity behind.
func TestTokenRefusals(t *testing.T) {
	h := newHarness(t, nil)
	sn := h.addSensor("line-1")
	enrol := func(tok string) error {
		_, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: h.url, Token: tok, StateDir: t.TempDir()})
		return err
	}
	tok := h.token(sn.ID, time.Hour)
	if err := enrol(tok); err != nil {
		t.Fatal(err)
	}
	if err := enrol(tok); err == nil || !strings.Contains(err.Error(), "401") || !strings.Contains(err.Error(), "enrolment token already used") {
		t.Errorf("reused token: %v", err)
	}

	// Expired at the server, though not by the sensor's clock.
	expiring := h.token(sn.ID, time.Minute)
	h.clock.advance(2 * time.Minute)
	if err := enrol(expiring); err == nil || !strings.Contains(err.Error(), "enrolment token expired") {
		t.Errorf("expired token: %v", err)
	}
	// Expired by the sensor's own clock: refused before anything is sent.
	stale := h.token(sn.ID, -time.Hour)
	before := h.hits.Load()
	if err := enrol(stale); err == nil || !strings.Contains(err.Error(), "expired at") {
		t.Errorf("stale token: %v", err)
	}
	if h.hits.Load() != before {
		t.Error("a token the sensor knew to be expired was sent")
	}

	// A well-formed token the server never issued.
	fake, _ := pki.NewToken(pki.SensorName{Tenant: int64(tenant), Sensor: int64(sn.ID)}, time.Now().Add(time.Hour), h.ca.Fingerprint())
	if err := enrol(fake.String()); err == nil || !strings.Contains(err.Error(), "unknown enrolment token") {
		t.Errorf("unknown token: %v", err)
	}
	if err := enrol("otsight-enrol-v1.garbage"); !errors.Is(err, pki.ErrBadToken) {
		t.Errorf("garbage token: %v", err)
	}
	want := map[string]float64{"used_token": 1, "expired_token": 1, "unknown_token": 1}
	for code, n := range want {
		if got := h.counter("otsight_ingest_enrolments_total", map[string]string{"result": "refused", "reason": code}); got != n {
			t.Errorf("enrolments_total{refused,%s} = %v, want %v", code, got, n)
		}
	}
	if got := h.counter("otsight_ingest_enrolments_total", map[string]string{"result": "enrolled"}); got != 1 {
		t.Errorf("enrolled = %v", got)
	}
}

// A token made for another server's CA: the sensor finds a different CA at
// the server and sends nothing, so the token is not spent either.
func TestTokenForAnotherCA(t *testing.T) {
	h := newHarness(t, nil)
	sn := h.addSensor("line-1")
	other, err := pki.LoadOrCreateCA(t.TempDir(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	good := h.token(sn.ID, time.Hour)
	parsed, _ := pki.ParseToken(good)
	parsed.CA = other.Fingerprint() // same secret, another CA's fingerprint
	before := h.hits.Load()
	state := t.TempDir()
	_, err = sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: h.url, Token: parsed.String(), StateDir: state})
	if !errors.Is(err, sensor.ErrCAMismatch) {
		t.Fatalf("err = %v, want ErrCAMismatch", err)
	}
	if h.hits.Load() != before {
		t.Fatal("the sensor sent its request to a server with another CA")
	}
	if ents, _ := os.ReadDir(state); len(ents) != 0 {
		t.Errorf("state directory not empty: %v", ents)
	}
	// The real token still works.
	if _, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: h.url, Token: good, StateDir: state}); err != nil {
		t.Fatalf("genuine token after the refusal: %v", err)
	}
}

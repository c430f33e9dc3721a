package ingest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/sensor"
)

// Renewal: once two thirds of the certificate's life have passed the
// uploader gets a new one; the server adopts it on first use, after which
// the old certificate is refused. Until then (a lost renewal reply) the old
// one keeps working.
func TestRenewal(t *testing.T) {
	h := newHarness(t, nil)
	sn := h.addSensor("line-1")
	state := t.TempDir()
	id, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: h.url, Token: h.token(sn.ID, time.Hour), StateDir: state})
	if err != nil {
		t.Fatal(err)
	}
	oldCert, err := tls.LoadX509KeyPair(filepath.Join(state, "sensor.crt"), filepath.Join(state, "sensor.key"))
	if err != nil {
		t.Fatal(err)
	}
	oldTC := id.TLSConfig()
	oldTC.GetClientCertificate = func(*tls.CertificateRequestInfo) (*tls.Certificate, error) { return &oldCert, nil }
	oldClient := h.client(oldTC)
	oldSerial := pki.SerialHex(oldCert.Leaf)

	h.clock.advance(61 * 24 * time.Hour) // past 60 of 90 days
	if !id.RenewDue(h.clock.now()) {
		t.Fatal("renewal not due after 61 days")
	}

	// A renewal whose reply is lost changes nothing at the server.
	key, _ := pki.NewKey()
	csr, _ := pki.CSR(key)
	body, _ := json.Marshal(map[string]string{"csr": string(csr)})
	resp, err := oldClient.Post(h.url+"/v1/renew", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || h.st.sensor(sn.ID).CertSerial != oldSerial {
		t.Fatalf("renew: %d, store serial %s (old %s)", resp.StatusCode, h.st.sensor(sn.ID).CertSerial, oldSerial)
	}
	if code, rep := h.put(oldClient, 3, 0, marshal(t, testBatch(id.SensorID(), 3, 0, 1))); code != 200 {
		t.Fatalf("old certificate after an unused renewal: %d %v", code, rep)
	}

	sp := openSpool(t, t.TempDir())
	if err := sp.Put(testBatch(id.SensorID(), 0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	u := fastUploader(t, sp, id, "", func(c *sensor.UploaderConfig) { c.Now = h.clock.now })
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()
	if st := u.Stats(); st.Renewals != 1 || st.Stored != 1 {
		t.Fatalf("stats %+v, want 1 renewal 1 stored", st)
	}
	newSerial := pki.SerialHex(id.Certificate())
	if newSerial == oldSerial || h.st.sensor(sn.ID).CertSerial != newSerial {
		t.Fatalf("store serial %s, new %s, old %s", h.st.sensor(sn.ID).CertSerial, newSerial, oldSerial)
	}
	if !h.st.sensor(sn.ID).CertNotAfter.Equal(id.Certificate().NotAfter) {
		t.Error("store expiry not updated")
	}
	if id.RenewDue(h.clock.now()) {
		t.Error("renewal still due with the new certificate")
	}
	reloaded, err := sensor.LoadIdentity(state)
	if err != nil || pki.SerialHex(reloaded.Certificate()) != newSerial {
		t.Fatalf("state on disk after renewal: %v", err)
	}
	if fi, err := os.Stat(filepath.Join(state, "sensor.key")); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o600 {
		t.Errorf("sensor.key mode %v after renewal, want 0600", fi.Mode().Perm())
	}
	if code, rep := h.put(oldClient, 3, 1, marshal(t, testBatch(id.SensorID(), 3, 1, 1))); code != 403 || rep["reason"] != "certificate is not the sensor's current one" {
		t.Fatalf("old certificate after the new one was used: %d %v", code, rep)
	}
	if n := h.counter("otsight_ingest_renewals_total", map[string]string{"result": "renewed"}); n != 2 {
		t.Errorf("renewals_total = %v, want 2", n)
	}
}

// Enrolment and uploads go through an HTTPS proxy when one is configured.
func TestThroughProxy(t *testing.T) {
	h := newHarness(t, nil)
	var connects atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		connects.Add(1)
		dst, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer dst.Close()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		io.WriteString(conn, "HTTP/1.1 200 Connection established\r\n\r\n")
		go io.Copy(dst, conn)
		io.Copy(conn, dst)
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)

	sn := h.addSensor("line-1")
	id, err := sensor.Enroll(context.Background(), sensor.EnrollConfig{Server: h.url, Token: h.token(sn.ID, time.Hour), StateDir: t.TempDir(), Proxy: pu})
	if err != nil {
		t.Fatal(err)
	}
	if connects.Load() != 1 {
		t.Fatalf("enrolment made %d proxy tunnels, want 1", connects.Load())
	}
	sp := openSpool(t, t.TempDir())
	for seq := range uint64(3) {
		if err := sp.Put(testBatch(id.SensorID(), 0, seq, 1)); err != nil {
			t.Fatal(err)
		}
	}
	u := fastUploader(t, sp, id, "", func(c *sensor.UploaderConfig) { c.Proxy = pu })
	u.Start(context.Background())
	waitFor(t, "spool to drain", func() bool { return len(pending(t, sp)) == 0 })
	u.Stop()
	if _, writes := h.st.stored(); writes != 3 {
		t.Fatalf("%d batches stored, want 3", writes)
	}
	if connects.Load() != 2 { // one kept-alive tunnel for the three uploads
		t.Errorf("proxy tunnels = %d, want 2", connects.Load())
	}
}

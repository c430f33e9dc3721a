package ingest_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// BenchmarkBatch measures the handler on a minute of 5,000 connections
// (decode, checks, in-memory store, system log), TLS excluded.
func BenchmarkBatch(b *testing.B) {
	ca, err := pki.LoadOrCreateCA(b.TempDir(), time.Now())
	if err != nil {
		b.Fatal(err)
	}
	st := newMemStore()
	sn, _ := st.CreateSensor(context.Background(), store.ForTenant(tenant), "bench")
	key, _ := pki.NewKey()
	csrPEM, _ := pki.CSR(key)
	csr, _ := pki.ParseCSRPEM(csrPEM)
	cert, _ := ca.SignSensor(csr, pki.SensorName{Tenant: int64(tenant), Sensor: int64(sn.ID)}, time.Now())
	sn.CertSerial, sn.CertNotAfter = pki.SerialHex(cert), cert.NotAfter
	st.UpdateSensor(context.Background(), store.ForTenant(tenant), sn)
	handler := ingest.New(ingest.DefaultConfig(), st, ca, nil).Handler()
	state := &tls.ConnectionState{PeerCertificates: []*x509.Certificate{cert}, VerifiedChains: [][]*x509.Certificate{{cert, ca.Certificate()}}}
	body, err := record.Marshal(testBatch(fmt.Sprint(sn.ID), 1, 0, 5000))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		// Requests after the first are duplicates: the same decoding and
		// checks, no store write.
		req := httptest.NewRequest(http.MethodPut, "/v1/batches/1/0", bytes.NewReader(body))
		req.TLS = state
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("iteration %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/5001, "ns/record")
}

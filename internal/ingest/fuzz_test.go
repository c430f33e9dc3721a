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

// FuzzBatch feeds arbitrary bodies through the batch handler as an enrolled
// sensor (the TLS state is set in process): it never panics, refuses with
// 4xx what it cannot use, and stores only batches that decode and match
// their URL and certificate.
func FuzzBatch(f *testing.F) {
	ca, err := pki.LoadOrCreateCA(f.TempDir(), time.Now())
	if err != nil {
		f.Fatal(err)
	}
	st := newMemStore()
	sn, _ := st.CreateSensor(context.Background(), store.ForTenant(tenant), "fuzz")
	key, _ := pki.NewKey()
	csrPEM, _ := pki.CSR(key)
	csr, _ := pki.ParseCSRPEM(csrPEM)
	cert, err := ca.SignSensor(csr, pki.SensorName{Tenant: int64(tenant), Sensor: int64(sn.ID)}, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	sn.CertSerial, sn.CertNotAfter = pki.SerialHex(cert), cert.NotAfter
	st.UpdateSensor(context.Background(), store.ForTenant(tenant), sn)
	cfg := ingest.DefaultConfig()
	cfg.MaxBatchBytes = 1 << 20
	handler := ingest.New(cfg, st, ca, nil).Handler()
	sid := fmt.Sprint(sn.ID)

	valid := func(seq uint64, n int) []byte {
		data, err := record.Marshal(testBatch(sid, 5, seq, n))
		if err != nil {
			f.Fatal(err)
		}
		return data
	}
	f.Add(uint64(0), valid(0, 3))
	f.Add(uint64(1), valid(1, 0))
	f.Add(uint64(2), valid(2, 40)[:70])
	f.Add(uint64(3), valid(4, 1))
	f.Add(uint64(4), []byte("OTSB\x01"))
	f.Add(uint64(5), []byte("garbage"))
	other, _ := record.Marshal(testBatch("1", 5, 6, 1))
	f.Add(uint64(6), other)

	f.Fuzz(func(t *testing.T, seq uint64, body []byte) {
		req := httptest.NewRequest(http.MethodPut, fmt.Sprintf("/v1/batches/5/%d", seq), bytes.NewReader(body))
		req.TLS = &tls.ConnectionState{
			PeerCertificates: []*x509.Certificate{cert},
			VerifiedChains:   [][]*x509.Certificate{{cert, ca.Certificate()}},
		}
		_, before := st.stored()
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		_, after := st.stored()
		switch rec.Code {
		case http.StatusOK:
			b, err := record.Unmarshal(body)
			if err != nil {
				t.Fatalf("accepted an undecodable body: %v", err)
			}
			if b.Header.SensorID != sid || b.Header.Epoch != 5 || b.Header.Seq != seq {
				t.Fatalf("accepted a batch with header %+v for 5/%d", b.Header, seq)
			}
			if after-before > 1 {
				t.Fatalf("one request wrote %d batches", after-before)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
			if after != before {
				t.Fatal("a refused batch was stored")
			}
		default:
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	})
}

package tls

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	cryptotls "crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/dissect/dissecttest"
)

// recConn records what is written to it as chunks of one direction.
type recConn struct {
	net.Conn
	mu     *sync.Mutex
	chunks *[]dissecttest.Chunk
	make   func(b ...byte) dissecttest.Chunk
}

func (c recConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	*c.chunks = append(*c.chunks, c.make(append([]byte(nil), b...)...))
	c.mu.Unlock()
	return c.Conn.Write(b)
}

var (
	notBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	notAfter  = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
)

// testCert is a self-signed ECDSA certificate with a fixed subject, serial,
// validity and DNS names.
func testCert(t testing.TB) cryptotls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(0x1234abcd),
		Subject:      pkix.Name{CommonName: "plc1.plant.example", Organization: []string{"Acme Automation"}, Country: []string{"DE"}},
		NotBefore:    notBefore, NotAfter: notAfter,
		DNSNames: []string{"plc1.plant.example", "plc1"},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return cryptotls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// handshake runs a real crypto/tls handshake over loopback TCP (buffered
// both ways, unlike net.Pipe, so that both sides may write at once) and
// returns the bytes each side wrote, in order (client = originator).
func handshake(t testing.TB, client, server *cryptotls.Config) []dissecttest.Chunk {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var mu sync.Mutex
	var chunks []dissecttest.Chunk
	errc := make(chan error, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			errc <- err
			return
		}
		defer c.Close()
		sc := cryptotls.Server(recConn{c, &mu, &chunks, dissecttest.Resp}, server)
		errc <- sc.Handshake()
	}()
	a, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	a.SetDeadline(time.Now().Add(10 * time.Second))
	cc := cryptotls.Client(recConn{a, &mu, &chunks, dissecttest.Req}, client)
	if err := cc.Handshake(); err != nil {
		t.Fatalf("client handshake: %v", err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return slices.Clone(chunks)
}

package tls

import (
	"crypto/x509"
	"fmt"

	"github.com/otsight/otsight/internal/record"
)

// maxSAN bounds the DNS names kept from a certificate.
const maxSAN = 16

// certificate reads a TLS 1.2 Certificate message (RFC 5246 §7.4.2): a
// 24-bit list length, then each DER certificate with a 24-bit length, the
// server's own (leaf) first. Only the leaf is decoded; its public key is
// not kept.
func certificate(rec *record.TLS, body []byte) {
	if len(body) < 3 {
		return
	}
	list := body[3:]
	if n := int(body[0])<<16 | int(body[1])<<8 | int(body[2]); n < len(list) {
		list = list[:n]
	}
	var leaf []byte
	count := 0
	for len(list) >= 3 {
		n := int(list[0])<<16 | int(list[1])<<8 | int(list[2])
		if n > len(list)-3 {
			break
		}
		if count == 0 {
			leaf = list[3 : 3+n]
		}
		count++
		list = list[3+n:]
	}
	rec.CertChainLen = count
	if leaf == nil {
		return
	}
	c, err := x509.ParseCertificate(leaf)
	if err != nil {
		rec.CertError = text([]byte(fmt.Sprintf("leaf certificate: %v", err)))
		return
	}
	rec.Subject = c.Subject.String()
	rec.Issuer = c.Issuer.String()
	rec.Serial = fmt.Sprintf("%X", c.SerialNumber)
	rec.NotValidBefore = record.Micros(c.NotBefore.UnixMicro())
	rec.NotValidAfter = record.Micros(c.NotAfter.UnixMicro())
	for _, n := range c.DNSNames[:min(len(c.DNSNames), maxSAN)] {
		rec.SANDNS = append(rec.SANDNS, text([]byte(n)))
	}
}

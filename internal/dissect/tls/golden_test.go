package tls_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect/table"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/tls"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

// TestGolden compares message, error and per-type counts on every shared
// capture with tshark's (testdata/tshark.golden, scripts/protocols/tls.sh).
// The shared captures hold little clear-text TLS: the quickdraw captures
// carry only application data of connections that began before the
// capture, hart_ip.pcap one encrypted alert (neither tool counts those),
// and modbus-and-non-modbus-p502.pcap one ClientHello on port 502, found by
// Detect. The full handshakes are tested with crypto/tls in parser_test.go.
func TestGolden(t *testing.T) {
	reg, err := table.Registry()
	if err != nil {
		t.Fatal(err)
	}
	all := sensortest.RunAll(t, reg)
	sensortest.CheckGolden(t, all, dissect.NameTLS, "testdata/tshark.golden", nil)

	// The ClientHello on port 502 (frame 49). tshark: tls.handshake.version
	// 0x0303, cipher_suites_length 32 (16 suites), no server_name, ALPN or
	// supported_versions extension (types 5 10 11 13 65281 18);
	// tls.handshake.ja3 c3a6cf0bf2e690ac8e1ecf6081f17a50.
	var got []*record.TLS
	for _, r := range all["modbus/modbus-and-non-modbus-p502.pcap"].Records {
		if v, ok := r.(*record.TLS); ok {
			got = append(got, v)
		}
	}
	if len(got) != 1 {
		t.Fatalf("tls records %d, want 1", len(got))
	}
	if r := got[0]; r.ClientVersion != "TLSv12" || r.ClientCiphers != 16 || r.ServerName != "" ||
		len(r.ClientALPN) != 0 || len(r.ClientVersions) != 0 || !r.ClientHelloSeen || r.ServerHelloSeen ||
		r.RespP != 502 || r.TS != 1688768963549521 || r.JA3 != "c3a6cf0bf2e690ac8e1ecf6081f17a50" {
		t.Errorf("record %+v", *r)
	}
}

func FuzzParse(f *testing.F) {
	for _, c := range dissecttest.PortPayloads(f, "modbus/modbus-and-non-modbus-p502.pcap", 50, 502) {
		f.Add(c.Data)
	}
	f.Add([]byte{0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00})
	f.Add([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28})
	ep := &dissect.Endpoints{Transport: dissect.TCP, OrigP: 50000, RespP: 443}
	f.Fuzz(func(t *testing.T, data []byte) {
		tls.Detect(dissect.FromOrig, data)
		p := tls.Spec.New()
		out := &dissecttest.Counter{}
		half := len(data) / 2
		for _, dir := range []dissect.Dir{dissect.FromOrig, dissect.FromResp} {
			ctx := &dissect.Context{Dir: dir, Ep: ep, Out: out}
			p.Parse(ctx, data[:half])
			p.Parse(ctx, data[half:])
		}
		p.(dissect.Closer).Close(&dissect.Context{Ep: ep, Out: out})
	})
}

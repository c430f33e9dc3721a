package s7comm_test

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
)

type (
	collector  = dissecttest.Collector
	nopEmitter = dissecttest.Nop
)

var testEp = &dissect.Endpoints{
	Transport: dissect.TCP,
	OrigMAC:   record.MAC{2, 0, 0, 0, 0, 1}, RespMAC: record.MAC{2, 0, 0, 0, 0, 2},
	OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2"),
	OrigP: 49152, RespP: 102,
}

// unhex decodes hex with optional spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tpkt wraps a TSDU in TPKT + COTP DT (EOT).
func tpkt(t testing.TB, tsdu string) []byte {
	t.Helper()
	b := unhex(t, tsdu)
	n := 7 + len(b)
	return append([]byte{3, 0, byte(n >> 8), byte(n), 2, 0xf0, 0x80}, b...)
}

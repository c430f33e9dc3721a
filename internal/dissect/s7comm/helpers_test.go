package s7comm_test

import (
	"encoding/hex"
	"net/netip"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// collector is an Emitter that keeps copies of what a parser reports.
type collector struct {
	msgs []dissect.Message
	recs []record.Record
}

func (c *collector) Message(_ *dissect.Context, m *dissect.Message) { c.msgs = append(c.msgs, *m) }
func (c *collector) Record(_ *dissect.Context, r record.Record)     { c.recs = append(c.recs, r) }

// nopEmitter discards everything (benchmarks, allocation checks, fuzzing).
type nopEmitter struct{}

func (nopEmitter) Message(*dissect.Context, *dissect.Message) {}
func (nopEmitter) Record(*dissect.Context, record.Record)     {}

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

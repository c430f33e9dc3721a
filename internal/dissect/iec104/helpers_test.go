package iec104_test

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/iec104"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

type (
	collector  = dissecttest.Collector
	nopEmitter = dissecttest.Nop
	chunk      = dissecttest.Chunk
)

var (
	req  = dissecttest.Req
	resp = dissecttest.Resp
)

// tcpEp is a client 10.0.0.1:40000 talking to a server 10.0.0.2:2404.
func tcpEp() *dissect.Endpoints {
	return &dissect.Endpoints{
		Transport: dissect.TCP,
		OrigMAC:   record.MAC{0, 1, 2, 3, 4, 5}, RespMAC: record.MAC{0, 1, 2, 3, 4, 6},
		OrigH: netip.MustParseAddr("10.0.0.1"), RespH: netip.MustParseAddr("10.0.0.2"),
		OrigP: 40000, RespP: iec104.Port,
	}
}

// run feeds chunks, each with its direction, to one new parser.
func run(ep *dissect.Endpoints, chunks ...chunk) *collector {
	return dissecttest.Feed(iec104.Spec, ep, chunks...)
}

// capturePayloads returns the payload chunks the pipeline hands the parser
// for one shared capture (path relative to the captures directory).
func capturePayloads(tb testing.TB, rel string) []chunk {
	tb.Helper()
	return sensortest.Payloads(tb, iec104.Spec, rel)
}

package ethercat_test

import (
	"testing"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

type (
	sink    = dissecttest.Collector
	nopSink = dissecttest.Counter
	payload = dissecttest.Chunk
)

// parseAll runs data through a fresh parser of spec, every piece in
// direction dir, and returns what it reported.
func parseAll(spec *dissect.Spec, t dissect.Transport, dir dissect.Dir, data ...[]byte) *sink {
	ep := &dissect.Endpoints{Transport: t, OrigMAC: record.MAC{0, 1, 2, 3, 4, 5}}
	chunks := make([]dissecttest.Chunk, len(data))
	for i, d := range data {
		chunks[i] = dissecttest.Chunk{Dir: dir, Data: d}
	}
	return dissecttest.Feed(spec, ep, chunks...)
}

// capturePayloads returns the payloads spec's parsers receive in the shared
// capture rel.
func capturePayloads(tb testing.TB, spec *dissect.Spec, rel string) []payload {
	tb.Helper()
	return sensortest.Payloads(tb, spec, rel)
}

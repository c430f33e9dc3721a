package ingest

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Config configures the ingest endpoint.
type Config struct {
	// MaxBatchBytes bounds an uploaded batch as sent (compressed). A minute
	// at the seed's maximum load is about half a MiB (see
	// sensor.DefaultSpoolCap); the default leaves ample room for bursts and
	// refuses only what no sensor should send, with 413, before reading it.
	MaxBatchBytes int64
	// Registerer receives the endpoint's Prometheus metrics; nil keeps them
	// unregistered (tests, or a caller that registers Collectors itself).
	Registerer prometheus.Registerer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// DefaultConfig returns the production defaults.
func DefaultConfig() Config {
	return Config{
		MaxBatchBytes: 64 << 20,
	}
}

// DefaultTokenTTL is how long an enrolment token stays valid unless the
// operator asks otherwise: long enough to reach a plant, short enough that a
// token left in a mail box soon stops mattering.
const DefaultTokenTTL = 72 * time.Hour

// maxJSONBody bounds enrol and renew requests: a token and a CSR.
const maxJSONBody = 64 << 10

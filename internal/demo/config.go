package demo

import (
	"log/slog"
	"time"

	"github.com/otsight/otsight/internal/capture"
)

// Names of what the demo creates in the server.
const (
	TenantName = "demo"
	SensorName = "demo-sensor"
	// AdminEmail is the demo administrator's address; the .test top-level
	// domain is reserved (RFC 2606), so a misconfigured relay cannot
	// deliver to anyone.
	AdminEmail = "admin@otsight-demo.test"
)

// Config configures a demo run. Zero fields take DefaultConfig's values,
// except History (zero: no history) and Seed (zero is a seed).
type Config struct {
	// DataDir holds the server's store, the sensor's enrolment and spool,
	// the outbox and the demo's own state.
	DataDir string
	// Listen is the portal's address; when its port is taken the next
	// ListenTries-1 ports are tried.
	Listen string
	// History is the span of generated history before now, back-filled
	// on the first start. Ignored with Read or Interfaces.
	History time.Duration
	// Plant is the generator preset of the live feed and the history.
	Plant string
	// Seed is the generator's random seed.
	Seed uint64

	// Read, when set, feeds this capture file instead of the generator,
	// as fast as it can be processed, with no generated history.
	Read string
	// Interfaces, when set, captures live from these interfaces instead
	// of the generator, with no generated history.
	Interfaces []capture.LiveInterface

	// Log receives the components' logs (server, sensor); nil discards.
	Log *slog.Logger
	// Now is the clock the history span and the live feed start from;
	// nil is time.Now. The components keep the real clock.
	Now func() time.Time
	// OnReady, when set, is called once when the credentials have been
	// printed, with what a test or an embedding program needs.
	OnReady func(*Ready)
}

// ListenTries is how many ports, from Config.Listen's, the portal tries.
const ListenTries = 21

// DefaultHistory is the history a first start back-fills.
const DefaultHistory = 24 * time.Hour

// DefaultConfig returns the configuration of `otsight demo` without flags.
func DefaultConfig() Config {
	return Config{
		DataDir: "otsight-data",
		Listen:  "127.0.0.1:8080",
		History: DefaultHistory,
		Plant:   "small",
		Seed:    1,
	}
}

// fill gives zero fields their defaults.
func (c *Config) fill() {
	d := DefaultConfig()
	if c.DataDir == "" {
		c.DataDir = d.DataDir
	}
	if c.Listen == "" {
		c.Listen = d.Listen
	}
	if c.Plant == "" {
		c.Plant = d.Plant
	}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// generated reports whether the live feed is the synthetic plant.
func (c *Config) generated() bool { return c.Read == "" && len(c.Interfaces) == 0 }

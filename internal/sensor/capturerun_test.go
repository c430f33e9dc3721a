package sensor_test

import (
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// collector is a Sink that keeps what the conformance tests check: every
// connection record, every window's statistics, and the packet counts of
// the aggregated kinds. Records are copied, so nothing depends on the
// pipeline leaving emitted records alone.
type collector struct {
	kinds     map[record.Kind]uint64
	conns     []record.Conn
	intervals []record.ConnInterval
	stats     []record.SensorStats
	flowPkts  uint64
	arpPkts   uint64
	ethFrames uint64
}

func newCollector() *collector { return &collector{kinds: map[record.Kind]uint64{}} }

// Record implements sensor.Sink.
func (c *collector) Record(r record.Record) {
	c.kinds[r.RecordKind()]++
	switch v := r.(type) {
	case *record.Conn:
		c.conns = append(c.conns, *v)
	case *record.ConnInterval:
		c.intervals = append(c.intervals, *v)
	case *record.Flow:
		c.flowPkts += v.Pkts
	case *record.ARP:
		c.arpPkts += v.Pkts
	case *record.Eth:
		c.ethFrames += v.Frames
	}
}

// EndMinute implements sensor.Sink.
func (c *collector) EndMinute(_, _ record.Micros, st *record.SensorStats) {
	c.kinds[record.KindSensorStats]++
	c.stats = append(c.stats, *st)
}

// analysis is the outcome of one capture file through the pipeline.
type analysis struct {
	rel string // path relative to pcaptest.Dir, the golden files' name
	sum *sensor.Summary
	err error // what sensor.Drain returned: damage that ended the file early
	out *collector
}

// analyses caches the run of every shared capture: several tests check the
// same output, and one pass over the captures under -race is the bulk of
// this package's test time.
var analyses struct {
	once  sync.Once
	byRel map[string]*analysis
	order []string
	err   error
}

// analyzeAll runs every shared capture through its own pipeline (in
// parallel, one pipeline per file, as `otsight analyze` does) and returns
// the results keyed by relative path, with the paths in sorted order.
func analyzeAll(t *testing.T) (map[string]*analysis, []string) {
	t.Helper()
	dir := pcaptest.Dir(t)
	files := pcaptest.Files(t)
	analyses.once.Do(func() {
		analyses.byRel = make(map[string]*analysis, len(files))
		results := make([]*analysis, len(files))
		errs := make([]error, len(files))
		var wg sync.WaitGroup
		next := make(chan int)
		for range runtime.GOMAXPROCS(0) {
			wg.Go(func() {
				for i := range next {
					results[i], errs[i] = analyzeFile(dir, files[i])
				}
			})
		}
		for i := range files {
			next <- i
		}
		close(next)
		wg.Wait()
		for i, a := range results {
			if errs[i] != nil {
				analyses.err = errs[i]
				return
			}
			analyses.byRel[a.rel] = a
			analyses.order = append(analyses.order, a.rel)
		}
	})
	if analyses.err != nil {
		t.Fatal(analyses.err)
	}
	return analyses.byRel, analyses.order
}

// analyzeFile runs one capture through a pipeline with the production
// defaults. Only failures to set up the run are returned as errors; damage
// in the file is part of the analysis.
func analyzeFile(dir, path string) (*analysis, error) {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		return nil, err
	}
	rel = filepath.ToSlash(rel)
	reg, err := table.Registry()
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	src, err := capture.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rel, err)
	}
	defer src.Close()
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	out := newCollector()
	p := sensor.NewPipeline(cfg, reg, out, slog.New(slog.DiscardHandler))
	runErr := sensor.Drain(src, p)
	return &analysis{rel: rel, sum: p.Summary(), err: runErr, out: out}, nil
}

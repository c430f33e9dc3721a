// Package sensortest runs the shared captures through the whole sensor
// pipeline, with every registered dissector, for the tests of the dissector
// packages: their message counts are compared with tshark's goldens.
package sensortest

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/dissecttest"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// Result is what the pipeline made of one capture.
type Result struct {
	Summary *sensor.Summary
	Records []record.Record
}

type sink struct{ recs []record.Record }

func (s *sink) Record(r record.Record) { s.recs = append(s.recs, r) }
func (s *sink) EndMinute(_, _ record.Micros, st *record.SensorStats) {
	s.recs = append(s.recs, st)
}

// Full returns the registry of every dissector in the one table.
func Full(tb testing.TB) *dissect.Registry {
	tb.Helper()
	reg, err := table.Registry()
	if err != nil {
		tb.Fatal(err)
	}
	return reg
}

// RunAll runs every shared capture through its own pipeline with the
// dissectors of reg (two at a time) and returns the results by path relative
// to the captures directory.
func RunAll(tb testing.TB, reg *dissect.Registry) map[string]*Result {
	tb.Helper()
	res, err := runAll(reg, pcaptest.Dir(tb), pcaptest.Files(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return res
}

func runAll(reg *dissect.Registry, dir string, files []string) (map[string]*Result, error) {
	out := make(map[string]*Result, len(files))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	var errs []error
	for _, f := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := Run(reg, f)
			rel, _ := filepath.Rel(dir, f)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				errs = append(errs, err)
				return
			}
			out[rel] = r
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// Run analyses one capture with the dissectors of reg. A damaged file is not
// an error here: what was read before the damage is returned, with
// Summary.Error set.
func Run(reg *dissect.Registry, path string) (*Result, error) {
	src, err := capture.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer src.Close()
	s := &sink{}
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	p := sensor.NewPipeline(cfg, reg, s, nil)
	derr := sensor.Drain(src, p)
	sum := p.Summary()
	sum.File = path
	if derr != nil {
		sum.Error = derr.Error()
	}
	return &Result{Summary: sum, Records: s.recs}, nil
}

// Golden is one line of a tshark message-count golden.
type Golden struct {
	Messages, Errors uint64
	Codes            map[string]uint64
}

// ReadGolden reads a golden written by scripts/golden-protocols.sh.
func ReadGolden(tb testing.TB, path string) map[string]Golden {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("golden %s: %v (generate it with scripts/golden-protocols.sh)", path, err)
	}
	defer f.Close()
	out := map[string]Golden{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Split(line, "\t")
		if len(fs) != 4 {
			tb.Fatalf("%s:%d: want 4 tab-separated fields", path, n)
		}
		g := Golden{Codes: map[string]uint64{}}
		var err1, err2 error
		g.Messages, err1 = strconv.ParseUint(fs[1], 10, 64)
		g.Errors, err2 = strconv.ParseUint(fs[2], 10, 64)
		if err1 != nil || err2 != nil {
			tb.Fatalf("%s:%d: bad counts", path, n)
		}
		if fs[3] != "-" {
			for _, kv := range strings.Split(fs[3], ",") {
				k, v, ok := strings.Cut(kv, "=")
				c, err := strconv.ParseUint(v, 10, 64)
				if !ok || err != nil {
					tb.Fatalf("%s:%d: bad code %q", path, n, kv)
				}
				g.Codes[k] = c
			}
		}
		out[fs[0]] = g
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// CheckGolden compares the message counts for protocol in results (from
// RunAll) with the golden at goldenPath on every shared capture: messages,
// errors and per-code counts must be equal. known lists captures where they
// must differ, with the reason; an entry that no longer differs fails too, so
// the list cannot go stale.
func CheckGolden(t *testing.T, all map[string]*Result, protocol, goldenPath string, known map[string]string) {
	t.Helper()
	golden := ReadGolden(t, goldenPath)
	paths := make([]string, 0, len(all))
	for p := range all {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		got := Golden{Codes: map[string]uint64{}}
		if ps := all[p].Summary.Protocols[protocol]; ps != nil {
			got = Golden{Messages: ps.Messages, Errors: ps.Errors, Codes: ps.Functions}
		}
		want, ok := golden[p]
		if !ok {
			want = Golden{Codes: map[string]uint64{}}
		}
		diff := compare(got, want)
		reason, isKnown := known[p]
		switch {
		case diff != "" && !isKnown:
			t.Errorf("%s: %s differs from tshark: %s", p, protocol, diff)
		case diff == "" && isKnown:
			t.Errorf("%s: listed as a known difference (%s) but now agrees with tshark: remove it", p, reason)
		}
	}
	for p := range known {
		if _, ok := all[p]; !ok {
			t.Errorf("known difference for %s, which is not a shared capture", p)
		}
	}
}

func compare(got, want Golden) string {
	var d []string
	if got.Messages != want.Messages {
		d = append(d, fmt.Sprintf("messages %d, tshark %d", got.Messages, want.Messages))
	}
	if got.Errors != want.Errors {
		d = append(d, fmt.Sprintf("errors %d, tshark %d", got.Errors, want.Errors))
	}
	keys := map[string]bool{}
	for k := range got.Codes {
		keys[k] = true
	}
	for k := range want.Codes {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		if got.Codes[k] != want.Codes[k] {
			d = append(d, fmt.Sprintf("code %s: %d, tshark %d", k, got.Codes[k], want.Codes[k]))
		}
	}
	return strings.Join(d, "; ")
}

// recorder keeps a copy of each payload and passes it on to the real parser,
// which may change what the pipeline delivers next (a parser that gives up
// stops the delivery).
type recorder struct {
	dissecttest.Recorder
	p dissect.Parser
}

func (r recorder) Parse(ctx *dissect.Context, b []byte) {
	r.Recorder.Parse(ctx, b)
	r.p.Parse(ctx, b)
}

// Payloads returns the payloads the pipeline hands spec's parsers in the
// shared capture rel (relative to the captures directory), in order: the
// exact bytes for tests, fuzz seeds and benchmarks. It fails when there are
// none.
func Payloads(tb testing.TB, spec *dissect.Spec, rel string) []dissecttest.Chunk {
	tb.Helper()
	var out []dissecttest.Chunk
	s := *spec
	s.New = func() dissect.Parser { return recorder{dissecttest.Recorder{Chunks: &out}, spec.New()} }
	reg, err := dissect.NewRegistry(&s)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := Run(reg, pcaptest.Path(tb, rel)); err != nil {
		tb.Fatal(err)
	}
	if len(out) == 0 {
		tb.Fatalf("%s: no payloads for %s", rel, spec.Name)
	}
	return out
}

package demo

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progress writes the demo's lines to the user, each stamped with the time
// since the start, so that what takes long is visible. Safe for concurrent
// use.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	start time.Time
}

func newProgress(w io.Writer) *progress { return &progress{w: w, start: time.Now()} }

// step prints one progress line.
func (p *progress) step(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "[%6.1fs] %s\n", time.Since(p.start).Seconds(), fmt.Sprintf(format, args...))
}

// plain prints lines as they are: the credentials block, which users and
// scripts look for by its prefixes.
func (p *progress) plain(lines ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, l := range lines {
		fmt.Fprintln(p.w, l)
	}
}

// elapsed is the time since the demo started.
func (p *progress) elapsed() time.Duration { return time.Since(p.start) }

// every calls f every interval, from another goroutine, until the
// returned function is called; that function waits for a call in progress.
func every(interval time.Duration, f func()) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				f()
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

// liveSpan is how long the generated live feed lasts: for ever, as far as
// a demo is concerned.
const liveSpan = 366 * 24 * time.Hour

// feed is the live input of the sensor pipeline.
type feed struct {
	src    capture.Source
	labels []string // per interface, for the pipeline's records
	what   string   // for the progress lines
	// stop ends the input and waits for whatever produces it; Next then
	// returns an error.
	stop func()
}

// openFeed opens the configured input: a capture file, live interfaces, or
// the plant generated in real time from start.
func openFeed(cfg *Config, plant *gen.Plant, start time.Time, log *slog.Logger) (*feed, error) {
	switch {
	case cfg.Read != "":
		src, err := capture.OpenFile(cfg.Read)
		if err != nil {
			return nil, err
		}
		return &feed{src: src, labels: []string{""}, what: cfg.Read, stop: func() { src.Close() }}, nil
	case len(cfg.Interfaces) > 0:
		lc := capture.DefaultLiveConfig()
		lc.Interfaces = cfg.Interfaces
		lc.Timeout = time.Second // quiet network: minutes still end
		lc.Logger = log
		src, err := capture.OpenLive(lc)
		if err != nil {
			return nil, err
		}
		f := &feed{src: src, stop: func() { src.Close() }}
		var names []string
		for _, i := range cfg.Interfaces {
			f.labels = append(f.labels, i.Label)
			names = append(names, i.Name)
		}
		f.what = "capturing on " + strings.Join(names, ", ")
		return f, nil
	}
	return generatedFeed(plant, start, cfg.Seed)
}

// generatedFeed runs the generator's packet output, paced to the wall
// clock, into a pipe that the capture reader reads: the sensor sees a pcap
// stream exactly as from `otsight gen --realtime --out - | otsight sensor`.
func generatedFeed(plant *gen.Plant, start time.Time, seed uint64) (*feed, error) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		o := gen.Options{Plant: plant, Start: start, Duration: liveSpan, Seed: seed, Realtime: true}
		_, err := gen.WritePackets(o, exitOnError{pw}, "live.pcap")
		pw.CloseWithError(err)
	}()
	src, err := capture.OpenReader(plant.Name+" plant (generated)", pr)
	if err != nil {
		pr.CloseWithError(err)
		<-done
		return nil, fmt.Errorf("generated feed: %w", err)
	}
	return &feed{src: src, labels: []string{""}, what: "the " + plant.Name + " plant, generated in real time",
		stop: func() {
			pr.CloseWithError(errStopped)
			<-done
			src.Close()
		}}, nil
}

// errStopped ends the generated feed's pipe.
var errStopped = errors.New("demo stopped")

// exitOnError ends the generator's goroutine at the first failed write.
// The generator keeps running its model after a write error, sleeping to
// pace packets it no longer writes, for the whole span; once the reader
// is gone there is nothing left for it to do, and runtime.Goexit is the
// only way to stop it from the outside (deferred calls still run).
type exitOnError struct{ w io.Writer }

func (e exitOnError) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil {
		runtime.Goexit()
	}
	return n, err
}

// live is the sensor pipeline running on a feed: capture → pipeline →
// batcher → spool, with the uploader kicked after every batch.
type live struct {
	feed     *feed
	what     string
	batcher  *sensor.Batcher
	spool    *sensor.Spool
	done     chan struct{}
	runErr   error
	reported bool // the end of the feed has been told
}

// startLive starts the pipeline on f, its batches numbered from next.
func startLive(ctx context.Context, cfg *Config, f *feed, sensorID string, next uint64, spool *sensor.Spool, up *sensor.Uploader) (*live, error) {
	reg, err := table.Registry()
	if err != nil {
		return nil, fmt.Errorf("dissector registry: %w", err)
	}
	sc := sensor.DefaultConfig()
	sc.Labels = f.labels
	// Connection UIDs must not repeat across restarts of the same sensor.
	sc.UIDSeed = next<<20 ^ uint64(os.Getpid())
	b := sensor.NewBatcher(sensorID, next, func(b *record.Batch) error {
		err := spool.Put(b)
		up.Kick()
		return err
	})
	p := sensor.NewPipeline(sc, reg, b, cfg.Log.With("component", "sensor"))
	p.AttachSource(f.src)
	l := &live{feed: f, what: f.what, batcher: b, spool: spool, done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.runErr = sensor.Run(ctx, f.src, p)
	}()
	return l, nil
}

// ended reports whether the feed has ended (a file read to its end, or a
// failure).
func (l *live) ended() bool {
	select {
	case <-l.done:
		return true
	default:
		return false
	}
}

// err is the error that ended the feed; call after ended.
func (l *live) err() error { return l.runErr }

// stop ends the feed, waits for the pipeline to spool its last minute and
// records the next sequence number in the spool.
func (l *live) stop() error {
	l.feed.stop()
	<-l.done
	var errs []error
	if err := l.spool.SaveNextSeq(l.batcher.NextSeq()); err != nil {
		errs = append(errs, fmt.Errorf("save spool state: %w", err))
	}
	if l.batcher.Err != nil {
		errs = append(errs, fmt.Errorf("%d batches not spooled: %w", l.batcher.Failed, l.batcher.Err))
	}
	return errors.Join(errs...)
}

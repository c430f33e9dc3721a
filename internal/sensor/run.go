package sensor

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/record"
)

// Drain feeds every frame of src through p, then closes p. It returns the
// damage error that ended the source early, if any: everything before the
// damage has been processed and emitted all the same.
func Drain(src capture.Source, p *Pipeline) error {
	defer p.Close()
	for {
		data, ci, err := src.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		p.Frame(data, ci)
	}
}

// FileSink is the Sink of offline analysis: records go to per-kind NDJSON
// files (or nowhere), minute windows are not needed.
type FileSink struct {
	Files *record.KindFiles // nil: records are only counted
}

// Record implements Sink.
func (s FileSink) Record(r record.Record) {
	if s.Files != nil {
		s.Files.Write(r)
	}
}

// EndMinute implements Sink; the window statistics go out as a record.
func (s FileSink) EndMinute(_, _ record.Micros, st *record.SensorStats) { s.Record(st) }

// Run feeds src through p until the source ends or ctx is cancelled (the
// caller closes src to unblock it), then closes p. Idle periods of a live
// source (capture.ErrTimeout) advance the pipeline's clock so that minutes end
// and connections expire on a quiet network.
func Run(ctx context.Context, src capture.Source, p *Pipeline) error {
	defer p.Close()
	for {
		data, ci, err := src.Next()
		switch {
		case err == nil:
			p.Frame(data, ci)
		case errors.Is(err, capture.ErrTimeout):
			p.Tick(time.Now().UnixNano())
		case errors.Is(err, io.EOF), ctx.Err() != nil:
			return nil
		default:
			return err
		}
	}
}

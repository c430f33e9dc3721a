// Package gen is the synthetic plant: a model of an industrial site
// (cells of PLCs from several makers polled by HMIs, CC-Link I/O, a
// historian, an engineering workstation, building automation, an office)
// that produces a deterministic stream of conversations, with day/night
// and weekday/weekend rhythms and injected anomalies recorded in a
// ground-truth file.
//
// The same stream has two outputs: packets (a pcap or pcapng file, frames
// built by package wire), and the records the sensor would write for those
// packets, computed without encoding them and cut into the sensor's minute
// batches, so that weeks of history for thousands of devices take minutes.
// Same options, same bytes: nothing depends on the machine or the clock.
package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/otsight/otsight/internal/gen/pcapw"
	"github.com/otsight/otsight/internal/record"
)

// DefaultStart is where a span starts unless told otherwise.
var DefaultStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// SensorID is the sensor name of generated record batches.
const SensorID = "gen"

// Options selects the plant, the span and the seed of a run.
type Options struct {
	Plant    *Plant
	Start    time.Time
	Duration time.Duration
	Seed     uint64
	// Realtime paces the packet output to the wall clock.
	Realtime bool
}

func (o *Options) model() (*model, error) {
	if o.Plant == nil {
		return nil, errors.New("gen: no plant")
	}
	if o.Duration <= 0 {
		return nil, errors.New("gen: duration must be positive")
	}
	start := o.Start
	if start.IsZero() {
		start = DefaultStart
	}
	m := &model{plant: o.Plant, seed: o.Seed, start: start.UnixNano()}
	m.end = m.start + int64(o.Duration)
	m.rng = m.newRand(0)
	m.build()
	return m, nil
}

// Truth returns the injected events a run with these options contains.
func Truth(o Options) ([]TruthEvent, error) {
	m, err := o.model()
	if err != nil {
		return nil, err
	}
	return m.truth, nil
}

// WritePackets generates the span as a capture file written to w, in pcapng
// when name ends in .pcapng, else pcap.
func WritePackets(o Options, w io.Writer, name string) (*Stats, error) {
	m, err := o.model()
	if err != nil {
		return nil, err
	}
	pw, err := pcapw.New(w, name)
	if err != nil {
		return nil, err
	}
	st := &Stats{}
	s := newPacketSink(pw, st)
	s.pace = o.Realtime
	m.run(s)
	if err := s.finish(); err != nil {
		return st, fmt.Errorf("write packets: %w", err)
	}
	return st, nil
}

// WriteRecords generates the span at record level: one batch per UTC
// minute with traffic, sequence numbers from firstSeq, handed to put (a
// sensor spool's Put, or an uploader).
func WriteRecords(o Options, firstSeq uint64, put func(*record.Batch) error) (*Stats, error) {
	m, err := o.model()
	if err != nil {
		return nil, err
	}
	st := &Stats{}
	s := newRecordSink(SensorID, firstSeq, o.Seed, st, put)
	m.run(s)
	if err := s.close(); err != nil {
		return st, fmt.Errorf("write records: %w", err)
	}
	return st, nil
}

// WriteTruth writes events as JSON lines.
func WriteTruth(w io.Writer, events []TruthEvent) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range events {
		if err := enc.Encode(&events[i]); err != nil {
			return fmt.Errorf("write truth: %w", err)
		}
	}
	return nil
}

// DeviceCount is the number of devices of a plant at the start of a span
// (devices injected by events come later).
func DeviceCount(p *Plant) int {
	m := &model{plant: p, seed: 0, start: DefaultStart.UnixNano(), end: DefaultStart.UnixNano() + 1}
	m.rng = m.newRand(0)
	saved := p.Events
	p.Events = nil
	m.build()
	p.Events = saved
	return len(m.devices)
}

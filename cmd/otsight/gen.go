package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

func runGen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "", "built-in plant `NAME` (small, factory, large, huge)")
	plantFile := fs.String("plant", "", "plant description `FILE` (YAML)")
	durS := fs.String("duration", "", "span to generate, e.g. 10m, 8h, 7d")
	startS := fs.String("start", gen.DefaultStart.Format(time.RFC3339), "start `TIME` of the span (RFC 3339)")
	seed := fs.Uint64("seed", 1, "random seed")
	out := fs.String("out", "", "write packets to `FILE` (.pcap or .pcapng; - for a pcap stream on stdout)")
	recDir := fs.String("records", "", "write the sensor's minute batches into spool `DIR`")
	truth := fs.String("truth", "", "write the injected events to `FILE` (JSON lines)")
	realtime := fs.Bool("realtime", false, "pace the packet output to the wall clock")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight gen --preset NAME|--plant FILE --duration D [--start TIME] [--seed N] (--out FILE | --records DIR) [--truth FILE]\n\nGenerates synthetic plant traffic, as packets or as the sensor's records.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "otsight gen: %v\n", err)
		return 1
	}
	if (*preset == "") == (*plantFile == "") || *durS == "" || (*out == "") == (*recDir == "") || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	var p *gen.Plant
	var err error
	if *preset != "" {
		p, err = gen.Preset(*preset)
	} else {
		var data []byte
		if data, err = os.ReadFile(*plantFile); err == nil {
			p, err = gen.ParsePlant(data)
		}
	}
	if err != nil {
		return fail(err)
	}
	dur, err := gen.ParseDuration(*durS)
	if err != nil {
		return fail(fmt.Errorf("--duration: %w", err))
	}
	start, err := time.Parse(time.RFC3339, *startS)
	if err != nil {
		return fail(fmt.Errorf("--start: %w", err))
	}
	o := gen.Options{Plant: p, Start: start, Duration: dur, Seed: *seed, Realtime: *realtime}
	t0 := time.Now()
	var st *gen.Stats
	if *out != "" {
		st, err = genPackets(o, *out)
	} else {
		st, err = genRecords(o, *recDir)
	}
	if err != nil {
		return fail(err)
	}
	if *truth != "" {
		if err := genTruth(o, *truth); err != nil {
			return fail(err)
		}
	}
	fmt.Fprintf(stderr, "otsight gen: %d packets, %d bytes, %d records in %d batches (%.1fs)\n",
		st.Packets, st.Bytes, st.Records, st.Batches, time.Since(t0).Seconds())
	return 0
}

func genPackets(o gen.Options, name string) (*gen.Stats, error) {
	if name == "-" { // a pcap stream, e.g. for the sensor reading a pipe
		return gen.WritePackets(o, os.Stdout, "stdout.pcap")
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	st, err := gen.WritePackets(o, f, name)
	return st, errors.Join(err, f.Close())
}

// genRecords writes batches into a sensor spool, continuing its sequence
// numbers, so an uploader drains it like a sensor's.
func genRecords(o gen.Options, dir string) (*gen.Stats, error) {
	spool, err := sensor.OpenSpool(dir)
	if err != nil {
		return nil, err
	}
	next, err := spool.NextSeq()
	if err != nil {
		return nil, err
	}
	// Encoding and writing a batch costs about as much as computing it: a
	// second goroutine spools while the generator goes on.
	batches := make(chan *record.Batch, 4)
	done := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				err = spool.Put(b)
			}
		}
		done <- err
	}()
	st, err := gen.WriteRecords(o, next, func(b *record.Batch) error {
		batches <- b
		return nil
	})
	close(batches)
	if perr := <-done; err == nil {
		err = perr
	}
	if err != nil {
		return st, err
	}
	return st, spool.SaveNextSeq(next + st.Batches)
}

func genTruth(o gen.Options, name string) error {
	events, err := gen.Truth(o)
	if err != nil {
		return err
	}
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	return errors.Join(gen.WriteTruth(f, events), f.Close())
}

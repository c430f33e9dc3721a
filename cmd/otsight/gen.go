package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
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
	upload := fs.Bool("upload", false, "send the records to a server as the sensor enrolled in --state (otsight sensor enroll), through a spool (--records, default STATE/gen-spool)")
	stateDir := fs.String("state", defaultStateDir, "with --upload: `DIR` of the sensor's enrolment")
	server := fs.String("server", "", "with --upload: the server's ingest `URL` (default: the one enrolled with)")
	proxy := fs.String("proxy", "", "with --upload: HTTPS proxy `URL` (default: HTTPS_PROXY from the environment)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight gen --preset NAME|--plant FILE --duration D [--start TIME] [--seed N] (--out FILE | --records DIR | --upload [--state DIR]) [--truth FILE]\n\nGenerates synthetic plant traffic, as packets or as the sensor's records.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "otsight gen: %v\n", err)
		return 1
	}
	if *upload && *recDir == "" {
		*recDir = filepath.Join(*stateDir, "gen-spool")
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
	switch {
	case *out != "":
		st, err = genPackets(o, *out)
	case *upload:
		st, err = genUpload(o, *recDir, *stateDir, *server, *proxy, stderr)
	default:
		st, err = genRecords(o, *recDir, "")
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
// numbers, so an uploader drains it like a sensor's. A non-empty sensorID
// labels the batches as that enrolled sensor's (the server refuses a batch
// whose header names another sensor than its certificate).
func genRecords(o gen.Options, dir, sensorID string) (*gen.Stats, error) {
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
		if sensorID != "" {
			b.Header.SensorID = sensorID
		}
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

// genUpload generates the records into a spool and uploads it to the
// server as the enrolled sensor does, over mutual TLS, until the spool is
// empty (or Ctrl-C: what is left stays spooled for the next run).
func genUpload(o gen.Options, dir, stateDir, server, proxy string, stderr io.Writer) (*gen.Stats, error) {
	id, err := sensor.LoadIdentity(stateDir)
	if err != nil {
		return nil, fmt.Errorf("--upload: %w", err)
	}
	st, err := genRecords(o, dir, id.SensorID())
	if err != nil {
		return st, err
	}
	spool, err := sensor.OpenSpool(dir)
	if err != nil {
		return st, err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	sid := id.SensorID()
	up, err := newUploader(server, stateDir, proxy, &sid, spool, log)
	if err != nil {
		return st, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	up.Start(ctx)
	waitUploaded(ctx, spool, log)
	up.Stop()
	left, err := spool.Pending()
	if err != nil {
		return st, err
	}
	s := up.Stats()
	fmt.Fprintf(stderr, "otsight gen: uploaded %d batches (%d already stored), %d refused, %d left in %s\n",
		s.Stored, s.Duplicates, s.Refused, len(left), dir)
	if len(left) > 0 || s.Refused > 0 {
		return st, fmt.Errorf("%d batches not uploaded, %d refused", len(left), s.Refused)
	}
	return st, nil
}

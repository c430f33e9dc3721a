package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/fingerprint/tcpfp"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
)

func runAnalyze(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "write one <kind>.ndjson per record kind into `DIR`/<file name>/")
	summary := fs.Bool("summary", false, "print one JSON summary line per file on stdout")
	quiet := fs.Bool("quiet", false, "no progress bar")
	p0fFile := fs.String("p0f-fp", "", "also match TCP fingerprints against this p0f.fp `FILE` (tried before the built-in set)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight analyze [--out DIR] [--summary] FILE...\n\nRuns the sensor pipeline offline on each capture file (pcap or pcapng).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	reg, err := table.Registry()
	if err != nil {
		fmt.Fprintf(stderr, "otsight analyze: %v\n", err)
		return 1
	}
	var p0f *tcpfp.Set
	if *p0fFile != "" {
		if p0f, err = tcpfp.ParseFile(*p0fFile, tcpfp.SourceP0F); err != nil {
			fmt.Fprintf(stderr, "otsight analyze: %v\n", err)
			return 1
		}
	}
	status := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	for _, name := range fs.Args() {
		sum, err := analyzeFile(name, *out, reg, p0f, stderr, !*quiet && isTerminal(stderr))
		if err != nil {
			fmt.Fprintf(stderr, "otsight analyze: %s: %v\n", name, err)
			status = 2
		}
		if *summary && sum != nil {
			if err := enc.Encode(sum); err != nil {
				fmt.Fprintf(stderr, "otsight analyze: write summary: %v\n", err)
				return 1
			}
		}
	}
	return status
}

// analyzeFile runs one file through its own pipeline. A damaged file still
// yields the summary of what came before the damage, with the error.
func analyzeFile(name, outDir string, reg *dissect.Registry, p0f *tcpfp.Set, stderr io.Writer, progress bool) (*sensor.Summary, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	var bar *progressBar
	if progress {
		if st, err := f.Stat(); err == nil {
			bar = newProgressBar(stderr, filepath.Base(name), st.Size())
			r = bar.reader(f)
		}
	}
	src, err := capture.OpenReader(name, r)
	if err != nil {
		return nil, err
	}
	defer src.Close()

	sink := sensor.FileSink{}
	if outDir != "" {
		files, err := record.NewKindFiles(filepath.Join(outDir, filepath.Base(name)))
		if err != nil {
			return nil, err
		}
		sink.Files = files
	}
	cfg := sensor.DefaultConfig()
	cfg.UIDSeed = 1
	cfg.P0F = p0f
	p := sensor.NewPipeline(cfg, reg, sink, slog.Default())
	runErr := sensor.Drain(src, p)
	bar.done()
	sum := p.Summary()
	sum.File = name
	if runErr != nil {
		sum.Error = runErr.Error()
	}
	if sink.Files != nil {
		if err := sink.Files.Close(); err != nil {
			return sum, errors.Join(runErr, err)
		}
	}
	return sum, runErr
}

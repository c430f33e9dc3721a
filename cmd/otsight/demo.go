//go:build cgo

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/otsight/otsight/internal/demo"
	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/sensor"
)

func runDemo(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop() // a second Ctrl-C during the shutdown kills the process
	}()
	return demoUntil(ctx, args, stdout, stderr)
}

// demoUntil is `otsight demo` until ctx ends.
func demoUntil(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := demo.DefaultConfig()
	fs.StringVar(&cfg.DataDir, "data", cfg.DataDir, "data `DIR`: store, sensor state and spool, outbox; a second start resumes it")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "portal `ADDRESS`; when its port is taken the next 20 are tried")
	history := fs.String("history", cfg.History.String(), "generated history before now, back-filled on the first start (e.g. 30m, 24h, 7d; 0 for none)")
	fs.StringVar(&cfg.Plant, "preset", cfg.Plant, "synthetic plant `NAME` (small, factory, large, huge)")
	fs.StringVar(&cfg.Read, "read", "", "feed this capture `FILE` (as fast as it can be processed) instead of the synthetic plant; no history")
	var ifaces ifaceFlags
	fs.Var(&ifaces, "interface", "capture live from `IF[=LABEL]` (repeatable) instead of the synthetic plant; no history")
	verbose := fs.Bool("v", false, "log the components (server, sensor) to standard error")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight demo [--data DIR] [--listen ADDRESS] [--history D] [--read FILE | --interface IF]\n\n"+
			"Runs the server, an enrolled in-process sensor and a synthetic plant (or a capture) on this machine,\n"+
			"then prints the portal's address and a login. Ctrl-C stops it; the next start resumes.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 || (cfg.Read != "" && len(ifaces) > 0) {
		fs.Usage()
		return 2
	}
	d, err := gen.ParseDuration(*history)
	if err != nil || d < 0 {
		fmt.Fprintf(stderr, "otsight demo: --history %q: want a duration such as 30m, 24h or 7d\n", *history)
		return 2
	}
	cfg.History = d
	cfg.Interfaces = ifaces
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	cfg.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	sensor.Version = version
	if err := demo.Run(ctx, cfg, stdout); err != nil {
		fmt.Fprintf(stderr, "otsight %v\n", err) // "otsight demo: …"
		return 1
	}
	return 0
}

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

	"github.com/otsight/otsight/internal/config"
	"github.com/otsight/otsight/internal/server"
)

// envPrefix starts every configuration variable of the server.
const envPrefix = "OTSIGHT"

// serverFlags are the flags `otsight server` and `otsight admin` share:
// both find the data directory the same way.
type serverFlags struct {
	config string
	data   string
}

// register adds the flags to fs; a value already set (by flags before an
// admin sub-command) stays the default.
func (f *serverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.config, "config", f.config, "YAML configuration `FILE` (default: built-in defaults; OTSIGHT_* variables override either)")
	fs.StringVar(&f.data, "data", f.data, "data `DIR` (overrides data_dir)")
}

// load returns the effective configuration: defaults, the file, the
// environment, then --data.
func (f *serverFlags) load(environ []string) (server.Config, error) {
	cfg := server.DefaultConfig()
	if err := config.Load(&cfg, f.config, envPrefix, environ); err != nil {
		return cfg, err
	}
	if f.data != "" {
		cfg.DataDir = f.data
	}
	return cfg, nil
}

func runServer(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveUntil(ctx, args, os.Environ(), stdout, stderr, nil)
}

// serveUntil is `otsight server` until ctx ends; started, if not nil,
// receives the running server (for tests).
func serveUntil(ctx context.Context, args, environ []string, stdout, stderr io.Writer, started chan<- *server.Server) int {
	fs := flag.NewFlagSet("server", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serverFlags
	sf.register(fs)
	printConfig := fs.Bool("print-config", false, "print the effective configuration as YAML and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight server [--config FILE] [--data DIR] [--print-config]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg, err := sf.load(environ)
	if err != nil {
		fmt.Fprintf(stderr, "otsight server: %v\n", err)
		return 2
	}
	if *printConfig {
		shown := cfg
		if shown.Mail.SMTP.Password != "" {
			shown.Mail.SMTP.Password = "********" // the configuration is shown, the secret is not
		}
		out, err := config.Print(&shown)
		if err != nil {
			fmt.Fprintf(stderr, "otsight server: %v\n", err)
			return 1
		}
		stdout.Write(out)
		return 0
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	srv, err := server.New(cfg, log)
	if err != nil {
		log.Error("server", "err", err)
		return 1
	}
	if err := srv.Start(ctx); err != nil {
		log.Error("server", "err", err)
		srv.Stop()
		return 1
	}
	if started != nil {
		started <- srv
	}
	<-ctx.Done()
	log.Info("shutting down")
	if err := srv.Stop(); err != nil {
		log.Error("shutdown", "err", err)
		return 1
	}
	return 0
}

// Command otsight is the passive OT network visibility sensor and server.
//
//	otsight analyze [--out DIR] [--summary] FILE...   analyse capture files offline
//	otsight sensor (--read FILE | --interface IF[=LABEL]...) --spool DIR [--server URL --state DIR]
//	otsight sensor enroll --server URL --token TOKEN [--state DIR]
//	otsight gen (--preset NAME | --plant FILE) --duration D (--out FILE | --records DIR)
//	otsight server [--config FILE] [--data DIR] [--print-config]
//	otsight admin [--config FILE] [--data DIR] tenant|user|sensor|backup|restore|stats ...
//	otsight version
package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name  string
	short string
	run   func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"demo", "everything on this machine: server, sensor and a synthetic plant; prints a portal login", runDemo},
		{"analyze", "analyse capture files offline: records and a summary", runAnalyze},
		{"sensor", "capture from interfaces or a file into minute batches in a spool", runSensor},
		{"gen", "generate synthetic plant traffic: packets or the sensor's records", runGen},
		{"server", "run the server: sensor ingest, store, inventory, health, admin socket", runServer},
		{"admin", "operator commands: tenants, users, sensors, backup, stats", runAdmin},
		{"version", "print the version", func(_ []string, stdout, _ io.Writer) int {
			fmt.Fprintf(stdout, "otsight %s\n", version)
			return 0
		}},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: otsight COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.short)
	}
	fmt.Fprintln(w, "\n'otsight COMMAND -h' describes a command's flags.")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	slog.SetDefault(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "otsight: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

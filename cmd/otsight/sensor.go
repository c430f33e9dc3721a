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
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/sensor"
)

// ifaceFlags collects repeated --interface IF[=LABEL] flags.
type ifaceFlags []capture.LiveInterface

func (f *ifaceFlags) String() string { return fmt.Sprint(*f) }

func (f *ifaceFlags) Set(v string) error {
	i, err := capture.ParseInterface(v)
	if err != nil {
		return err
	}
	*f = append(*f, i)
	return nil
}

func runSensor(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sensor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	read := fs.String("read", "", "read frames from a capture `FILE` instead of interfaces")
	var ifaces ifaceFlags
	fs.Var(&ifaces, "interface", "capture from `IF[=LABEL]` (repeat for several mirror ports)")
	spoolDir := fs.String("spool", "/var/lib/otsight/spool", "`DIR` where minute batches wait for upload")
	sensorID := fs.String("sensor-id", "", "sensor identity written into batch headers")
	cfg := sensor.DefaultConfig()
	fs.DurationVar(&cfg.Flow.TCPInactivity, "tcp-timeout", cfg.Flow.TCPInactivity, "end an idle TCP connection after this long")
	fs.DurationVar(&cfg.Flow.UDPInactivity, "udp-timeout", cfg.Flow.UDPInactivity, "end an idle UDP flow after this long")
	fs.DurationVar(&cfg.Flow.ICMPInactivity, "icmp-timeout", cfg.Flow.ICMPInactivity, "end an idle ICMP flow after this long")
	fs.IntVar(&cfg.Flow.MaxConns, "max-conns", cfg.Flow.MaxConns, "connection table cap; the least recently active is evicted beyond it")
	fs.DurationVar(&cfg.Decode.DedupWindow, "dedup-window", cfg.Decode.DedupWindow, "drop byte-identical IP/ARP frames seen again within this window (SPAN copies); 0 disables")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight sensor (--read FILE | --interface IF[=LABEL]...) [--spool DIR]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*read == "") == (len(ifaces) == 0) || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	log := slog.Default()
	reg, err := table.Registry()
	if err != nil {
		log.Error("dissector registry", "err", err)
		return 1
	}
	spool, err := sensor.OpenSpool(*spoolDir)
	if err != nil {
		log.Error("open spool", "err", err)
		return 1
	}
	next, err := spool.NextSeq()
	if err != nil {
		log.Error("open spool", "err", err)
		return 1
	}

	var src capture.Source
	if *read != "" {
		src, err = capture.OpenFile(*read)
		cfg.Labels = []string{""}
	} else {
		for _, i := range ifaces {
			cfg.Labels = append(cfg.Labels, i.Label)
		}
		lc := capture.DefaultLiveConfig()
		lc.Interfaces = ifaces
		lc.Timeout = time.Second // quiet network: minutes still end
		lc.Logger = log
		src, err = capture.OpenLive(lc)
	}
	if err != nil {
		log.Error("open capture", "err", err)
		return 1
	}
	cfg.UIDSeed = next<<20 ^ uint64(os.Getpid())
	batcher := sensor.NewBatcher(*sensorID, next, spool.Put)
	p := sensor.NewPipeline(cfg, reg, batcher, log)
	p.AttachSource(src)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		src.Close() // unblocks Next
	}()
	log.Info("sensor started", "spool", spool.Dir(), "first_batch", next)
	runErr := sensor.Run(ctx, src, p)
	status := 0
	if runErr != nil {
		log.Error("capture ended", "err", runErr)
		status = 1
	}
	if err := spool.SaveNextSeq(batcher.NextSeq()); err != nil {
		log.Error("save spool state", "err", err)
		status = 1
	}
	if batcher.Err != nil {
		log.Error("spool batches", "failed", batcher.Failed, "first_err", batcher.Err)
		status = 1
	}
	sum := p.Summary()
	log.Info("sensor stopped", "frames", sum.Frames, "batches", batcher.NextSeq()-next)
	return status
}

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/dissect/table"
	"github.com/otsight/otsight/internal/fingerprint/tcpfp"
	"github.com/otsight/otsight/internal/record"
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
	if len(args) > 0 && args[0] == "enroll" {
		return runSensorEnroll(args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("sensor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	read := fs.String("read", "", "read frames from a capture `FILE` instead of interfaces")
	var ifaces ifaceFlags
	fs.Var(&ifaces, "interface", "capture from `IF[=LABEL]` (repeat for several mirror ports)")
	spoolDir := fs.String("spool", "/var/lib/otsight/spool", "`DIR` where minute batches wait for upload")
	sensorID := fs.String("sensor-id", "", "sensor identity written into batch headers (default: the enrolled sensor's)")
	server := fs.String("server", "", "upload the spool to the server at `URL` (https://host:port) while capturing; needs an enrolment in --state")
	stateDir := fs.String("state", defaultStateDir, "`DIR` holding the sensor's enrolment (key, certificate, server CA)")
	proxy := fs.String("proxy", "", "HTTPS proxy `URL` for uploads (default: HTTPS_PROXY from the environment)")
	spoolCap := fs.Int64("spool-cap", sensor.DefaultSpoolCap, "spool size cap in `BYTES`; beyond it the oldest batches are dropped (counted and logged)")
	p0fFile := fs.String("p0f-fp", "", "also match TCP fingerprints against this p0f.fp `FILE` (tried before the built-in set)")
	cfg := sensor.DefaultConfig()
	fs.DurationVar(&cfg.Flow.TCPInactivity, "tcp-timeout", cfg.Flow.TCPInactivity, "end an idle TCP connection after this long")
	fs.DurationVar(&cfg.Flow.UDPInactivity, "udp-timeout", cfg.Flow.UDPInactivity, "end an idle UDP flow after this long")
	fs.DurationVar(&cfg.Flow.ICMPInactivity, "icmp-timeout", cfg.Flow.ICMPInactivity, "end an idle ICMP flow after this long")
	fs.IntVar(&cfg.Flow.MaxConns, "max-conns", cfg.Flow.MaxConns, "connection table cap; the least recently active is evicted beyond it")
	fs.DurationVar(&cfg.Decode.DedupWindow, "dedup-window", cfg.Decode.DedupWindow, "drop byte-identical IP/ARP frames seen again within this window (SPAN copies); 0 disables")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight sensor (--read FILE | --interface IF[=LABEL]...) [--spool DIR] [--server URL --state DIR]")
		fmt.Fprintln(stderr, "       otsight sensor enroll --server URL --token TOKEN [--state DIR]")
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
	sensor.Version = version
	if *p0fFile != "" {
		set, err := tcpfp.ParseFile(*p0fFile, tcpfp.SourceP0F)
		if err != nil {
			log.Error("p0f signatures", "err", err)
			return 1
		}
		cfg.P0F = set
	}
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
	spool.SetCap(*spoolCap, log)
	next, err := spool.NextSeq()
	if err != nil {
		log.Error("open spool", "err", err)
		return 1
	}
	var uploader *sensor.Uploader
	if *server != "" {
		if uploader, err = newUploader(*server, *stateDir, *proxy, sensorID, spool, log); err != nil {
			log.Error("uploader", "err", err)
			return 1
		}
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
	put := spool.Put
	if uploader != nil {
		put = func(b *record.Batch) error {
			err := spool.Put(b)
			uploader.Kick()
			return err
		}
	}
	batcher := sensor.NewBatcher(*sensorID, next, put)
	p := sensor.NewPipeline(cfg, reg, batcher, log)
	p.AttachSource(src)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		src.Close() // unblocks Next
	}()
	if uploader != nil {
		uploader.Start(ctx)
	}
	log.Info("sensor started", "spool", spool.Dir(), "epoch", spool.Epoch(), "first_batch", next, "server", *server)
	runErr := sensor.Run(ctx, src, p)
	status := 0
	if runErr != nil {
		log.Error("capture ended", "err", runErr)
		status = 1
	}
	if uploader != nil {
		if *read != "" {
			waitUploaded(ctx, spool, log) // a file's batches are all there: send them before exiting
		}
		uploader.Stop()
		st := uploader.Stats()
		log.Info("uploader stopped", "stored", st.Stored, "duplicates", st.Duplicates, "refused", st.Refused, "failures", st.Failures)
	}
	if n, b := spool.Dropped(); n > 0 {
		log.Warn("spool was full", "dropped_batches", n, "dropped_bytes", b)
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

// defaultStateDir holds an enrolled sensor's credentials.
const defaultStateDir = "/var/lib/otsight/sensor"

// newUploader loads the enrolment in stateDir and makes the uploader of
// spool; the batches' sensor id defaults to the enrolled one and must not
// contradict it.
func newUploader(server, stateDir, proxy string, sensorID *string, spool *sensor.Spool, log *slog.Logger) (*sensor.Uploader, error) {
	id, err := sensor.LoadIdentity(stateDir)
	if err != nil {
		return nil, err
	}
	switch *sensorID {
	case "":
		*sensorID = id.SensorID()
	case id.SensorID():
	default:
		return nil, fmt.Errorf("--sensor-id %q contradicts the enrolled sensor %s", *sensorID, id.SensorID())
	}
	cfg := sensor.DefaultUploaderConfig()
	cfg.Server = server
	if proxy != "" {
		if cfg.Proxy, err = url.Parse(proxy); err != nil {
			return nil, fmt.Errorf("--proxy: %w", err)
		}
	}
	return sensor.NewUploader(cfg, spool, id, log)
}

// waitUploaded waits until the spool is empty or ctx ends.
func waitUploaded(ctx context.Context, spool *sensor.Spool, log *slog.Logger) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		seqs, err := spool.Pending()
		if err != nil || len(seqs) == 0 {
			return
		}
		select {
		case <-ctx.Done():
			log.Info("stopping with batches still spooled", "batches", len(seqs))
			return
		case <-t.C:
		}
	}
}

// runSensorEnroll is `otsight sensor enroll`.
func runSensorEnroll(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sensor enroll", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", "", "the server's ingest `URL` (https://host:port)")
	token := fs.String("token", "", "the enrolment `TOKEN` printed by `otsight admin sensor add`")
	stateDir := fs.String("state", defaultStateDir, "`DIR` where the key, certificate and server CA are kept")
	proxy := fs.String("proxy", "", "HTTPS proxy `URL` (default: HTTPS_PROXY from the environment)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: otsight sensor enroll --server URL --token TOKEN [--state DIR]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *server == "" || *token == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	cfg := sensor.EnrollConfig{Server: *server, Token: *token, StateDir: *stateDir}
	if *proxy != "" {
		u, err := url.Parse(*proxy)
		if err != nil {
			fmt.Fprintf(stderr, "otsight: --proxy: %v\n", err)
			return 2
		}
		cfg.Proxy = u
	}
	sensor.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	id, err := sensor.Enroll(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "otsight: enrolment failed: %v\n", err)
		return 1
	}
	c := id.Certificate()
	fmt.Fprintf(stdout, "enrolled as sensor %d of tenant %d; certificate valid until %s; state in %s\n",
		id.Name().Sensor, id.Name().Tenant, c.NotAfter.UTC().Format(time.RFC3339), *stateDir)
	return 0
}

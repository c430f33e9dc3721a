package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/otsight/otsight/internal/gen"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/server"
	"github.com/otsight/otsight/internal/store"
)

// Ready is what a running demo hands Config.OnReady.
type Ready struct {
	Server    *server.Server
	Tenant    store.TenantID
	Sensor    store.SensorID
	PortalURL string
	Login     string
	Password  string // empty when changed in the portal since
	// HistoryIngested is closed once every history batch has been stored
	// by the server (at once when there is no history).
	HistoryIngested <-chan struct{}
}

// Timings of a run.
const (
	// readyWait bounds the wait for the first stored batch before the
	// credentials are printed anyway (a quiet live interface ends its
	// first minute only after a minute).
	readyWait = 70 * time.Second
	// drainWait bounds how long a stopping demo waits for the uploader to
	// send what is still spooled; the rest is sent at the next start.
	drainWait = 10 * time.Second
	// progressEvery spaces the upload progress lines.
	progressEvery = 5 * time.Second
	// liveEvery spaces the live feed's progress lines.
	liveEvery = time.Minute
)

// Run runs the demo until ctx ends (Ctrl-C), writing its progress and the
// credentials to out, then shuts down gracefully: the live feed stops, its
// last minute is spooled, the uploader sends what it can within drainWait
// and the server stops.
func Run(ctx context.Context, cfg Config, out io.Writer) error {
	cfg.fill()
	if cfg.Read != "" && len(cfg.Interfaces) > 0 {
		return errors.New("demo: a capture file or interfaces, not both")
	}
	var plant *gen.Plant
	if cfg.generated() {
		var err error
		if plant, err = gen.Preset(cfg.Plant); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	d := &instance{cfg: &cfg, plant: plant, p: newProgress(out)}
	err := d.run(ctx)
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		d.p.step("stopped while preparing; the next start carries on")
		return nil
	}
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	return nil
}

// instance is one run of the demo.
type instance struct {
	cfg   *Config
	plant *gen.Plant
	p     *progress

	srv      *server.Server
	acct     account
	id       *sensor.Identity
	spool    *sensor.Spool
	uploader *sensor.Uploader
	hist     *history // nil: none
}

func (d *instance) run(ctx context.Context) error {
	cfg, p := d.cfg, d.p
	p.step("otsight demo: data directory %s", cfg.DataDir)
	// The components run on a context the caller's cancellation does not
	// reach: a Ctrl-C must stop them in order, not all at once.
	bg := context.WithoutCancel(ctx)

	p.step("starting the server with its embedded store…")
	if err := d.startServer(bg); err != nil {
		return err
	}
	defer func() {
		if err := d.srv.Stop(); err != nil {
			p.step("server stop: %v", err)
		}
	}()
	portalURL := "http://" + d.srv.PortalAddr() + "/"
	ingestURL := "https://" + d.srv.IngestAddr()
	p.step("server up: portal %s, sensor ingest %s (mutual TLS)", portalURL, ingestURL)

	var err error
	if d.acct, err = ensureAccount(ctx, d.srv.Store(), cfg.DataDir, time.Now); err != nil {
		return err
	}
	if d.acct.created {
		p.step("created tenant %q and its administrator %s", d.acct.Tenant, d.acct.Login)
	} else {
		p.step("resuming tenant %q (administrator %s)", d.acct.Tenant, d.acct.Login)
	}

	enrolled := false
	if d.id, enrolled, err = enrol(ctx, d.srv, cfg.DataDir, ingestURL); err != nil {
		return err
	}
	if enrolled {
		p.step("enrolled sensor %d over mutual TLS (state in %s)", d.id.Name().Sensor, sensorDir(cfg.DataDir))
	} else {
		p.step("sensor %d already enrolled (state in %s)", d.id.Name().Sensor, sensorDir(cfg.DataDir))
	}

	if d.spool, err = openSpool(spoolDir(cfg.DataDir)); err != nil {
		return err
	}
	next, err := d.spool.NextSeq()
	if err != nil {
		return err
	}
	if d.uploader, err = newUploader(d.spool, d.id, ingestURL, cfg.Log.With("component", "uploader")); err != nil {
		return err
	}
	uctx, ucancel := context.WithCancel(bg)
	defer ucancel()
	d.uploader.Start(uctx)
	defer d.uploader.Stop()

	if cfg.generated() && (cfg.History > 0 || hasHistory(cfg.DataDir)) {
		if next, err = d.backfill(ctx, next); err != nil {
			return err
		}
		if ctx.Err() != nil {
			p.step("stopped during history generation; the next start completes it")
			return nil
		}
	}

	f, err := openFeed(cfg, d.plant, cfg.Now(), cfg.Log.With("component", "capture"))
	if err != nil {
		return err
	}
	l, err := startLive(ctx, cfg, f, d.id.SensorID(), next, d.spool, d.uploader)
	if err != nil {
		f.stop()
		return err
	}
	p.step("live: %s", f.what)

	d.watch(ctx, l, &Ready{Server: d.srv, Tenant: d.acct.TenantID, Sensor: store.SensorID(d.id.Name().Sensor),
		PortalURL: portalURL, Login: d.acct.Login})

	p.step("stopping: ending the live feed…")
	if err := l.stop(); err != nil {
		p.step("live feed: %v", err)
	}
	d.drain()
	return nil
}

// startServer starts the server on the portal address (or the next free
// port) with the ingest endpoint on a free loopback port: the sensor is in
// this process, nothing else needs to reach it.
func (d *instance) startServer(ctx context.Context) error {
	listen, err := freeAddress(d.cfg.Listen, ListenTries)
	if err != nil {
		return err
	}
	if listen != d.cfg.Listen {
		d.p.step("%s is taken: the portal listens on %s", d.cfg.Listen, listen)
	}
	sc := server.DefaultConfig()
	sc.DataDir = d.cfg.DataDir
	sc.Listen.Address = listen
	sc.Ingest.Address = "127.0.0.1:0"
	sc.Ingest.Hosts = []string{"127.0.0.1"}
	// A demo has no mail relay: the server's own deliverer writes every
	// message (login codes, health notices) as a .eml file in <data>/outbox.
	sc.Mail.Transport = "dir"
	sc.Mail.Dir = filepath.Join(d.cfg.DataDir, "outbox")
	sc.ShutdownTimeout = drainWait
	if d.srv, err = server.New(sc, d.cfg.Log); err != nil {
		return err
	}
	if err := d.srv.Start(ctx); err != nil {
		d.srv.Stop()
		return err
	}
	return nil
}

func hasHistory(dataDir string) bool {
	_, err := os.Stat(historyPath(dataDir))
	return err == nil
}

// backfill generates the history into the spool on the first start (or
// finishes an interrupted generation) and returns the sequence number of
// the first live batch.
func (d *instance) backfill(ctx context.Context, next uint64) (uint64, error) {
	cfg, p := d.cfg, d.p
	h, err := loadHistory(cfg.DataDir)
	if err != nil {
		return 0, err
	}
	if h == nil {
		end := cfg.Now().UTC().Truncate(time.Minute)
		h = &history{Start: end.Add(-cfg.History).Truncate(time.Minute), End: end, Seed: cfg.Seed, FirstSeq: next}
		if err := h.save(cfg.DataDir); err != nil {
			return 0, err
		}
	}
	d.hist = h
	span := fmt.Sprintf("%s to %s UTC", h.Start.Format("2006-01-02 15:04"), h.End.Format("2006-01-02 15:04"))
	if h.Done {
		p.step("history: %d batches of %s generated before, not again", h.Batches, span)
		return max(next, h.last()), nil
	}
	p.step("history: generating %s of the %s plant (%s) at the record level…", h.End.Sub(h.Start), d.plant.Name, span)
	t0 := time.Now()
	var spooled atomic.Uint64
	minutes := uint64(h.End.Sub(h.Start) / time.Minute)
	stop := every(progressEvery/2, func() {
		p.step("history: %d/%d batches generated", spooled.Load(), minutes)
	})
	err = h.generate(ctx, d.plant, d.spool, d.id.SensorID(), func() {
		spooled.Add(1)
		d.uploader.Kick()
	})
	stop()
	if err != nil {
		if ctx.Err() != nil {
			return next, nil
		}
		return 0, err
	}
	if err := h.save(cfg.DataDir); err != nil {
		return 0, err
	}
	p.step("history: %d batches (%d records) generated in %.1fs; uploading them through the sensor's spool",
		h.Batches, h.Records, time.Since(t0).Seconds())
	return max(next, h.last()), nil
}

// historyLeft counts the history batches still in the spool.
func (d *instance) historyLeft() (int, error) {
	seqs, err := d.spool.Pending()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, s := range seqs {
		if s >= d.hist.FirstSeq && s < d.hist.last() {
			n++
		}
	}
	return n, nil
}

// watch reports progress until ctx ends: history upload, the credentials
// once the portal has data, the live feed.
func (d *instance) watch(ctx context.Context, l *live, r *Ready) {
	p := d.p
	histDone := make(chan struct{})
	r.HistoryIngested = histDone
	histLeft := -1
	if d.hist == nil {
		close(histDone)
		histLeft = 0
	}
	if !d.acct.changed {
		r.Password = d.acct.Password
	}
	ready := false
	var lastProgress, lastLive time.Time
	var refused uint64
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		st := d.uploader.Stats()
		if st.Refused > refused {
			p.step("warning: the server refused %d batches (set aside in %s)", st.Refused-refused, filepath.Join(d.spool.Dir(), "refused"))
			refused = st.Refused
		}
		if histLeft != 0 {
			if n, err := d.historyLeft(); err != nil {
				p.step("spool: %v", err)
			} else if n == 0 {
				histLeft = 0
				close(histDone)
				p.step("history: all %d batches ingested", d.hist.Batches)
			} else if time.Since(lastProgress) >= progressEvery {
				histLeft = n
				lastProgress = time.Now()
				p.step("history: %d/%d batches ingested", d.hist.Batches-uint64(n), d.hist.Batches)
			}
		}
		if !ready && (!d.acct.created || st.Stored+st.Duplicates > 0 || p.elapsed() > readyWait) {
			ready = true
			lastLive = time.Now()
			d.printCredentials(r)
			if d.cfg.OnReady != nil {
				d.cfg.OnReady(r)
			}
		}
		if l.ended() && !l.reported {
			l.reported = true
			if err := l.err(); err != nil {
				p.step("live: the feed ended: %v", err)
			} else {
				p.step("live: %s read to its end; the portal keeps running until Ctrl-C", l.what)
			}
		}
		if ready && histLeft == 0 && time.Since(lastLive) >= liveEvery {
			lastLive = time.Now()
			pend, _ := d.spool.Pending()
			p.step("live: %d batches uploaded since the start, %d waiting", st.Stored+st.Duplicates, len(pend))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (d *instance) printCredentials(r *Ready) {
	pw := r.Password
	if pw == "" {
		pw = "(changed in the portal since the demo created it: use yours)"
	}
	d.p.plain("",
		"portal: "+r.PortalURL,
		"login: "+r.Login,
		"password: "+pw,
		fmt.Sprintf("one-time login codes are written as .eml files under %s (a demo has no mail server)",
			filepath.Join(d.cfg.DataDir, "outbox")+string(filepath.Separator)),
		"press Ctrl-C to stop; the next start on "+d.cfg.DataDir+" resumes",
		"")
}

// drain lets the uploader send what is spooled, for at most drainWait.
func (d *instance) drain() {
	deadline := time.Now().Add(drainWait)
	for {
		seqs, err := d.spool.Pending()
		if err != nil || len(seqs) == 0 {
			d.p.step("stopped: everything uploaded; data kept in %s", d.cfg.DataDir)
			return
		}
		if time.Now().After(deadline) {
			d.p.step("stopped: %d batches stay in the spool for the next start; data kept in %s", len(seqs), d.cfg.DataDir)
			return
		}
		d.uploader.Kick()
		time.Sleep(100 * time.Millisecond)
	}
}

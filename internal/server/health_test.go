package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/notify"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/store"
)

// putBatch uploads one batch the way the sensor's uploader does, with
// extra headers.
func putBatch(t *testing.T, s *Server, id *sensor.Identity, b *record.Batch, hdr http.Header) {
	t.Helper()
	body, err := record.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	url := fmt.Sprintf("https://%s/v1/batches/%d/%d", s.IngestAddr(), b.Header.Epoch, b.Header.Seq)
	req, err := http.NewRequest(http.MethodPut, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = hdr
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: id.TLSConfig()}, Timeout: 10 * time.Second}
	defer client.CloseIdleConnections()
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var reply struct{ Result, Reason string }
	json.NewDecoder(res.Body).Decode(&reply)
	if res.StatusCode != http.StatusOK || reply.Result != "stored" {
		t.Fatalf("batch %d: %d %+v", b.Header.Seq, res.StatusCode, reply)
	}
}

func auditActions(t *testing.T, s *Server, action string) []store.AuditEntry {
	t.Helper()
	log, err := s.Store().AuditLog(context.Background(), store.ForTenant(1), time.Time{}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.AuditEntry
	for _, e := range log {
		if e.Action == action {
			out = append(out, e)
		}
	}
	return out
}

// TestServerHealthAndLimits: a sensor with monitoring on uploads a capture
// with a clock 10 minutes fast into a tenant whose sensors may have 5
// devices. The device limit is written to the system log as the inventory
// reports it; the clock skew is flagged at once; once the sensor has been
// quiet for the (shortened) silence time, a health event is logged and
// mailed to the tenant's administrator.
func TestServerHealthAndLimits(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.Limits.DevicesPerSensor = 5
	cfg.Health.SilenceAfter = time.Second
	cfg.Health.CheckEvery = 50 * time.Millisecond
	cfg.Health.StaleData = 100 * 365 * 24 * time.Hour // the capture is old; not the point here
	cfg.Mail.Transport = "dir"
	cfg.Mail.PollEvery = 20 * time.Millisecond
	s := startServer(t, cfg)
	mustDo(t, s.Admin(), Request{Op: OpTenantAdd, Name: "acme", Email: "ops@acme.example"})
	id := enrolSensor(t, s, "acme", "line-a")
	_, batches := spoolCaptures(t, id.SensorID(), "modbus/mb2.pcap", "it/wikipedia.pcap")

	// What the inventory says for the same batches with the same limit.
	inv := inventory.New(inventory.Config{MaxDevicesPerSensor: 5})
	var wantEvents []inventory.Event
	for i, b := range batches {
		wantEvents = append(wantEvents, inv.Add(id.SensorID(), b.Records)...)
		hdr := http.Header{"Content-Type": {"application/x-otsight-batch"}}
		if i == len(batches)-1 {
			hdr.Set("Date", time.Now().Add(10*time.Minute).UTC().Format(http.TimeFormat))
			hdr.Set(HeaderSpoolDepth, "3")
			hdr.Set(HeaderDiskFree, "123456789")
		}
		putBatch(t, s, id, b, hdr)
	}
	if len(wantEvents) != 1 || inv.Refused(id.SensorID()) == 0 {
		t.Fatalf("inventory gave %d limit events, refused %d: the capture does not reach the limit", len(wantEvents), inv.Refused(id.SensorID()))
	}
	limits := auditActions(t, s, "device_limit")
	if len(limits) != 1 || limits[0].Detail != wantEvents[0].Message || limits[0].Target != "sensor:1" || limits[0].Actor != "system" {
		t.Errorf("device_limit entries %+v, want one with %q", limits, wantEvents[0].Message)
	}
	st := mustDo(t, s.Admin(), Request{Op: OpStats}).Stats
	if got := st.Tenants[0].Sensors[0]; got.Devices != 5 || got.SpoolDepth != 3 {
		t.Errorf("stats %+v, want 5 devices (the limit) and spool depth 3", got)
	}

	rep, err := s.health.check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := rep.Sensors[0]
	if !slices.Contains(h.Faults, CheckClockSkew) || h.ClockSkew < 599 || h.ClockSkew > 601 {
		t.Errorf("health %+v, want clock_skew of 600 s", h)
	}

	waitFor(t, "a silence event", func() bool {
		for _, e := range auditActions(t, s, "sensor_health") {
			if strings.Contains(e.Detail, CheckSilent) {
				return true
			}
		}
		return false
	})
	// The event is logged before its mail is queued: wait for the mail.
	var mail []store.Mail
	var silent *store.Mail
	waitFor(t, "a silence mail", func() bool {
		var err error
		if mail, err = s.Store().Outbox(context.Background(), store.ForTenant(1), 100); err != nil {
			t.Fatal(err)
		}
		for i, m := range mail {
			if strings.Contains(m.Subject, CheckSilent) {
				silent = &mail[i]
			}
		}
		return silent != nil
	})
	if silent == nil || silent.To != "ops@acme.example" || !bytes.Contains(silent.Message, []byte("Failing check: silent")) {
		t.Fatalf("outbox %+v: no silence mail to the administrator", mail)
	}
	// The deliverer (dir transport) writes it to DataDir/outbox.
	eml := filepath.Join(cfg.DataDir, "outbox", notify.FileName(*silent))
	waitFor(t, "the mail to be delivered", func() bool {
		data, err := os.ReadFile(eml)
		return err == nil && bytes.Equal(data, silent.Message)
	})
	// The events counter and the fault gauge are exported.
	res, err := http.Get("http://" + s.PortalAddr() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	body.ReadFrom(res.Body)
	res.Body.Close()
	for _, want := range []string{
		`otsight_health_events_total{check="silent"} 1`,
		`otsight_health_events_total{check="clock_skew"} 1`,
		`otsight_sensor_health_fault{check="silent",sensor="1",tenant="1"} 1`,
		`otsight_sensor_spool_depth{sensor="1",tenant="1"} 3`,
		`otsight_sensor_disk_free_bytes{sensor="1",tenant="1"} 1.23456789e+08`,
		`otsight_inventory_device_limit_events_total 1`,
		"go_goroutines ",
		"process_cpu_seconds_total ",
	} {
		if !strings.Contains(body.String(), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}

// TestServerHealthDrops: a batch whose capture lost frames in the kernel,
// arriving long after its minute (the capture is from 2012), fails the
// kernel_drops and transfer_slow checks (SPEC 5.6.1: transfer slower than
// a minute with loss) besides stale_data; /healthz answers 503 with them.
func TestServerHealthDrops(t *testing.T) {
	s := startServer(t, testConfig(t.TempDir()))
	mustDo(t, s.Admin(), Request{Op: OpTenantAdd, Name: "acme"})
	id := enrolSensor(t, s, "acme", "line-a")
	_, batches := spoolCaptures(t, id.SensorID(), "modbus/mb2.pcap")
	b := batches[len(batches)-1]
	var stats *record.SensorStats
	for _, r := range b.Records {
		if st, ok := r.(*record.SensorStats); ok {
			stats = st
		}
	}
	if stats == nil {
		t.Fatal("batch without sensor_stats")
	}
	stats.Interfaces = []record.IfaceStats{{Label: "eth1", Packets: stats.Frames, KernelDrops: 17}}
	putBatch(t, s, id, b, http.Header{"Content-Type": {"application/x-otsight-batch"}})

	res, err := http.Get("http://" + s.PortalAddr() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var rep HealthReport
	err = json.NewDecoder(res.Body).Decode(&rep)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{CheckStaleData, CheckTransferSlow, CheckKernelDrops}
	if res.StatusCode != http.StatusServiceUnavailable || rep.Status != "fault" || len(rep.Sensors) != 1 ||
		!slices.Equal(rep.Sensors[0].Faults, want) || rep.Sensors[0].KernelDrops != 17 {
		t.Errorf("/healthz %d %+v, want faults %v and 17 kernel drops", res.StatusCode, rep, want)
	}
	if e := rep.Sensors[0].DataEnd; e != time.UnixMicro(int64(b.Header.End)).UTC() {
		t.Errorf("data_end %s, want the batch's end %s", e, time.UnixMicro(int64(b.Header.End)).UTC())
	}
}

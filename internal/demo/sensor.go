package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/otsight/otsight/internal/sensor"
	"github.com/otsight/otsight/internal/server"
)

// Paths inside the data directory.
func sensorDir(dataDir string) string { return filepath.Join(dataDir, "sensor") }
func spoolDir(dataDir string) string  { return filepath.Join(dataDir, "spool") }

// enrol returns the demo sensor's identity, enrolling it on the first
// start the way an installer does: `admin sensor add` for a token, then the
// sensor's enrolment request to the ingest endpoint over TLS, checked
// against the CA fingerprint the token carries.
func enrol(ctx context.Context, srv *server.Server, dataDir, ingestURL string) (id *sensor.Identity, enrolled bool, err error) {
	dir := sensorDir(dataDir)
	id, err = sensor.LoadIdentity(dir)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sensor.ErrNotEnrolled) {
		return nil, false, fmt.Errorf("demo sensor: %w", err)
	}
	name, err := freeSensorName(ctx, srv.Admin())
	if err != nil {
		return nil, false, err
	}
	resp := srv.Admin().Do(ctx, server.Request{Op: server.OpSensorAdd, Tenant: TenantName, Name: name, On: true})
	if resp.Error != "" {
		return nil, false, fmt.Errorf("add the demo sensor: %s", resp.Error)
	}
	id, err = sensor.Enroll(ctx, sensor.EnrollConfig{Server: ingestURL, Token: resp.Enrolment.Token, StateDir: dir})
	if err != nil {
		return nil, false, fmt.Errorf("enrol the demo sensor: %w", err)
	}
	return id, true, nil
}

// freeSensorName is SensorName, or SensorName-2, -3… when an earlier run
// added the sensor but died before its enrolment was written.
func freeSensorName(ctx context.Context, a *server.Admin) (string, error) {
	resp := a.Do(ctx, server.Request{Op: server.OpSensorList, Tenant: TenantName})
	if resp.Error != "" {
		return "", fmt.Errorf("list the demo's sensors: %s", resp.Error)
	}
	taken := map[string]bool{}
	for _, s := range resp.Sensors {
		taken[s.Name] = true
	}
	name := SensorName
	for n := 2; taken[name]; n++ {
		name = fmt.Sprintf("%s-%d", SensorName, n)
	}
	return name, nil
}

// newUploader drains the spool to the server at ingestURL: the ingest port
// is chosen afresh at every start, so the URL recorded at enrolment is not
// used.
func newUploader(spool *sensor.Spool, id *sensor.Identity, ingestURL string, log *slog.Logger) (*sensor.Uploader, error) {
	cfg := sensor.DefaultUploaderConfig()
	cfg.Server = ingestURL
	return sensor.NewUploader(cfg, spool, id, log)
}

// openSpool opens (or makes) the demo sensor's spool.
func openSpool(dir string) (*sensor.Spool, error) { return sensor.OpenSpool(dir) }

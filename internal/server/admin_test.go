package server

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
)

// TestAdminCommands runs every admin command on a stopped server's data
// directory, then through the socket of a running one, then restores a
// backup into a new data directory.
func TestAdminCommands(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	cfg := testConfig(data)
	do := func(req Request) (Response, Via) {
		t.Helper()
		resp, via, err := Do(ctx, cfg, req, nil)
		if err != nil {
			t.Fatal(err)
		}
		return resp, via
	}
	mustOK := func(req Request, wantVia Via) Response {
		t.Helper()
		resp, via := do(req)
		if resp.Error != "" || via != wantVia {
			t.Fatalf("%s: via %s, error %q", req.Op, via, resp.Error)
		}
		return resp
	}

	// Stopped: directly on the data directory.
	resp := mustOK(Request{Op: OpTenantAdd, Name: "acme", Sensors: 1, Email: "ops@acme.example"}, ViaDirect)
	if tn := resp.Tenants[0]; tn.Name != "acme" || tn.MaxSensors != 1 || tn.MaxUsers != 5 || tn.MaxDevicesPerSensor != 1500 {
		t.Errorf("tenant %+v", tn)
	}
	if u := resp.Users[0]; u.Login != "ops@acme.example" || u.Role != "admin" {
		t.Errorf("administrator %+v", u)
	}
	if r, _ := do(Request{Op: OpTenantAdd, Name: "acme"}); !strings.Contains(r.Error, "already exists") {
		t.Errorf("duplicate tenant: %q", r.Error)
	}
	mustOK(Request{Op: OpTenantAdd, Name: "beta"}, ViaDirect)
	enr := mustOK(Request{Op: OpSensorAdd, Tenant: "acme", Name: "line-a", On: true}, ViaDirect).Enrolment
	tok, err := pki.ParseToken(enr.Token)
	if err != nil {
		t.Fatal(err)
	}
	if tok.CA.String() != enr.CAFingerprint || tok.Sensor != (pki.SensorName{Tenant: 1, Sensor: enr.SensorID}) {
		t.Errorf("token %+v for enrolment %+v", tok, enr)
	}
	if r, _ := do(Request{Op: OpSensorAdd, Tenant: "acme", Name: "line-b"}); !strings.Contains(r.Error, "has its 1 sensors") {
		t.Errorf("second sensor of a 1-sensor tenant: %q", r.Error)
	}
	mustOK(Request{Op: OpUserAdd, Tenant: "acme", Email: "kato@acme.example", Role: "user"}, ViaDirect)
	if r, _ := do(Request{Op: OpUserAdd, Tenant: "acme", Email: "x@acme.example", Role: "operator"}); r.Error == "" {
		t.Error("a tenant user with role operator was accepted")
	}
	if users := mustOK(Request{Op: OpUserList, Tenant: "acme"}, ViaDirect).Users; len(users) != 2 {
		t.Errorf("users %+v", users)
	}
	mustOK(Request{Op: OpUserRemove, Tenant: "acme", Login: "kato@acme.example"}, ViaDirect)
	if users := mustOK(Request{Op: OpUserList, Tenant: "acme"}, ViaDirect).Users; len(users) != 1 {
		t.Errorf("users after remove %+v", users)
	}
	if users := mustOK(Request{Op: OpUserList, Tenant: "beta"}, ViaDirect).Users; len(users) != 0 {
		t.Errorf("beta sees users %+v", users)
	}

	// Running: the same commands go through the socket.
	s := startServer(t, cfg)
	if fi, err := os.Stat(SocketPath(data)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("admin socket: %v %v", fi.Mode(), err)
	}
	mustOK(Request{Op: OpSensorMonitor, Tenant: "acme", Name: "line-a", On: false}, ViaSocket)
	sensors := mustOK(Request{Op: OpSensorList}, ViaSocket).Sensors
	if len(sensors) != 1 || sensors[0].Name != "line-a" || sensors[0].Monitoring || sensors[0].Enrolled {
		t.Errorf("sensors %+v", sensors)
	}
	mustOK(Request{Op: OpSensorRevoke, Tenant: "acme", Name: "line-a"}, ViaSocket)
	if r, _ := do(Request{Op: OpSensorRevoke, Tenant: "acme", Name: "line-a"}); !strings.Contains(r.Error, "already revoked") {
		t.Errorf("second revoke: %q", r.Error)
	}
	if r, _ := do(Request{Op: "tenant.drop"}); !strings.Contains(r.Error, "unknown operation") {
		t.Errorf("unknown op: %q", r.Error)
	}
	backupDir := filepath.Join(t.TempDir(), "backup")
	b := mustOK(Request{Op: OpBackup, Dir: backupDir}, ViaSocket).Backup
	if b.Snapshot == "" {
		t.Errorf("backup %+v", b)
	}
	if err := Restore(cfg, backupDir, ""); err == nil || !strings.Contains(err.Error(), "server is running") {
		t.Errorf("restore over a running server: %v", err)
	}
	audit := 0
	log, _ := s.Store().AuditLog(ctx, store.ForTenant(1), time.Time{}, 100)
	for _, e := range log {
		if e.Actor == actor {
			audit++
		}
	}
	// tenant.add, user.add ×2, sensor.add, user.remove, sensor.monitor, sensor.revoke
	if audit != 7 {
		t.Errorf("%d audit entries by the operator, want 7: %+v", audit, log)
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}

	// Restore into a new data directory: the same tenants, sensors and CA.
	cfg2 := testConfig(filepath.Join(t.TempDir(), "restored"))
	if err := Restore(cfg2, backupDir, ""); err != nil {
		t.Fatal(err)
	}
	if err := Restore(cfg2, backupDir, ""); err == nil {
		t.Error("restored twice into the same data directory")
	}
	cfg = cfg2
	sensors = mustOK(Request{Op: OpSensorList}, ViaDirect).Sensors
	if len(sensors) != 1 || !sensors[0].Revoked {
		t.Errorf("restored sensors %+v", sensors)
	}
	a, closeFn, err := OpenAdmin(cfg2, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.ca.Fingerprint().String() != enr.CAFingerprint {
		t.Error("restored server has another CA")
	}
	if err := closeFn(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(cfg2.DataDir, "db")); errors.Is(err, os.ErrNotExist) {
		t.Error("no database restored")
	}
}

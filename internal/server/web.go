package server

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/portal"
	"github.com/otsight/otsight/internal/store"
)

// codeKeyPath is where the key that one-time login codes are hashed with
// lives: beside the CA's key, outside the database, so a stolen database
// copy cannot be searched for the million possible codes.
func codeKeyPath(dataDir string) string { return filepath.Join(pkiDir(dataDir), "code.key") }

// newAuth builds the login and user service over the store and the outbox.
func (s *Server) newAuth() error {
	key, err := auth.LoadOrCreateKey(codeKeyPath(s.cfg.DataDir))
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	cfg := auth.DefaultConfig()
	cfg.CodeKey = key
	if s.cfg.Limits.UsersPerTenant > 0 {
		cfg.MaxUsersPerTenant = s.cfg.Limits.UsersPerTenant
	}
	s.auth, err = auth.New(cfg, s.store, s.mailer, s.now)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// Auth is the server's login and user service (the demo creates its user
// through it).
func (s *Server) Auth() *auth.Service { return s.auth }

// portalDeps hands the portal the server's services.
func (s *Server) portalDeps() portal.Deps {
	return portal.Deps{
		Auth:     s.auth,
		Sessions: s.store,
		Tenants:  portalTenants{s},
		Traffic:  s.store,
		Devices:  portalDevices{s},
		Audit:    s.store,
		Device:   portal.DeviceDeps{Inventory: portalDevices{s}, State: s.store},
		Maps:     portal.MapDeps{Pairs: s.store, Records: s.store},
		Admin: portal.AdminDeps{
			Accounts: s.auth, Provider: s.store, Health: portalHealth{s},
			Sensors: portalSensors{s}, State: s.store,
		},
	}
}

// portalDevices adapts the tenant's inventory to the portal's device rows,
// naming each device's sensor.
type portalDevices struct{ s *Server }

// Devices implements portal.Devices.
func (d portalDevices) Devices(ctx context.Context, sc store.Scope) ([]portal.DeviceRow, error) {
	devs, err := d.InventoryDevices(ctx, sc)
	if err != nil {
		return nil, err
	}
	rows := make([]portal.DeviceRow, 0, len(devs))
	for _, dev := range devs {
		rows = append(rows, portal.DeviceRowOf(dev.Device, dev.SensorName))
	}
	return rows, nil
}

// InventoryDevices implements portal.DeviceInventory: the inventory keys
// devices by the store's sensor id, the portal shows the sensor's name.
func (d portalDevices) InventoryDevices(ctx context.Context, sc store.Scope) ([]portal.InventoryDevice, error) {
	inv, err := d.s.inv.get(ctx, sc)
	if err != nil {
		return nil, err
	}
	sensors, err := d.s.store.Sensors(ctx, sc)
	if err != nil {
		return nil, err
	}
	byKey := make(map[string]store.Sensor, len(sensors))
	for _, sn := range sensors {
		byKey[sensorKey(sn.ID)] = sn
	}
	devs := inv.Devices()
	out := make([]portal.InventoryDevice, 0, len(devs))
	for _, dev := range devs {
		sn, ok := byKey[dev.Key.Sensor]
		name := sn.Name
		if !ok {
			name = dev.Key.Sensor
		}
		out = append(out, portal.InventoryDevice{SensorID: sn.ID, SensorName: name, Device: dev})
	}
	return out, nil
}

// portalHealth gives the portal's operator console the monitor's view of
// every sensor.
type portalHealth struct{ s *Server }

// SensorHealth implements portal.HealthReport.
func (h portalHealth) SensorHealth(ctx context.Context) ([]portal.SensorHealth, error) {
	rep, err := h.s.health.check(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]portal.SensorHealth, 0, len(rep.Sensors))
	for _, sh := range rep.Sensors {
		out = append(out, portal.SensorHealth{
			Tenant: store.TenantID(sh.TenantID), Sensor: store.SensorID(sh.SensorID),
			LastUpload: sh.LastUpload, DataEnd: sh.DataEnd,
			ClockSkew: time.Duration(sh.ClockSkew * float64(time.Second)),
			// Every upload carries the sensor's clock (Date header).
			ClockKnown:  !sh.LastUpload.IsZero(),
			KernelDrops: sh.KernelDrops, Drops: sh.Drops, Faults: sh.Faults,
		})
	}
	return out, nil
}

// portalSensors enrols and revokes sensors from the operator console
// through the same code as `otsight admin sensor add|revoke`, so both
// audit alike.
type portalSensors struct{ s *Server }

func (p portalSensors) tenantName(ctx context.Context, id store.TenantID) (string, error) {
	t, err := p.s.store.Tenant(ctx, store.ForTenant(id))
	if err != nil {
		return "", err
	}
	return t.Name, nil
}

// EnrolSensor implements portal.SensorAdmin.
func (p portalSensors) EnrolSensor(ctx context.Context, actor auth.Principal, tenant store.TenantID, name string) (portal.Enrolment, error) {
	tn, err := p.tenantName(ctx, tenant)
	if err != nil {
		return portal.Enrolment{}, err
	}
	resp, err := p.s.admin.as(actor.Login).do(ctx, Request{Op: OpSensorAdd, Tenant: tn, Name: name, On: true})
	if err != nil {
		return portal.Enrolment{}, err
	}
	e := resp.Enrolment
	sn, err := p.s.store.Sensor(ctx, store.ForTenant(tenant), store.SensorID(e.SensorID))
	if err != nil {
		return portal.Enrolment{}, err
	}
	return portal.Enrolment{Sensor: sn, Token: e.Token, Expires: e.Expires, CAFingerprint: e.CAFingerprint,
		Server: "https://" + p.s.IngestAddr()}, nil
}

// RevokeSensor implements portal.SensorAdmin.
func (p portalSensors) RevokeSensor(ctx context.Context, actor auth.Principal, tenant store.TenantID, id store.SensorID) error {
	tn, err := p.tenantName(ctx, tenant)
	if err != nil {
		return err
	}
	sn, err := p.s.store.Sensor(ctx, store.ForTenant(tenant), id)
	if err != nil {
		return err
	}
	_, err = p.s.admin.as(actor.Login).do(ctx, Request{Op: OpSensorRevoke, Tenant: tn, Name: sn.Name})
	return err
}

// portalTenants gives the portal each tenant with its settings laid over
// (tenantWithSettings).
type portalTenants struct{ s *Server }

// Tenant implements portal.Tenants.
func (p portalTenants) Tenant(ctx context.Context, sc store.Scope) (store.Tenant, error) {
	return tenantWithSettings(ctx, p.s.store, sc)
}

// Sensors implements portal.Tenants.
func (p portalTenants) Sensors(ctx context.Context, sc store.Scope) ([]store.Sensor, error) {
	return p.s.store.Sensors(ctx, sc)
}

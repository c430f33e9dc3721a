package server

import (
	"context"
	"fmt"
	"path/filepath"

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
		Tenants:  s.store,
		Traffic:  s.store,
		Devices:  portalDevices{s},
		Audit:    s.store,
		Device:   portal.DeviceDeps{Inventory: portalDevices{s}, State: s.store},
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

package portal

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/store"
)

// DeviceDeps are the services of the device pages beyond the V1-1 list. A
// nil member makes the pages that need it answer 500 with the member named
// in the log.
type DeviceDeps struct {
	// Inventory is the server's inventory of every sensor of the tenant.
	Inventory DeviceInventory
	// State is store.State (settings and audit).
	State DeviceState
}

// inventory returns the inventory or says that the server passed none.
func (d DeviceDeps) inventory() (DeviceInventory, error) {
	if d.Inventory == nil {
		return nil, errors.New("portal: Deps.Device.Inventory is nil")
	}
	return d.Inventory, nil
}

// state returns the settings store or says that the server passed none.
func (d DeviceDeps) state() (DeviceState, error) {
	if d.State == nil {
		return nil, errors.New("portal: Deps.Device.State is nil")
	}
	return d.State, nil
}

// DeviceInventory gives a tenant's devices in full, as the inventory knows
// them: the device detail page (V1-3), the lists by protocol and role
// (V1-2), the matrices (V1-4/5/6) and the asset register's reconciliation
// need more than a DeviceRow.
type DeviceInventory interface {
	InventoryDevices(ctx context.Context, s store.Scope) ([]InventoryDevice, error)
}

// InventoryDevice is an inventory device with the store's identity of the
// sensor that saw it (Device.Key.Sensor is the inventory's sensor name).
type InventoryDevice struct {
	SensorID   store.SensorID
	SensorName string // display name
	Device     inventory.Device
}

// DeviceState keeps what people add to devices (names, criticality, notes,
// the asset register) as per-tenant settings, and audits every change. The
// server passes its store.State, which has all three methods; the portal
// uses the settings keys "device_notes" and "asset_register".
type DeviceState interface {
	// Setting answers store.ErrNotFound when the key is unset.
	Setting(ctx context.Context, s store.Scope, key string) (json.RawMessage, error)
	PutSetting(ctx context.Context, s store.Scope, key string, value json.RawMessage) error
	Audit(ctx context.Context, s store.Scope, e store.AuditEntry) error
}

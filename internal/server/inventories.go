package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// inventories keeps one device inventory per tenant, so that each tenant's
// device limit applies and no tenant's devices are ever mixed with
// another's. Each is persisted as a snapshot file in the data directory and
// restored the first time the tenant is needed. The tenant's Internet
// folding setting (S1-1) is read for every batch, so a change in the portal
// applies from the next batch on.
type inventories struct {
	dir   string // DataDir/inventory
	st    tenantReader
	limit int  // devices per sensor for tenants that set none
	fold  bool // fold for every tenant (server configuration)

	mu      sync.Mutex
	tenants map[store.TenantID]*inventory.Inventory
	dirty   map[store.TenantID]bool
}

func newInventories(dir string, st tenantReader, limit int, fold bool) *inventories {
	return &inventories{
		dir: dir, st: st, limit: limit, fold: fold,
		tenants: map[store.TenantID]*inventory.Inventory{},
		dirty:   map[store.TenantID]bool{},
	}
}

func (v *inventories) path(id store.TenantID) string {
	return filepath.Join(v.dir, "tenant-"+strconv.FormatInt(int64(id), 10)+".gob")
}

// get returns the tenant's inventory, restoring its snapshot on first use.
func (v *inventories) get(ctx context.Context, sc store.Scope) (*inventory.Inventory, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	id := sc.Tenant()
	if inv := v.tenants[id]; inv != nil {
		return inv, nil
	}
	t, err := tenantWithSettings(ctx, v.st, sc)
	if err != nil {
		return nil, fmt.Errorf("inventory of tenant %d: %w", id, err)
	}
	cfg := inventory.Config{FoldInternet: v.fold || t.FoldInternet, MaxDevicesPerSensor: t.MaxDevicesPerSensor}
	if cfg.MaxDevicesPerSensor <= 0 {
		cfg.MaxDevicesPerSensor = v.limit
	}
	var inv *inventory.Inventory
	data, err := os.ReadFile(v.path(id))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		inv = inventory.New(cfg)
	case err != nil:
		return nil, fmt.Errorf("inventory of tenant %d: %w", id, err)
	default:
		if inv, err = inventory.Restore(cfg, data); err != nil {
			return nil, fmt.Errorf("inventory of tenant %d: %w", id, err)
		}
	}
	v.tenants[id] = inv
	return inv, nil
}

// add feeds one stored batch into the tenant's inventory.
func (v *inventories) add(ctx context.Context, sc store.Scope, sensor store.SensorID, recs []record.Record) ([]inventory.Event, error) {
	inv, err := v.get(ctx, sc)
	if err != nil {
		return nil, err
	}
	t, err := tenantWithSettings(ctx, v.st, sc)
	if err != nil {
		return nil, fmt.Errorf("inventory of tenant %d: %w", sc.Tenant(), err)
	}
	inv.SetFoldInternet(v.fold || t.FoldInternet)
	ev := inv.Add(sensorKey(sensor), recs)
	v.mu.Lock()
	v.dirty[sc.Tenant()] = true
	v.mu.Unlock()
	return ev, nil
}

// devices counts the devices of each sensor of a tenant.
func (v *inventories) devices(ctx context.Context, sc store.Scope) (map[string]int, error) {
	inv, err := v.get(ctx, sc)
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, d := range inv.Devices() {
		n[d.Key.Sensor]++
	}
	return n, nil
}

// save writes the snapshot of every tenant changed since the last save.
func (v *inventories) save() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.dirty) == 0 {
		return nil
	}
	if err := os.MkdirAll(v.dir, 0o750); err != nil {
		return fmt.Errorf("inventory snapshot: %w", err)
	}
	var errs []error
	for id := range v.dirty {
		data, err := v.tenants[id].Snapshot()
		if err == nil {
			err = pki.WriteFileAtomic(v.path(id), data, 0o640)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("inventory of tenant %d: %w", id, err))
			continue
		}
		delete(v.dirty, id)
	}
	return errors.Join(errs...)
}

// sensorKey is how the inventory names a sensor: the store's id in decimal,
// as batch headers do.
func sensorKey(id store.SensorID) string { return strconv.FormatInt(int64(id), 10) }

package server

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// inventorySource is what the inventories read from the store: tenants
// with their settings, and stored batches to replay.
type inventorySource interface {
	tenantReader
	BatchesSince(ctx context.Context, sc store.Scope, since time.Time, fn func(store.StoredBatch) error) error
}

// replayWindow is how long before a snapshot a batch may have been
// received and still be added after it: an upload is added to the
// inventory within seconds of its receipt, so a quarter of an hour is
// ample.
const replayWindow = 15 * time.Minute

// inventories keeps one device inventory per tenant, so that each tenant's
// device limit applies and no tenant's devices are ever mixed with
// another's. Each is persisted as a snapshot file in the data directory
// (periodically and at shutdown) and restored the first time the tenant is
// needed; the batches the store holds that the snapshot does not include
// (after a crash) are then replayed from the store, each exactly once. The
// tenant's Internet folding setting (S1-1) is read for every batch, so a
// change in the portal applies from the next batch on.
type inventories struct {
	dir   string // DataDir/inventory
	st    inventorySource
	limit int  // devices per sensor for tenants that set none
	fold  bool // fold for every tenant (server configuration)
	log   *slog.Logger
	now   func() time.Time

	mu      sync.Mutex
	tenants map[store.TenantID]*tenantInventory
}

// tenantInventory is one tenant's inventory and the batches added to it
// recently. mu orders adding a batch and noting it against taking a
// snapshot, so that a snapshot's list of added batches is exactly the
// batches in it.
type tenantInventory struct {
	mu    sync.Mutex
	inv   *inventory.Inventory
	added map[store.BatchKey]time.Time // by receipt time, within replayWindow of the last snapshot or later
	dirty bool
}

func newInventories(dir string, st inventorySource, limit int, fold bool, log *slog.Logger, now func() time.Time) *inventories {
	return &inventories{
		dir: dir, st: st, limit: limit, fold: fold, log: log, now: now,
		tenants: map[store.TenantID]*tenantInventory{},
	}
}

func (v *inventories) path(id store.TenantID) string {
	return filepath.Join(v.dir, "tenant-"+strconv.FormatInt(int64(id), 10)+".gob")
}

// snapshotMagic starts the snapshot files that carry replay information;
// files without it hold an inventory snapshot alone (written by earlier
// versions) and are restored without replay.
const snapshotMagic = "otsight inventory 2\n"

// snapshotFile is a tenant's saved inventory with what replay needs.
type snapshotFile struct {
	Taken     time.Time
	Added     []store.BatchKey // batches received within replayWindow before Taken, or later
	Inventory []byte           // inventory.Snapshot
}

// get returns the tenant's inventory, restoring it on first use.
func (v *inventories) get(ctx context.Context, sc store.Scope) (*inventory.Inventory, error) {
	t, err := v.tenant(ctx, sc, store.BatchKey{})
	if err != nil {
		return nil, err
	}
	return t.inv, nil
}

// tenant returns the tenant's inventory, restoring it on first use; the
// replay leaves out pending, the batch the caller is about to add (so its
// events reach the caller).
func (v *inventories) tenant(ctx context.Context, sc store.Scope, pending store.BatchKey) (*tenantInventory, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	id := sc.Tenant()
	if t := v.tenants[id]; t != nil {
		return t, nil
	}
	t, err := v.restore(ctx, sc, pending)
	if err != nil {
		return nil, fmt.Errorf("inventory of tenant %d: %w", id, err)
	}
	v.tenants[id] = t
	return t, nil
}

// restore loads the tenant's snapshot and replays the stored batches it
// lacks but pending: all of them when there is no snapshot, none for a
// snapshot without replay information.
func (v *inventories) restore(ctx context.Context, sc store.Scope, pending store.BatchKey) (*tenantInventory, error) {
	tn, err := tenantWithSettings(ctx, v.st, sc)
	if err != nil {
		return nil, err
	}
	cfg := inventory.Config{FoldInternet: v.fold || tn.FoldInternet, MaxDevicesPerSensor: tn.MaxDevicesPerSensor}
	if cfg.MaxDevicesPerSensor <= 0 {
		cfg.MaxDevicesPerSensor = v.limit
	}
	t := &tenantInventory{added: map[store.BatchKey]time.Time{}}
	var since time.Time // zero: replay everything stored
	path := v.path(sc.Tenant())
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		t.inv = inventory.New(cfg)
	case err != nil:
		return nil, err
	default:
		var legacy bool
		since, legacy, err = t.load(cfg, data)
		if err != nil {
			// A snapshot that cannot be read is kept aside for a look and
			// the inventory rebuilt from every stored batch: nothing is
			// lost but time.
			aside := fmt.Sprintf("%s.unreadable-%d", path, v.now().Unix())
			v.log.Error("inventory: snapshot unreadable; rebuilding from the store", "tenant", sc.Tenant(),
				"file", path, "kept_as", aside, "err", err)
			if rerr := os.Rename(path, aside); rerr != nil {
				return nil, fmt.Errorf("snapshot %s: %w; moving it aside: %w", path, err, rerr)
			}
			t.inv, t.added, since = inventory.New(cfg), map[store.BatchKey]time.Time{}, time.Time{}
		} else if legacy {
			return t, nil
		}
	}
	replayed, records := 0, 0
	err = v.st.BatchesSince(ctx, sc, since, func(b store.StoredBatch) error {
		if _, ok := t.added[b.Key]; ok || b.Key == pending {
			return nil
		}
		t.inv.Add(sensorKey(b.Key.Sensor), b.Records)
		t.added[b.Key] = b.Meta.Received
		replayed++
		records += len(b.Records)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	if replayed > 0 {
		t.dirty = true
		v.log.Info("inventory: stored batches replayed", "tenant", sc.Tenant(), "batches", replayed, "records", records, "since", since)
	}
	return t, nil
}

// load restores the inventory of a snapshot file and the batches it
// includes, and returns from when the store is to be replayed; legacy
// snapshots (without replay information) are not replayed.
func (t *tenantInventory) load(cfg inventory.Config, data []byte) (since time.Time, legacy bool, err error) {
	if !bytes.HasPrefix(data, []byte(snapshotMagic)) {
		t.inv, err = inventory.Restore(cfg, data)
		return time.Time{}, true, err
	}
	var f snapshotFile
	if err := gob.NewDecoder(bytes.NewReader(data[len(snapshotMagic):])).Decode(&f); err != nil {
		return time.Time{}, false, err
	}
	if t.inv, err = inventory.Restore(cfg, f.Inventory); err != nil {
		return time.Time{}, false, err
	}
	for _, k := range f.Added {
		t.added[k] = f.Taken
	}
	return f.Taken.Add(-replayWindow), false, nil
}

// add feeds one stored batch into the tenant's inventory, once: a batch
// the replay has added already is skipped.
func (v *inventories) add(ctx context.Context, sc store.Scope, k store.BatchKey, m store.BatchMeta, recs []record.Record) ([]inventory.Event, error) {
	t, err := v.tenant(ctx, sc, k)
	if err != nil {
		return nil, err
	}
	tn, err := tenantWithSettings(ctx, v.st, sc)
	if err != nil {
		return nil, fmt.Errorf("inventory of tenant %d: %w", sc.Tenant(), err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.added[k]; ok {
		return nil, nil
	}
	t.inv.SetFoldInternet(v.fold || tn.FoldInternet)
	ev := t.inv.Add(sensorKey(k.Sensor), recs)
	t.added[k] = m.Received
	t.dirty = true
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
	tenants := make(map[store.TenantID]*tenantInventory, len(v.tenants))
	for id, t := range v.tenants {
		tenants[id] = t
	}
	v.mu.Unlock()
	if err := os.MkdirAll(v.dir, 0o750); err != nil {
		return fmt.Errorf("inventory snapshot: %w", err)
	}
	var errs []error
	for id, t := range tenants {
		if err := v.saveTenant(id, t); err != nil {
			errs = append(errs, fmt.Errorf("inventory of tenant %d: %w", id, err))
		}
	}
	return errors.Join(errs...)
}

func (v *inventories) saveTenant(id store.TenantID, t *tenantInventory) error {
	t.mu.Lock()
	if !t.dirty {
		t.mu.Unlock()
		return nil
	}
	f := snapshotFile{Taken: v.now()}
	inv, err := t.inv.Snapshot()
	if err != nil {
		t.mu.Unlock()
		return err
	}
	f.Inventory = inv
	for k, at := range t.added {
		if at.Before(f.Taken.Add(-replayWindow)) {
			delete(t.added, k)
			continue
		}
		f.Added = append(f.Added, k)
	}
	t.dirty = false
	t.mu.Unlock()
	var buf bytes.Buffer
	buf.WriteString(snapshotMagic)
	if err := gob.NewEncoder(&buf).Encode(&f); err != nil {
		return err
	}
	if err := pki.WriteFileAtomic(v.path(id), buf.Bytes(), 0o640); err != nil {
		t.mu.Lock()
		t.dirty = true
		t.mu.Unlock()
		return err
	}
	return nil
}

// sensorKey is how the inventory names a sensor: the store's id in decimal,
// as batch headers do.
func sensorKey(id store.SensorID) string { return strconv.FormatInt(int64(id), 10) }

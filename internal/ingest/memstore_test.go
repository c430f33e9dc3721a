package ingest_test

import (
	"context"
	"sync"
	"time"

	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/store"
)

// memStore is the part of store.Store that ingest uses, in memory: the edge
// of these unit tests (the lead's end-to-end tests use the real store).
// Methods ingest does not call panic through the nil embedded interface.
type memStore struct {
	store.Store

	mu      sync.Mutex
	sensors map[store.SensorID]store.Sensor
	tokens  map[[32]byte]store.EnrolToken
	batches map[store.BatchKey]storedBatch
	ingests int // IngestBatch calls that wrote
	uploads map[store.TenantID][]store.UploadEvent
	nextID  store.SensorID

	// Hooks, set with hooks. beforeIngest, when set, runs before a batch is written; an error
	// fails the call (the server died before its commit).
	beforeIngest func(k store.BatchKey) error
	// afterIngest, when set, runs after a batch is written (the server may
	// die after its commit, before it answers).
	afterIngest func(k store.BatchKey)
}

type storedBatch struct {
	meta    store.BatchMeta
	records []record.Record
}

func newMemStore() *memStore {
	return &memStore{
		sensors: map[store.SensorID]store.Sensor{},
		tokens:  map[[32]byte]store.EnrolToken{},
		batches: map[store.BatchKey]storedBatch{},
		uploads: map[store.TenantID][]store.UploadEvent{},
		nextID:  100,
	}
}

func (m *memStore) CreateSensor(_ context.Context, s store.Scope, name string) (store.Sensor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.nextID++
	v := store.Sensor{ID: m.nextID, Tenant: s.Tenant(), Name: name, Created: time.Now()}
	m.sensors[v.ID] = v
	return v, nil
}

func (m *memStore) Sensor(_ context.Context, s store.Scope, id store.SensorID) (store.Sensor, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.sensors[id]
	if !ok || v.Tenant != s.Tenant() {
		return store.Sensor{}, store.ErrNotFound
	}
	return v, nil
}

func (m *memStore) UpdateSensor(_ context.Context, s store.Scope, v store.Sensor) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.sensors[v.ID]
	if !ok || old.Tenant != s.Tenant() || v.Tenant != s.Tenant() {
		return store.ErrNotFound
	}
	m.sensors[v.ID] = v
	return nil
}

func (m *memStore) PutEnrolToken(_ context.Context, s store.Scope, t store.EnrolToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.Tenant != s.Tenant() {
		return store.ErrNotFound
	}
	m.tokens[t.Hash] = t
	return nil
}

func (m *memStore) TakeEnrolToken(_ context.Context, hash [32]byte, now time.Time) (store.EnrolToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	t, ok := m.tokens[hash]
	switch {
	case !ok:
		return store.EnrolToken{}, store.ErrNotFound
	case !t.Used.IsZero():
		return store.EnrolToken{}, store.ErrUsed
	case now.After(t.Expires):
		return store.EnrolToken{}, store.ErrExpired
	}
	t.Used = now
	m.tokens[hash] = t
	return t, nil
}

func (m *memStore) IngestBatch(_ context.Context, s store.Scope, k store.BatchKey, meta store.BatchMeta, recs []record.Record) (bool, error) {
	m.mu.Lock()
	before, after := m.beforeIngest, m.afterIngest
	m.mu.Unlock()
	if before != nil {
		if err := before(k); err != nil {
			return false, err
		}
	}
	m.mu.Lock()
	if sn, ok := m.sensors[k.Sensor]; !ok || sn.Tenant != s.Tenant() {
		m.mu.Unlock()
		return false, store.ErrNotFound
	}
	_, dup := m.batches[k]
	if !dup {
		m.batches[k] = storedBatch{meta: meta, records: recs}
		m.ingests++
	}
	m.mu.Unlock()
	if !dup && after != nil {
		after(k)
	}
	return dup, nil
}

func (m *memStore) LogUpload(_ context.Context, s store.Scope, e store.UploadEvent) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.uploads[s.Tenant()] = append(m.uploads[s.Tenant()], e)
	return nil
}

// log returns the tenant's system log.
func (m *memStore) log(t store.TenantID) []store.UploadEvent {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]store.UploadEvent(nil), m.uploads[t]...)
}

// stored returns the keys of the stored batches and the number of writes.
func (m *memStore) stored() (map[store.BatchKey]storedBatch, int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make(map[store.BatchKey]storedBatch, len(m.batches))
	for k, v := range m.batches {
		out[k] = v
	}
	return out, m.ingests
}

func (m *memStore) sensor(id store.SensorID) store.Sensor {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sensors[id]
}

// hooks sets the ingest hooks (nil: none).
func (m *memStore) hooks(before func(store.BatchKey) error, after func(store.BatchKey)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.beforeIngest, m.afterIngest = before, after
}

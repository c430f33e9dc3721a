// Package store defines what the otsight server needs from storage: tenants,
// sensors, enrolment, exactly-once batch ingest, traffic queries from rollups,
// raw record access and the state of the rest of the server (users, codes,
// mail, audit, sessions, API tokens, settings).
//
// The package holds only the contract (interfaces, types, errors): no SQL and
// no cgo, so callers and their tests build without a database. The embedded
// backend (DuckDB and Parquet files) is internal/store/embedded; a multi-server
// backend (ClickHouse for records and rollups, PostgreSQL for state) can be
// added later behind the same interfaces.
//
// Every method on tenant data takes a Scope: a backend never returns or
// changes another tenant's rows.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/otsight/otsight/internal/record"
)

// TenantID identifies a tenant (a customer organisation).
type TenantID int64

// SensorID identifies a sensor; it is unique across tenants.
type SensorID int64

// Scope restricts a call to one tenant's rows. The only way to make one is
// ForTenant, so a caller cannot forget the tenant by passing a zero value by
// accident without it being visible in the code.
type Scope struct{ tenant TenantID }

// ForTenant returns the scope of tenant id.
func ForTenant(id TenantID) Scope { return Scope{tenant: id} }

// Tenant returns the tenant the scope is restricted to.
func (s Scope) Tenant() TenantID { return s.tenant }

// Errors returned by every backend; compare with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrLimit    = errors.New("limit reached")
	ErrExpired  = errors.New("expired")
	ErrUsed     = errors.New("already used")
)

// Tenant is a customer organisation and its limits.
type Tenant struct {
	ID                  TenantID
	Name                string
	MaxSensors          int    // default 9
	MaxUsers            int    // default 5
	MaxDevicesPerSensor int    // default 1500
	TimeZone            string // default "Asia/Tokyo"
	FoldInternet        bool   // S1-1: global addresses folded into one "Internet" node
	Created             time.Time
}

// Tenant defaults, applied by CreateTenant to zero fields.
const (
	DefaultMaxSensors          = 9
	DefaultMaxUsers            = 5
	DefaultMaxDevicesPerSensor = 1500
	DefaultTimeZone            = "Asia/Tokyo"
)

// Sensor is one sensor of a tenant.
type Sensor struct {
	ID           SensorID
	Tenant       TenantID
	Name         string
	Created      time.Time
	CertSerial   string // hex serial of the current certificate ("" before enrolment)
	CertNotAfter time.Time
	Revoked      bool
	RevokedAt    time.Time
	Monitoring   bool // health notifications on
	LastUpload   time.Time
}

// EnrolToken is a one-time token that lets a sensor obtain its certificate.
type EnrolToken struct {
	Hash    [32]byte // SHA-256 of the token secret; the secret itself is never stored
	Tenant  TenantID
	Sensor  SensorID
	Expires time.Time
	Used    time.Time // zero until taken
}

// BatchKey identifies a batch exactly once: a re-enrolled sensor or rebuilt
// spool gets a new Epoch.
type BatchKey struct {
	Sensor SensorID
	Epoch  uint64
	Seq    uint64
}

// BatchMeta describes an uploaded batch.
type BatchMeta struct {
	Received      time.Time
	Bytes         int // compressed size as uploaded
	Schema        int
	SensorVersion string
	Start, End    time.Time // the batch's window
	// Payload is the batch as uploaded (record wire format), or nil. A
	// backend may keep it as its log of the batch; one that needs it
	// makes it from the records when it is nil.
	Payload []byte
}

// UploadEvent is one upload attempt, kept for the sensor health view.
type UploadEvent struct {
	Time       time.Time
	Sensor     SensorID
	Epoch, Seq uint64
	Records    int
	Bytes      int
	Result     string // "stored", "duplicate", "refused"
	Reason     string // why refused
	Remote     string // client address
}

// Store is what the server's components need from storage for tenants,
// sensors, enrolment and ingest (the contract the ingest and PKI code is
// written against). Every method on tenant data takes a Scope.
type Store interface {
	CreateTenant(ctx context.Context, t Tenant) (Tenant, error) // ErrExists on duplicate name
	Tenants(ctx context.Context) ([]Tenant, error)              // provider (operator) view
	Tenant(ctx context.Context, s Scope) (Tenant, error)
	CreateSensor(ctx context.Context, s Scope, name string) (Sensor, error) // ErrLimit beyond Tenant.MaxSensors, ErrExists on duplicate name within tenant
	Sensors(ctx context.Context, s Scope) ([]Sensor, error)
	Sensor(ctx context.Context, s Scope, id SensorID) (Sensor, error)
	UpdateSensor(ctx context.Context, s Scope, v Sensor) error
	PutEnrolToken(ctx context.Context, s Scope, t EnrolToken) error
	// TakeEnrolToken marks the token used and returns it, atomically:
	// ErrNotFound, ErrExpired (now after Expires) or ErrUsed.
	TakeEnrolToken(ctx context.Context, hash [32]byte, now time.Time) (EnrolToken, error)
	// IngestBatch stores the records of one batch atomically and exactly
	// once: duplicate is true (and nothing is written) when the key was
	// stored before.
	IngestBatch(ctx context.Context, s Scope, k BatchKey, m BatchMeta, recs []record.Record) (duplicate bool, err error)
	LogUpload(ctx context.Context, s Scope, e UploadEvent) error
	Uploads(ctx context.Context, s Scope, since time.Time, limit int) ([]UploadEvent, error)
	Close() error
}

// Backend is everything a storage backend provides: the Store contract, the
// traffic queries, raw record access and the state of the rest of the
// server. The server holds a Backend; packages that need less take the
// narrower interface.
type Backend interface {
	Store
	Traffic
	Records
	State
}

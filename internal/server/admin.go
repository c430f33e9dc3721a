package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/auth"

	"github.com/otsight/otsight/internal/ingest"
	"github.com/otsight/otsight/internal/pki"
	"github.com/otsight/otsight/internal/store"
	"github.com/otsight/otsight/internal/store/embedded"
)

// Admin operations (Request.Op).
const (
	OpTenantAdd     = "tenant.add"
	OpTenantList    = "tenant.list"
	OpUserAdd       = "user.add"
	OpUserList      = "user.list"
	OpUserRemove    = "user.remove"
	OpSensorAdd     = "sensor.add"
	OpSensorList    = "sensor.list"
	OpSensorRevoke  = "sensor.revoke"
	OpSensorMonitor = "sensor.monitor"
	OpBackup        = "backup"
	OpStats         = "stats"
)

// Request is one operator command, as `otsight admin` sends it over the
// admin socket or runs it against the store directly.
type Request struct {
	Op      string        `json:"op"`
	Tenant  string        `json:"tenant,omitempty"`
	Name    string        `json:"name,omitempty"`    // tenant.add: the tenant; sensor.*: the sensor
	Sensors int           `json:"sensors,omitempty"` // tenant.add: sensor limit (0: limits.sensors_per_tenant)
	Email   string        `json:"email,omitempty"`   // tenant.add: first administrator; user.add
	Login   string        `json:"login,omitempty"`   // user.*
	Role    string        `json:"role,omitempty"`    // user.add: admin or user
	TTL     time.Duration `json:"ttl,omitempty"`     // sensor.add: token lifetime (0: ingest.token_ttl)
	On      bool          `json:"on,omitempty"`      // sensor.add, sensor.monitor: monitoring
	Dir     string        `json:"dir,omitempty"`     // backup: target directory
}

// Response is the answer to a Request; Error is set when it failed.
type Response struct {
	Error     string        `json:"error,omitempty"`
	Tenants   []TenantInfo  `json:"tenants,omitempty"`
	Users     []UserInfo    `json:"users,omitempty"`
	Sensors   []SensorInfo  `json:"sensors,omitempty"`
	Enrolment *Enrolment    `json:"enrolment,omitempty"`
	Backup    *BackupResult `json:"backup,omitempty"`
	Stats     *Stats        `json:"stats,omitempty"`
}

// TenantInfo describes a tenant.
type TenantInfo struct {
	ID                  int64     `json:"id"`
	Name                string    `json:"name"`
	MaxSensors          int       `json:"max_sensors"`
	MaxUsers            int       `json:"max_users"`
	MaxDevicesPerSensor int       `json:"max_devices_per_sensor"`
	Created             time.Time `json:"created"`
}

// UserInfo describes a user (never its password hash).
type UserInfo struct {
	ID       int64  `json:"id"`
	Tenant   string `json:"tenant"`
	Login    string `json:"login"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Disabled bool   `json:"disabled,omitempty"`
	// InitialPassword is shown once, when the user is created; it must be
	// changed at the first login.
	InitialPassword string `json:"initial_password,omitempty"`
}

// SensorInfo describes a sensor.
type SensorInfo struct {
	ID           int64     `json:"id"`
	Tenant       string    `json:"tenant"`
	Name         string    `json:"name"`
	Enrolled     bool      `json:"enrolled"`
	CertNotAfter time.Time `json:"cert_not_after,omitzero"`
	Revoked      bool      `json:"revoked,omitempty"`
	Monitoring   bool      `json:"monitoring"`
	LastUpload   time.Time `json:"last_upload,omitzero"`
}

// Enrolment is what `admin sensor add` prints: the one-time token, which
// carries the CA fingerprint the sensor will insist on.
type Enrolment struct {
	Tenant        string    `json:"tenant"`
	Sensor        string    `json:"sensor"`
	SensorID      int64     `json:"sensor_id"`
	Token         string    `json:"token"`
	Expires       time.Time `json:"expires"`
	CAFingerprint string    `json:"ca_fingerprint"`
}

// BackupResult describes a backup.
type BackupResult struct {
	Snapshot    string `json:"snapshot"`
	FilesCopied int    `json:"files_copied"`
	FilesKept   int    `json:"files_kept"`
	BytesCopied int64  `json:"bytes_copied"`
}

// Admin carries out operator commands against a store, with the running
// server's live figures when there is one.
type Admin struct {
	cfg  Config
	st   *embedded.Store
	ca   *pki.CA
	inv  *inventories
	live *Server // nil when run against a stopped server's data directory
	now  func() time.Time
	log  *slog.Logger
	// by names who asks in the audit log: "" for the command line.
	by string
	// auth creates users with their initial password (and audits it).
	auth *auth.Service
}

// actor names the operator of the command line in the audit log.
const actor = "operator:otsight-admin"

// as returns the same admin acting for a portal user, whose login the
// audit log then names.
func (a *Admin) as(login string) *Admin {
	c := *a
	c.by = login
	return &c
}

// Do runs one request.
func (a *Admin) Do(ctx context.Context, req Request) Response {
	resp, err := a.do(ctx, req)
	if err != nil {
		return Response{Error: err.Error()}
	}
	return resp
}

func (a *Admin) do(ctx context.Context, req Request) (Response, error) {
	switch req.Op {
	case OpTenantAdd:
		return a.tenantAdd(ctx, req)
	case OpTenantList:
		return a.tenantList(ctx)
	case OpUserAdd:
		return a.userAdd(ctx, req)
	case OpUserList:
		return a.userList(ctx, req)
	case OpUserRemove:
		return a.userRemove(ctx, req)
	case OpSensorAdd:
		return a.sensorAdd(ctx, req)
	case OpSensorList:
		return a.sensorList(ctx, req)
	case OpSensorRevoke, OpSensorMonitor:
		return a.sensorChange(ctx, req)
	case OpBackup:
		return a.backup(ctx, req)
	case OpStats:
		st, err := a.stats(ctx)
		return Response{Stats: st}, err
	}
	return Response{}, fmt.Errorf("unknown operation %q", req.Op)
}

func (a *Admin) audit(ctx context.Context, sc store.Scope, action, target, detail string) {
	who := actor
	if a.by != "" {
		who = a.by
	}
	e := store.AuditEntry{Time: a.now(), Actor: who, Action: action, Target: target, Detail: detail}
	if err := a.st.Audit(ctx, sc, e); err != nil {
		a.log.Error("audit", "action", action, "target", target, "err", err)
	}
}

// tenant finds a tenant by name.
func (a *Admin) tenant(ctx context.Context, name string) (store.Tenant, error) {
	if name == "" {
		return store.Tenant{}, errors.New("no tenant given (--tenant)")
	}
	ts, err := a.st.Tenants(ctx)
	if err != nil {
		return store.Tenant{}, err
	}
	for _, t := range ts {
		if t.Name == name {
			return t, nil
		}
	}
	return store.Tenant{}, fmt.Errorf("tenant %q: %w", name, store.ErrNotFound)
}

func tenantInfo(t store.Tenant) TenantInfo {
	return TenantInfo{ID: int64(t.ID), Name: t.Name, MaxSensors: t.MaxSensors, MaxUsers: t.MaxUsers,
		MaxDevicesPerSensor: t.MaxDevicesPerSensor, Created: t.Created.UTC()}
}

func (a *Admin) tenantAdd(ctx context.Context, req Request) (Response, error) {
	if strings.TrimSpace(req.Name) == "" {
		return Response{}, errors.New("tenant name is empty")
	}
	if req.Sensors < 0 {
		return Response{}, errors.New("--sensors must not be negative")
	}
	if req.Email != "" {
		if _, err := mail.ParseAddress(req.Email); err != nil {
			return Response{}, fmt.Errorf("--admin-email %q: %w", req.Email, err)
		}
	}
	t := store.Tenant{
		Name: req.Name, MaxSensors: req.Sensors, MaxUsers: a.cfg.Limits.UsersPerTenant,
		MaxDevicesPerSensor: a.cfg.Limits.DevicesPerSensor, Created: a.now(),
	}
	if t.MaxSensors == 0 {
		t.MaxSensors = a.cfg.Limits.SensorsPerTenant
	}
	t, err := a.st.CreateTenant(ctx, t)
	if err != nil {
		return Response{}, fmt.Errorf("tenant %q: %w", req.Name, err)
	}
	sc := store.ForTenant(t.ID)
	a.audit(ctx, sc, "tenant.add", "tenant:"+t.Name, fmt.Sprintf("max_sensors=%d", t.MaxSensors))
	resp := Response{Tenants: []TenantInfo{tenantInfo(t)}}
	if req.Email != "" {
		u, err := a.addUser(ctx, t, req.Email, req.Email, store.RoleAdmin)
		if err != nil {
			return resp, fmt.Errorf("tenant %q created, its administrator not: %w", t.Name, err)
		}
		resp.Users = []UserInfo{u}
	}
	return resp, nil
}

func (a *Admin) tenantList(ctx context.Context) (Response, error) {
	ts, err := a.st.Tenants(ctx)
	if err != nil {
		return Response{}, err
	}
	resp := Response{Tenants: []TenantInfo{}}
	for _, t := range ts {
		resp.Tenants = append(resp.Tenants, tenantInfo(t))
	}
	return resp, nil
}

// addUser creates a user who has no password yet: the portal's first login
// goes through the e-mailed one-time code and sets one (MustChange).
func (a *Admin) addUser(ctx context.Context, t store.Tenant, login, email string, role store.Role) (UserInfo, error) {
	who := actor
	if a.by != "" {
		who = a.by
	}
	op := auth.Principal{Login: who, Tenant: auth.OperatorTenant, Role: store.RoleOperator}
	act, err := a.auth.AddUser(ctx, op, t.ID, auth.NewUser{Login: login, Email: email, Role: role})
	if err != nil {
		return UserInfo{}, fmt.Errorf("user %q: %w", login, err)
	}
	u := act.User
	return UserInfo{ID: int64(u.ID), Tenant: t.Name, Login: act.Login, Email: u.Email, Role: string(u.Role),
		InitialPassword: act.InitialPassword}, nil
}

func (a *Admin) userAdd(ctx context.Context, req Request) (Response, error) {
	t, err := a.tenant(ctx, req.Tenant)
	if err != nil {
		return Response{}, err
	}
	role := store.Role(req.Role)
	if role == "" {
		role = store.RoleUser
	}
	if role != store.RoleAdmin && role != store.RoleUser {
		return Response{}, fmt.Errorf("role %q: a tenant's users are admin or user", req.Role)
	}
	if _, err := mail.ParseAddress(req.Email); err != nil {
		return Response{}, fmt.Errorf("--email %q: %w", req.Email, err)
	}
	login := req.Login
	if login == "" {
		login = req.Email
	}
	u, err := a.addUser(ctx, t, login, req.Email, role)
	if err != nil {
		return Response{}, err
	}
	return Response{Users: []UserInfo{u}}, nil
}

func (a *Admin) userList(ctx context.Context, req Request) (Response, error) {
	t, err := a.tenant(ctx, req.Tenant)
	if err != nil {
		return Response{}, err
	}
	us, err := a.st.Users(ctx, store.ForTenant(t.ID))
	if err != nil {
		return Response{}, err
	}
	resp := Response{Users: []UserInfo{}}
	for _, u := range us {
		resp.Users = append(resp.Users, UserInfo{ID: int64(u.ID), Tenant: t.Name, Login: u.Login, Email: u.Email, Role: string(u.Role), Disabled: u.Disabled})
	}
	return resp, nil
}

func (a *Admin) userRemove(ctx context.Context, req Request) (Response, error) {
	t, err := a.tenant(ctx, req.Tenant)
	if err != nil {
		return Response{}, err
	}
	sc := store.ForTenant(t.ID)
	us, err := a.st.Users(ctx, sc)
	if err != nil {
		return Response{}, err
	}
	i := slices.IndexFunc(us, func(u store.User) bool { return u.Login == req.Login })
	if i < 0 {
		return Response{}, fmt.Errorf("user %q of tenant %q: %w", req.Login, t.Name, store.ErrNotFound)
	}
	if err := a.st.DeleteUser(ctx, sc, us[i].ID); err != nil {
		return Response{}, fmt.Errorf("user %q: %w", req.Login, err)
	}
	a.audit(ctx, sc, "user.remove", "user:"+req.Login, "")
	return Response{}, nil
}

func (a *Admin) sensorAdd(ctx context.Context, req Request) (Response, error) {
	t, err := a.tenant(ctx, req.Tenant)
	if err != nil {
		return Response{}, err
	}
	if strings.TrimSpace(req.Name) == "" {
		return Response{}, errors.New("sensor name is empty (--name)")
	}
	sc := store.ForTenant(t.ID)
	s, err := a.st.CreateSensor(ctx, sc, req.Name)
	if errors.Is(err, store.ErrLimit) {
		return Response{}, fmt.Errorf("sensor %q: tenant %q has its %d sensors: %w", req.Name, t.Name, t.MaxSensors, err)
	}
	if err != nil {
		return Response{}, fmt.Errorf("sensor %q: %w", req.Name, err)
	}
	if req.On {
		s.Monitoring = true
		if err := a.st.UpdateSensor(ctx, sc, s); err != nil {
			return Response{}, fmt.Errorf("sensor %q: monitoring: %w", req.Name, err)
		}
	}
	ttl := req.TTL
	if ttl <= 0 {
		ttl = a.cfg.Ingest.TokenTTL
	}
	expires := a.now().Add(ttl).Truncate(time.Second)
	tok, err := ingest.IssueToken(ctx, a.st, a.ca, sc, s.ID, expires)
	if err != nil {
		return Response{}, fmt.Errorf("sensor %q: token: %w", req.Name, err)
	}
	a.audit(ctx, sc, "sensor.add", "sensor:"+sensorKey(s.ID), "name="+s.Name)
	return Response{Enrolment: &Enrolment{
		Tenant: t.Name, Sensor: s.Name, SensorID: int64(s.ID), Token: tok,
		Expires: expires.UTC(), CAFingerprint: a.ca.Fingerprint().String(),
	}}, nil
}

func (a *Admin) sensorList(ctx context.Context, req Request) (Response, error) {
	var ts []store.Tenant
	if req.Tenant != "" {
		t, err := a.tenant(ctx, req.Tenant)
		if err != nil {
			return Response{}, err
		}
		ts = []store.Tenant{t}
	} else {
		var err error
		if ts, err = a.st.Tenants(ctx); err != nil {
			return Response{}, err
		}
	}
	resp := Response{Sensors: []SensorInfo{}}
	for _, t := range ts {
		ss, err := a.st.Sensors(ctx, store.ForTenant(t.ID))
		if err != nil {
			return Response{}, err
		}
		for _, s := range ss {
			resp.Sensors = append(resp.Sensors, SensorInfo{
				ID: int64(s.ID), Tenant: t.Name, Name: s.Name, Enrolled: s.CertSerial != "",
				CertNotAfter: s.CertNotAfter.UTC(), Revoked: s.Revoked, Monitoring: s.Monitoring, LastUpload: s.LastUpload.UTC(),
			})
		}
	}
	return resp, nil
}

// sensorChange revokes a sensor or turns its monitoring on or off.
func (a *Admin) sensorChange(ctx context.Context, req Request) (Response, error) {
	t, err := a.tenant(ctx, req.Tenant)
	if err != nil {
		return Response{}, err
	}
	sc := store.ForTenant(t.ID)
	ss, err := a.st.Sensors(ctx, sc)
	if err != nil {
		return Response{}, err
	}
	i := slices.IndexFunc(ss, func(s store.Sensor) bool { return s.Name == req.Name })
	if i < 0 {
		return Response{}, fmt.Errorf("sensor %q of tenant %q: %w", req.Name, t.Name, store.ErrNotFound)
	}
	s := ss[i]
	detail := ""
	if req.Op == OpSensorRevoke {
		if s.Revoked {
			return Response{}, fmt.Errorf("sensor %q is already revoked", s.Name)
		}
		s.Revoked, s.RevokedAt = true, a.now()
	} else {
		s.Monitoring = req.On
		detail = fmt.Sprintf("monitoring=%t", req.On)
	}
	if err := a.st.UpdateSensor(ctx, sc, s); err != nil {
		return Response{}, fmt.Errorf("sensor %q: %w", s.Name, err)
	}
	a.audit(ctx, sc, req.Op, "sensor:"+sensorKey(s.ID), detail)
	return Response{Sensors: []SensorInfo{{ID: int64(s.ID), Tenant: t.Name, Name: s.Name, Enrolled: s.CertSerial != "",
		CertNotAfter: s.CertNotAfter.UTC(), Revoked: s.Revoked, Monitoring: s.Monitoring, LastUpload: s.LastUpload.UTC()}}}, nil
}

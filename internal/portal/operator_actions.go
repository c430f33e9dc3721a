package portal

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/store"
)

// tenantForm is a new tenant: POST /operator/tenants (form) and
// /api/v1/operator/tenants (JSON).
type tenantForm struct {
	Name    string `json:"name"`
	Sensors int    `json:"sensors"`
	Email   string `json:"admin_email"`
}

// activationResult is what the service gives its customer, shown once:
// nothing here can be read again (the password is stored hashed).
type activationResult struct {
	TenantID        store.TenantID `json:"tenant_id"`
	Tenant          string         `json:"tenant"`
	MaxSensors      int            `json:"max_sensors"`
	MaxUsers        int            `json:"max_users"`
	PortalURL       string         `json:"portal_url"`
	Login           string         `json:"login"`
	InitialPassword string         `json:"initial_password"`
	Email           string         `json:"admin_email"`
	// EnrolCommand is the operator's command that adds a sensor and prints
	// its one-time token (the console's button does the same).
	EnrolCommand string `json:"enrol_command"`
	// SensorCommand is run on the sensor with that token.
	SensorCommand string `json:"sensor_command"`
}

// enrolmentResult is a new sensor's one-time token, shown once.
type enrolmentResult struct {
	SensorID      store.SensorID `json:"sensor_id"`
	Sensor        string         `json:"sensor"`
	Token         string         `json:"token"`
	Expires       time.Time      `json:"expires"`
	ExpiresText   string         `json:"-"`
	CAFingerprint string         `json:"ca_fingerprint"`
	SensorCommand string         `json:"sensor_command"`
}

// sensorForm names a sensor to enrol.
type sensorForm struct {
	Name string `json:"name"`
}

// shellQuote quotes a word for the commands shown (POSIX sh).
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// sensorCommand is the command run on a sensor; server "" stands for the
// ingest address, which the operator knows and the portal may not.
func sensorCommand(server, token string) string {
	if server == "" {
		server = "https://INGEST-HOST:PORT"
	}
	return "otsight sensor enroll --server " + shellQuote(server) + " --token " + token
}

func (p *Portal) createTenant(r *http.Request, rq *request, f tenantForm) (activationResult, error) {
	if p.deps.Admin.Accounts == nil {
		return activationResult{}, missingDep("Accounts")
	}
	f.Name, f.Email = strings.TrimSpace(f.Name), strings.TrimSpace(f.Email)
	if f.Name == "" || f.Email == "" || f.Sensors < 1 || f.Sensors > store.DefaultMaxSensors {
		return activationResult{}, fmt.Errorf("%w: name, admin e-mail and 1 to %d sensors are required", errBadInput, store.DefaultMaxSensors)
	}
	a, err := p.deps.Admin.Accounts.CreateTenant(r.Context(), rq.user, f.Name, f.Sensors, f.Email)
	if err != nil {
		return activationResult{}, err
	}
	return activationResult{
		TenantID: a.Tenant.ID, Tenant: a.Tenant.Name, MaxSensors: a.Tenant.MaxSensors, MaxUsers: a.Tenant.MaxUsers,
		PortalURL: portalURL(r), Login: a.Login, InitialPassword: a.InitialPassword, Email: a.User.Email,
		EnrolCommand:  "otsight admin sensor add --tenant " + shellQuote(a.Tenant.Name) + " --name SENSOR",
		SensorCommand: sensorCommand("", "TOKEN"),
	}, nil
}

func (p *Portal) createTenantSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	f := tenantForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("admin_email")}
	f.Sensors, _ = strconv.Atoi(r.PostFormValue("sensors"))
	a, err := p.createTenant(r, rq, f)
	if err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawOperator(w, r, rq, status, &fl, f) })
		return
	}
	p.render(w, r, http.StatusOK, "operator_activation", "operator", a)
}

func (p *Portal) createTenantAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	var f tenantForm
	if err := decodeJSON(r, &f); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	a, err := p.createTenant(r, rq, f)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, a)
}

func (p *Portal) enrolSensor(r *http.Request, rq *request, f sensorForm) (enrolmentResult, error) {
	if p.deps.Admin.Sensors == nil {
		return enrolmentResult{}, missingDep("Sensors")
	}
	id, err := pathID(r, "tenant")
	if err != nil {
		return enrolmentResult{}, err
	}
	f.Name = strings.TrimSpace(f.Name)
	if f.Name == "" || len(f.Name) > 100 {
		return enrolmentResult{}, fmt.Errorf("%w: a sensor name of 1 to 100 bytes is required", errBadInput)
	}
	e, err := p.deps.Admin.Sensors.EnrolSensor(r.Context(), rq.user, store.TenantID(id), f.Name)
	if err != nil {
		return enrolmentResult{}, err
	}
	loc := rq.loc
	if t, err := p.deps.Tenants.Tenant(r.Context(), store.ForTenant(store.TenantID(id))); err == nil {
		loc = tenantLocation(t)
	}
	return enrolmentResult{SensorID: e.Sensor.ID, Sensor: e.Sensor.Name, Token: e.Token,
		Expires: e.Expires.In(loc), ExpiresText: localTime(e.Expires, loc, layoutMinute),
		CAFingerprint: e.CAFingerprint, SensorCommand: sensorCommand(e.Server, e.Token)}, nil
}

func (p *Portal) enrolSensorSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	e, err := p.enrolSensor(r, rq, sensorForm{Name: r.PostFormValue("name")})
	if err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawTenant(w, r, rq, status, &fl, nil) })
		return
	}
	p.drawTenant(w, r, rq, http.StatusOK, nil, &e)
}

func (p *Portal) enrolSensorAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	var f sensorForm
	if err := decodeJSON(r, &f); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	e, err := p.enrolSensor(r, rq, f)
	if err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, e)
}

func (p *Portal) revokeSensor(r *http.Request, rq *request) (store.TenantID, error) {
	if p.deps.Admin.Sensors == nil {
		return 0, missingDep("Sensors")
	}
	tid, err := pathID(r, "tenant")
	if err != nil {
		return 0, err
	}
	sid, err := pathID(r, "sensor")
	if err != nil {
		return 0, err
	}
	return store.TenantID(tid), p.deps.Admin.Sensors.RevokeSensor(r.Context(), rq.user, store.TenantID(tid), store.SensorID(sid))
}

func (p *Portal) revokeSensorSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	tid, err := p.revokeSensor(r, rq)
	if err != nil {
		p.failure(w, r, err, func(status int, fl flash) { p.drawTenant(w, r, rq, status, &fl, nil) })
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/operator/tenants/%d?done=revoked", tid), http.StatusSeeOther)
}

func (p *Portal) revokeSensorAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	if _, err := p.revokeSensor(r, rq); err != nil {
		p.writeAccountError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

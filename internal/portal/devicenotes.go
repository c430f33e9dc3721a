package portal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/otsight/otsight/internal/store"
)

// Settings keys of what people add to devices.
const (
	settingDeviceNotes   = "device_notes"
	settingAssetRegister = "asset_register"
)

// Criticality levels a person gives a device, lowest first.
var criticalities = []string{"low", "medium", "high", "critical"}

func validCriticality(c string) bool {
	for _, v := range criticalities {
		if v == c {
			return true
		}
	}
	return false
}

// Limits of what a person may type.
const (
	maxNoteName  = 128
	maxNoteText  = 2000
	noteNotFound = "device not found"
)

// DeviceNote is what people wrote about a device; the device's key (see
// DeviceKeyString) names it in the stored map.
type DeviceNote struct {
	Name        string    `json:"name,omitempty"`
	Criticality string    `json:"criticality,omitempty"` // low, medium, high, critical or ""
	Notes       string    `json:"notes,omitempty"`
	Updated     time.Time `json:"updated,omitzero"`
	By          string    `json:"by,omitempty"` // login
}

func (n DeviceNote) empty() bool { return n.Name == "" && n.Criticality == "" && n.Notes == "" }

// noteInput is an edit as typed: trimmed and checked.
type noteInput struct {
	Name        string `json:"name"`
	Criticality string `json:"criticality"`
	Notes       string `json:"notes"`
}

func (in noteInput) check() (DeviceNote, error) {
	n := DeviceNote{Name: strings.TrimSpace(in.Name), Criticality: strings.TrimSpace(in.Criticality),
		Notes: strings.TrimSpace(strings.ReplaceAll(in.Notes, "\r\n", "\n"))}
	switch {
	case !utf8.ValidString(n.Name) || !utf8.ValidString(n.Notes):
		return n, badInput("text is not UTF-8")
	case utf8.RuneCountInString(n.Name) > maxNoteName:
		return n, badInput("name: longer than %d characters", maxNoteName)
	case utf8.RuneCountInString(n.Notes) > maxNoteText:
		return n, badInput("notes: longer than %d characters", maxNoteText)
	case strings.ContainsAny(n.Name, "\r\n\t"):
		return n, badInput("name: one line only")
	case n.Criticality != "" && !validCriticality(n.Criticality):
		return n, badInput("criticality: %q is not low, medium, high or critical", n.Criticality)
	}
	return n, nil
}

// settingsMu serialises the read-modify-write of the JSON settings (the
// portal is one process; two admins saving at once must not lose an edit).
var settingsMu sync.Mutex

// loadSetting reads a JSON setting into v; an unset key leaves v as it is.
func loadSetting(ctx context.Context, st DeviceState, s store.Scope, key string, v any) error {
	raw, err := st.Setting(ctx, s, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

func saveSetting(ctx context.Context, st DeviceState, s store.Scope, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	if err := st.PutSetting(ctx, s, key, b); err != nil {
		return fmt.Errorf("setting %s: %w", key, err)
	}
	return nil
}

// deviceNotes returns every note of the tenant by device key.
func (p *Portal) deviceNotes(ctx context.Context, s store.Scope) (map[string]DeviceNote, error) {
	st, err := p.deps.Device.state()
	if err != nil {
		return nil, err
	}
	notes := map[string]DeviceNote{}
	if err := loadSetting(ctx, st, s, settingDeviceNotes, &notes); err != nil {
		return nil, err
	}
	return notes, nil
}

// putDeviceNote stores (or, when empty, removes) the note of a known device
// and audits the change; it answers false when the device is unknown.
func (p *Portal) putDeviceNote(ctx context.Context, rq *request, key string, in noteInput) (DeviceNote, bool, error) {
	n, err := in.check()
	if err != nil {
		return n, true, err
	}
	scope := store.ForTenant(rq.user.Tenant)
	if _, ok, err := p.findDevice(ctx, scope, key); err != nil || !ok {
		return n, false, err
	}
	settingsMu.Lock()
	defer settingsMu.Unlock()
	notes, err := p.deviceNotes(ctx, scope)
	if err != nil {
		return n, true, err
	}
	old := notes[key]
	if n.empty() {
		delete(notes, key)
	} else {
		n.Updated, n.By = p.cfg.Now().In(rq.loc), rq.user.Login
		notes[key] = n
	}
	st, err := p.deps.Device.state()
	if err != nil {
		return n, true, err
	}
	if err := saveSetting(ctx, st, scope, settingDeviceNotes, notes); err != nil {
		return n, true, err
	}
	err = st.Audit(ctx, scope, store.AuditEntry{
		Tenant: rq.user.Tenant, Time: p.cfg.Now(), Actor: rq.user.Login, Action: "device.note", Target: key,
		Detail: noteChange(old, n),
	})
	if err != nil {
		return n, true, fmt.Errorf("audit: %w", err)
	}
	return n, true, nil
}

// noteChange describes an edit for the audit log: each changed field with
// its old and new value (notes by length only: they may be long).
func noteChange(old, n DeviceNote) string {
	var parts []string
	if old.Name != n.Name {
		parts = append(parts, fmt.Sprintf("name %q → %q", old.Name, n.Name))
	}
	if old.Criticality != n.Criticality {
		parts = append(parts, fmt.Sprintf("criticality %q → %q", old.Criticality, n.Criticality))
	}
	if old.Notes != n.Notes {
		parts = append(parts, fmt.Sprintf("notes %d → %d characters", utf8.RuneCountInString(old.Notes), utf8.RuneCountInString(n.Notes)))
	}
	if len(parts) == 0 {
		return "unchanged"
	}
	return strings.Join(parts, "; ")
}

// deviceNotesSubmit saves the detail page's form (admins) and returns to
// the page.
func (p *Portal) deviceNotesSubmit(w http.ResponseWriter, r *http.Request, rq *request) {
	key := r.PathValue("key")
	in := noteInput{Name: r.PostFormValue("name"), Criticality: r.PostFormValue("criticality"), Notes: r.PostFormValue("notes")}
	_, found, err := p.putDeviceNote(r.Context(), rq, key, in)
	switch {
	case !found && err == nil:
		p.errorPage(w, r, http.StatusNotFound)
		return
	case isInputError(err):
		p.errorPage(w, r, http.StatusBadRequest)
		return
	case err != nil:
		p.internalError(w, r, err)
		return
	}
	http.Redirect(w, r, deviceURL(key)+"?saved=1", http.StatusSeeOther)
}

// deviceNotesAPI is PUT /api/v1/devices/{key}/notes with a JSON noteInput.
func (p *Portal) deviceNotesAPI(w http.ResponseWriter, r *http.Request, rq *request) {
	var in noteInput
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeJSONError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	key := r.PathValue("key")
	n, found, err := p.putDeviceNote(r.Context(), rq, key, in)
	switch {
	case !found && err == nil:
		writeJSONError(w, http.StatusNotFound, noteNotFound)
		return
	case isInputError(err):
		writeJSONError(w, http.StatusBadRequest, err.Error())
		return
	case err != nil:
		p.internalAPIError(w, r, err)
		return
	}
	if n.empty() {
		n = DeviceNote{}
	}
	writeJSON(w, http.StatusOK, n)
}

// inputError is a request refused for what it asks, not a failure.
type inputError struct{ msg string }

func (e inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error { return inputError{fmt.Sprintf(format, args...)} }

func isInputError(err error) bool {
	var ie inputError
	return errors.As(err, &ie)
}

// withNoteNames returns the rows with the names people gave them in place
// of the names seen; the rows are copied (the source may share them). The
// list works without the device state: a server that passes none shows
// the names seen.
func (p *Portal) withNoteNames(ctx context.Context, s store.Scope, rows []DeviceRow) ([]DeviceRow, error) {
	if p.deps.Device.State == nil {
		return rows, nil
	}
	notes, err := p.deviceNotes(ctx, s)
	if err != nil || len(notes) == 0 {
		return rows, err
	}
	out := slices.Clone(rows)
	for i := range out {
		if n := notes[out[i].Key].Name; n != "" && out[i].Key != "" {
			out[i].Name = n
		}
	}
	return out, nil
}

// rowURL is the detail page of a list row, "" for a row without a key.
func rowURL(key string) string {
	if key == "" {
		return ""
	}
	return deviceURL(key)
}

package portal

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/otsight/otsight/internal/store"
)

// maxJSONBody bounds the JSON body of an administration call: the largest
// (settings with nine sensors) is well under a kilobyte.
const maxJSONBody = 64 << 10

// decodeJSON reads an API request's JSON body into v; unknown fields are
// refused so a misspelt field does not silently do nothing.
func decodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, maxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w: JSON body: %v", errBadInput, err)
	}
	return nil
}

// pathID reads a positive integer path value.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: %s %q", errBadInput, name, r.PathValue(name))
	}
	return n, nil
}

// writeAccountError answers an API call that failed: 4xx with the error's
// text (the services' messages name no other tenant's data), 500 otherwise.
func (p *Portal) writeAccountError(w http.ResponseWriter, r *http.Request, err error) {
	status, _ := accountError(err)
	if status == http.StatusInternalServerError {
		p.internalAPIError(w, r, err)
		return
	}
	writeJSONError(w, status, err.Error())
}

// flash is a message shown above a page after an action, in the
// request's language, with the error's text for the curious.
type flash struct {
	Text   string
	Detail string
	Error  bool
}

// note is the flash of an action that succeeded.
func (p *Portal) note(r *http.Request, key string) *flash {
	return &flash{Text: p.pages.cats[requestOf(r).lang].flashText(key)}
}

// failure renders page again with the error of an action, or answers 500.
func (p *Portal) failure(w http.ResponseWriter, r *http.Request, err error, redraw func(status int, f flash)) {
	status, key := accountError(err)
	if status == http.StatusInternalServerError {
		p.internalError(w, r, err)
		return
	}
	redraw(status, flash{Text: p.pages.cats[requestOf(r).lang].flashText(key), Detail: err.Error(), Error: true})
}

// flashText resolves a flash key; each is written out so the catalogue
// test sees it.
func (c catalogue) flashText(key string) string {
	switch key {
	case "admin.err.forbidden":
		return c.text("admin.err.forbidden")
	case "admin.err.not_found":
		return c.text("admin.err.not_found")
	case "admin.err.limit":
		return c.text("admin.err.limit")
	case "admin.err.exists":
		return c.text("admin.err.exists")
	case "admin.err.last_admin":
		return c.text("admin.err.last_admin")
	case "admin.err.invalid":
		return c.text("admin.err.invalid")
	case "operator.revoked":
		return c.text("operator.revoked")
	case "users.removed":
		return c.text("users.removed")
	case "users.unlocked":
		return c.text("users.unlocked")
	case "settings.saved":
		return c.text("settings.saved")
	case "tokens.revoked":
		return c.text("tokens.revoked")
	}
	return key
}

// sensorName finds a sensor's name in a list, "#id" when unknown.
func sensorName(ss []store.Sensor, id store.SensorID) string {
	for _, s := range ss {
		if s.ID == id {
			return s.Name
		}
	}
	return "#" + strconv.FormatInt(int64(id), 10)
}

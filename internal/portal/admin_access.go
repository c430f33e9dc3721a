package portal

import (
	"errors"
	"net/http"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// Access of every route: a tenant's data (its users), the operator console
// (operators only) and the personal API tokens (every role).

// audience says who may use a route.
type audience int

const (
	tenantsOnly audience = iota
	operatorsOnly
	everyone
)

func (a audience) allows(role store.Role) bool {
	switch a {
	case tenantsOnly:
		return tenantRole(role)
	case operatorsOnly:
		return role == store.RoleOperator
	}
	return role == store.RoleOperator || tenantRole(role)
}

// providerLocation is the time zone of the operator's own pages: the
// service is run from Japan, as the tenants' default.
func providerLocation() *time.Location { return tenantLocation(store.Tenant{}) }

// accessPage guards a browser route of audience a: a session without a
// pending password change and an allowed role. A tenant's user gets the
// tenant loaded (its name in the header, its time zone); operators work in
// the provider's zone.
func (p *Portal) accessPage(a audience, h tenantHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := p.sessionUser(r)
		if errors.Is(err, errNoUser) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		if err != nil {
			p.internalError(w, r, err)
			return
		}
		rq := requestOf(r)
		rq.user = u
		if u.MustChange {
			http.Redirect(w, r, "/password", http.StatusSeeOther)
			return
		}
		if !a.allows(u.Role) {
			// An operator (the provider) has no tenant pages: its home is
			// the operator console.
			if u.Role == store.RoleOperator && r.URL.Path == "/" {
				http.Redirect(w, r, "/operator", http.StatusSeeOther)
				return
			}
			p.errorPage(w, r, http.StatusForbidden)
			return
		}
		if err := p.loadAnyTenant(r, rq); err != nil {
			p.internalError(w, r, err)
			return
		}
		h(w, r, rq)
	}
}

// accessAPI is accessPage for the REST API (bearer token or session).
func (p *Portal) accessAPI(a audience, h tenantHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rq := requestOf(r)
		u, err := p.apiUser(r)
		switch {
		case errors.Is(err, errNoUser):
			w.Header().Set("WWW-Authenticate", `Bearer realm="otsight"`)
			writeJSONError(w, http.StatusUnauthorized, "authentication required")
			return
		case err != nil:
			p.internalAPIError(w, r, err)
			return
		}
		rq.user = u
		if u.MustChange && !rq.bearer {
			writeJSONError(w, http.StatusForbidden, "password change required")
			return
		}
		if !a.allows(u.Role) {
			writeJSONError(w, http.StatusForbidden, "not permitted for this role")
			return
		}
		if err := p.loadAnyTenant(r, rq); err != nil {
			p.internalAPIError(w, r, err)
			return
		}
		h(w, r, rq)
	}
}

func (p *Portal) loadAnyTenant(r *http.Request, rq *request) error {
	if rq.user.Tenant == auth.OperatorTenant {
		rq.loc = providerLocation()
		return nil
	}
	return p.loadTenant(r.Context(), rq)
}

// accountError maps an error of the auth service or the store to an HTTP
// status and a message key of the catalogue ("" for 500).
func accountError(err error) (int, string) {
	switch {
	case errors.Is(err, auth.ErrForbidden):
		return http.StatusForbidden, "admin.err.forbidden"
	case errors.Is(err, store.ErrNotFound):
		return http.StatusNotFound, "admin.err.not_found"
	case errors.Is(err, store.ErrLimit):
		return http.StatusConflict, "admin.err.limit"
	case errors.Is(err, store.ErrExists):
		return http.StatusConflict, "admin.err.exists"
	case errors.Is(err, auth.ErrLastAdmin):
		return http.StatusConflict, "admin.err.last_admin"
	case errors.Is(err, auth.ErrInvalid), errors.Is(err, errBadInput):
		return http.StatusBadRequest, "admin.err.invalid"
	case errors.Is(err, auth.ErrWeakPassword):
		return http.StatusBadRequest, "admin.err.invalid"
	}
	return http.StatusInternalServerError, ""
}

// errBadInput is a form or JSON body the portal itself refuses.
var errBadInput = errors.New("bad input")

// missingDep is the error of a route whose AdminDeps member is nil.
func missingDep(name string) error {
	return errors.New("portal: Deps.Admin." + name + " is nil")
}

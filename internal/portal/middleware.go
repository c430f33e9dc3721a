package portal

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/store"
)

// request is what a handler knows about the request beyond net/http.
type request struct {
	lang   string
	user   auth.Principal
	tenant store.Tenant
	loc    *time.Location
	bearer bool // authenticated by API token, not by session
}

type ctxKey struct{}

func withRequest(r *http.Request, rq *request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), ctxKey{}, rq))
}

func requestOf(r *http.Request) *request {
	if rq, ok := r.Context().Value(ctxKey{}).(*request); ok {
		return rq
	}
	return &request{lang: defaultLang, loc: time.UTC}
}

// web wraps a browser route: session and language.
func (p *Portal) web(h http.HandlerFunc) http.Handler {
	return p.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Add("Vary", "Cookie, Accept-Language")
		noStore(w)
		h(w, withRequest(r, &request{lang: chooseLang(w, r), loc: time.UTC}))
	}))
}

// api wraps a REST route: session (for the portal's own scripts) and JSON
// errors; only CSV headers and labels depend on the language.
func (p *Portal) api(h http.HandlerFunc) http.Handler {
	return p.sessions.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStore(w)
		h(w, withRequest(r, &request{lang: chooseLang(w, r), loc: time.UTC}))
	}))
}

// errNoUser means the request carries no valid session or token.
var errNoUser = errors.New("not signed in")

// sessionUser returns the principal of a fully logged-in session, as the
// auth service sees it now (current role and MustChange). A session the
// service refuses (user gone or disabled, "log out everywhere" since) is
// destroyed.
func (p *Portal) sessionUser(r *http.Request) (auth.Principal, error) {
	ctx := r.Context()
	uid := p.sessions.GetInt64(ctx, keyUser)
	if uid == 0 {
		return auth.Principal{}, errNoUser
	}
	pr, err := p.deps.Auth.Refresh(ctx, auth.Principal{
		User:     store.UserID(uid),
		Tenant:   store.TenantID(p.sessions.GetInt64(ctx, keyTenant)),
		Login:    p.sessions.GetString(ctx, keyLogin),
		Role:     store.Role(p.sessions.GetString(ctx, keyRole)),
		AuthTime: time.Unix(0, p.sessions.GetInt64(ctx, keyAuthAt)),
	})
	if errors.Is(err, auth.ErrInvalidCredentials) {
		return auth.Principal{}, p.dropSession(ctx)
	}
	if err != nil {
		return auth.Principal{}, err
	}
	return pr, nil
}

func (p *Portal) dropSession(ctx context.Context) error {
	if err := p.sessions.Destroy(ctx); err != nil {
		return err
	}
	return errNoUser
}

// signedIn requires a logged-in user of any role; a user who must change
// the password still gets through (the password page and logout need it).
func (p *Portal) signedIn(h http.HandlerFunc) http.HandlerFunc {
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
		h(w, r)
	}
}

// tenantRole reports whether a role may see a tenant's pages: operators
// manage the service and see tenants only through the operator console.
func tenantRole(role store.Role) bool {
	return role == store.RoleAdmin || role == store.RoleUser
}

// tenantHandler is a page or API handler of a tenant's data.
type tenantHandler func(w http.ResponseWriter, r *http.Request, rq *request)

// tenantPage requires a session of a tenant's user who has no pending
// password change, and loads the tenant.
func (p *Portal) tenantPage(h tenantHandler) http.HandlerFunc {
	return p.accessPage(tenantsOnly, h)
}

// adminPage lets only the tenant's admins through to h.
func (p *Portal) adminPage(h tenantHandler) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		if rq.user.Role != store.RoleAdmin {
			p.errorPage(w, r, http.StatusForbidden)
			return
		}
		h(w, r, rq)
	}
}

// adminAPI is adminPage for the REST API.
func adminAPI(h tenantHandler) tenantHandler {
	return func(w http.ResponseWriter, r *http.Request, rq *request) {
		if rq.user.Role != store.RoleAdmin {
			writeJSONError(w, http.StatusForbidden, "not permitted for this role")
			return
		}
		h(w, r, rq)
	}
}

// tenantAPI is tenantPage for the REST API: a bearer token or a session,
// and JSON errors instead of redirects.
func (p *Portal) tenantAPI(h tenantHandler) http.HandlerFunc {
	return p.accessAPI(tenantsOnly, h)
}

// apiUser authenticates an API request: an Authorization header must hold a
// valid bearer token (a bad one is not retried as a session), else the
// session decides.
func (p *Portal) apiUser(r *http.Request) (auth.Principal, error) {
	authz := r.Header.Get("Authorization")
	if authz == "" {
		return p.sessionUser(r)
	}
	scheme, token, ok := strings.Cut(authz, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return auth.Principal{}, errNoUser
	}
	pr, err := p.deps.Auth.VerifyToken(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, auth.ErrInvalidToken) {
		return auth.Principal{}, errNoUser
	}
	if err != nil {
		return auth.Principal{}, err
	}
	requestOf(r).bearer = true
	return pr, nil
}

func (p *Portal) loadTenant(ctx context.Context, rq *request) error {
	t, err := p.deps.Tenants.Tenant(ctx, store.ForTenant(rq.user.Tenant))
	if err != nil {
		return err
	}
	rq.tenant = t
	rq.loc = tenantLocation(t)
	return nil
}

// tenantLocation is the tenant's time zone, Asia/Tokyo when unset or
// unknown.
func tenantLocation(t store.Tenant) *time.Location {
	name := t.TimeZone
	if name == "" {
		name = store.DefaultTimeZone
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc
	}
	loc, err := time.LoadLocation(store.DefaultTimeZone)
	if err != nil {
		return time.UTC // unreachable: time/tzdata is linked in
	}
	return loc
}

package portal

import (
	"net/http"
)

// route is one endpoint; the API routes are listed for the OpenAPI document
// and its test.
type route struct {
	pattern string // http.ServeMux pattern
	handler http.Handler
}

func (p *Portal) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /assets/", http.StripPrefix("/assets/", assetHandler()))
	mux.Handle("GET /favicon.ico", http.RedirectHandler("/assets/favicon.svg", http.StatusMovedPermanently))

	// Login and logout: sessions, but no principal required.
	mux.Handle("GET /login", p.web(p.loginForm))
	mux.Handle("POST /login", p.web(p.loginSubmit))
	mux.Handle("GET /login/code", p.web(p.codeForm))
	mux.Handle("POST /login/code", p.web(p.codeSubmit))
	mux.Handle("POST /logout", p.web(p.logout))
	mux.Handle("POST /logout/all", p.web(p.signedIn(p.logoutAll)))
	mux.Handle("GET /password", p.web(p.signedIn(p.passwordForm)))
	mux.Handle("POST /password", p.web(p.signedIn(p.passwordSubmit)))

	// Pages of a tenant.
	mux.Handle("GET /{$}", p.web(p.tenantPage(p.homePage)))
	mux.Handle("GET /devices", p.web(p.tenantPage(p.devicesPage)))
	mux.Handle("GET /devices.csv", p.web(p.tenantPage(p.devicesCSV)))
	mux.Handle("GET /traffic", p.web(p.tenantPage(p.trafficPage)))
	mux.Handle("GET /rankings", p.web(p.tenantPage(p.rankingsPage)))
	mux.Handle("GET /rankings.csv", p.web(p.tenantPage(p.rankingsCSV)))
	mux.Handle("GET /audit", p.web(p.tenantPage(p.adminPage(p.auditPage))))

	for _, rt := range p.apiRoutes() {
		mux.Handle(rt.pattern, rt.handler)
	}
	mux.Handle("/api/", p.api(func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, http.StatusNotFound, "no such endpoint")
	}))
	mux.Handle("/", p.web(func(w http.ResponseWriter, r *http.Request) {
		p.errorPage(w, r, http.StatusNotFound)
	}))

	csrf := http.NewCrossOriginProtection()
	return securityHeaders(csrf.Handler(mux))
}

// apiRoutes are the JSON twins of the pages, with session or bearer
// authentication.
func (p *Portal) apiRoutes() []route {
	return []route{
		{"GET /api/v1/home", p.api(p.tenantAPI(p.homeAPI))},
		{"GET /api/v1/devices", p.api(p.tenantAPI(p.devicesAPI))},
		{"GET /api/v1/devices.csv", p.api(p.tenantAPI(p.devicesCSV))},
		{"GET /api/v1/traffic", p.api(p.tenantAPI(p.trafficAPI))},
		{"GET /api/v1/rankings", p.api(p.tenantAPI(p.rankingsAPI))},
		{"GET /api/v1/rankings.csv", p.api(p.tenantAPI(p.rankingsCSV))},
		{"GET /api/v1/audit", p.api(p.tenantAPI(adminAPI(p.auditAPI)))},
		{"GET /api/v1/openapi.json", p.api(p.openAPI)},
	}
}

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
	mux.Handle("GET /devices/groups", p.web(p.tenantPage(p.deviceGroupsPage)))
	mux.Handle("GET /devices/matrix", p.web(p.tenantPage(p.matrixPage)))
	mux.Handle("GET /devices/register", p.web(p.tenantPage(p.registerPage)))
	mux.Handle("POST /devices/register", p.web(p.tenantPage(p.adminPage(p.registerUpload))))
	mux.Handle("GET /devices/{key}", p.web(p.tenantPage(p.devicePage)))
	mux.Handle("POST /devices/{key}/notes", p.web(p.tenantPage(p.adminPage(p.deviceNotesSubmit))))
	mux.Handle("GET /traffic", p.web(p.tenantPage(p.trafficPage)))
	mux.Handle("GET /rankings", p.web(p.tenantPage(p.rankingsPage)))
	mux.Handle("GET /rankings.csv", p.web(p.tenantPage(p.rankingsCSV)))
	mux.Handle("GET /audit", p.web(p.tenantPage(p.adminPage(p.auditPage))))
	// Maps, OT protocol tables and the comparison of two periods (maps.go, otprotocols.go, compare.go).
	mux.Handle("GET /maps/devices", p.web(p.tenantPage(p.mapPage("devices", p.deviceMap))))
	mux.Handle("GET /maps/services", p.web(p.tenantPage(p.mapPage("services", p.serviceMap))))
	mux.Handle("GET /ot/ip", p.web(p.tenantPage(p.otPage(otIP))))
	mux.Handle("GET /ot/ip.csv", p.web(p.tenantPage(p.otCSV(otIP))))
	mux.Handle("GET /ot/ethernet", p.web(p.tenantPage(p.otPage(otEthernet))))
	mux.Handle("GET /ot/ethernet.csv", p.web(p.tenantPage(p.otCSV(otEthernet))))
	mux.Handle("GET /compare", p.web(p.tenantPage(p.comparePage)))
	mux.Handle("GET /compare.csv", p.web(p.tenantPage(p.compareCSV)))

	// Administration (admin_*.go, operator*.go, users.go, settings.go, systemlog.go, tokens.go).
	mux.Handle("GET /users", p.web(p.tenantPage(p.adminPage(p.usersPage))))
	mux.Handle("POST /users", p.web(p.tenantPage(p.adminPage(p.addUserSubmit))))
	mux.Handle("POST /users/{user}/remove", p.web(p.tenantPage(p.adminPage(p.userActionSubmit("remove")))))
	mux.Handle("POST /users/{user}/reset", p.web(p.tenantPage(p.adminPage(p.userActionSubmit("reset")))))
	mux.Handle("POST /users/{user}/unlock", p.web(p.tenantPage(p.adminPage(p.userActionSubmit("unlock")))))
	mux.Handle("GET /settings", p.web(p.tenantPage(p.adminPage(p.settingsPage))))
	mux.Handle("POST /settings", p.web(p.tenantPage(p.adminPage(p.settingsSubmit))))
	mux.Handle("GET /system-log", p.web(p.tenantPage(p.adminPage(p.systemLogPage))))
	mux.Handle("GET /system-log.csv", p.web(p.tenantPage(p.adminPage(p.systemLogCSV))))
	mux.Handle("GET /tokens", p.web(p.accessPage(everyone, p.tokensPage)))
	mux.Handle("POST /tokens", p.web(p.accessPage(everyone, p.createTokenSubmit)))
	mux.Handle("POST /tokens/{token}/revoke", p.web(p.accessPage(everyone, p.revokeTokenSubmit)))
	mux.Handle("GET /operator", p.web(p.accessPage(operatorsOnly, p.operatorPage)))
	mux.Handle("GET /operator/sensors", p.web(p.accessPage(operatorsOnly, p.providerSensorsPage)))
	mux.Handle("POST /operator/tenants", p.web(p.accessPage(operatorsOnly, p.createTenantSubmit)))
	mux.Handle("GET /operator/tenants/{tenant}", p.web(p.accessPage(operatorsOnly, p.tenantPageOp)))
	mux.Handle("POST /operator/tenants/{tenant}/sensors", p.web(p.accessPage(operatorsOnly, p.enrolSensorSubmit)))
	mux.Handle("POST /operator/tenants/{tenant}/sensors/{sensor}/revoke", p.web(p.accessPage(operatorsOnly, p.revokeSensorSubmit)))

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
		{"GET /api/v1/devices/groups", p.api(p.tenantAPI(p.deviceGroupsAPI))},
		{"GET /api/v1/devices/matrix", p.api(p.tenantAPI(p.matrixAPI))},
		{"GET /api/v1/devices/register", p.api(p.tenantAPI(p.registerAPI))},
		{"PUT /api/v1/devices/register", p.api(p.tenantAPI(adminAPI(p.registerImportAPI)))},
		{"GET /api/v1/devices/{key}", p.api(p.tenantAPI(p.deviceAPI))},
		{"GET /api/v1/devices/{key}/traffic", p.api(p.tenantAPI(p.deviceTrafficAPI))},
		{"PUT /api/v1/devices/{key}/notes", p.api(p.tenantAPI(adminAPI(p.deviceNotesAPI)))},
		{"GET /api/v1/traffic", p.api(p.tenantAPI(p.trafficAPI))},
		{"GET /api/v1/rankings", p.api(p.tenantAPI(p.rankingsAPI))},
		{"GET /api/v1/rankings.csv", p.api(p.tenantAPI(p.rankingsCSV))},
		{"GET /api/v1/audit", p.api(p.tenantAPI(adminAPI(p.auditAPI)))},
		{"GET /api/v1/maps/devices", p.api(p.tenantAPI(p.mapAPI(p.deviceMap)))},
		{"GET /api/v1/maps/services", p.api(p.tenantAPI(p.mapAPI(p.serviceMap)))},
		{"GET /api/v1/ot/ip", p.api(p.tenantAPI(p.otAPI(otIP)))},
		{"GET /api/v1/ot/ip.csv", p.api(p.tenantAPI(p.otCSV(otIP)))},
		{"GET /api/v1/ot/ethernet", p.api(p.tenantAPI(p.otAPI(otEthernet)))},
		{"GET /api/v1/ot/ethernet.csv", p.api(p.tenantAPI(p.otCSV(otEthernet)))},
		{"GET /api/v1/compare", p.api(p.tenantAPI(p.compareAPI))},
		{"GET /api/v1/compare.csv", p.api(p.tenantAPI(p.compareCSV))},
		{"GET /api/v1/users", p.api(p.tenantAPI(adminAPI(p.usersAPI)))},
		{"POST /api/v1/users", p.api(p.tenantAPI(adminAPI(p.addUserAPI)))},
		{"DELETE /api/v1/users/{user}", p.api(p.tenantAPI(adminAPI(p.userActionAPI("remove"))))},
		{"POST /api/v1/users/{user}/password", p.api(p.tenantAPI(adminAPI(p.userActionAPI("reset"))))},
		{"POST /api/v1/users/{user}/unlock", p.api(p.tenantAPI(adminAPI(p.userActionAPI("unlock"))))},
		{"GET /api/v1/settings", p.api(p.tenantAPI(adminAPI(p.settingsAPI)))},
		{"PUT /api/v1/settings", p.api(p.tenantAPI(adminAPI(p.settingsPutAPI)))},
		{"GET /api/v1/system-log", p.api(p.tenantAPI(adminAPI(p.systemLogAPI)))},
		{"GET /api/v1/system-log.csv", p.api(p.tenantAPI(adminAPI(p.systemLogCSV)))},
		{"GET /api/v1/tokens", p.api(p.accessAPI(everyone, p.tokensAPI))},
		{"POST /api/v1/tokens", p.api(p.accessAPI(everyone, p.createTokenAPI))},
		{"DELETE /api/v1/tokens/{token}", p.api(p.accessAPI(everyone, p.revokeTokenAPI))},
		{"GET /api/v1/operator/tenants", p.api(p.accessAPI(operatorsOnly, p.operatorAPI))},
		{"POST /api/v1/operator/tenants", p.api(p.accessAPI(operatorsOnly, p.createTenantAPI))},
		{"GET /api/v1/operator/tenants/{tenant}", p.api(p.accessAPI(operatorsOnly, p.tenantAPIOp))},
		{"POST /api/v1/operator/tenants/{tenant}/sensors", p.api(p.accessAPI(operatorsOnly, p.enrolSensorAPI))},
		{"POST /api/v1/operator/tenants/{tenant}/sensors/{sensor}/revoke", p.api(p.accessAPI(operatorsOnly, p.revokeSensorAPI))},
		{"GET /api/v1/operator/sensors", p.api(p.accessAPI(operatorsOnly, p.providerSensorsAPI))},
		{"GET /api/v1/openapi.json", p.api(p.openAPI)},
	}
}

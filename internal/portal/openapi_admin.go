package portal

// addAdminAPI adds the administration endpoints (operator console, users,
// settings, system log, API tokens) and their schemas to the OpenAPI
// document.
func addAdminAPI(doc map[string]any) {
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)

	str := map[string]any{"type": "string"}
	dt := map[string]any{"type": "string", "format": "date-time"}
	nullDT := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	obj := func(props map[string]any, required ...string) map[string]any {
		m := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			m["required"] = required
		}
		return m
	}
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	enum := func(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	query := func(name, desc string, schema any) map[string]any {
		return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	pathParam := func(name, desc string, schema any) map[string]any {
		return map[string]any{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
	}
	body := func(schema string) map[string]any {
		return map[string]any{"required": true, "content": jsonContent(ref(schema))}
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": jsonContent(ref("Error"))}
	}
	// responses: the success code and schema (nil: no body), then the
	// error codes besides 401 and 403.
	responses := func(code, desc string, schema any, codes ...string) map[string]any {
		ok := map[string]any{"description": desc}
		if schema != nil {
			ok["content"] = jsonContent(schema)
		}
		r := map[string]any{code: ok,
			"401": errResp("No valid session or bearer token"),
			"403": errResp("Role not permitted")}
		for _, c := range codes {
			switch c {
			case "400":
				r[c] = errResp("Bad body or query")
			case "404":
				r[c] = errResp("Not found (or not in the caller's tenant)")
			case "409":
				r[c] = errResp("Limit reached, name taken, or the last admin")
			}
		}
		return r
	}
	op := func(id, summary string, extra map[string]any) map[string]any {
		m := map[string]any{"operationId": id, "summary": summary}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tenantID := pathParam("tenant", "Tenant ID", integer)
	sensorID := pathParam("sensor", "Sensor ID", integer)
	userID := pathParam("user", "User ID", integer)
	tokenID := pathParam("token", "Token ID (the id field of a token)", str)
	logParams := []any{
		query("since", "Start: YYYY-MM-DD or YYYY-MM-DDThh:mm in the tenant's zone, or RFC 3339 (default 30 days ago)", str),
		query("limit", "Uploads (1 to 5000, default 500)", integer),
	}

	paths["/api/v1/operator/tenants"] = map[string]any{
		"get": op("operatorTenants", "Operator: every tenant with its sensors and their health", map[string]any{
			"responses": responses("200", "Tenants", ref("OperatorTenants"))}),
		"post": op("createTenant", "Operator: create a tenant and its first admin; the activation information is returned once", map[string]any{
			"requestBody": body("TenantInput"),
			"responses":   responses("201", "Activation information (shown once)", ref("Activation"), "400", "409")}),
	}
	paths["/api/v1/operator/tenants/{tenant}"] = map[string]any{
		"get": op("operatorTenant", "Operator: one tenant with its sensors and their health", map[string]any{
			"parameters": []any{tenantID},
			"responses":  responses("200", "Tenant", obj(map[string]any{"tenant": ref("TenantSummary")}, "tenant"), "400", "404")}),
	}
	paths["/api/v1/operator/tenants/{tenant}/sensors"] = map[string]any{
		"post": op("enrolSensor", "Operator: add a sensor to a tenant and issue its one-time enrolment token", map[string]any{
			"parameters":  []any{tenantID},
			"requestBody": body("SensorInput"),
			"responses":   responses("201", "Enrolment (the token is shown once)", ref("Enrolment"), "400", "404", "409")}),
	}
	paths["/api/v1/operator/tenants/{tenant}/sensors/{sensor}/revoke"] = map[string]any{
		"post": op("revokeSensor", "Operator: revoke a sensor", map[string]any{
			"parameters": []any{tenantID, sensorID},
			"responses":  responses("204", "Revoked", nil, "400", "404")}),
	}
	paths["/api/v1/operator/sensors"] = map[string]any{
		"get": op("operatorSensors", "Operator: every tenant's sensors and their health", map[string]any{
			"responses": responses("200", "Sensors", obj(map[string]any{"now": dt, "sensors": arr(ref("SensorState"))}, "now", "sensors"))}),
	}
	paths["/api/v1/users"] = map[string]any{
		"get": op("users", "S1-4 the tenant's users (admins only)", map[string]any{
			"responses": responses("200", "Users", ref("Users"))}),
		"post": op("addUser", "Add a user with a generated initial password, returned once (admins only)", map[string]any{
			"requestBody": body("UserInput"),
			"responses":   responses("201", "The new user's login and initial password", ref("UserSecret"), "400", "409")}),
	}
	paths["/api/v1/users/{user}"] = map[string]any{
		"delete": op("removeUser", "Remove a user and its API tokens (admins only)", map[string]any{
			"parameters": []any{userID},
			"responses":  responses("204", "Removed", nil, "400", "404", "409")}),
	}
	paths["/api/v1/users/{user}/password"] = map[string]any{
		"post": op("resetPassword", "Give a user a new generated password, returned once; it must be changed at the next login (admins only)", map[string]any{
			"parameters": []any{userID},
			"responses":  responses("200", "The new password", ref("UserSecret"), "400", "404")}),
	}
	paths["/api/v1/users/{user}/unlock"] = map[string]any{
		"post": op("unlockUser", "Lift a user's login lockout (admins only)", map[string]any{
			"parameters": []any{userID},
			"responses":  responses("204", "Unlocked", nil, "400", "404")}),
	}
	paths["/api/v1/settings"] = map[string]any{
		"get": op("settings", "S1-1 the tenant's settings (admins only)", map[string]any{
			"responses": responses("200", "Settings", ref("Settings"))}),
		"put": op("putSettings", "Change settings; members left out stay as they are; every change is audited (admins only)", map[string]any{
			"requestBody": body("SettingsInput"),
			"responses":   responses("200", "The settings after the change", ref("Settings"), "400")}),
	}
	paths["/api/v1/system-log"] = map[string]any{
		"get": op("systemLog", "S1-2 system log: every upload of the tenant's sensors, newest first (admins only)", map[string]any{
			"parameters": logParams,
			"responses":  responses("200", "Uploads", ref("SystemLog"), "400")}),
	}
	paths["/api/v1/system-log.csv"] = map[string]any{
		"get": op("systemLogCSV", "S1-2 system log as CSV (UTF-8 with BOM, CRLF; header in the request's language)", map[string]any{
			"parameters": logParams,
			"responses": map[string]any{
				"200": map[string]any{"description": "CSV", "content": map[string]any{"text/csv": map[string]any{"schema": str}}},
				"400": map[string]any{"description": "Bad query", "content": map[string]any{"text/plain": map[string]any{"schema": str}}},
				"401": errResp("No valid session or bearer token"), "403": errResp("Role not permitted"),
			}}),
	}
	paths["/api/v1/tokens"] = map[string]any{
		"get": op("tokens", "The caller's own API tokens", map[string]any{
			"responses": responses("200", "Tokens", ref("Tokens"))}),
		"post": op("createToken", "Create an API token with the caller's tenant and role; the secret is returned once", map[string]any{
			"requestBody": body("TokenInput"),
			"responses":   responses("201", "The new token", ref("TokenSecret"), "400")}),
	}
	paths["/api/v1/tokens/{token}"] = map[string]any{
		"delete": op("revokeToken", "Revoke one of the caller's own tokens", map[string]any{
			"parameters": []any{tokenID},
			"responses":  responses("204", "Revoked", nil, "404")}),
	}

	schemas["SensorState"] = obj(map[string]any{
		"id": integer, "tenant_id": integer, "tenant": str, "name": str,
		"status":   enum("ok", "fault", "never", "revoked"),
		"enrolled": boolean, "monitoring": boolean, "last_upload": nullDT,
		"silence_seconds":    map[string]any{"type": "integer", "description": "seconds since the last upload, -1 when never"},
		"clock_skew_seconds": map[string]any{"type": []string{"number", "null"}, "description": "sensor clock minus server clock, null when unknown"},
		"kernel_drops":       integer, "drops": integer,
		"faults": arr(enum("silent", "stale_data", "transfer_slow", "clock_skew", "kernel_drops")),
	}, "id", "tenant_id", "tenant", "name", "status", "enrolled", "monitoring", "last_upload", "silence_seconds", "clock_skew_seconds", "kernel_drops", "drops", "faults")
	schemas["TenantSummary"] = obj(map[string]any{
		"id": integer, "name": str, "max_sensors": integer, "max_users": integer, "time_zone": str, "created": dt,
		"sensors": arr(ref("SensorState")), "faulty_sensors": integer,
	}, "id", "name", "max_sensors", "max_users", "time_zone", "created", "sensors", "faulty_sensors")
	schemas["OperatorTenants"] = obj(map[string]any{"now": dt, "tenants": arr(ref("TenantSummary"))}, "now", "tenants")
	schemas["TenantInput"] = obj(map[string]any{
		"name": str, "sensors": map[string]any{"type": "integer", "minimum": 1, "maximum": 9}, "admin_email": str,
	}, "name", "sensors", "admin_email")
	schemas["Activation"] = obj(map[string]any{
		"tenant_id": integer, "tenant": str, "max_sensors": integer, "max_users": integer, "portal_url": str,
		"login": str, "initial_password": str, "admin_email": str, "enrol_command": str, "sensor_command": str,
	}, "tenant_id", "tenant", "max_sensors", "max_users", "portal_url", "login", "initial_password", "admin_email", "enrol_command", "sensor_command")
	schemas["SensorInput"] = obj(map[string]any{"name": str}, "name")
	schemas["Enrolment"] = obj(map[string]any{
		"sensor_id": integer, "sensor": str, "token": str, "expires": dt, "ca_fingerprint": str, "sensor_command": str,
	}, "sensor_id", "sensor", "token", "expires", "ca_fingerprint", "sensor_command")
	schemas["Users"] = obj(map[string]any{
		"users": arr(obj(map[string]any{
			"id": integer, "login": str, "email": str, "role": enum("admin", "user"), "must_change": boolean,
			"locked": boolean, "locked_until": nullDT, "failed_attempts": integer, "disabled": boolean,
			"created": dt, "self": boolean,
		}, "id", "login", "email", "role", "must_change", "locked", "locked_until", "failed_attempts", "disabled", "created", "self")),
		"max_users": integer, "can_add": boolean,
	}, "users", "max_users", "can_add")
	schemas["UserInput"] = obj(map[string]any{
		"login": map[string]any{"type": "string", "description": "3 to 64 of a-z 0-9 . _ - @; empty: generated"},
		"email": str, "role": enum("admin", "user"),
	}, "email", "role")
	schemas["UserSecret"] = obj(map[string]any{"login": str, "initial_password": str}, "login", "initial_password")
	schemas["Settings"] = obj(map[string]any{
		"time_zone": str, "fold_internet": boolean,
		"notify_email": map[string]any{"type": "string", "description": "sensor-health notifications go here; empty: the tenant's admins"},
		"sensors":      arr(obj(map[string]any{"id": integer, "name": str, "monitoring": boolean, "revoked": boolean}, "id", "name", "monitoring", "revoked")),
	}, "time_zone", "fold_internet", "notify_email", "sensors")
	schemas["SettingsInput"] = obj(map[string]any{
		"time_zone": map[string]any{"type": "string", "description": "IANA time zone"}, "fold_internet": boolean, "notify_email": str,
		"monitoring": map[string]any{"type": "object", "additionalProperties": boolean, "description": "sensor ID (decimal) → monitoring on or off"},
	})
	schemas["SystemLog"] = obj(map[string]any{
		"query": obj(map[string]any{"since": dt, "limit": integer}, "since", "limit"),
		"uploads": arr(obj(map[string]any{
			"time": dt, "sensor_id": integer, "sensor": str, "epoch": integer, "seq": integer, "records": integer,
			"bytes": integer, "result": enum("stored", "duplicate", "refused"), "reason": str, "remote": str,
		}, "time", "sensor_id", "sensor", "epoch", "seq", "records", "bytes", "result", "reason", "remote")),
	}, "query", "uploads")
	schemas["Tokens"] = obj(map[string]any{
		"tokens": arr(obj(map[string]any{"id": str, "name": str, "created": dt, "last_used": nullDT, "revoked": nullDT},
			"id", "name", "created", "last_used", "revoked")),
	}, "tokens")
	schemas["TokenInput"] = obj(map[string]any{"name": str}, "name")
	schemas["TokenSecret"] = obj(map[string]any{
		"id": str, "name": str, "secret": map[string]any{"type": "string", "description": "the bearer token; shown once"},
	}, "id", "name", "secret")
}

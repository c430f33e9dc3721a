package portal

import (
	"net/http"
	"slices"
)

// openAPIDoc is the OpenAPI 3.1 description of /api/v1; openapi_test.go
// checks that it lists exactly the API routes the portal serves.
func openAPIDoc() map[string]any {
	obj := func(props map[string]any, required ...string) map[string]any {
		m := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			m["required"] = required
		}
		return m
	}
	str := map[string]any{"type": "string"}
	dt := map[string]any{"type": "string", "format": "date-time"}
	nullDT := map[string]any{"type": []string{"string", "null"}, "format": "date-time"}
	integer := map[string]any{"type": "integer"}
	boolean := map[string]any{"type": "boolean"}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	arr := func(items any) map[string]any { return map[string]any{"type": "array", "items": items} }
	param := func(name, desc string, schema any) map[string]any {
		return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	enum := func(vals ...string) map[string]any { return map[string]any{"type": "string", "enum": vals} }
	errs := map[string]any{
		"400": map[string]any{"description": "Bad query", "content": jsonContent(ref("Error"))},
		"401": map[string]any{"description": "No valid session or bearer token", "content": jsonContent(ref("Error"))},
		"403": map[string]any{"description": "Role not permitted (operators have no tenant data)", "content": jsonContent(ref("Error"))},
	}
	ok := func(desc string, schema any) map[string]any {
		r := map[string]any{"200": map[string]any{"description": desc, "content": jsonContent(schema)}}
		for k, v := range errs {
			r[k] = v
		}
		return r
	}
	deviceParams := []any{
		param("q", "Words that must all occur in IP, MAC, name, vendor, OS, role, type, sensor or segment (case-insensitive)", str),
		param("sort", "Sort column", enum("ip", "name", "vendor", "os", "role", "sensor", "first_seen", "last_seen", "bytes")),
		param("dir", "Sort direction", enum("asc", "desc")),
	}
	rangeParams := []any{
		param("range", "Preset range ending now (ignored when from/to are given)", enum("1h", "6h", "24h", "7d", "30d")),
		param("from", "Start, YYYY-MM-DDThh:mm in the tenant's zone or RFC 3339", str),
		param("to", "End (exclusive), same forms; at most 92 days after from", str),
	}
	rankParams := append([]any{
		param("kind", "Ranking; the traffic rankings take a time range, the others rank the current inventory",
			enum(rankKinds...)),
		param("limit", "Rows (1 to 100, default 20)", integer),
	}, rangeParams...)
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "otsight portal API",
			"version":     "1",
			"description": "JSON twins of the portal's pages. Authenticate with a personal API token (Authorization: Bearer) or the portal's session cookie. Times are RFC 3339 in the tenant's time zone.",
		},
		"security": []any{map[string]any{"bearer": []string{}}, map[string]any{"session": []string{}}},
		"paths": map[string]any{
			"/api/v1/home": map[string]any{"get": map[string]any{
				"summary": "Home: device counts, sensor health, data freshness", "operationId": "home",
				"responses": ok("Home", ref("Home")),
			}},
			"/api/v1/devices": map[string]any{"get": map[string]any{
				"summary": "V1-1 device list, searched, sorted and paged", "operationId": "devices",
				"parameters": append(deviceParams,
					param("page", "Page number from 1", integer),
					param("per", "Devices per page (default 50, at most 500)", integer)),
				"responses": ok("Devices", ref("DeviceList")),
			}},
			"/api/v1/devices.csv": map[string]any{"get": map[string]any{
				"summary": "V1-1 device list as CSV (UTF-8 with BOM, CRLF; header in the language of ?lang= or Accept-Language)", "operationId": "devicesCSV",
				"parameters": deviceParams,
				"responses": map[string]any{
					"200": map[string]any{"description": "CSV", "content": map[string]any{"text/csv": map[string]any{"schema": str}}},
					"401": errs["401"], "403": errs["403"],
				},
			}},
			"/api/v1/traffic": map[string]any{"get": map[string]any{
				"summary": "V3-1 traffic over time: bytes per step, total or per group (top 10)", "operationId": "traffic",
				"parameters": append(slices.Clone(rangeParams),
					param("by", "Grouping", enum("total", "device", "service", "pair")),
					param("sensor", "Only this sensor's traffic", integer)),
				"responses": ok("Traffic", ref("Traffic")),
			}},
			"/api/v1/rankings": map[string]any{"get": map[string]any{
				"summary": "V4 rankings: device traffic (V4-1), device peers (V4-2), device importance (V4-3), service traffic (V4-4), devices per vendor (V4-6)", "operationId": "rankings",
				"parameters": rankParams,
				"responses":  ok("Ranking", ref("Ranking")),
			}},
			"/api/v1/rankings.csv": map[string]any{"get": map[string]any{
				"summary": "A ranking as CSV (UTF-8 with BOM, CRLF)", "operationId": "rankingsCSV",
				"parameters": rankParams,
				"responses": map[string]any{
					"200": map[string]any{"description": "CSV", "content": map[string]any{"text/csv": map[string]any{"schema": str}}},
					"400": map[string]any{"description": "Bad query", "content": map[string]any{"text/plain": map[string]any{"schema": str}}},
					"401": errs["401"], "403": errs["403"],
				},
			}},
			"/api/v1/audit": map[string]any{"get": map[string]any{
				"summary": "The tenant's audit log, newest first (admins only)", "operationId": "audit",
				"parameters": []any{
					param("since", "Start: YYYY-MM-DD or YYYY-MM-DDThh:mm in the tenant's zone, or RFC 3339 (default 30 days ago)", str),
					param("limit", "Entries (1 to 5000, default 500)", integer),
				},
				"responses": ok("Audit log", ref("Audit")),
			}},
			"/api/v1/openapi.json": map[string]any{"get": map[string]any{
				"summary": "This document", "operationId": "openapi", "security": []any{},
				"responses": map[string]any{"200": map[string]any{"description": "OpenAPI 3.1", "content": jsonContent(map[string]any{"type": "object"})}},
			}},
		},
		"components": map[string]any{
			"securitySchemes": map[string]any{
				"bearer":  map[string]any{"type": "http", "scheme": "bearer"},
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "otsight_session"},
			},
			"schemas": map[string]any{
				"Error": obj(map[string]any{"error": str}, "error"),
				"Home": obj(map[string]any{
					"now":     dt,
					"devices": obj(map[string]any{"total": integer, "new_24h": integer}, "total", "new_24h"),
					"sensors": arr(obj(map[string]any{
						"id": integer, "name": str, "status": enum("ok", "stale", "down", "never", "revoked"),
						"last_upload": nullDT, "monitoring": boolean,
					}, "id", "name", "status", "last_upload", "monitoring")),
					"freshness": obj(map[string]any{"latest": nullDT, "age_seconds": map[string]any{"type": "integer", "description": "-1 when nothing was uploaded"}}, "latest", "age_seconds"),
					"traffic":   map[string]any{"type": "string", "description": "API query of the 24-hour sparkline"},
				}, "now", "devices", "sensors", "freshness", "traffic"),
				"Device": obj(map[string]any{
					"sensor": str, "segment": str, "ip": str, "mac": str, "vendor": str, "name": str, "os": str,
					"role": str, "type": str, "first_seen": dt, "last_seen": dt, "bytes_sent": integer,
					"bytes_recv": integer, "peers": integer, "importance": integer,
				}, "sensor", "segment", "ip", "first_seen", "last_seen", "bytes_sent", "bytes_recv", "peers", "importance"),
				"DeviceList": obj(map[string]any{
					"query": obj(map[string]any{"q": str, "sort": str, "dir": str, "page": integer, "per": integer}),
					"total": integer, "pages": integer, "devices": arr(ref("Device")),
				}, "query", "total", "pages", "devices"),
				"Audit": obj(map[string]any{
					"query": obj(map[string]any{"since": dt, "limit": integer}, "since", "limit"),
					"entries": arr(obj(map[string]any{"time": dt, "actor": str, "action": str, "target": str, "detail": str},
						"time", "actor", "action", "target", "detail")),
				}, "query", "entries"),
				"Ranking": obj(map[string]any{
					"query": obj(map[string]any{"kind": str, "range": str, "from": dt, "to": dt, "limit": integer}, "kind", "limit"),
					"rows": arr(obj(map[string]any{
						"rank": integer, "label": map[string]any{"type": "string", "description": "device address (and VLAN), service (proto/port name) or vendor"},
						"sensor": str, "name": str,
						"value":      map[string]any{"type": "integer", "description": "what the ranking sorts by: bytes, peers, importance (0-100) or devices"},
						"bytes_sent": integer, "bytes_recv": integer, "packets": integer, "conns": integer,
						"addresses": arr(str),
					}, "rank", "label", "value")),
				}, "query", "rows"),
				"Traffic": obj(map[string]any{
					"query":        obj(map[string]any{"range": str, "from": dt, "to": dt, "by": str, "sensor": integer}),
					"step_seconds": integer,
					"points":       arr(obj(map[string]any{"time": dt, "label": str}, "time", "label")),
					"series": arr(obj(map[string]any{
						"name": str, "bytes": integer,
						"key":    obj(map[string]any{"Sensor": integer, "VLAN": integer, "Orig": str, "Resp": str, "Proto": str, "Port": integer, "Service": str}),
						"values": arr(integer),
					}, "name", "bytes", "values")),
				}, "query", "step_seconds", "points", "series"),
			},
		},
	}
}

func jsonContent(schema any) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": schema}}
}

// openAPI serves the document; it describes the API, which is public
// knowledge, so it needs no authentication.
func (p *Portal) openAPI(w http.ResponseWriter, r *http.Request) {
	doc := openAPIDoc()
	addDeviceAPI(doc)
	addAdminAPI(doc)
	addMapAPI(doc)
	writeJSON(w, http.StatusOK, doc)
}

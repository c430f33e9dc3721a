package portal

// addDeviceAPI adds the device pages' endpoints (V1-2 … V1-6, notes, asset
// register) and their schemas to the OpenAPI document.
func addDeviceAPI(doc map[string]any) {
	paths := doc["paths"].(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)

	str := map[string]any{"type": "string"}
	dt := map[string]any{"type": "string", "format": "date-time"}
	integer := map[string]any{"type": "integer"}
	number := map[string]any{"type": "number"}
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
	keyParam := map[string]any{"name": "key", "in": "path", "required": true, "schema": str,
		"description": "Device key: sensor, segment, address and MAC, each query-escaped, joined by commas, trailing empty parts left out (the key field of a device)"}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": jsonContent(ref("Error"))}
	}
	responses := func(desc string, schema any, codes ...string) map[string]any {
		r := map[string]any{"200": map[string]any{"description": desc, "content": jsonContent(schema)},
			"401": errResp("No valid session or bearer token"),
			"403": errResp("Role not permitted")}
		for _, c := range codes {
			switch c {
			case "400":
				r[c] = errResp("Bad query or body")
			case "404":
				r[c] = errResp("No such device")
			}
		}
		return r
	}
	noteBody := map[string]any{"required": true, "content": jsonContent(ref("DeviceNoteInput"))}
	csvBody := map[string]any{"required": true, "content": map[string]any{"text/csv": map[string]any{"schema": str}}}

	paths["/api/v1/devices/{key}"] = map[string]any{"get": map[string]any{
		"summary":     "V1-3 device detail: identity, names, MACs over time, OS estimate with evidence, end of support, roles, services, OT operations, notes",
		"operationId": "device", "parameters": []any{keyParam},
		"responses": responses("Device", ref("DeviceDetail"), "404"),
	}}
	paths["/api/v1/devices/{key}/traffic"] = map[string]any{"get": map[string]any{
		"summary": "Traffic of one device over time (both directions), in the shape of /api/v1/traffic", "operationId": "deviceTraffic",
		"parameters": []any{keyParam,
			query("range", "Preset range ending now (ignored when from/to are given)", enum("1h", "6h", "24h", "7d", "30d")),
			query("from", "Start, YYYY-MM-DDThh:mm in the tenant's zone or RFC 3339", str),
			query("to", "End (exclusive), same forms", str)},
		"responses": responses("Traffic", ref("Traffic"), "400", "404"),
	}}
	paths["/api/v1/devices/{key}/notes"] = map[string]any{"put": map[string]any{
		"summary": "Set a device's name, criticality and notes (admins; audited); all empty removes them", "operationId": "putDeviceNote",
		"parameters": []any{keyParam}, "requestBody": noteBody,
		"responses": responses("The stored note", ref("DeviceNote"), "400", "404"),
	}}
	paths["/api/v1/devices/groups"] = map[string]any{"get": map[string]any{
		"summary": "V1-2 devices by log type (protocol) or device type (role)", "operationId": "deviceGroups",
		"parameters": []any{query("by", "Grouping (default protocol)", enum("protocol", "role"))},
		"responses":  responses("Groups", ref("DeviceGroups"), "400"),
	}}
	paths["/api/v1/devices/matrix"] = map[string]any{"get": map[string]any{
		"summary": "V1-4/5/6 the 256 addresses of a /24 by vendor, OS family or role", "operationId": "deviceMatrix",
		"parameters": []any{query("kind", "Category (default vendor)", enum("vendor", "os", "role")),
			query("net", "IPv4 /24 network, e.g. 192.168.1.0/24 (default: the first present)", str)},
		"responses": responses("Matrix", ref("DeviceMatrix"), "400"),
	}}
	paths["/api/v1/devices/register"] = map[string]any{
		"get": map[string]any{
			"summary": "Asset register reconciliation: matched, registered with differences, registered but unseen, seen but unregistered", "operationId": "assetRegister",
			"responses": responses("Reconciliation", ref("Reconciliation")),
		},
		"put": map[string]any{
			"summary":     "Import the asset register (admins; audited): CSV in UTF-8 (BOM optional) or Shift_JIS, columns ip, mac, name, criticality, notes, header optional; replaces the previous register",
			"operationId": "putAssetRegister", "requestBody": csvBody,
			"parameters": []any{query("file", "File name for the audit log", str)},
			"responses":  responses("Imported", obj(map[string]any{"entries": integer}, "entries"), "400"),
		},
	}

	device := schemas["Device"].(map[string]any)["properties"].(map[string]any)
	device["key"] = str
	ref4 := obj(map[string]any{"key": str, "sensor": str, "ip": str, "mac": str, "name": str, "vendor": str, "os": str, "role": str},
		"key", "sensor", "ip", "mac", "name", "vendor", "os", "role")
	schemas["DeviceRef"] = ref4
	schemas["DeviceNoteInput"] = obj(map[string]any{"name": str, "criticality": enum("", "low", "medium", "high", "critical"), "notes": str})
	schemas["DeviceNote"] = obj(map[string]any{"name": str, "criticality": str, "notes": str, "updated": dt, "by": str})
	seen := obj(map[string]any{"name": str, "source": str, "first": dt, "last": dt, "count": integer})
	schemas["DeviceDetail"] = obj(map[string]any{
		"key": str, "sensor": str, "sensor_id": integer, "segment": str, "ip": str, "internet": boolean, "mac": str,
		"vendor": str, "name": str, "note": ref("DeviceNote"), "other_addrs": arr(str), "names": arr(seen),
		"macs": arr(obj(map[string]any{"mac": str, "vendor": str, "claimed": boolean,
			"intervals": arr(obj(map[string]any{"first": dt, "last": dt}))})),
		"identities": arr(obj(map[string]any{"protocol": str, "vendor": str, "product": str, "model": str,
			"firmware": str, "serial": str, "name": str, "role": str, "first": dt, "last": dt, "count": integer})),
		"os": obj(map[string]any{"family": str, "name": str, "version": str, "confidence": number,
			"evidence": arr(obj(map[string]any{"source": str, "value": str,
				"role":   enum("family and product", "family", "conflict", "repeat", "none"),
				"family": str, "confidence": number, "reason": str})),
			"conflicts": arr(str)}),
		"end_of_support": obj(map[string]any{"state": enum("supported", "unsupported", "ambiguous", "unknown"), "sentence": str,
			"candidates": arr(obj(map[string]any{"name": str, "phase": enum("mainstream", "extended", "esu", "ended"),
				"supported": boolean, "mainstream": str, "extended": str, "esu": str, "source": str})),
			"unmatched": arr(str)}),
		"type": str, "role": str,
		"roles":      arr(obj(map[string]any{"name": str, "reasons": arr(str)})),
		"importance": integer, "peers": integer, "bytes_sent": integer, "bytes_recv": integer,
		"first_seen": dt, "last_seen": dt,
		"speaks":     arr(obj(map[string]any{"protocol": str, "count": integer})),
		"serves":     arr(obj(map[string]any{"protocol": str, "count": integer})),
		"operations": arr(obj(map[string]any{"protocol": str, "function": str, "class": str, "as": str, "count": integer})),
		"traffic":    map[string]any{"type": "string", "description": "API path of the device's traffic, \"\" when it has none"},
		"peer_list": arr(obj(map[string]any{"ip": str, "vlan": integer, "direction": enum("out", "in"), "bytes": integer,
			"packets": integer, "conns": integer, "key": str, "name": str})),
	}, "key", "sensor", "ip", "mac", "os", "end_of_support", "roles", "note")
	schemas["DeviceGroups"] = obj(map[string]any{
		"by":     enum("protocol", "role"),
		"groups": arr(obj(map[string]any{"key": str, "count": integer, "devices": arr(ref("DeviceRef"))}, "key", "count", "devices")),
	}, "by", "groups")
	schemas["DeviceMatrix"] = obj(map[string]any{
		"kind": enum("vendor", "os", "role"), "net": str,
		"nets":   arr(obj(map[string]any{"net": str, "devices": integer})),
		"legend": arr(obj(map[string]any{"category": map[string]any{"type": "string", "description": "\"\" unknown, \"*\" the other categories together"}, "devices": integer, "class": str})),
		"cells": arr(obj(map[string]any{"host": integer, "ip": str, "category": str, "class": str,
			"devices": arr(ref("DeviceRef"))})),
	}, "kind", "net", "nets", "legend", "cells")
	asset := obj(map[string]any{"line": integer, "ip": str, "mac": str, "name": str, "criticality": str, "notes": str}, "line")
	schemas["Reconciliation"] = obj(map[string]any{
		"register": map[string]any{"type": []string{"object", "null"}, "properties": map[string]any{
			"file": str, "uploaded": dt, "by": str, "encoding": enum("utf-8", "shift_jis"), "entries": integer}},
		"matched": integer,
		"differences": arr(obj(map[string]any{"asset": asset, "device": ref("DeviceRef"),
			"fields": arr(obj(map[string]any{"field": enum("ip", "mac", "name"), "registered": str, "seen": str}))})),
		"unseen":       arr(asset),
		"unregistered": arr(ref("DeviceRef")),
	}, "register", "matched", "differences", "unseen", "unregistered")
}

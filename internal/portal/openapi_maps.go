package portal

// addMapAPI adds the maps (V2-1, V2-2), the OT protocol tables (V5-1,
// V5-2) and the comparison of two periods to the OpenAPI document.
func addMapAPI(doc map[string]any) {
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
	query := func(name, desc string, schema any) map[string]any {
		return map[string]any{"name": name, "in": "query", "required": false, "description": desc, "schema": schema}
	}
	errResp := func(desc string) map[string]any {
		return map[string]any{"description": desc, "content": jsonContent(ref("Error"))}
	}
	responses := func(desc string, content map[string]any) map[string]any {
		return map[string]any{"200": map[string]any{"description": desc, "content": content},
			"400": errResp("Bad query"),
			"401": errResp("No valid session or bearer token"),
			"403": errResp("Role not permitted")}
	}
	csvContent := map[string]any{"text/csv": map[string]any{"schema": str}}
	filter := []any{
		query("range", "Preset range ending now (ignored when from/to are given)", map[string]any{"type": "string", "enum": []string{"1h", "6h", "24h", "7d", "30d"}}),
		query("from", "Start, YYYY-MM-DDThh:mm in the tenant's zone or RFC 3339", str),
		query("to", "End (exclusive), same forms", str),
		query("sensor", "Only this sensor's data (sensor id)", integer),
		query("subnet", "Only devices and links with an end in this network (CIDR)", str),
		query("protocol", "Device map: an OT protocol; service map: a service name or transport/port (tcp/502); OT tables: an OT protocol", str),
	}
	otFilter := append(append([]any{}, filter...),
		query("function", "Only functions containing this text", str),
		query("device", "Words matched against source and destination address, MAC and name", str))

	schemas["ViewFilter"] = obj(map[string]any{"range": str, "from": dt, "to": dt, "sensor": integer, "subnet": str, "protocol": str})
	schemas["Map"] = obj(map[string]any{
		"kind": map[string]any{"type": "string", "enum": []string{"devices", "services"}}, "query": ref("ViewFilter"),
		"layout":    map[string]any{"type": "string", "enum": []string{"none", "force"}, "description": "none: x and y are the positions to draw"},
		"truncated": boolean, "protocols": arr(str),
		"groups": arr(obj(map[string]any{"name": str, "x": number, "y": number, "nodes": integer})),
		"nodes": arr(obj(map[string]any{"id": str, "label": str, "kind": map[string]any{"type": "string", "enum": []string{"device", "service"}},
			"key": str, "url": str, "role": str, "group": str, "ot": boolean, "bytes": integer, "x": number, "y": number})),
		"links": arr(obj(map[string]any{"source": integer, "target": integer, "bytes": integer, "conns": integer, "ot": boolean, "protocols": arr(str)})),
	}, "kind", "nodes", "links")
	schemas["OTTable"] = obj(map[string]any{
		"layer": map[string]any{"type": "string", "enum": []string{"ip", "ethernet"}}, "query": ref("ViewFilter"),
		"total": integer, "truncated": boolean, "protocols": arr(str),
		"rows": arr(obj(map[string]any{"source": str, "source_mac": str, "source_key": str, "source_name": str,
			"destination": str, "destination_mac": str, "destination_key": str, "destination_name": str,
			"transport": str, "port": integer, "vlan": integer, "protocol": str, "function": str,
			"count": integer, "errors": integer, "first_seen": dt, "last_seen": dt})),
	}, "layer", "rows")
	device := obj(map[string]any{"ip": str, "vlan": integer, "key": str, "name": str})
	conn := obj(map[string]any{"orig_h": str, "resp_h": str, "proto": str, "resp_p": integer, "service": str, "vlan": integer, "conns": integer})
	schemas["Comparison"] = obj(map[string]any{
		"query":     obj(map[string]any{"a_from": dt, "a_to": dt, "b_from": dt, "b_to": dt, "sensor": integer}),
		"truncated": boolean, "new_devices": arr(device), "gone_devices": arr(device),
		"new_connections": arr(conn), "gone_connections": arr(conn),
	}, "new_devices", "gone_devices", "new_connections", "gone_connections")

	for _, kind := range []struct{ path, summary, op string }{
		{"devices", "V2-1 device map: devices grouped by sensor and subnet with positions, links by volume, OT links marked", "deviceMap"},
		{"services", "V2-2 service map: services between the devices that use and offer them, with positions", "serviceMap"},
	} {
		paths["/api/v1/maps/"+kind.path] = map[string]any{"get": map[string]any{
			"summary": kind.summary, "operationId": kind.op, "parameters": filter,
			"responses": responses("Map", jsonContent(ref("Map"))),
		}}
	}
	for _, layer := range []struct{ path, name, op string }{
		{"ip", "V5-1 OT protocols over IP", "otIP"}, {"ethernet", "V5-2 OT protocols over Ethernet", "otEthernet"},
	} {
		paths["/api/v1/ot/"+layer.path] = map[string]any{"get": map[string]any{
			"summary": layer.name + ": source, destination, protocol, function, count, errors, first and last seen", "operationId": layer.op,
			"parameters": otFilter, "responses": responses("Table", jsonContent(ref("OTTable"))),
		}}
		paths["/api/v1/ot/"+layer.path+".csv"] = map[string]any{"get": map[string]any{
			"summary": layer.name + " as CSV (UTF-8 with BOM)", "operationId": layer.op + "CSV",
			"parameters": otFilter, "responses": responses("CSV", csvContent),
		}}
	}
	periods := []any{
		query("a_from", "Period A start (default: 48 hours ago)", str), query("a_to", "Period A end (default: 24 hours ago)", str),
		query("b_from", "Period B start (default: 24 hours ago)", str), query("b_to", "Period B end (default: now)", str),
		query("sensor", "Only this sensor's data (sensor id)", integer),
	}
	paths["/api/v1/compare"] = map[string]any{"get": map[string]any{
		"summary":     "Compare two periods: devices and connections (device pairs with transport and port) that appeared or disappeared",
		"operationId": "compare", "parameters": periods, "responses": responses("Comparison", jsonContent(ref("Comparison"))),
	}}
	paths["/api/v1/compare.csv"] = map[string]any{"get": map[string]any{
		"summary": "The comparison as CSV (UTF-8 with BOM)", "operationId": "compareCSV",
		"parameters": periods, "responses": responses("CSV", csvContent),
	}}
}

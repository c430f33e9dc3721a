package portal

// Labels of the device pages' coded values in the catalogue's language;
// each key is written out so the catalogue test sees it. An unknown value
// shows as it is.

func (c catalogue) criticalityLabel(v string) string {
	switch v {
	case "low":
		return c.text("crit.low")
	case "medium":
		return c.text("crit.medium")
	case "high":
		return c.text("crit.high")
	case "critical":
		return c.text("crit.critical")
	case "":
		return c.text("crit.none")
	}
	return v
}

// evidenceRoleLabel names what an OS evidence item did (osguess roles).
func (c catalogue) evidenceRoleLabel(v string) string {
	switch v {
	case "family and product":
		return c.text("osrole.family_product")
	case "family":
		return c.text("osrole.family")
	case "conflict":
		return c.text("osrole.conflict")
	case "repeat":
		return c.text("osrole.repeat")
	case "none":
		return c.text("osrole.none")
	}
	return v
}

func (c catalogue) eosStateLabel(v string) string {
	switch v {
	case "supported":
		return c.text("eos.supported")
	case "unsupported":
		return c.text("eos.unsupported")
	case "ambiguous":
		return c.text("eos.ambiguous")
	}
	return c.text("eos.unknown")
}

func (c catalogue) eosPhaseLabel(v string) string {
	switch v {
	case "mainstream":
		return c.text("eos.phase.mainstream")
	case "extended":
		return c.text("eos.phase.extended")
	case "esu":
		return c.text("eos.phase.esu")
	case "ended":
		return c.text("eos.phase.ended")
	}
	return v
}

func (c catalogue) deviceTypeLabel(v string) string {
	switch v {
	case "client":
		return c.text("devtype.client")
	case "server":
		return c.text("devtype.server")
	case "both":
		return c.text("devtype.both")
	}
	return v
}

func (c catalogue) opClassLabel(v string) string {
	switch v {
	case "program":
		return c.text("opclass.program")
	case "control":
		return c.text("opclass.control")
	case "write":
		return c.text("opclass.write")
	case "read":
		return c.text("opclass.read")
	case "cyclic":
		return c.text("opclass.cyclic")
	case "other":
		return c.text("opclass.other")
	}
	return v
}

func (c catalogue) opAsLabel(v string) string {
	switch v {
	case "requester":
		return c.text("opas.requester")
	case "responder":
		return c.text("opas.responder")
	}
	return v
}

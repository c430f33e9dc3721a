package portal

// roleLabel names a device role of the inventory (inventory.Device.Role) in
// the catalogue's language; an unknown role shows as it is. Each key is
// written out so the catalogue test sees it.
func (c catalogue) roleLabel(role string) string {
	switch role {
	case "engineering_workstation":
		return c.text("devrole.engineering_workstation")
	case "hmi_scada":
		return c.text("devrole.hmi_scada")
	case "historian":
		return c.text("devrole.historian")
	case "plc":
		return c.text("devrole.plc")
	case "io_device":
		return c.text("devrole.io_device")
	case "network_infrastructure":
		return c.text("devrole.network_infrastructure")
	case "dns_server":
		return c.text("devrole.dns_server")
	case "dhcp_server":
		return c.text("devrole.dhcp_server")
	case "ntp_server":
		return c.text("devrole.ntp_server")
	}
	return role
}

package cdp

import (
	"slices"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// identity is what an announcement reveals about its sender.
func identity(r *record.CDP) *record.AssetID {
	a := &record.AssetID{
		TS: r.TS, MAC: r.SrcMAC, Protocol: dissect.NameCDP, Message: FunctionCDP,
		Name: r.DeviceID, Product: r.Platform, Firmware: versionLine(r.Software), Role: Role(r.Capabilities), VLAN: r.VLAN,
	}
	if len(r.MgmtAddrs) > 0 {
		a.IP = r.MgmtAddrs[0]
	} else if len(r.Addresses) > 0 {
		a.IP = r.Addresses[0]
	}
	return a
}

// versionLine returns the line of a software version text that names the
// version (IOS sends a banner line first), else the first line.
func versionLine(s string) string {
	first := ""
	for i, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if i == 0 {
			first = line
		}
		if strings.Contains(line, "Version") {
			return line
		}
	}
	return first
}

// roles ranks capability names by the role they give a device: a router
// that also switches is a router, a phone with a PC port (two-port MAC
// relay, switch) is a phone.
var roles = [...]struct{ capName, role string }{
	{"router", "router"}, {"phone", "phone"}, {"switch", "switch"}, {"trans_bridge", "switch"}, {"srcroute_bridge", "switch"},
	{"tpmr", "switch"}, {"repeater", "repeater"}, {"host", "host"},
}

// Role returns the device role given by the capability names, or "".
func Role(caps []string) string {
	for _, r := range roles {
		if slices.Contains(caps, r.capName) {
			return r.role
		}
	}
	return ""
}

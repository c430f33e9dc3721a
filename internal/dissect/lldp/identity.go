package lldp

import (
	"slices"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// identity is what an announcement reveals about its sender.
func identity(r *record.LLDP) *record.AssetID {
	a := &record.AssetID{
		TS: r.TS, MAC: r.SrcMAC, Protocol: dissect.NameLLDP, Message: FunctionLLDP,
		Name: r.SystemName, Product: firstLine(r.SystemDesc), VLAN: r.VLAN,
	}
	if len(r.MgmtAddrs) > 0 && !r.MgmtAddrs[0].IsUnspecified() {
		a.IP = r.MgmtAddrs[0]
	}
	c := r.EnabledCaps
	if len(c) == 0 {
		c = r.SystemCaps
	}
	a.Role = Role(c)
	return a
}

// roles ranks capability names by the role they give a device: a router
// that also bridges is a router.
var roles = [...]struct{ capName, role string }{
	{"router", "router"}, {"bridge", "switch"}, {"svlan", "switch"}, {"cvlan", "switch"}, {"tpmr", "switch"},
	{"wlan_ap", "access point"}, {"repeater", "repeater"}, {"telephone", "phone"}, {"docsis", "modem"}, {"station", "station"},
}

// Role returns the device role given by the capability names (as LLDP and
// CDP records name them), or "".
func Role(caps []string) string {
	for _, r := range roles {
		if slices.Contains(caps, r.capName) {
			return r.role
		}
	}
	return ""
}

package inventory

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Role names, in the order a device's primary role is chosen.
const (
	RoleEngineering = "engineering_workstation"
	RoleHMI         = "hmi_scada"
	RoleHistorian   = "historian"
	RolePLC         = "plc"
	RoleIO          = "io_device"
	RoleInfra       = "network_infrastructure"
	RoleDNS         = "dns_server"
	RoleDHCP        = "dhcp_server"
	RoleNTP         = "ntp_server"
)

var roleOrder = []string{RoleEngineering, RoleHMI, RoleHistorian, RolePLC, RoleIO, RoleInfra, RoleDNS, RoleDHCP, RoleNTP}

// Role thresholds.
const (
	// HMIMinControllers is how many distinct devices a host must send OT
	// read or write requests to for it to be an HMI/SCADA poller.
	HMIMinControllers = 3
	// PLCMinAnswered is how many OT requests (other than cyclic data) a
	// device must have answered to be a PLC or field device.
	PLCMinAnswered = 1
	// EngineeringMinOps is how many program-transfer or run/stop/mode
	// requests make an engineering workstation.
	EngineeringMinOps = 1
)

// infraCaps are LLDP/CDP capabilities of network equipment.
var infraCaps = map[string]bool{
	"bridge": true, "router": true, "wlan_ap": true, "repeater": true, "switch": true,
	"trans_bridge": true, "srcroute_bridge": true, "tpmr": true, "cvlan": true, "svlan": true, "docsis": true,
}

// routingProtocols are IP protocols only routers speak.
var routingProtocols = map[string]bool{"vrrp": true, "ospf": true, "ospfigp": true, "pim": true, "eigrp": true, "carp": true}

// roles derives a device's roles from its behaviour.
func (c *viewCtx) roles(a *dev, d *Device) []Role {
	found := make(map[string][]string)
	add := func(role, format string, args ...any) {
		r := fmt.Sprintf(format, args...)
		if !slices.Contains(found[role], r) {
			found[role] = append(found[role], r)
		}
	}
	var ops [6]uint64 // by class bit index, requests only
	var answered, pulled, served uint64
	answeredProtos := map[string]bool{}
	requestProtos := map[string]bool{}
	for k, n := range a.Ops {
		if plcPulls[[2]string{k.Protocol, k.Function}] {
			if k.Responder {
				served += n
			} else {
				pulled += n
			}
			continue
		}
		if k.Responder {
			if k.Class != classCyclic {
				answered += n
				answeredProtos[k.Protocol] = true
			}
			continue
		}
		ops[bitIndex(k.Class)] += n
		if k.Class != classCyclic {
			requestProtos[k.Protocol] = true
		}
	}
	if n := ops[bitIndex(classProgram)] + ops[bitIndex(classControl)]; n >= EngineeringMinOps {
		add(RoleEngineering, "sent %s (%s)", plural(int(n), "program transfer or run/stop/mode request"), opList(a, classProgram, classControl))
	}
	if served > 0 {
		add(RoleEngineering, "answered %s of a controller downloading a program", plural(int(served), "block request"))
	}
	var polled, written int
	for _, bits := range a.OTOut {
		if bits&uint8(classRead|classWrite) != 0 {
			polled++
		}
		if bits&uint8(classWrite) != 0 {
			written++
		}
	}
	if polled >= HMIMinControllers {
		add(RoleHMI, "sends OT read/write requests to %d devices (%d of them written to) over %s",
			polled, written, setList(requestProtos))
	}
	// Identity first: a station that says it is a PLC or master is not
	// taken for an I/O device because it streams cyclic data.
	idPLC := false
	for _, id := range d.Identities {
		r := strings.ToLower(id.Role)
		switch {
		case r == "":
		case strings.Contains(r, "plc") || strings.Contains(r, "controller") || strings.Contains(r, "master"):
			add(RolePLC, "identifies itself as %q over %s", id.Role, id.Protocol)
			idPLC = true
		case strings.Contains(r, "i/o") || r == "io" || strings.Contains(r, "slave"):
			add(RoleIO, "identifies itself as %q over %s", id.Role, id.Protocol)
		case strings.Contains(r, "hmi"):
			add(RoleHMI, "identifies itself as %q over %s", id.Role, id.Protocol)
		case strings.Contains(r, "switch") || strings.Contains(r, "router") || strings.Contains(r, "bridge"):
			add(RoleInfra, "identifies itself as %q over %s", id.Role, id.Protocol)
		}
	}
	// An I/O device streams cyclic data and asks for nothing: connection
	// management (PROFINET CM Control, CIP Forward_Open) is not asking.
	cyclic := ops[bitIndex(classCyclic)]
	asks := ops[bitIndex(classRead)] + ops[bitIndex(classWrite)] + ops[bitIndex(classControl)] + ops[bitIndex(classProgram)]
	answeredWhat := func() string {
		return fmt.Sprintf("answered %s from %s over %s", plural(int(answered), "OT request"), plural(len(a.OTIn), "device"), setList(answeredProtos))
	}
	switch {
	case cyclic > 0 && asks == 0 && !idPLC:
		add(RoleIO, "sends cyclic I/O data (%s) and no read, write or control requests", plural(int(cyclic), "message"))
		if answered > 0 {
			add(RoleIO, "%s", answeredWhat())
		}
	case answered >= PLCMinAnswered:
		add(RolePLC, "%s", answeredWhat())
	}
	if pulled > 0 {
		add(RolePLC, "requested %s during a download", plural(int(pulled), "program block"))
	}
	var otClients int
	for p := range a.DBClients {
		if o := c.agg[p]; o != nil && len(o.OTOut) > 0 {
			otClients++
		}
	}
	if otClients > 0 {
		add(RoleHistorian, "serves a database to %s sending OT requests", plural(otClients, "device"))
	}
	var caps []string
	for k := range a.Caps {
		if infraCaps[k] {
			caps = append(caps, k)
		}
	}
	if len(caps) > 0 {
		sort.Strings(caps)
		add(RoleInfra, "announces %s capability over LLDP/CDP", strings.Join(caps, ", "))
	}
	if a.STP {
		add(RoleInfra, "sends spanning tree BPDUs")
	}
	for _, m := range d.MACs {
		if ok, n := c.router(a.Ref.Seg, m.MAC); ok {
			add(RoleInfra, "MAC %s is the link address of %d IP addresses", m.MAC, n)
		}
	}
	for _, pc := range d.Speaks {
		if routingProtocols[pc.Protocol] {
			add(RoleInfra, "speaks the routing protocol %s", pc.Protocol)
		}
	}
	for _, pc := range d.Serves {
		switch pc.Protocol {
		case "dns", "udp/53", "tcp/53":
			add(RoleDNS, "answered DNS queries (%s)", pc.Protocol)
		case "ntp", "udp/123":
			add(RoleNTP, "answered NTP requests (%s)", pc.Protocol)
		}
	}
	if a.DHCPServer {
		add(RoleDHCP, "sent DHCP offers or acknowledgements")
	}
	var out []Role
	for _, r := range roleOrder {
		if rs := found[r]; len(rs) > 0 {
			out = append(out, Role{Name: r, Reasons: rs})
		}
	}
	return out
}

// plcPulls are operations a controller requests from the engineering
// station: in an S7 download the PLC pulls the blocks (Download block,
// Download ended) after the station's Request download.
var plcPulls = map[[2]string]bool{
	{"s7comm", "Download block"}: true,
	{"s7comm", "Download ended"}: true,
}

func bitIndex(c opClass) int {
	for i := range 6 {
		if c == 1<<i {
			return i
		}
	}
	return 0
}

// opList lists the functions of the given classes a device requested.
func opList(a *dev, classes ...opClass) string {
	set := map[string]bool{}
	for k := range a.Ops {
		if k.Responder {
			continue
		}
		for _, c := range classes {
			if k.Class == c {
				set[k.Protocol+" "+k.Function] = true
			}
		}
	}
	return setList(set)
}

func setList(set map[string]bool) string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(uint64(n)) + " " + noun + "s"
}

package inventory

import (
	"net/netip"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

// Device is one device as the portal shows it (SPEC V1-1 … V1-6, V4-3): a
// view computed from everything the inventory learnt about it.
type Device struct {
	Key DeviceKey `json:"key"`
	// Internet marks the folded Internet device or a global address.
	Internet bool `json:"internet,omitempty"`
	// MACs are the Ethernet addresses bound to the address, each with the
	// intervals in which the binding was seen (a DHCP lease moving to
	// another host shows as two MACs with disjoint intervals).
	MACs []MACBinding `json:"macs,omitempty"`
	// Vendor is the registered organisation of the most recently seen MAC.
	Vendor string `json:"vendor,omitempty"`
	// OtherAddrs are the other addresses of the same host: devices of the
	// segment bound to one of its MACs (its IPv6 addresses, say).
	OtherAddrs []netip.Addr `json:"other_addrs,omitempty"`
	Names      []Name       `json:"names,omitempty"`
	Identities []Identity   `json:"identities,omitempty"`
	OS         []OSEvidence `json:"os_evidence,omitempty"`
	// OSGuess is the OS estimate from OS (osguess.Combine): family, name,
	// confidence and what each piece of evidence contributed.
	OSGuess    osguess.Estimate `json:"os"`
	First      record.Micros    `json:"first"`
	Last       record.Micros    `json:"last"`
	Speaks     []ProtoCount     `json:"speaks,omitempty"` // as client or sender
	Serves     []ProtoCount     `json:"serves,omitempty"` // as server (answered)
	Operations []Operation      `json:"operations,omitempty"`
	Peers      int              `json:"peers"`
	BytesSent  uint64           `json:"bytes_sent"`
	BytesRecv  uint64           `json:"bytes_recv"`
	// Type is client, server, both or empty (SPEC V1-2).
	Type string `json:"type,omitempty"`
	// Role is the first of Roles, "" when none applies.
	Role  string `json:"role,omitempty"`
	Roles []Role `json:"roles,omitempty"`
	// Importance is 0..100, see the package documentation.
	Importance int `json:"importance"`
}

// MACBinding is one MAC of an address and when the binding held.
type MACBinding struct {
	MAC    record.MAC `json:"mac"`
	Vendor string     `json:"vendor,omitempty"`
	// Claimed is true when the station stated the binding itself (ARP,
	// NDP, DHCP) rather than it being read off a frame's addresses.
	Claimed   bool       `json:"claimed,omitempty"`
	Intervals []Interval `json:"intervals"`
}

// Interval is a span of record time, in microseconds.
type Interval struct {
	First record.Micros `json:"first"`
	Last  record.Micros `json:"last"`
}

// Name is one host name and the protocol it came from.
type Name struct {
	Name   string        `json:"name"`
	Source string        `json:"source"` // dns, mdns, llmnr, nbns, cifs_browser, dhcp, dhcp_fqdn, dhcpv6, lldp, cdp, or an asset_id report's protocol
	First  record.Micros `json:"first"`
	Last   record.Micros `json:"last"`
	Count  uint64        `json:"count"`
}

// Identity is what a device said about itself in one protocol (asset_id).
type Identity struct {
	Protocol string        `json:"protocol"`
	Vendor   string        `json:"vendor,omitempty"`
	Product  string        `json:"product,omitempty"`
	Model    string        `json:"model,omitempty"`
	Firmware string        `json:"firmware,omitempty"`
	Serial   string        `json:"serial,omitempty"`
	Name     string        `json:"name,omitempty"` // the reported name, or a CIP module's route
	Role     string        `json:"role,omitempty"`
	First    record.Micros `json:"first"`
	Last     record.Micros `json:"last"`
	Count    uint64        `json:"count"`
}

// OSEvidence is one raw value the OS estimator uses, in the form of an
// osguess.Evidence: Source is an osguess.Source ("dhcp", "cifs_browser",
// "ssdp_server", "lldp", "cdp", "asset_id", …) and Value its Raw form, e.g.
// "cifs_browser" "6.1|0x1003".
type OSEvidence struct {
	Source string        `json:"source"`
	Value  string        `json:"value"`
	First  record.Micros `json:"first"`
	Last   record.Micros `json:"last"`
	Count  uint64        `json:"count"`
}

// ProtoCount is a protocol (a service name, or transport/port when the
// service is unknown) and how often it was seen: connections for protocols
// over TCP/UDP, messages or frames for the others (Ethernet protocols,
// DHCP, SSDP, CIFS browser).
type ProtoCount struct {
	Protocol string `json:"protocol"`
	Count    uint64 `json:"count"`
}

// Operation is an OT operation the device requested or answered.
type Operation struct {
	Protocol string `json:"protocol"`
	Function string `json:"function"`
	Class    string `json:"class"` // program, control, write, read, cyclic, other
	As       string `json:"as"`    // requester or responder
	Count    uint64 `json:"count"`
}

// Role is one role of a device and why it was given.
type Role struct {
	Name    string   `json:"name"`
	Reasons []string `json:"reasons"`
}

// Event tells the server something worth its system log.
type Event struct {
	Kind   string        `json:"kind"` // device_limit
	Sensor string        `json:"sensor"`
	TS     record.Micros `json:"ts"`
	// Limit and Refused (devices not created since the limit was reached)
	// describe a device_limit event.
	Limit   int    `json:"limit"`
	Refused uint64 `json:"refused"`
	Message string `json:"message"`
}

package record

import "net/netip"

// KindLLDP is the kind of LLDP announcement records.
const KindLLDP Kind = "lldp"

// LLDP is one distinct IEEE 802.1AB LLDP announcement (Ethertype 0x88CC) of
// a source in a UTC minute: what a switch, router or end station says about
// itself and the port it sends from. Repeats of an identical announcement
// from the same source, VLAN and interface in the same minute are not
// written again.
type LLDP struct {
	TS     Micros `json:"ts"` // first announcement of the minute
	SrcMAC MAC    `json:"src_l2_addr"`
	DstMAC MAC    `json:"dst_l2_addr"`
	VLAN   uint16 `json:"vlan,omitempty"`
	Iface  string `json:"iface,omitempty"`
	// ChassisIDType is the chassis ID subtype's name (mac, network_address,
	// interface_name, chassis_component, interface_alias, port_component,
	// local); ChassisID its value as text (MACs and addresses in their
	// usual notation, other binary values in hex).
	ChassisIDType string `json:"chassis_id_type"`
	ChassisID     string `json:"chassis_id"`
	// PortIDType is the port ID subtype's name (interface_alias,
	// port_component, mac, network_address, interface_name,
	// agent_circuit_id, local); PortID its value as text.
	PortIDType string `json:"port_id_type"`
	PortID     string `json:"port_id"`
	TTL        uint16 `json:"ttl"` // seconds; 0 = the sender is shutting down
	PortDesc   string `json:"port_desc,omitempty"`
	SystemName string `json:"system_name,omitempty"`
	SystemDesc string `json:"system_desc,omitempty"`
	// SystemCaps and EnabledCaps are the capability names (other, repeater,
	// bridge, wlan_ap, router, telephone, docsis, station, cvlan, svlan,
	// tpmr) the system supports and has enabled.
	SystemCaps  []string `json:"system_caps,omitempty"`
	EnabledCaps []string `json:"enabled_caps,omitempty"`
	// MgmtAddrs are the IPv4/IPv6 management addresses (at most 4).
	MgmtAddrs []netip.Addr `json:"mgmt_addrs,omitempty"`
}

// RecordKind implements Record.
func (*LLDP) RecordKind() Kind { return KindLLDP }

func init() { RegisterKind(KindLLDP, func() Record { return new(LLDP) }) }

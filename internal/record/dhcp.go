package record

import "net/netip"

// KindDHCP is the kind of DHCP message records.
const KindDHCP Kind = "dhcp"

// DHCP is one DHCP (or plain BOOTP) message (UDP 67/68). Field names follow
// Zeek's dhcp.log where it has one; unlike Zeek, each message is its own
// record, which keeps every client's fingerprint (the parameter request
// list and vendor class, as in the public sensor's dhcp2.log) even when the
// exchange is incomplete.
type DHCP struct {
	TS      Micros     `json:"ts"`
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	TransID uint32     `json:"trans_id"` // xid
	// MsgType is the DHCP message type name (DISCOVER, OFFER, REQUEST, …),
	// BOOTREQUEST/BOOTREPLY for BOOTP without option 53.
	MsgType string `json:"msg_type"`
	// MAC is the client hardware address (chaddr) when it is Ethernet.
	MAC           MAC        `json:"mac"`
	ClientAddr    netip.Addr `json:"client_addr,omitzero"`   // ciaddr
	AssignedAddr  netip.Addr `json:"assigned_addr,omitzero"` // yiaddr
	RelayAddr     netip.Addr `json:"relay_addr,omitzero"`    // giaddr
	RequestedAddr netip.Addr `json:"requested_addr,omitzero"`
	ServerAddr    netip.Addr `json:"server_addr,omitzero"` // server identifier (option 54)
	HostName      string     `json:"host_name,omitempty"`
	ClientFQDN    string     `json:"client_fqdn,omitempty"`
	Domain        string     `json:"domain,omitempty"`
	// ParamList is the parameter request list (option 55) as decimal codes
	// joined by commas: the client's DHCP fingerprint.
	ParamList   string `json:"param_list,omitempty"`
	VendorClass string `json:"vendor_class,omitempty"` // option 60
	ClientID    string `json:"client_id,omitempty"`    // option 61, hex
	LeaseTime   Micros `json:"lease_time,omitempty"`
	Message     string `json:"message,omitempty"` // option 56
}

// RecordKind implements Record.
func (*DHCP) RecordKind() Kind { return KindDHCP }

func init() { RegisterKind(KindDHCP, func() Record { return new(DHCP) }) }

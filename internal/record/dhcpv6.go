package record

import "net/netip"

// KindDHCPv6 is the kind of DHCPv6 message records.
const KindDHCPv6 Kind = "dhcpv6"

// DHCPv6 is one DHCPv6 client or server message (UDP 546/547); relayed
// messages are unwrapped and recorded as the message they carry, with the
// relay's link address. It holds what the public sensor's dhcpv6.log has
// (host name, fingerprint, enterprise number, vendor class) and more.
type DHCPv6 struct {
	TS      Micros     `json:"ts"`
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	MsgType string     `json:"msg_type"` // SOLICIT, ADVERTISE, REQUEST, …
	TransID uint32     `json:"trans_id"` // 24 bits
	// Relayed is true when the message arrived inside Relay-forward or
	// Relay-reply messages; LinkAddr is the innermost relay's link address.
	Relayed  bool       `json:"relayed"`
	LinkAddr netip.Addr `json:"link_addr,omitzero"`
	// ClientDUID and ServerDUID are hex.
	ClientDUID string `json:"client_duid,omitempty"`
	ServerDUID string `json:"server_duid,omitempty"`
	// MAC is the link-layer address inside a DUID-LLT or DUID-LL.
	MAC        MAC    `json:"mac,omitzero"`
	ClientFQDN string `json:"client_fqdn,omitempty"` // option 39
	// OptionRequest is the option request list (option 6), decimal codes
	// joined by commas: with the enterprise number the client's fingerprint.
	OptionRequest    string   `json:"option_request,omitempty"`
	EnterpriseNumber uint32   `json:"enterprise_number,omitempty"` // of the vendor class (option 16)
	VendorClass      string   `json:"vendor_class,omitempty"`
	UserClass        []string `json:"user_class,omitempty"` // option 15
	// Addrs are the addresses in IA_NA/IA_TA address options (the client's
	// requested or the server's assigned addresses).
	Addrs      []netip.Addr `json:"addrs,omitempty"`
	StatusCode uint16       `json:"status_code,omitempty"` // top-level status code option
}

// RecordKind implements Record.
func (*DHCPv6) RecordKind() Kind { return KindDHCPv6 }

func init() { RegisterKind(KindDHCPv6, func() Record { return new(DHCPv6) }) }

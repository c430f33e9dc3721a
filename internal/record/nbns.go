package record

import "net/netip"

// KindNBNS is the kind of NetBIOS name service registration records.
const KindNBNS Kind = "nbns"

// NBNS is one NetBIOS name registration, refresh or release request (UDP
// 137): a host announcing, renewing or giving up a name. It carries what the
// public sensor's netbios-ns.log has (name, TTL, service type) and more (the
// group flag, the address the name is bound to, the operation).
type NBNS struct {
	TS      Micros     `json:"ts"`
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Op is registration, release or refresh.
	Op string `json:"op"`
	// Name is the NetBIOS name without its suffix byte and padding.
	Name string `json:"name"`
	// Suffix is the 16th byte of the name, as two lower-case hex digits.
	Suffix      string `json:"suffix"`
	ServiceType string `json:"service_type"` // from the suffix: Workstation, Server, Master Browser, … or Unknown
	Group       bool   `json:"group"`        // a group name (NB flags G bit) rather than a unique one
	TTL         Micros `json:"ttl"`
	// Addr is the address the name is bound to (the NB record's address).
	Addr netip.Addr `json:"addr,omitzero"`
	// Broadcast is true for a broadcast (B-node) request rather than one to a name server.
	Broadcast bool `json:"broadcast"`
}

// RecordKind implements Record.
func (*NBNS) RecordKind() Kind { return KindNBNS }

func init() { RegisterKind(KindNBNS, func() Record { return new(NBNS) }) }

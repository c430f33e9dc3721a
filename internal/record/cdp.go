package record

import "net/netip"

// KindCDP is the kind of CDP announcement records.
const KindCDP Kind = "cdp"

// CDP is one distinct Cisco Discovery Protocol announcement (802.3 LLC/SNAP,
// OUI 00:00:0c, PID 0x2000) of a source in a UTC minute: what a Cisco (or
// CDP-speaking) switch, router or phone says about itself and the port it
// sends from. Repeats of an identical announcement from the same source,
// VLAN and interface in the same minute are not written again.
type CDP struct {
	TS       Micros `json:"ts"` // first announcement of the minute
	SrcMAC   MAC    `json:"src_l2_addr"`
	DstMAC   MAC    `json:"dst_l2_addr"`
	VLAN     uint16 `json:"vlan,omitempty"`
	Iface    string `json:"iface,omitempty"`
	Version  uint8  `json:"version"` // 1 or 2
	TTL      uint8  `json:"ttl"`     // seconds
	DeviceID string `json:"device_id,omitempty"`
	// Addresses are the IPv4/IPv6 addresses of the Addresses TLV (at most
	// 4); MgmtAddrs those of the Management Addresses TLV.
	Addresses []netip.Addr `json:"addresses,omitempty"`
	PortID    string       `json:"port_id,omitempty"` // sending interface, e.g. GigabitEthernet0/1
	// Capabilities are the capability names: router, trans_bridge,
	// srcroute_bridge, switch, host, igmp, repeater, phone, remote, cvta,
	// tpmr.
	Capabilities []string     `json:"capabilities,omitempty"`
	Software     string       `json:"software,omitempty"` // software version text (bounded)
	Platform     string       `json:"platform,omitempty"`
	NativeVLAN   uint16       `json:"native_vlan,omitempty"`
	Duplex       string       `json:"duplex,omitempty"` // half or full
	VTPDomain    string       `json:"vtp_domain,omitempty"`
	MgmtAddrs    []netip.Addr `json:"mgmt_addrs,omitempty"`
}

// RecordKind implements Record.
func (*CDP) RecordKind() Kind { return KindCDP }

func init() { RegisterKind(KindCDP, func() Record { return new(CDP) }) }

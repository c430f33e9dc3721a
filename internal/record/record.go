// Package record defines the records the sensor produces and the server ingests:
// the only contract between the two besides the upload protocol. Every kind is
// documented field by field in docs/records.md; a change to a kind's meaning
// bumps SchemaVersion.
package record

import (
	"encoding/hex"
	"fmt"
	"net/netip"
)

// SchemaVersion is the version of the record schema this build writes. The
// server accepts this version and the previous one.
const SchemaVersion = 1

// Kind names a record kind. Names follow Zeek's log names where Zeek has one.
type Kind string

// Record kinds defined by the sensor core. Protocol packages add their own
// kinds by registering them with RegisterKind.
const (
	KindConn         Kind = "conn"
	KindConnInterval Kind = "conn_interval"
	KindFlow         Kind = "flow"
	KindEth          Kind = "eth"
	KindARP          Kind = "arp"
	KindNDP          Kind = "ndp"
	KindOT           Kind = "ot"
	KindAssetID      Kind = "asset_id"
	KindSensorStats  Kind = "sensor_stats"
)

// Record is one record of any kind.
type Record interface {
	RecordKind() Kind
}

// Micros is a point in time as microseconds since the Unix epoch, UTC, or a
// duration in microseconds. Integers keep times exact and compress well.
type Micros int64

// MAC is an Ethernet address. Its text form is lower-case colon-separated hex;
// the zero address (no link layer, e.g. a raw-IP capture) marshals as "".
type MAC [6]byte

// IsZero reports whether m is the all-zero address.
func (m MAC) IsZero() bool { return m == MAC{} }

// String returns aa:bb:cc:dd:ee:ff.
func (m MAC) String() string {
	var b [17]byte
	const digits = "0123456789abcdef"
	for i, v := range m {
		if i > 0 {
			b[i*3-1] = ':'
		}
		b[i*3] = digits[v>>4]
		b[i*3+1] = digits[v&0xf]
	}
	return string(b[:])
}

// MarshalText implements encoding.TextMarshaler.
func (m MAC) MarshalText() ([]byte, error) {
	if m.IsZero() {
		return []byte{}, nil
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *MAC) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*m = MAC{}
		return nil
	}
	if len(b) != 17 {
		return fmt.Errorf("mac %q: want 17 characters", b)
	}
	for i := range 6 {
		if i > 0 && b[i*3-1] != ':' {
			return fmt.Errorf("mac %q: want ':' separators", b)
		}
		if _, err := hex.Decode(m[i:i+1], b[i*3:i*3+2]); err != nil {
			return fmt.Errorf("mac %q: %w", b, err)
		}
	}
	return nil
}

// Conn is the final record of one TCP, UDP, ICMP or ICMPv6 connection, with
// Zeek conn.log semantics. Its totals equal the sum of the connection's
// ConnInterval records.
type Conn struct {
	TS          Micros     `json:"ts"` // first packet
	UID         string     `json:"uid"`
	OrigH       netip.Addr `json:"orig_h"`
	OrigP       uint16     `json:"orig_p"`
	RespH       netip.Addr `json:"resp_h"`
	RespP       uint16     `json:"resp_p"`
	Proto       string     `json:"proto"` // tcp, udp, icmp (ICMPv6 too, as Zeek)
	Service     string     `json:"service,omitempty"`
	Duration    Micros     `json:"duration"`
	OrigBytes   uint64     `json:"orig_bytes"` // payload; TCP from sequence space
	RespBytes   uint64     `json:"resp_bytes"`
	ConnState   string     `json:"conn_state"`
	MissedBytes uint64     `json:"missed_bytes"`
	History     string     `json:"history"`
	OrigPkts    uint64     `json:"orig_pkts"`
	OrigIPBytes uint64     `json:"orig_ip_bytes"`
	OrigL2Bytes uint64     `json:"orig_l2_bytes"` // frame length on the wire
	RespPkts    uint64     `json:"resp_pkts"`
	RespIPBytes uint64     `json:"resp_ip_bytes"`
	RespL2Bytes uint64     `json:"resp_l2_bytes"`
	OrigMAC     MAC        `json:"orig_l2_addr"`
	RespMAC     MAC        `json:"resp_l2_addr"`
	VLAN        uint16     `json:"vlan,omitempty"`
	InnerVLAN   uint16     `json:"inner_vlan,omitempty"`
	Iface       string     `json:"iface,omitempty"` // capture interface label
	End         string     `json:"end"`             // why the record was written: closed, timeout, evicted, shutdown, reused
}

// RecordKind implements Record.
func (*Conn) RecordKind() Kind { return KindConn }

// ConnInterval is one UTC minute of a connection's traffic: the deltas of that
// minute. It is written for every minute in which the connection carried at
// least one packet, so long-lived OT connections are visible minute by minute.
type ConnInterval struct {
	TS          Micros     `json:"ts"` // start of the minute
	UID         string     `json:"uid"`
	OrigH       netip.Addr `json:"orig_h"`
	OrigP       uint16     `json:"orig_p"`
	RespH       netip.Addr `json:"resp_h"`
	RespP       uint16     `json:"resp_p"`
	Proto       string     `json:"proto"`
	Service     string     `json:"service,omitempty"`
	VLAN        uint16     `json:"vlan,omitempty"`
	OrigBytes   uint64     `json:"orig_bytes"`
	RespBytes   uint64     `json:"resp_bytes"`
	OrigPkts    uint64     `json:"orig_pkts"`
	OrigIPBytes uint64     `json:"orig_ip_bytes"`
	OrigL2Bytes uint64     `json:"orig_l2_bytes"`
	RespPkts    uint64     `json:"resp_pkts"`
	RespIPBytes uint64     `json:"resp_ip_bytes"`
	RespL2Bytes uint64     `json:"resp_l2_bytes"`
}

// RecordKind implements Record.
func (*ConnInterval) RecordKind() Kind { return KindConnInterval }

// Flow counts, per UTC minute, the packets of an IP protocol other than TCP,
// UDP, ICMP and ICMPv6 (IGMP, VRRP, PIM, UDP-Lite, ESP, …) between two hosts.
type Flow struct {
	TS       Micros     `json:"ts"` // first packet in the minute
	TSEnd    Micros     `json:"ts_end"`
	SrcH     netip.Addr `json:"src_h"`
	DstH     netip.Addr `json:"dst_h"`
	Proto    uint8      `json:"proto"`      // IP protocol number
	ProtoKey string     `json:"proto_name"` // IANA keyword, e.g. igmp, vrrp
	SrcMAC   MAC        `json:"src_l2_addr"`
	DstMAC   MAC        `json:"dst_l2_addr"`
	VLAN     uint16     `json:"vlan,omitempty"`
	Iface    string     `json:"iface,omitempty"`
	Pkts     uint64     `json:"pkts"`
	IPBytes  uint64     `json:"ip_bytes"`
	L2Bytes  uint64     `json:"l2_bytes"`
}

// RecordKind implements Record.
func (*Flow) RecordKind() Kind { return KindFlow }

// Eth counts, per UTC minute, Ethernet frames that carry neither IP nor ARP,
// by addresses and type: LLDP, PROFINET, CC-Link IE, GOOSE, STP, CDP, …
type Eth struct {
	TS        Micros `json:"ts"`
	TSEnd     Micros `json:"ts_end"`
	SrcMAC    MAC    `json:"src_mac"`
	DstMAC    MAC    `json:"dst_mac"`
	EtherType uint16 `json:"ethertype,omitempty"` // 0 for 802.3 length frames
	DSAP      uint8  `json:"dsap,omitempty"`      // LLC frames only
	SSAP      uint8  `json:"ssap,omitempty"`
	SNAPOUI   uint32 `json:"snap_oui,omitempty"` // SNAP frames: OUI and protocol id
	SNAPPID   uint16 `json:"snap_pid,omitempty"`
	VLAN      uint16 `json:"vlan,omitempty"`
	Iface     string `json:"iface,omitempty"`
	Frames    uint64 `json:"frames"`
	Bytes     uint64 `json:"bytes"`
}

// RecordKind implements Record.
func (*Eth) RecordKind() Kind { return KindEth }

// ARP is one distinct ARP exchange in a UTC minute, oriented as the public
// sensor's arp.log: a request's originator is the sender and WhoHas the target
// address; a reply is re-oriented toward the asker (orig = target of the reply).
type ARP struct {
	TS      Micros     `json:"ts"`
	TSEnd   Micros     `json:"ts_end"`
	OrigMAC MAC        `json:"orig_mac"`
	OrigIP  netip.Addr `json:"orig_ip"`
	RespMAC MAC        `json:"resp_mac"`
	RespIP  netip.Addr `json:"resp_ip"`
	WhoHas  netip.Addr `json:"who_has"`
	Op      string     `json:"op"` // request, reply, gratuitous, probe, announcement, unknown
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	Pkts    uint64     `json:"pkts"`
}

// RecordKind implements Record.
func (*ARP) RecordKind() Kind { return KindARP }

// NDP is one distinct IPv6 neighbour solicitation or advertisement in a UTC
// minute, oriented as the public sensor's ns.log.
type NDP struct {
	TS      Micros     `json:"ts"`
	TSEnd   Micros     `json:"ts_end"`
	OrigMAC MAC        `json:"orig_mac"`
	RespMAC MAC        `json:"resp_mac"`
	OrigIP  netip.Addr `json:"orig_ip"`
	RespIP  netip.Addr `json:"resp_ip"`
	WhoHas  netip.Addr `json:"who_has"`
	Op      string     `json:"op"` // solicitation, advertisement
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	Pkts    uint64     `json:"pkts"`
}

// RecordKind implements Record.
func (*NDP) RecordKind() Kind { return KindNDP }

// OT counts, per UTC minute, the operations of one industrial protocol between
// a requester and a responder: one row per (requester, responder, responder
// port, protocol, function, direction). For protocols without requests
// (GOOSE, cyclic I/O, broadcasts) the requester is the sender. IP rows carry
// addresses and ports, Ethernet rows only MACs.
type OT struct {
	TS        Micros     `json:"ts"` // start of the minute
	TSFirst   Micros     `json:"ts_first"`
	TSLast    Micros     `json:"ts_last"`
	ReqMAC    MAC        `json:"req_mac"`
	RespMAC   MAC        `json:"resp_mac"`
	ReqH      netip.Addr `json:"req_h,omitzero"`
	RespH     netip.Addr `json:"resp_h,omitzero"`
	RespP     uint16     `json:"resp_p,omitempty"`
	Transport string     `json:"transport"` // tcp, udp, eth
	VLAN      uint16     `json:"vlan,omitempty"`
	Protocol  string     `json:"protocol"`
	Function  string     `json:"function"`
	Code      string     `json:"code"`
	Direction string     `json:"direction"` // request, response, indication
	Detail    string     `json:"detail,omitempty"`
	Count     uint64     `json:"count"`
	Errors    uint64     `json:"errors"`
	Iface     string     `json:"iface,omitempty"`
}

// RecordKind implements Record.
func (*OT) RecordKind() Kind { return KindOT }

// AssetID is what a device reveals about itself in one protocol message:
// vendor, product, firmware, serial, name. Identical reports within a minute
// are aggregated with a count.
type AssetID struct {
	TS       Micros     `json:"ts"`
	MAC      MAC        `json:"mac"`
	IP       netip.Addr `json:"ip,omitzero"`
	Protocol string     `json:"protocol"`
	Message  string     `json:"message"`
	Vendor   string     `json:"vendor,omitempty"`
	Product  string     `json:"product,omitempty"`
	Model    string     `json:"model,omitempty"`
	Firmware string     `json:"firmware,omitempty"`
	Serial   string     `json:"serial,omitempty"`
	Name     string     `json:"name,omitempty"`
	Role     string     `json:"role,omitempty"` // PLC, HMI, I/O, drive, robot, switch, …
	VLAN     uint16     `json:"vlan,omitempty"`
	Count    uint64     `json:"count"`
}

// RecordKind implements Record.
func (*AssetID) RecordKind() Kind { return KindAssetID }

// SensorStats describes the sensor's own health over one batch window: what it
// saw, what it could not decode and what it dropped, each by cause.
type SensorStats struct {
	TS             Micros            `json:"ts"` // window start
	TSEnd          Micros            `json:"ts_end"`
	Frames         uint64            `json:"frames"`
	Bytes          uint64            `json:"bytes"` // wire length
	DecodeErrors   map[string]uint64 `json:"decode_errors,omitempty"`
	Drops          map[string]uint64 `json:"drops,omitempty"` // duplicates, table full, kernel, …
	Duplicates     uint64            `json:"duplicates"`
	FragmentsHeld  uint64            `json:"fragments_held"`
	ActiveConns    uint64            `json:"active_conns"`
	DissectorFault map[string]uint64 `json:"dissector_faults,omitempty"`
	Interfaces     []IfaceStats      `json:"interfaces,omitempty"`
}

// IfaceStats is one capture interface's counters for a window.
type IfaceStats struct {
	Label        string `json:"label"`
	Packets      uint64 `json:"packets"`
	KernelDrops  uint64 `json:"kernel_drops"`
	FreezeQueues uint64 `json:"freeze_queues,omitempty"`
}

// RecordKind implements Record.
func (*SensorStats) RecordKind() Kind { return KindSensorStats }

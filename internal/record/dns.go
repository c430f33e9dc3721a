package record

import "net/netip"

// KindDNS is the kind of DNS records.
const KindDNS Kind = "dns"

// DNS is one DNS-shaped exchange, as Zeek's dns.log: a query and its
// response matched by transaction id within the flow, or a query that got no
// response, or a response whose query was not seen (multicast mDNS and
// LLMNR answers, unsolicited announcements). It covers dns, mdns, llmnr and
// nbns (Protocol says which). Field names follow Zeek.
type DNS struct {
	TS         Micros     `json:"ts"` // the query, else the response
	OrigH      netip.Addr `json:"orig_h"`
	OrigP      uint16     `json:"orig_p"`
	RespH      netip.Addr `json:"resp_h"`
	RespP      uint16     `json:"resp_p"`
	OrigMAC    MAC        `json:"orig_l2_addr"`
	RespMAC    MAC        `json:"resp_l2_addr"`
	VLAN       uint16     `json:"vlan,omitempty"`
	Iface      string     `json:"iface,omitempty"`
	Proto      string     `json:"proto"`    // udp or tcp
	Protocol   string     `json:"protocol"` // dns, mdns, llmnr or nbns
	TransID    uint16     `json:"trans_id"`
	RTT        Micros     `json:"rtt,omitempty"` // response time minus query time, when both were seen
	Opcode     uint8      `json:"opcode"`
	OpcodeName string     `json:"opcode_name"`
	Query      string     `json:"query,omitempty"` // first question's name; NetBIOS names as NAME<xx>
	QClass     uint16     `json:"qclass,omitempty"`
	QClassName string     `json:"qclass_name,omitempty"`
	QType      uint16     `json:"qtype,omitempty"`
	QTypeName  string     `json:"qtype_name,omitempty"`
	QDCount    uint16     `json:"qdcount,omitempty"` // questions in the message
	Rcode      uint8      `json:"rcode"`             // meaningful when ResponseSeen
	RcodeName  string     `json:"rcode_name,omitempty"`
	AA         bool       `json:"AA"`
	TC         bool       `json:"TC"`
	RD         bool       `json:"RD"`
	RA         bool       `json:"RA"`
	Z          uint8      `json:"Z"`
	// Answers are the response's answer-section data as text (addresses,
	// names, "TXT n bytes" …): at most 16, each at most 255 bytes.
	Answers []string `json:"answers,omitempty"`
	// TTLs are the answers' time-to-live values, in the same order.
	TTLs []Micros `json:"TTLs,omitempty"`
	// Rejected is true when a response carries a non-zero rcode.
	Rejected bool `json:"rejected"`
	// Query and Response say which halves of the exchange were seen.
	QuerySeen    bool `json:"query_seen"`
	ResponseSeen bool `json:"response_seen"`
}

// RecordKind implements Record.
func (*DNS) RecordKind() Kind { return KindDNS }

func init() { RegisterKind(KindDNS, func() Record { return new(DNS) }) }

package record

import "net/netip"

// KindSSDP is the kind of SSDP message records.
const KindSSDP Kind = "ssdp"

// SSDP is one distinct SSDP message (UDP 1900) of a flow in a UTC minute:
// UPnP devices announcing themselves (NOTIFY), control points searching
// (M-SEARCH) and devices answering (RESPONSE). Repeats of an identical
// message in the same flow and minute are not written again, the
// de-duplication the public sensor's ssdp.log applies; that log has the
// method and the SERVER or USER-AGENT header, this adds the description
// URL, unique service name and types.
type SSDP struct {
	TS      Micros     `json:"ts"` // first message of the minute
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Sender is the message's source address (the flow's originator or
	// responder).
	Sender    netip.Addr `json:"sender"`
	Method    string     `json:"method"`               // NOTIFY, M-SEARCH or RESPONSE
	Status    uint16     `json:"status,omitempty"`     // RESPONSE status code
	NTS       string     `json:"nts,omitempty"`        // NOTIFY subtype: ssdp:alive, ssdp:byebye, ssdp:update
	Server    string     `json:"server,omitempty"`     // SERVER (NOTIFY, RESPONSE)
	UserAgent string     `json:"user_agent,omitempty"` // USER-AGENT (M-SEARCH)
	Location  string     `json:"location,omitempty"`
	USN       string     `json:"usn,omitempty"`
	NT        string     `json:"nt,omitempty"` // NOTIFY notification type
	ST        string     `json:"st,omitempty"` // M-SEARCH and RESPONSE search target
}

// RecordKind implements Record.
func (*SSDP) RecordKind() Kind { return KindSSDP }

func init() { RegisterKind(KindSSDP, func() Record { return new(SSDP) }) }

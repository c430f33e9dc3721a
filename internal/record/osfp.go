package record

import "net/netip"

// KindOSFP is the kind of passive TCP fingerprint records.
const KindOSFP Kind = "os_fp"

// OSFP is one distinct TCP stack fingerprint a host showed in a UTC minute:
// the p0f v3 signature of the SYNs (as a client) or SYN+ACKs (as a server)
// it sent, and what that signature matched. One row per (sender address,
// sender MAC, VLAN, interface, kind, signature) and minute, with a count, as
// the public sensor's p0f-k log has one line per packet.
type OSFP struct {
	TS      Micros     `json:"ts"`     // first such packet of the minute
	Sender  netip.Addr `json:"orig_h"` // the packet's source address
	SendMAC MAC        `json:"orig_l2_addr"`
	// Port is the sender's TCP port of the first such packet: the service
	// port for syn+ack, an ephemeral port for syn.
	Port  uint16 `json:"orig_p"`
	VLAN  uint16 `json:"vlan,omitempty"`
	Iface string `json:"iface,omitempty"`
	// Kind is "syn" (the sender opened a connection) or "syn+ack" (it
	// accepted one).
	Kind string `json:"kind"`
	// Signature is the raw p0f v3 signature, exactly as p0f prints raw_sig,
	// e.g. 4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0.
	Signature string `json:"raw_sig"`
	Count     uint64 `json:"count"` // packets with this signature in the minute
	// Matched tells whether a signature set recognised the stack; the
	// fields below are empty when it did not.
	Matched bool `json:"matched"`
	// OSClass, OSName and OSFlavor are the label's parts (p0f's class:
	// win, unix, other, or ! for an application; name; flavor).
	OSClass  string `json:"os_class,omitempty"`
	OSName   string `json:"os_name,omitempty"`
	OSFlavor string `json:"os_flavor,omitempty"`
	// Generic is set when only a generic (g:) signature matched, Fuzzy when
	// the match needed p0f's tolerances (TTL out of range, df/id+ missing,
	// id-/ecn extra).
	Generic bool `json:"generic,omitempty"`
	Fuzzy   bool `json:"fuzzy,omitempty"`
	// Distance is the estimated hop count from the sender to the sensor.
	Distance uint8 `json:"distance"`
	// Confidence is the matched label's grade: low, medium or high (see
	// docs/fingerprinting.md).
	Confidence string `json:"confidence,omitempty"`
	// Source is the signature set that matched: "otsight" (built in) or
	// "p0f.fp" (a file given with --p0f-fp).
	Source string `json:"source,omitempty"`
}

// RecordKind implements Record.
func (*OSFP) RecordKind() Kind { return KindOSFP }

func init() { RegisterKind(KindOSFP, func() Record { return new(OSFP) }) }

package decode

// Status is what Decode made of one frame: a delivered packet (OK), a
// fragment kept for reassembly (FragmentHeld), a mirrored copy of a recent
// frame (Duplicate), or a decode error carrying its Cause.
type Status uint8

// Statuses other than errors. Every error status is greater than Duplicate;
// use Cause to learn which one.
const (
	OK           Status = iota // a packet is delivered
	FragmentHeld               // an IP fragment was absorbed; nothing delivered yet
	Duplicate                  // identical to a frame seen within the dedup window
	firstErrorStatus
)

// errStatus turns a cause into the status Decode returns for it.
func errStatus(c Cause) Status { return firstErrorStatus + Status(c) - 1 }

// IsError reports whether s is a decode error.
func (s Status) IsError() bool { return s >= firstErrorStatus }

// Cause returns the error cause of s, or CauseNone when s is not an error.
func (s Status) Cause() Cause {
	if s < firstErrorStatus {
		return CauseNone
	}
	return Cause(s-firstErrorStatus) + 1
}

// String names the status: "ok", "fragment_held", "duplicate" or the cause.
func (s Status) String() string {
	switch s {
	case OK:
		return "ok"
	case FragmentHeld:
		return "fragment_held"
	case Duplicate:
		return "duplicate"
	}
	return s.Cause().String()
}

// Cause says why a frame was not delivered. Each is counted by the Decoder
// (see Counters); the names are stable, as they label metrics.
type Cause uint8

// Decode-error causes. Truncation causes mean the capture ended before a
// header the decoder needs; "bad" causes mean a header that cannot be valid
// whatever the snap length. Fragment causes also count held fragments that
// were later discarded (see Counters).
const (
	CauseNone            Cause = iota
	CauseEthTruncated          // Ethernet header shorter than 14 bytes
	CauseVLANTruncated         // 802.1Q/802.1ad tag cut short
	CauseLLCTruncated          // 802.2 LLC or SNAP header cut short
	CauseSLLTruncated          // Linux cooked (v1 or v2) header cut short
	CauseNullTruncated         // BSD NULL / LOOP address family cut short
	CausePPPTruncated          // PPP address/control/protocol cut short
	CauseIPBadVersion          // raw-IP frame whose version nibble is neither 4 nor 6 (or empty)
	CauseLinkUnsupported       // link type the decoder does not know
	CauseARPTruncated          // ARP header or Ethernet/IPv4 addresses cut short
	CauseIPv4Truncated         // IPv4 header (with options) cut short
	CauseIPv4BadHeader         // IPv4 version, header length or total length impossible
	CauseIPv4BadLength         // IPv4 total length beyond the frame's length on the wire
	CauseIPv6Truncated         // IPv6 header or extension-header chain cut short
	CauseIPv6BadHeader         // IPv6 version field is not 6
	CauseIPv6BadLength         // IPv6 payload length beyond the frame's length on the wire
	CauseIPv6ExtBad            // extension header runs past the payload length
	CauseTCPTruncated          // fewer than 20 TCP header bytes captured
	CauseTCPBadOffset          // TCP data offset below 5 or beyond the segment
	CauseUDPTruncated          // fewer than 8 UDP header bytes captured
	CauseUDPBadLength          // UDP length field below 8
	CauseICMPTruncated         // fewer than 4 ICMP header bytes captured
	CauseICMPv6Truncated       // fewer than 4 ICMPv6 header bytes captured
	CauseFragTruncated         // a fragment not captured whole cannot be reassembled
	CauseFragBad               // fragment of zero or non-multiple-of-8 length, or IPv6 header chain too long to keep
	CauseFragOverlap           // fragments overlap with different bytes or disagree on the datagram end
	CauseFragTooBig            // fragments reach beyond 65535 bytes
	CauseFragTableFull         // datagram evicted: too many datagrams in flight
	CauseFragMemoryFull        // datagram evicted: fragment buffer memory exhausted
	CauseFragTimeout           // datagram incomplete when its timeout expired
	NumCauses                  // number of causes, CauseNone included
)

var causeNames = [NumCauses]string{
	CauseNone:            "none",
	CauseEthTruncated:    "eth_truncated",
	CauseVLANTruncated:   "vlan_truncated",
	CauseLLCTruncated:    "llc_truncated",
	CauseSLLTruncated:    "sll_truncated",
	CauseNullTruncated:   "null_truncated",
	CausePPPTruncated:    "ppp_truncated",
	CauseIPBadVersion:    "ip_bad_version",
	CauseLinkUnsupported: "link_unsupported",
	CauseARPTruncated:    "arp_truncated",
	CauseIPv4Truncated:   "ipv4_truncated",
	CauseIPv4BadHeader:   "ipv4_bad_header",
	CauseIPv4BadLength:   "ipv4_bad_length",
	CauseIPv6Truncated:   "ipv6_truncated",
	CauseIPv6BadHeader:   "ipv6_bad_header",
	CauseIPv6BadLength:   "ipv6_bad_length",
	CauseIPv6ExtBad:      "ipv6_ext_bad",
	CauseTCPTruncated:    "tcp_truncated",
	CauseTCPBadOffset:    "tcp_bad_offset",
	CauseUDPTruncated:    "udp_truncated",
	CauseUDPBadLength:    "udp_bad_length",
	CauseICMPTruncated:   "icmp_truncated",
	CauseICMPv6Truncated: "icmpv6_truncated",
	CauseFragTruncated:   "frag_truncated",
	CauseFragBad:         "frag_bad",
	CauseFragOverlap:     "frag_overlap",
	CauseFragTooBig:      "frag_too_big",
	CauseFragTableFull:   "frag_table_full",
	CauseFragMemoryFull:  "frag_memory_full",
	CauseFragTimeout:     "frag_timeout",
}

// String returns the cause's metric label, e.g. "tcp_truncated".
func (c Cause) String() string {
	if c < NumCauses {
		return causeNames[c]
	}
	return "unknown"
}

package capture

import "github.com/otsight/otsight/internal/decode"

// Values some old writers put in the link-type field for raw IP, copied from
// their platform's DLT_RAW instead of the portable LINKTYPE_RAW.
const (
	legacyRawBSD     = 12 // DLT_RAW on most BSDs and Linux
	legacyRawOpenBSD = 14 // DLT_RAW on OpenBSD
)

// linkTypeOf maps a file's link-type field to decode.LinkType. Values the
// decoder does not understand pass through unchanged: the frames are still
// delivered, and the decoder counts them as undecodable by link type.
func linkTypeOf(v uint32) decode.LinkType {
	// The pcap header keeps FCS information in the upper 16 bits of the
	// field; pcapng's field is 16 bits wide anyway.
	lt := uint16(v)
	switch lt {
	case legacyRawBSD, legacyRawOpenBSD:
		return decode.LinkRaw
	}
	return decode.LinkType(lt)
}

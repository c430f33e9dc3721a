// Package goose dissects the IEC 61850-8-1 GOOSE (Ethertype 0x88B8) and
// IEC 61850-9-2 Sampled Values (0x88BA) multicast frames.
//
// Unit: one frame. GOOSE codes are state based: "state_change" when a
// publisher's stNum differs from the last one seen from it, "publish" for
// retransmissions (and a publisher's first frame, whose previous state is
// unknown), "malformed" for frames whose header or goosePdu cannot be read (counted as errors). A publisher is the
// source MAC plus gocbRef; the last stNum of at most maxPublishers
// publishers is kept. Detail is the gocbRef (bounded), with " (test)"
// appended while the test/simulation attribute or the Ed.2 simulate bit of
// Reserved 1 is set. Sampled Values frames have code "sample" and the
// first ASDU's svID as detail.
package goose

import (
	"github.com/otsight/otsight/internal/dissect"
)

// Ethertypes.
const (
	EtherTypeGOOSE = 0x88b8
	EtherTypeSV    = 0x88ba
)

// Spec is the GOOSE dissector.
var Spec = &dissect.Spec{
	Name:       dissect.NameGOOSE,
	EtherTypes: []uint16{EtherTypeGOOSE},
	New:        func() dissect.Parser { return NewParser() },
}

// SpecSV is the Sampled Values dissector.
var SpecSV = &dissect.Spec{
	Name:       dissect.NameSV,
	EtherTypes: []uint16{EtherTypeSV},
	New:        func() dissect.Parser { return NewSVParser() },
}

// Codes.
const (
	CodeStateChange = "state_change"
	CodePublish     = "publish"
	CodeMalformed   = "malformed"
	CodeSample      = "sample"
)

// Bounds.
const (
	// maxPublishers bounds the per-publisher state; when full it is
	// cleared and publishers are learnt again.
	maxPublishers = 4096
	// maxRef bounds gocbRef/svID in details and names (VisibleString
	// 129 in IEC 61850, but real ones are shorter).
	maxRef = 96
	// identityEvery is how often (µs) a publisher's identity is reported.
	identityEvery = 60_000_000
)

// header is the common 8-octet header of GOOSE and SV: APPID, length,
// reserved 1, reserved 2. It returns the APDU, reserved 1 and ok.
func header(b []byte) (apdu []byte, res1 uint16, ok bool) {
	if len(b) < 8 {
		return nil, 0, false
	}
	n := int(b[2])<<8 | int(b[3])
	if n < 8 {
		return nil, 0, false
	}
	if n > len(b) {
		n = len(b) // frames cut by the snap length still have their start
	}
	return b[8:n], uint16(b[4])<<8 | uint16(b[5]), true
}

// tlv reads one BER element with a one-octet tag: tag, content, rest.
func tlv(b []byte) (tag byte, content, rest []byte, ok bool) {
	if len(b) < 2 {
		return 0, nil, nil, false
	}
	tag = b[0]
	l, i := int(b[1]), 2
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 3 || 2+n > len(b) {
			return 0, nil, nil, false
		}
		l = 0
		for _, c := range b[2 : 2+n] {
			l = l<<8 | int(c)
		}
		i += n
	}
	if l > len(b)-i {
		return 0, nil, nil, false
	}
	return tag, b[i : i+l], b[i+l:], true
}

// uint32Of decodes a BER INTEGER content as unsigned, ok false when it
// does not fit.
func uint32Of(b []byte) (uint32, bool) {
	if len(b) == 0 || len(b) > 5 || (len(b) == 5 && b[0] != 0) {
		return 0, false
	}
	var v uint32
	for _, c := range b {
		v = v<<8 | uint32(c)
	}
	return v, true
}

func printable(b []byte) []byte {
	if len(b) > maxRef {
		b = b[:maxRef]
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			return b[:i]
		}
	}
	return b
}

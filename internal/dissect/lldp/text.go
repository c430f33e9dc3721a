package lldp

import (
	"encoding/hex"
	"net"
	"strconv"
	"strings"
)

// idText returns a Chassis ID or Port ID value's subtype name and its text:
// MACs and addresses in their usual notation, text as text, anything else
// (or a value that does not fit its subtype) in hex.
func idText(subtypes *[8]idSubtype, v []byte) (string, string) {
	if len(v) == 0 { // a repeated ID TLV (only the first is checked)
		return "", ""
	}
	st, val := v[0], v[1:]
	var s idSubtype
	if int(st) < len(subtypes) {
		s = subtypes[st]
	}
	name := s.name
	if name == "" {
		name = "subtype_" + strconv.Itoa(int(st))
	}
	switch s.kind {
	case valMAC:
		if len(val) == 6 {
			return name, net.HardwareAddr(val).String()
		}
	case valAddr:
		if a, ok := ianaAddr(val); ok {
			return name, a.String()
		}
	case valText:
		if s.name != "" && printable(val) {
			return name, text(val)
		}
	}
	if len(val) > maxText/2 {
		val = val[:maxText/2]
	}
	return name, hex.EncodeToString(val)
}

// printable reports whether v is printable ASCII (spaces included).
func printable(v []byte) bool {
	for _, c := range v {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// text returns a TLV string, bounded, valid UTF-8, without the trailing NULs
// and blanks some stacks send.
func text(v []byte) string {
	if len(v) > maxText {
		v = v[:maxText]
	}
	s := strings.ToValidUTF8(string(v), "\uFFFD")
	return strings.TrimRight(s, "\x00 \r\n\t")
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return strings.TrimSpace(s[:i])
	}
	return s
}

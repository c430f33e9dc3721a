package cdp

import "strings"

// text returns a TLV string, bounded, valid UTF-8, without trailing NULs
// and blanks.
func text(v []byte) string {
	if len(v) > maxText {
		v = v[:maxText]
	}
	s := strings.ToValidUTF8(string(v), "\uFFFD")
	return strings.TrimRight(s, "\x00 \r\n\t")
}

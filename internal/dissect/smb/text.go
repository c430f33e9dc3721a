package smb

import (
	"encoding/binary"
	"unicode/utf16"
	"unicode/utf8"
)

// maxName bounds a name or string kept in a record, in bytes.
const maxName = 255

// str decodes a name, UTF-16LE or OEM (taken as ASCII), up to its first NUL,
// keeping printable characters, at most maxName bytes.
func str(b []byte, unicode bool) string {
	if !unicode {
		out := make([]byte, 0, min(len(b), maxName))
		for _, c := range b {
			if c == 0 || len(out) == maxName {
				break
			}
			if c >= 0x20 && c < 0x7f {
				out = append(out, c)
			}
		}
		return string(out)
	}
	out := make([]byte, 0, min(len(b)/2, maxName))
	for i := 0; i+1 < len(b); i += 2 {
		u := binary.LittleEndian.Uint16(b[i:])
		if u == 0 {
			break
		}
		r := rune(u)
		if utf16.IsSurrogate(r) {
			if i+3 < len(b) {
				r = utf16.DecodeRune(r, rune(binary.LittleEndian.Uint16(b[i+2:])))
				i += 2
			} else {
				r = utf8.RuneError
			}
		}
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			continue
		}
		if len(out)+utf8.RuneLen(r) > maxName {
			break
		}
		out = utf8.AppendRune(out, r)
	}
	return string(out)
}

// cstr returns the NUL-terminated string at the start of b (UTF-16LE or
// ASCII) and the bytes after its terminator.
func cstr(b []byte, unicode bool) (string, []byte) {
	if !unicode {
		for i, c := range b {
			if c == 0 {
				return str(b[:i], false), b[i+1:]
			}
		}
		return str(b, false), nil
	}
	for i := 0; i+1 < len(b); i += 2 {
		if b[i] == 0 && b[i+1] == 0 {
			return str(b[:i], true), b[i+2:]
		}
	}
	return str(b, true), nil
}

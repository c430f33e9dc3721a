package http

import "bytes"

// startsMessage reports whether a segment after lost bytes starts a new
// message: a request line with a known method or a status line.
func startsMessage(data []byte) bool {
	return isStatusLine(data) || isRequestLine(data[:min(len(data), detectWindow)], true)
}

// chunkSize parses a chunk-size line: hex digits, then optional extensions.
func chunkSize(line []byte) (uint64, bool) {
	var n uint64
	i := 0
	for ; i < len(line); i++ {
		v, ok := hexDigit(line[i])
		if !ok {
			break
		}
		if i >= 15 {
			return 0, false // over 2^60 bytes: not a real chunk
		}
		n = n<<4 | uint64(v)
	}
	if i == 0 {
		return 0, false
	}
	rest := bytes.TrimLeft(line[i:], " \t")
	return n, len(rest) == 0 || rest[0] == ';'
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// versions are the record's version strings, by the minor digit's low bit.
var versions = [2]string{"1.0", "1.1"}

// decimal parses a Content-Length value.
func decimal(v []byte) (int64, bool) {
	if len(v) == 0 || len(v) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range v {
		if !digit(c) {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// text keeps a value's printable ASCII, at most max bytes.
func text(v []byte, max int) string {
	clean := true
	for _, c := range v {
		if c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return string(v[:min(len(v), max)])
	}
	out := make([]byte, 0, min(len(v), max))
	for _, c := range v {
		if len(out) == max {
			break
		}
		if c >= 0x20 && c < 0x7f {
			out = append(out, c)
		}
	}
	return string(out)
}

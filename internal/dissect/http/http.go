// Package http dissects HTTP/1.0 and HTTP/1.1 (RFC 9112) on any TCP port:
// requests and responses, with pipelining, Content-Length and chunked
// bodies, bodies that run to the connection's end, interim 1xx responses,
// and HEAD, 204 and 304 responses without a body. Bodies are counted, never
// kept.
//
// Messages: one per request and one per response (interim 1xx included),
// reported when the header block ends. Code is the request method (GET,
// POST, …) or the response's status code in decimal ("200"); a response
// with a status of 400 or more is an error. A start line or header block
// that breaks the syntax or this dissector's bounds (a line over 8 KiB, more
// than 128 header lines) counts as one message with Code "malformed" and
// Error set; that direction then waits for the next segment that starts a
// message. A message cut short by the connection's end or by lost bytes is
// still counted with its own code.
//
// Records: one http record per transaction (request and final response,
// Zeek's http.log), and an asset_id for the product a server names in its
// Server header.
package http

import (
	"bytes"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is HTTP/1.x on TCP: the usual web and proxy ports, and any other
// port where the first payload is a request or status line.
var Spec = &dissect.Spec{
	Name:     dissect.NameHTTP,
	TCPPorts: []uint16{80, 8080, 8000, 8008, 8888, 3128},
	Detect:   Detect,
	AnyPort:  true,
	New:      func() dissect.Parser { return newParser() },
}

// codeMalformed is the Code of a message that is not HTTP.
const codeMalformed = "malformed"

// methods are the request methods Detect accepts (RFC 9110 and WebDAV,
// RFC 4918); the values are the static code strings. Other tokens are
// accepted as methods once a connection is known to carry HTTP.
var methods = map[string]string{
	"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "DELETE": "DELETE",
	"CONNECT": "CONNECT", "OPTIONS": "OPTIONS", "TRACE": "TRACE", "PATCH": "PATCH",
	"PROPFIND": "PROPFIND", "PROPPATCH": "PROPPATCH", "MKCOL": "MKCOL", "COPY": "COPY",
	"MOVE": "MOVE", "LOCK": "LOCK", "UNLOCK": "UNLOCK",
}

// detectWindow bounds how far Detect looks for the end of the first line.
const detectWindow = 2048

// Detect accepts a first payload that starts with a complete request line
// "METHOD SP target SP HTTP/1.x" with a known method (from either side), or,
// from the responder, a status line "HTTP/1.x NNN".
func Detect(dir dissect.Dir, p []byte) bool {
	if dir == dissect.FromResp && isStatusLine(p) {
		return true
	}
	return isRequestLine(p[:min(len(p), detectWindow)], true)
}

// isStatusLine reports whether p starts with "HTTP/1.x NNN" and a space or
// line end.
func isStatusLine(p []byte) bool {
	if len(p) < 12 || !bytes.HasPrefix(p, []byte("HTTP/1.")) || (p[7] != '0' && p[7] != '1') || p[8] != ' ' {
		return false
	}
	if !digit(p[9]) || !digit(p[10]) || !digit(p[11]) || p[9] == '0' {
		return false
	}
	return len(p) == 12 || p[12] == ' ' || p[12] == '\r' || p[12] == '\n'
}

// isRequestLine reports whether p starts with a complete request line;
// known restricts the method to the methods table.
func isRequestLine(p []byte, known bool) bool {
	line, _, found := bytes.Cut(p, []byte("\n"))
	if !found {
		return false
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	m, target, version, ok := splitRequest(line)
	if !ok || len(target) == 0 || !validVersion(version) {
		return false
	}
	if known {
		_, ok = methods[string(m)]
	}
	return ok
}

// splitRequest cuts a request line at its two spaces; the method must be a
// token.
func splitRequest(line []byte) (method, target, version []byte, ok bool) {
	method, rest, ok1 := bytes.Cut(line, []byte(" "))
	target, version, ok2 := bytes.Cut(rest, []byte(" "))
	if !ok1 || !ok2 || len(method) == 0 || len(method) > 24 {
		return nil, nil, nil, false
	}
	for _, c := range method {
		if !tokenChar(c) {
			return nil, nil, nil, false
		}
	}
	for _, c := range target {
		if c <= ' ' || c == 0x7f {
			return nil, nil, nil, false
		}
	}
	return method, target, version, true
}

// validVersion accepts HTTP/1.0 and HTTP/1.1.
func validVersion(v []byte) bool {
	return len(v) == 8 && bytes.HasPrefix(v, []byte("HTTP/1.")) && (v[7] == '0' || v[7] == '1')
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

// tokenChar reports whether c may appear in an RFC 9110 token.
func tokenChar(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', digit(c):
		return true
	}
	return bytes.IndexByte([]byte("!#$%&'*+-.^_`|~"), c) >= 0
}

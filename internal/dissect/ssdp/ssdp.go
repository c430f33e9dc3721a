// Package ssdp dissects the Simple Service Discovery Protocol (UPnP Device
// Architecture 2.0, section 1) on UDP 1900: HTTP-formatted datagrams that
// announce devices (NOTIFY), search for them (M-SEARCH) and answer searches
// (HTTP/1.1 status lines).
//
// Messages: one per datagram. Code is the request method (NOTIFY,
// M-SEARCH, or another token) or RESPONSE for a status line; a response
// whose status is not 2xx is an error; a datagram with neither a request nor
// a status line counts with Code "malformed" and Error set.
//
// Records: one ssdp record per distinct message of a flow in each UTC
// minute (see dedup), and an asset_id for the product a device's SERVER
// header names.
package ssdp

import (
	"bytes"

	"github.com/otsight/otsight/internal/dissect"
)

// Spec is SSDP on UDP 1900.
var Spec = &dissect.Spec{
	Name: dissect.NameSSDP, UDPPorts: []uint16{1900},
	Detect: Detect, New: func() dissect.Parser { return &parser{} },
}

const (
	codeResponse  = "RESPONSE"
	codeMalformed = "malformed"
)

// Detect accepts a datagram whose first line is an HTTP/1.x request with
// the "*" target SSDP uses, or an HTTP/1.x status line.
func Detect(_ dissect.Dir, p []byte) bool {
	line, _, _ := bytes.Cut(p[:min(len(p), 128)], []byte("\r\n"))
	if bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return true
	}
	return bytes.Contains(line, []byte(" * HTTP/1."))
}

// startLine splits the first line: a request's method, or for a status
// line ok=true with the status code.
func startLine(line []byte) (method []byte, status int, isResponse, ok bool) {
	if rest, found := bytes.CutPrefix(line, []byte("HTTP/1.")); found {
		_, code, _ := bytes.Cut(rest, []byte(" "))
		if len(code) < 3 {
			return nil, 0, true, false
		}
		for _, c := range code[:3] {
			if c < '0' || c > '9' {
				return nil, 0, true, false
			}
			status = status*10 + int(c-'0')
		}
		return nil, status, true, true
	}
	m, rest, found := bytes.Cut(line, []byte(" "))
	if !found || len(m) == 0 || len(m) > 16 || !bytes.Contains(rest, []byte("HTTP/")) {
		return nil, 0, false, false
	}
	for _, c := range m {
		if !(c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return nil, 0, false, false
		}
	}
	return m, 0, false, true
}

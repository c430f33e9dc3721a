package record

import "net/netip"

// KindHTTP is the kind of HTTP transaction records.
const KindHTTP Kind = "http"

// HTTP is one HTTP/1.x request and its final response on a TCP connection,
// as Zeek's http.log: or a request that got no response before the
// connection ended, or a response whose request was not seen (the capture
// began mid-connection). Bodies are never kept, only their decoded lengths.
// Field names follow Zeek; the Server header and both content types are
// additions (Zeek sniffs MIME types from the bodies instead).
type HTTP struct {
	TS      Micros     `json:"ts"` // the request, else the response
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// TransDepth is the transaction's position on the connection, from 1.
	TransDepth uint32 `json:"trans_depth"`
	Method     string `json:"method,omitempty"`
	Host       string `json:"host,omitempty"`
	// URI is the request target, at most 512 bytes.
	URI string `json:"uri,omitempty"`
	// Version is the response's HTTP version ("1.1"), else the request's.
	Version   string `json:"version,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	// RequestBodyLen and ResponseBodyLen count the body bytes after
	// de-chunking (lost bytes inside a body of known length included).
	RequestBodyLen  uint64 `json:"request_body_len"`
	ResponseBodyLen uint64 `json:"response_body_len"`
	StatusCode      uint16 `json:"status_code,omitempty"`
	StatusMsg       string `json:"status_msg,omitempty"`
	// InfoCode is the last 1xx interim status before the final response.
	InfoCode            uint16 `json:"info_code,omitempty"`
	Server              string `json:"server,omitempty"`
	RequestContentType  string `json:"request_content_type,omitempty"`
	ResponseContentType string `json:"response_content_type,omitempty"`
	// RequestSeen and ResponseSeen say which halves were seen.
	RequestSeen  bool `json:"request_seen"`
	ResponseSeen bool `json:"response_seen"`
	// Malformed is set when either message broke HTTP's syntax or this
	// sensor's bounds (header line length, header count); parsing of that
	// direction resumed at the next message start.
	Malformed bool `json:"malformed,omitempty"`
}

// RecordKind implements Record.
func (*HTTP) RecordKind() Kind { return KindHTTP }

func init() { RegisterKind(KindHTTP, func() Record { return new(HTTP) }) }

package record

import "net/netip"

// KindTLS is the kind of TLS handshake records.
const KindTLS Kind = "tls"

// TLS is the clear-text part of one TLS handshake, as Zeek's ssl.log without
// anything secret: what the client offered (SNI, ALPN, versions, how many
// cipher suites), what the server chose, and for TLS 1.2 and older the
// server's leaf certificate (subject, issuer, serial, validity, DNS names).
// No keys, random values, session ids or application data are kept. One
// record per connection, written when the server's part of the handshake is
// complete (ServerHelloDone, its ChangeCipherSpec, or a TLS 1.3 ServerHello),
// else when the connection ends.
type TLS struct {
	TS      Micros     `json:"ts"` // first handshake message seen
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Version is the negotiated version (the server's supported_versions
	// choice, else its ServerHello version): SSLv3, TLSv10 … TLSv13, or hex.
	Version string `json:"version,omitempty"`
	// Cipher is the server's chosen cipher suite by its IANA name, or hex.
	Cipher string `json:"cipher,omitempty"`
	// ServerName is the client's SNI host name.
	ServerName string `json:"server_name,omitempty"`
	// NextProtocol is the ALPN protocol the server selected.
	NextProtocol string `json:"next_protocol,omitempty"`
	// ClientVersion is the ClientHello's (legacy) version field.
	ClientVersion string `json:"client_version,omitempty"`
	// ClientVersions are the client's supported_versions (GREASE omitted).
	ClientVersions []string `json:"client_supported_versions,omitempty"`
	// ClientCiphers counts the cipher suites the client offered.
	ClientCiphers int `json:"client_ciphers,omitempty"`
	// JA3 is the client's JA3 fingerprint: the MD5 of its hello's version,
	// cipher suites, extension types, supported groups and EC point
	// formats, GREASE values left out.
	JA3 string `json:"ja3,omitempty"`
	// ClientALPN are the protocols the client offered (at most 8).
	ClientALPN []string `json:"client_alpn,omitempty"`
	// LastAlert is the description of the last clear-text alert.
	LastAlert string `json:"last_alert,omitempty"`
	// CertChainLen counts the certificates the server sent (TLS ≤ 1.2).
	CertChainLen int `json:"cert_chain_len,omitempty"`
	// Subject and Issuer of the server's leaf certificate (RFC 4514 text).
	Subject string `json:"subject,omitempty"`
	Issuer  string `json:"issuer,omitempty"`
	// Serial is the leaf certificate's serial number in hex.
	Serial string `json:"serial,omitempty"`
	// NotValidBefore and NotValidAfter bound the leaf's validity.
	NotValidBefore Micros `json:"not_valid_before,omitempty"`
	NotValidAfter  Micros `json:"not_valid_after,omitempty"`
	// SANDNS are the leaf's subjectAltName DNS names (at most 16).
	SANDNS []string `json:"san_dns,omitempty"`
	// CertError says why the leaf certificate could not be parsed.
	CertError string `json:"cert_error,omitempty"`
	// ClientHelloSeen and ServerHelloSeen say which halves were seen.
	ClientHelloSeen bool `json:"client_hello_seen"`
	ServerHelloSeen bool `json:"server_hello_seen"`
}

// RecordKind implements Record.
func (*TLS) RecordKind() Kind { return KindTLS }

func init() { RegisterKind(KindTLS, func() Record { return new(TLS) }) }

package record

import "net/netip"

// KindSSH is the kind of SSH connection records.
const KindSSH Kind = "ssh"

// SSH is the clear-text start of one SSH connection, as Zeek's ssh.log:
// the identification strings both sides send (RFC 4253 §4.2), which name
// their software and version, and the algorithms the key exchange settles
// on, read from both KEXINIT messages (RFC 4253 §7.1). One record per
// connection, written when both sides have sent NEWKEYS (everything after
// is encrypted), else when the connection ends.
type SSH struct {
	TS      Micros     `json:"ts"` // first identification string seen
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Version is the server's protocol version (1 or 2; 1.99 counts as 2),
	// else the client's.
	Version int `json:"version,omitempty"`
	// Client and Server are the identification strings without the
	// trailing CR LF, e.g. "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13".
	Client string `json:"client,omitempty"`
	Server string `json:"server,omitempty"`
	// Negotiated algorithms: the first of the client's list the server
	// also offers (for ciphers, MACs and compression: client to server).
	KexAlg         string `json:"kex_alg,omitempty"`
	HostKeyAlg     string `json:"host_key_alg,omitempty"`
	CipherAlg      string `json:"cipher_alg,omitempty"`
	MACAlg         string `json:"mac_alg,omitempty"`
	CompressionAlg string `json:"compression_alg,omitempty"`
	// HostKey is the server's public host key fingerprint as OpenSSH
	// prints it: "SHA256:" and the unpadded base64 of its SHA-256.
	HostKey string `json:"host_key,omitempty"`
}

// RecordKind implements Record.
func (*SSH) RecordKind() Kind { return KindSSH }

func init() { RegisterKind(KindSSH, func() Record { return new(SSH) }) }

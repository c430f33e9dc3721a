package tls

import (
	cryptotls "crypto/tls"
	"fmt"
	"strconv"
)

// Record content types (RFC 8446 §5.1).
const (
	ctChangeCipherSpec = 20
	ctAlert            = 21
	ctHandshake        = 22
	ctApplicationData  = 23
	ctHeartbeat        = 24
)

// Handshake message types used by the parser (RFC 5246 §7.4, RFC 8446 §4).
const (
	hsClientHello     = 1
	hsServerHello     = 2
	hsCertificate     = 11
	hsServerHelloDone = 14
)

// Extension types read from the hellos.
const (
	extServerName        = 0
	extALPN              = 16
	extSupportedVersions = 43
)

// handshakeNames are the handshake message types' registry names.
var handshakeNames = map[uint8]string{
	0: "hello_request", 1: "client_hello", 2: "server_hello", 3: "hello_verify_request",
	4: "new_session_ticket", 5: "end_of_early_data", 6: "hello_retry_request",
	8: "encrypted_extensions", 11: "certificate", 12: "server_key_exchange",
	13: "certificate_request", 14: "server_hello_done", 15: "certificate_verify",
	16: "client_key_exchange", 20: "finished", 21: "certificate_url",
	22: "certificate_status", 23: "supplemental_data", 24: "key_update",
	25: "compressed_certificate", 254: "message_hash",
}

// alertNames are the alert descriptions' registry names.
var alertNames = map[uint8]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac",
	21: "decryption_failed", 22: "record_overflow", 30: "decompression_failure",
	40: "handshake_failure", 41: "no_certificate", 42: "bad_certificate",
	43: "unsupported_certificate", 44: "certificate_revoked", 45: "certificate_expired",
	46: "certificate_unknown", 47: "illegal_parameter", 48: "unknown_ca",
	49: "access_denied", 50: "decode_error", 51: "decrypt_error",
	60: "export_restriction", 70: "protocol_version", 71: "insufficient_security",
	80: "internal_error", 86: "inappropriate_fallback", 90: "user_canceled",
	100: "no_renegotiation", 109: "missing_extension", 110: "unsupported_extension",
	111: "certificate_unobtainable", 112: "unrecognized_name",
	113: "bad_certificate_status_response", 114: "bad_certificate_hash_value",
	115: "unknown_psk_identity", 116: "certificate_required", 120: "no_application_protocol",
}

// Static per-type message strings, so that a message costs no allocation.
var (
	hsCode [256]string
	hsFunc [256]string
	alFunc [256]string
)

func init() {
	for i := range 256 {
		hsCode[i] = strconv.Itoa(i)
		hsFunc[i], alFunc[i] = "unknown", "alert"
		if n, ok := handshakeNames[uint8(i)]; ok {
			hsFunc[i] = n
		}
		if n, ok := alertNames[uint8(i)]; ok {
			alFunc[i] = n
		}
	}
}

// versionName names a protocol version as Zeek's ssl.log does.
func versionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSLv3"
	case 0x0301:
		return "TLSv10"
	case 0x0302:
		return "TLSv11"
	case 0x0303:
		return "TLSv12"
	case 0x0304:
		return "TLSv13"
	case 0xfeff:
		return "DTLSv10"
	case 0xfefd:
		return "DTLSv12"
	case 0xfefc:
		return "DTLSv13"
	}
	if v>>8 == 0x7f {
		return fmt.Sprintf("TLSv13-draft%d", v&0xff)
	}
	return fmt.Sprintf("0x%04x", v)
}

// cipherName names a cipher suite by its IANA name (the standard library
// knows every suite it implements or recognises), else hex.
func cipherName(id uint16) string { return cryptotls.CipherSuiteName(id) }

// grease reports an RFC 8701 reserved value (0x0a0a, 0x1a1a, …), which
// clients offer only to keep servers tolerant.
func grease(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

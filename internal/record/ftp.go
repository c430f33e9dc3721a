package record

import "net/netip"

// KindFTP is the kind of FTP session records.
const KindFTP Kind = "ftp"

// FTP is one FTP control session (RFC 959): the server's greeting, which
// usually names its software and version, the user name, the SYST reply,
// which names the operating system, and how many commands the client sent.
// Passwords are never kept: PasswordSent only says that a PASS command was
// sent. One record per session, written when it ends (QUIT answered, or the
// connection closes).
type FTP struct {
	TS      Micros     `json:"ts"` // first message seen
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Banner is the text of the server's 220 greeting (first line).
	Banner string `json:"banner,omitempty"`
	// User is the argument of the first USER command.
	User string `json:"user,omitempty"`
	// PasswordSent is true when the client sent a PASS command.
	PasswordSent bool `json:"password_sent"`
	// LoggedIn is true when the server answered 230 (user logged in).
	LoggedIn bool `json:"logged_in"`
	// Syst is the text of the reply to SYST (e.g. "UNIX Type: L8").
	Syst string `json:"syst,omitempty"`
	// Commands counts the client's commands; Errors the 4xx and 5xx
	// replies.
	Commands int `json:"commands"`
	Errors   int `json:"errors"`
}

// RecordKind implements Record.
func (*FTP) RecordKind() Kind { return KindFTP }

func init() { RegisterKind(KindFTP, func() Record { return new(FTP) }) }

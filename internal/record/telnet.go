package record

import "net/netip"

// KindTelnet is the kind of Telnet session records.
const KindTelnet Kind = "telnet"

// Telnet is the start of one Telnet session (RFC 854) as the server shows
// it: its first printable text, which often names the device, its software
// and version, and the login prompt, plus the options both sides negotiated
// (RFC 855). Nothing the client types is kept. One record per session,
// written when the client first sends data (a keystroke), else when the
// connection ends.
type Telnet struct {
	TS      Micros     `json:"ts"` // first payload seen
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Banner is the server's printable text before the client's first
	// keystroke, option negotiation removed, lines joined with "\n", at
	// most 256 bytes.
	Banner string `json:"banner,omitempty"`
	// LoginPrompt is the server's last non-empty line at that moment
	// (e.g. "login:"), at most 128 bytes.
	LoginPrompt string `json:"login_prompt,omitempty"`
	// ServerOptions and ClientOptions are the options each side offered
	// or asked for (WILL or DO), by name or number, at most 16 each.
	ServerOptions []string `json:"server_options,omitempty"`
	ClientOptions []string `json:"client_options,omitempty"`
}

// RecordKind implements Record.
func (*Telnet) RecordKind() Kind { return KindTelnet }

func init() { RegisterKind(KindTelnet, func() Record { return new(Telnet) }) }

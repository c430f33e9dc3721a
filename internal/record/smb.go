package record

import "net/netip"

// KindSMB is the kind of SMB records.
const KindSMB Kind = "smb"

// SMB actions.
const (
	SMBNegotiate    = "negotiate"
	SMBSessionSetup = "session_setup"
	SMBTreeConnect  = "tree_connect"
)

// SMB is one SMB exchange that names software, an operating system, a user
// or a share, on TCP 445 or NetBIOS 139: a dialect negotiation, a session
// setup (all its rounds, to the final response) or a tree connect. It
// gathers what Zeek spreads over smb_mapping.log and ntlm.log (field names
// follow those) with the SMB1 NativeOS and NativeLanMan strings and the
// NTLM version fields, which Zeek does not log. Only names are kept, never
// challenges, responses or hashes.
type SMB struct {
	TS      Micros     `json:"ts"` // the first request, else the response
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// Version is SMB1 or SMB2 (the SMB2 header, which SMB 3.x uses too) of
	// the exchange's final message.
	Version string `json:"version"`
	Action  string `json:"action"` // negotiate, session_setup or tree_connect
	// Status is the NT status of the final response (0 is success; an SMB1
	// DOS error class and code are shown as class<<16|code);
	// ResponseSeen says whether there was one.
	Status       uint32 `json:"status"`
	ResponseSeen bool   `json:"response_seen"`
	// Dialects are the dialects the client offered (SMB1 dialect strings,
	// or SMB2 revisions as "2.0.2" … "3.1.1"); Dialect is the one the
	// server chose.
	Dialects []string `json:"dialects,omitempty"`
	Dialect  string   `json:"dialect,omitempty"`
	// The SMB1 Session Setup AndX strings of each side.
	ClientNativeOS     string `json:"client_native_os,omitempty"`
	ClientNativeLanMan string `json:"client_native_lanman,omitempty"`
	ServerNativeOS     string `json:"server_native_os,omitempty"`
	ServerNativeLanMan string `json:"server_native_lanman,omitempty"`
	// Names from the NTLM AUTHENTICATE message (or an SMB1 session setup
	// without extended security): the account's domain, its user and the
	// client's host name.
	DomainName string `json:"domainname,omitempty"`
	UserName   string `json:"username,omitempty"`
	HostName   string `json:"hostname,omitempty"`
	// NTLM version fields ("10.0.19041": major.minor.build) the client sent
	// in NEGOTIATE or AUTHENTICATE, and the server in CHALLENGE.
	ClientNTLMVersion string `json:"client_ntlm_version,omitempty"`
	ServerNTLMVersion string `json:"server_ntlm_version,omitempty"`
	// The server's names from the NTLM CHALLENGE target information.
	ServerNBComputerName  string `json:"server_nb_computer_name,omitempty"`
	ServerNBDomainName    string `json:"server_nb_domain_name,omitempty"`
	ServerDNSComputerName string `json:"server_dns_computer_name,omitempty"`
	ServerDNSDomainName   string `json:"server_dns_domain_name,omitempty"`
	// Path is the tree connect's share path (\\server\share); ShareType
	// the kind the server reported (disk, pipe, print).
	Path      string `json:"path,omitempty"`
	ShareType string `json:"share_type,omitempty"`
}

// RecordKind implements Record.
func (*SMB) RecordKind() Kind { return KindSMB }

func init() { RegisterKind(KindSMB, func() Record { return new(SMB) }) }

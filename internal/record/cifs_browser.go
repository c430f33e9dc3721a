package record

import "net/netip"

// KindCIFSBrowser is the kind of CIFS browser announcement records.
const KindCIFSBrowser Kind = "cifs_browser"

// CIFSBrowser is one CIFS browser protocol message (MS-BRWS), carried in a
// NetBIOS datagram (UDP 138) as an SMB mailslot write to \MAILSLOT\BROWSE.
// Host, local master and domain announcements tell a host's name, Windows
// version, roles and comment: what the public sensor's mswin-browser.log
// has, for every browser opcode rather than two.
type CIFSBrowser struct {
	TS      Micros     `json:"ts"`
	OrigH   netip.Addr `json:"orig_h"`
	OrigP   uint16     `json:"orig_p"`
	RespH   netip.Addr `json:"resp_h"`
	RespP   uint16     `json:"resp_p"`
	OrigMAC MAC        `json:"orig_l2_addr"`
	RespMAC MAC        `json:"resp_l2_addr"`
	VLAN    uint16     `json:"vlan,omitempty"`
	Iface   string     `json:"iface,omitempty"`
	// SrcName and DstName are the NetBIOS datagram's source and destination
	// names, as NAME<xx>; SrcIP is the source address it states.
	SrcName string     `json:"src_name,omitempty"`
	DstName string     `json:"dst_name,omitempty"`
	SrcIP   netip.Addr `json:"src_ip,omitzero"`
	Opcode  uint8      `json:"opcode"`
	Command string     `json:"command"` // host_announcement, local_master_announcement, …
	// Announcements (host, local master, domain):
	ServerName     string   `json:"server_name,omitempty"` // the host, or for a domain announcement the domain
	OSVersion      string   `json:"os_version,omitempty"`  // major.minor
	ServerType     string   `json:"server_type,omitempty"` // 0x + hex of the SV_TYPE flags
	ServerTypes    []string `json:"server_types,omitempty"`
	BrowserVersion string   `json:"browser_version,omitempty"` // major.minor
	Signature      string   `json:"signature,omitempty"`       // 0x + 4 hex digits, 0xaa55 normally
	// Comment is the host comment, or for a domain announcement the name of
	// the domain's master browser.
	Comment     string `json:"comment,omitempty"`
	UpdateCount uint8  `json:"update_count,omitempty"`
	Periodicity Micros `json:"periodicity,omitempty"` // announcement interval
	// Elections:
	ElectionVersion  uint8  `json:"election_version,omitempty"`
	ElectionCriteria string `json:"election_criteria,omitempty"` // 0x + 8 hex digits
	Uptime           Micros `json:"uptime,omitempty"`
	// Name is the computer named by other opcodes: the requester of a
	// request announcement, the election candidate, the new backup browser,
	// the master of a master announcement.
	Name string `json:"name,omitempty"`
}

// RecordKind implements Record.
func (*CIFSBrowser) RecordKind() Kind { return KindCIFSBrowser }

func init() { RegisterKind(KindCIFSBrowser, func() Record { return new(CIFSBrowser) }) }

package dissect

// Canonical protocol names: the one spelling used in records, the analyze
// summary, the portal and docs/protocols.md.
const (
	NameDNS            = "dns"
	NameMDNS           = "mdns"
	NameLLMNR          = "llmnr"
	NameNBNS           = "nbns"
	NameDHCP           = "dhcp"
	NameDHCPv6         = "dhcpv6"
	NameSSDP           = "ssdp"
	NameHTTP           = "http"
	NameLLDP           = "lldp"
	NameCDP            = "cdp"
	NameCIFSBrowser    = "cifs_browser"
	NameTLS            = "tls"
	NameSSH            = "ssh"
	NameFTP            = "ftp"
	NameTelnet         = "telnet"
	NameSMB            = "smb"
	NameSMB2           = "smb2"
	NameModbus         = "modbus"
	NameS7comm         = "s7comm"
	NameS7commPlus     = "s7comm_plus"
	NameENIP           = "enip"
	NameBACnet         = "bacnet"
	NameDNP3           = "dnp3"
	NameIEC104         = "iec104"
	NameOPCUA          = "opcua"
	NameSLMP           = "slmp"
	NameMELSOFT        = "melsoft"
	NameCCLinkIEFBasic = "cclink_ief_basic"
	NameCCLinkIE       = "cclink_ie"
	NameCCLinkIETSN    = "cclink_ie_tsn"
	NameFINS           = "fins"
	NamePNDCP          = "profinet_dcp"
	NamePNRT           = "profinet_rt"
	NamePNCM           = "profinet_cm"
	NameGOOSE          = "goose"
	NameSV             = "sv"
	NameMMS            = "mms"
	NameEtherCAT       = "ethercat"
	NameHARTIP         = "hart_ip"
	NameFLnet          = "flnet"
)

// Names lists every canonical protocol name, in the order of docs/protocols.md.
var Names = []string{
	NameDNS, NameMDNS, NameLLMNR, NameNBNS, NameDHCP, NameDHCPv6, NameSSDP,
	NameHTTP, NameLLDP, NameCDP, NameCIFSBrowser, NameTLS, NameSSH,
	NameFTP, NameTelnet, NameSMB, NameSMB2,
	NameModbus, NameS7comm, NameS7commPlus, NameENIP, NameBACnet, NameDNP3,
	NameIEC104, NameOPCUA, NameSLMP, NameMELSOFT, NameCCLinkIEFBasic,
	NameCCLinkIE, NameCCLinkIETSN, NameFINS, NamePNDCP, NamePNRT, NamePNCM,
	NameGOOSE, NameSV, NameMMS, NameEtherCAT, NameHARTIP, NameFLnet,
}

// itNames are the plant-IT protocols: their messages are counted in the
// analyze summary but do not become ot records (they have records of their
// own kinds).
var itNames = map[string]bool{
	NameDNS: true, NameMDNS: true, NameLLMNR: true, NameNBNS: true, NameDHCP: true,
	NameDHCPv6: true, NameSSDP: true, NameHTTP: true, NameLLDP: true, NameCDP: true,
	NameCIFSBrowser: true, NameTLS: true, NameSSH: true, NameFTP: true,
	NameTelnet: true, NameSMB: true, NameSMB2: true,
}

// IsOT reports whether a protocol is industrial: its messages become ot
// records (SPEC V5-1, V5-2).
func IsOT(name string) bool { return !itNames[name] }

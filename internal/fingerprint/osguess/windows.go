package osguess

import (
	"strconv"
	"strings"
)

// Windows product names, shared with package eos.
const (
	WinNT4        = "Windows NT 4.0"
	Win9x         = "Windows 95/98/Me"
	Win2000       = "Windows 2000"
	WinXP         = "Windows XP"
	WinServer03   = "Windows Server 2003"
	WinVista      = "Windows Vista"
	WinServer08   = "Windows Server 2008"
	Win7          = "Windows 7"
	WinServer08R2 = "Windows Server 2008 R2"
	Win8          = "Windows 8"
	WinServer12   = "Windows Server 2012"
	Win81         = "Windows 8.1"
	WinServer12R2 = "Windows Server 2012 R2"
	Win10         = "Windows 10"
	Win11         = "Windows 11"
	WinServer16   = "Windows Server 2016"
	WinServer19   = "Windows Server 2019"
	WinServer22   = "Windows Server 2022"
	WinServer25   = "Windows Server 2025"
)

// ntVersion is one Windows NT kernel version (major.minor) and the client
// and server products that report it. Source: Microsoft Learn, "Operating
// System Version" (the version numbers table of the Win32 SysInfo docs),
// and [MS-NLMP] 2.2.2.10 VERSION, whose ProductMajorVersion and
// ProductMinorVersion carry the same numbers.
type ntVersion struct {
	major, minor uint8
	client       []Product
	server       []Product
}

var ntVersions = []ntVersion{
	{4, 0, []Product{{Name: WinNT4, Edition: "Workstation"}}, []Product{{Name: WinNT4, Edition: "Server"}}},
	{5, 0, []Product{{Name: Win2000, Edition: "Professional"}}, []Product{{Name: Win2000, Edition: "Server"}}},
	{5, 1, []Product{{Name: WinXP}}, nil},
	// 5.2 is XP Professional x64 Edition on the client side.
	{5, 2, []Product{{Name: WinXP, Edition: "Professional x64"}}, []Product{{Name: WinServer03}}},
	{6, 0, []Product{{Name: WinVista}}, []Product{{Name: WinServer08}}},
	{6, 1, []Product{{Name: Win7}}, []Product{{Name: WinServer08R2}}},
	{6, 2, []Product{{Name: Win8}}, []Product{{Name: WinServer12}}},
	{6, 3, []Product{{Name: Win81}}, []Product{{Name: WinServer12R2}}},
	{10, 0, []Product{{Name: Win10}, {Name: Win11}}, []Product{{Name: WinServer16}, {Name: WinServer19}, {Name: WinServer22}, {Name: WinServer25}}},
}

// ntProducts returns the products of NT version major.minor: client,
// server or both.
func ntProducts(major, minor uint8, client, server bool) []Product {
	for _, v := range ntVersions {
		if v.major != major || v.minor != minor {
			continue
		}
		var out []Product
		if client {
			out = append(out, v.client...)
		}
		if server {
			out = append(out, v.server...)
		}
		return out
	}
	return nil
}

// ntBuild is one Windows build number and the releases that carry it.
// Sources: Microsoft Learn "Windows 10 release information" and "Windows 11
// release information" (version ↔ OS build tables), "Windows Server release
// information" (Server 2016 14393, 2019 17763, 2022 20348, 2025 26100), and
// the Windows lifecycle FAQ pages naming the LTSB/LTSC releases' versions
// (LTSB 2015 = 1507, LTSB 2016 = 1607, LTSC 2019 = 1809, LTSC 2021 =
// 21H2, LTSC 2024 = 24H2). Older builds: Microsoft Learn "Operating System
// Version" and the service pack release notes (XP 2600, 2003 3790, Vista
// 6000/6001/6002, 7 7600/7601, 8 9200, 8.1 9600).
type ntBuild struct {
	build    uint16
	products []Product
}

var ntBuilds = []ntBuild{
	{2195, []Product{{Name: Win2000}}},
	{2600, []Product{{Name: WinXP}}},
	{3790, []Product{{Name: WinXP, Edition: "Professional x64"}, {Name: WinServer03}}},
	{6000, []Product{{Name: WinVista, Version: "RTM"}}},
	{6001, []Product{{Name: WinVista, Version: "SP1"}, {Name: WinServer08, Version: "SP1"}}},
	{6002, []Product{{Name: WinVista, Version: "SP2"}, {Name: WinServer08, Version: "SP2"}}},
	{6003, []Product{{Name: WinServer08, Version: "SP2"}}},
	{7600, []Product{{Name: Win7, Version: "RTM"}, {Name: WinServer08R2, Version: "RTM"}}},
	{7601, []Product{{Name: Win7, Version: "SP1"}, {Name: WinServer08R2, Version: "SP1"}}},
	{9200, []Product{{Name: Win8}, {Name: WinServer12}}},
	{9600, []Product{{Name: Win81}, {Name: WinServer12R2}}},
	{10240, []Product{{Name: Win10, Version: "1507"}}},
	{10586, []Product{{Name: Win10, Version: "1511"}}},
	{14393, []Product{{Name: Win10, Version: "1607"}, {Name: WinServer16}}},
	{15063, []Product{{Name: Win10, Version: "1703"}}},
	{16299, []Product{{Name: Win10, Version: "1709"}}},
	{17134, []Product{{Name: Win10, Version: "1803"}}},
	{17763, []Product{{Name: Win10, Version: "1809"}, {Name: WinServer19}}},
	{18362, []Product{{Name: Win10, Version: "1903"}}},
	{18363, []Product{{Name: Win10, Version: "1909"}}},
	{19041, []Product{{Name: Win10, Version: "2004"}}},
	{19042, []Product{{Name: Win10, Version: "20H2"}}},
	{19043, []Product{{Name: Win10, Version: "21H1"}}},
	{19044, []Product{{Name: Win10, Version: "21H2"}}},
	{19045, []Product{{Name: Win10, Version: "22H2"}}},
	{20348, []Product{{Name: WinServer22}}},
	{22000, []Product{{Name: Win11, Version: "21H2"}}},
	{22621, []Product{{Name: Win11, Version: "22H2"}}},
	{22631, []Product{{Name: Win11, Version: "23H2"}}},
	{26100, []Product{{Name: Win11, Version: "24H2"}, {Name: WinServer25}}},
	{26200, []Product{{Name: Win11, Version: "25H2"}}},
}

// buildProducts returns the releases of build b, each with its build in
// Kernel, or nil for an unknown build.
func buildProducts(b uint16) []Product {
	for _, e := range ntBuilds {
		if e.build == b {
			out := make([]Product, len(e.products))
			for i, p := range e.products {
				p.Kernel = strconv.Itoa(int(b))
				out[i] = p
			}
			return out
		}
	}
	return nil
}

// ClassifyNTLMVersion classifies the VERSION block of an NTLMSSP message
// ([MS-NLMP] 2.2.2.10): product major and minor version and build. A known
// build names the release; a build shared by client and server editions
// gives both ("Windows 10 1809 / Server 2019"), never a guess between them.
func ClassifyNTLMVersion(major, minor uint8, build uint16) []Candidate {
	if major == 0 && minor == 0 && build == 0 {
		return nil // the VERSION block is zero unless NTLMSSP_NEGOTIATE_VERSION is set
	}
	v := strconv.Itoa(int(major)) + "." + strconv.Itoa(int(minor))
	if ps := buildProducts(build); ps != nil {
		if nt := ntProducts(major, minor, true, true); nt != nil && !anyAgree(ps, nt) {
			return []Candidate{{Family: Windows, Confidence: 0.5,
				Reason: "NTLMSSP version " + v + " build " + strconv.Itoa(int(build)) + " is not a known combination"}}
		}
		return []Candidate{{Family: Windows, Products: ps, Confidence: 0.95,
			Reason: "NTLMSSP version " + v + " build " + strconv.Itoa(int(build)) + " is " + joinProducts(ps)}}
	}
	if nt := ntProducts(major, minor, true, true); nt != nil {
		return []Candidate{{Family: Windows, Products: nt, Confidence: 0.85,
			Reason: "NTLMSSP version " + v + " (build " + strconv.Itoa(int(build)) + " not in the table) is " + joinProducts(nt)}}
	}
	return []Candidate{{Family: Windows, Confidence: 0.5, Reason: "NTLMSSP version " + v + " is not a known Windows version"}}
}

// Server type bits of CIFS browser announcements, from [MS-RAP] 2.5.5.2.1
// (SERVER_INFO_1 sv1_type) as also used by [MS-BRWS] 2.2.1 host
// announcements.
const (
	svTypeWorkstation = 0x00000001 // SV_TYPE_WORKSTATION
	svTypeServer      = 0x00000002 // SV_TYPE_SERVER
	svTypeDomainCtrl  = 0x00000008 // SV_TYPE_DOMAIN_CTRL
	svTypeBakCtrl     = 0x00000010 // SV_TYPE_DOMAIN_BAKCTRL
	svTypeServerUnix  = 0x00000800 // SV_TYPE_SERVER_UNIX (SV_TYPE_XENIX_SERVER): Samba sets it
	svTypeNT          = 0x00001000 // SV_TYPE_NT: Windows NT or later
	svTypeWFW         = 0x00002000 // SV_TYPE_WFW: Windows for Workgroups
	svTypeServerNT    = 0x00008000 // SV_TYPE_SERVER_NT: a server edition that is not a domain controller
	svTypeServerOSF   = 0x00100000 // SV_TYPE_SERVER_OSF
	svTypeServerVMS   = 0x00200000 // SV_TYPE_SERVER_VMS
	svTypeWindows     = 0x00400000 // SV_TYPE_WINDOWS: Windows 95 or later (not NT)
	svTypeDomainEnum  = 0x80000000 // SV_TYPE_DOMAIN_ENUM: a domain announcement, not a host
)

// ClassifyCIFS classifies a CIFS browser host announcement ([MS-BRWS]
// 2.2.1): the OS version it states (major.minor) and its server type bits.
// SV_TYPE_SERVER_NT and the domain controller bits tell server editions
// from client ones; SV_TYPE_SERVER_UNIX marks Samba, which states its own
// "announce version" (4.9 by default) rather than an OS version. Domain
// announcements (SV_TYPE_DOMAIN_ENUM) describe a workgroup, not the host,
// and give nothing.
func ClassifyCIFS(major, minor uint8, serverType uint32) []Candidate {
	v := strconv.Itoa(int(major)) + "." + strconv.Itoa(int(minor))
	switch {
	case serverType&svTypeDomainEnum != 0:
		return nil
	case serverType&svTypeServerUnix != 0:
		return []Candidate{{Family: Unix, Confidence: 0.7,
			Reason: "CIFS browser announcement with SV_TYPE_SERVER_UNIX (Samba), version " + v}}
	case serverType&(svTypeServerOSF|svTypeServerVMS) != 0:
		return nil
	case serverType&svTypeWindows != 0 && serverType&svTypeNT == 0:
		return []Candidate{{Family: Windows, Products: []Product{{Name: Win9x}}, Confidence: 0.7,
			Reason: "CIFS browser announcement with SV_TYPE_WINDOWS and without SV_TYPE_NT"}}
	}
	if major == 0 && minor == 0 {
		return nil
	}
	server := serverType&(svTypeServerNT|svTypeDomainCtrl|svTypeBakCtrl) != 0
	ps := ntProducts(major, minor, !server, server)
	if ps == nil && server {
		// XP and the like have no server edition: a workstation that
		// says it is a server keeps its client name.
		ps = ntProducts(major, minor, true, false)
	}
	if ps == nil {
		return []Candidate{{Family: Windows, Confidence: 0.4,
			Reason: "CIFS browser announcement with unknown OS version " + v}}
	}
	role := "workstation"
	if server {
		role = "server (SV_TYPE_SERVER_NT or domain controller)"
	}
	return []Candidate{{Family: Windows, Products: ps, Confidence: 0.85,
		Reason: "CIFS browser announcement: OS version " + v + ", " + role + ": " + joinProducts(ps)}}
}

// smbNames maps the product part of an SMB1 NativeOS string (after
// "Windows ", trademarks removed) to a product. Longest prefixes first.
// Source: the strings Windows sends in SMB_COM_SESSION_SETUP_ANDX
// ([MS-CIFS] 2.2.4.53), as seen in the shared captures (mb2.pcap,
// CL5000EIP-*.pcap, Sample_File_MMS_and_GOOSE.pcap) and in Microsoft's
// product names; "Windows 2002" is XP's internal name.
var smbNames = []struct {
	prefix  string
	product Product
}{
	{"Server 2003 R2", Product{Name: WinServer03, Version: "R2"}},
	{"Server 2003", Product{Name: WinServer03}},
	{"Server 2008 R2", Product{Name: WinServer08R2}},
	{"Server 2008", Product{Name: WinServer08}},
	{"Server 2012 R2", Product{Name: WinServer12R2}},
	{"Server 2012", Product{Name: WinServer12}},
	{"Server 2016", Product{Name: WinServer16}},
	{"Server 2019", Product{Name: WinServer19}},
	{"Server 2022", Product{Name: WinServer22}},
	{"Server 2025", Product{Name: WinServer25}},
	{"Embedded Standard", Product{Name: Win7, Edition: "Embedded Standard 7"}},
	{"Embedded POSReady 7", Product{Name: Win7, Edition: "POSReady 7"}},
	{"Embedded POSReady", Product{Name: WinXP, Edition: "POSReady 2009"}},
	{"XP", Product{Name: WinXP}},
	{"2002", Product{Name: WinXP}},
	{"2000", Product{Name: Win2000}},
	{"Vista", Product{Name: WinVista}},
	{"8.1", Product{Name: Win81}},
	{"7", Product{Name: Win7}},
	{"8", Product{Name: Win8}},
	{"10", Product{Name: Win10}},
	{"11", Product{Name: Win11}},
	{"NT 4.0", Product{Name: WinNT4}},
}

// ClassifySMBNativeOS classifies the NativeOS and NativeLanMan strings of
// an SMB1 session setup: "Windows 5.1", "Windows 2002 Service Pack 3
// 2600", "Windows Server 2003 R2 3790 Service Pack 2", "Windows Server (R)
// 2008 Standard 6002 Service Pack 2", or "Unix" with "Samba 4.x".
func ClassifySMBNativeOS(nativeOS, nativeLanMan string) []Candidate {
	os := cleanTrademarks(nativeOS)
	lanman := strings.TrimSpace(nativeLanMan)
	quoted := strconv.Quote(nativeOS)
	switch {
	case os == "":
		return nil
	case strings.HasPrefix(strings.ToLower(lanman), "samba") || strings.EqualFold(os, "Unix"):
		return []Candidate{{Family: Unix, Confidence: 0.7, Reason: "SMB native OS " + quoted + " with LAN manager " + strconv.Quote(lanman) + " (Samba)"}}
	case !strings.HasPrefix(os, "Windows"):
		return nil
	}
	rest := strings.TrimSpace(strings.TrimPrefix(os, "Windows"))
	// "Windows 5.1": the NT version only.
	if major, minor, ok := splitVersion2(rest); ok {
		if ps := ntProducts(major, minor, true, true); ps != nil {
			return []Candidate{{Family: Windows, Products: ps, Confidence: 0.85, Reason: "SMB native OS " + quoted + ": NT " + rest}}
		}
	}
	// Split off "Service Pack N" and the build, the last number of 4 or 5
	// digits.
	if i := strings.Index(rest, "Service Pack"); i >= 0 {
		rest = strings.TrimSpace(rest[:i]) + " " + strings.TrimSpace(afterServicePack(rest[i:]))
		rest = strings.TrimSpace(rest)
	}
	var build uint16
	fields := strings.Fields(rest)
	for i := len(fields) - 1; i >= 0; i-- {
		if n, err := strconv.ParseUint(fields[i], 10, 16); err == nil && len(fields[i]) >= 4 && !isYear(fields[i], i, fields) {
			build = uint16(n)
			fields = append(fields[:i:i], fields[i+1:]...)
			break
		}
	}
	name := strings.Join(fields, " ")
	var named []Product
	for _, n := range smbNames {
		if name == n.prefix || strings.HasPrefix(name, n.prefix+" ") {
			p := n.product
			if ed := strings.TrimSpace(name[len(n.prefix):]); ed != "" {
				p.Edition = ed
			}
			named = []Product{p}
			break
		}
	}
	byBuild := buildProducts(build)
	reason := "SMB native OS " + quoted
	switch {
	case named != nil && byBuild != nil:
		if both := intersect(named, byBuild); len(both) > 0 {
			return []Candidate{{Family: Windows, Products: both, Confidence: 0.9, Reason: reason + ": " + joinProducts(both)}}
		}
		// The build is the more reliable of the two.
		return []Candidate{{Family: Windows, Products: byBuild, Confidence: 0.85, Reason: reason + ": build " + strconv.Itoa(int(build)) + " (the name says " + joinProducts(named) + ")"}}
	case named != nil:
		return []Candidate{{Family: Windows, Products: named, Confidence: 0.85, Reason: reason + ": " + joinProducts(named)}}
	case byBuild != nil:
		return []Candidate{{Family: Windows, Products: byBuild, Confidence: 0.85, Reason: reason + ": build " + strconv.Itoa(int(build))}}
	}
	return []Candidate{{Family: Windows, Confidence: 0.6, Reason: reason}}
}

// isYear tells a year in a product name ("Server 2008", "2002") from a
// build: it is a year when the word before it is part of the name.
func isYear(s string, i int, fields []string) bool {
	if len(s) != 4 || (s[:2] != "19" && s[:2] != "20") {
		return false
	}
	return i == 0 || fields[i-1] == "Server" || fields[i-1] == "Embedded"
}

// afterServicePack drops "Service Pack N" and keeps what follows (some
// versions put the build after it).
func afterServicePack(s string) string {
	f := strings.Fields(s)
	if len(f) >= 3 {
		return strings.Join(f[3:], " ")
	}
	return ""
}

// cleanTrademarks removes "(R)", "(TM)", "®" and "™" and extra spaces.
func cleanTrademarks(s string) string {
	r := strings.NewReplacer("(R)", " ", "(r)", " ", "(TM)", " ", "(tm)", " ", "®", " ", "™", " ")
	return strings.Join(strings.Fields(r.Replace(s)), " ")
}

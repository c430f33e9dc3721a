package osguess

import (
	"fmt"
	"strings"
	"testing"
)

// render writes candidates compactly for comparison:
// "Family[product; product]0.85", several joined by " + ".
func render(cs []Candidate) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		ps := make([]string, len(c.Products))
		for j, p := range c.Products {
			ps[j] = p.String()
		}
		parts[i] = fmt.Sprintf("%s[%s]%.3g", c.Family, strings.Join(ps, "; "), c.Confidence)
	}
	return strings.Join(parts, " + ")
}

// classifyCase is one observed value and the candidates it must give.
type classifyCase struct {
	name string // where the value comes from
	ev   Evidence
	want string // render of Classify's result
}

func runClassifyCases(t *testing.T, cases []classifyCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := render(Classify(tc.ev)); got != tc.want {
				t.Errorf("Classify(%s %q)\n got %s\nwant %s", tc.ev.Source, tc.ev.Raw, got, tc.want)
			}
		})
	}
}

// Values read with tshark from /work/shared/pcaps (the file is named in
// each case): dhcp.option.request_list_item and vendor_class_id,
// dhcpv6.vendorclass.* and requested_option_code.
func TestClassifyDHCP(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"profinet_io_cm_mixed_1 LT-US-DSWANSON", Evidence{Source: SourceDHCP, Raw: "1,15,3,6,44,46,47,31,33,121,249,43|MSFT 5.0"},
			"Windows[Windows XP; Windows Server 2003; Windows Vista; Windows 7; Windows Server 2008; Windows Server 2008 R2]0.8"},
		{"XP list", Evidence{Source: SourceDHCP, Raw: "1,15,3,6,44,46,47,31,33,249,43,252|MSFT 5.0"},
			"Windows[Windows XP; Windows Server 2003]0.8"},
		{"rs-example-sii-el2004 Compube", Evidence{Source: SourceDHCP, Raw: "1,3,6,15,31,33,43,44,46,47,119,121,249,252|MSFT 5.0"},
			"Windows[Windows 8; Windows 8.1; Windows 10; Windows 11; Windows Server 2012; Windows Server 2012 R2; Windows Server 2016; Windows Server 2019; Windows Server 2022; Windows Server 2025]0.8"},
		{"profinet_io_cm_mixed_1 siemens-x208-switch", Evidence{Source: SourceDHCP, Raw: "1,28,3|"}, "Embedded[]0.4"},
		{"CL5000EIP-IP_Address_Change_Attempt KoyoDL405", Evidence{Source: SourceDHCP, Raw: "1,3,28,6"}, "Embedded[]0.4"},
		{"dhcp_inform subnet mask only", Evidence{Source: SourceDHCP, Raw: "1|"}, ""},
		{"dhcp.pcap ArubaAP", Evidence{Source: SourceDHCP, Raw: "|ArubaAP"}, ""},
		{"spaces in the list", Evidence{Source: SourceDHCP, Raw: "1, 28, 3|"}, "Embedded[]0.4"},
		{"android vendor class", Evidence{Source: SourceDHCP, Raw: "1,3,6,15,26,28,51,58,59,43|android-dhcp-13"},
			"Android[Android 13]0.9"},
		{"dhcpcd on a Raspberry Pi", Evidence{Source: SourceDHCP, Raw: "1,121,33,3,6,12,15,26,28,51,54,58,59,119|dhcpcd-9.4.1:Linux-6.1.21-v7+:armv7l:BCM2835"},
			"Linux[kernel 6.1]0.85"},
		{"busybox udhcpc", Evidence{Source: SourceDHCP, Raw: "1,3,6,12,15,28,42|udhcp 1.36.1"}, "Linux[]0.7"},
		{"Windows 98", Evidence{Source: SourceDHCP, Raw: "|MSFT 98"}, "Windows[Windows 95/98/Me]0.8"},
		{"macOS list", Evidence{Source: SourceDHCP, Raw: "1,121,3,6,15,119,252,95,44,46|"}, "macOS[]0.7"},
		{"iOS list", Evidence{Source: SourceDHCP, Raw: "1,121,3,6,15,119,252|"}, "iOS[]0.6"},
		{"systemd-networkd", Evidence{Source: SourceDHCP, Raw: "1,3,12,15,6,28,42,119,121|"}, "Linux[]0.6"},
		{"ISC dhclient Debian", Evidence{Source: SourceDHCP, Raw: "1,28,2,3,15,6,119,12,44,47,26,121,42|"}, "Linux[]0.7"},
		// DHCPv6: enterprise 311 is Microsoft; the two option orders.
		{"nttcom_dhcpv6_test", Evidence{Source: SourceDHCPv6, Raw: "311|MSFT 5.0|24,23,17,39"},
			"Windows[Windows Vista; Windows 7; Windows Server 2008; Windows Server 2008 R2]0.75"},
		{"rs-example-sii-el2004 Compube", Evidence{Source: SourceDHCPv6, Raw: "311|MSFT 5.0|17,23,24,39"},
			"Windows[Windows 8; Windows 8.1; Windows 10; Windows 11; Windows Server 2012; Windows Server 2012 R2; Windows Server 2016; Windows Server 2019; Windows Server 2022; Windows Server 2025]0.75"},
		{"Microsoft other order", Evidence{Source: SourceDHCPv6, Raw: "311|MSFT 5.0|23,24"}, "Windows[]0.8"},
		{"not Microsoft", Evidence{Source: SourceDHCPv6, Raw: "9|Cisco|23,24"}, ""},
	})
}

// browser.os_major/os_minor and browser.server_type from the captures.
func TestClassifyCIFS(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"CL5000EIP-IP_Address_Change_Attempt WIN2K3LAB021", Evidence{Source: SourceCIFSBrowser, Raw: "5.2|0x00829003"}, "Windows[Windows Server 2003]0.85"},
		{"CL5000EIP-Remote_Mode_Change_Attempt DBLICENSESERVER", Evidence{Source: SourceCIFSBrowser, Raw: "5.1|0x00011003"}, "Windows[Windows XP]0.85"},
		{"090813_diverse EVON", Evidence{Source: SourceCIFSBrowser, Raw: "5.1|0x00051003"}, "Windows[Windows XP]0.85"},
		{"nttcom_cifs_browser_test SNG-WINNT4", Evidence{Source: SourceCIFSBrowser, Raw: "4.0|0x00039003"}, "Windows[Windows NT 4.0 Server]0.85"},
		{"nttcom_cifs_browser_test SNG-WIN2K", Evidence{Source: SourceCIFSBrowser, Raw: "5.0|0x00051003"}, "Windows[Windows 2000 Professional]0.85"},
		{"Profinet_Failed SCADA-PC-060839", Evidence{Source: SourceCIFSBrowser, Raw: "6.1|0x00051007"}, "Windows[Windows 7]0.85"},
		{"beckhoff_ads_addroute1 TI-VM (Samba)", Evidence{Source: SourceCIFSBrowser, Raw: "4.9|0x00849a03"}, "Unix-like[]0.7"},
		{"domain announcement WORKGROUP", Evidence{Source: SourceCIFSBrowser, Raw: "3.10|0x80001000"}, ""},
		{"Windows 10 server", Evidence{Source: SourceCIFSBrowser, Raw: "10.0|0x00009003"},
			"Windows[Windows Server 2016; Windows Server 2019; Windows Server 2022; Windows Server 2025]0.85"},
		{"unknown version", Evidence{Source: SourceCIFSBrowser, Raw: "7.7|0x00001003"}, "Windows[]0.4"},
		{"Windows 98", Evidence{Source: SourceCIFSBrowser, Raw: "4.10|0x00400003"}, "Windows[Windows 95/98/Me]0.7"},
	})
}

// smb.native_os / smb.native_lanman and ntlmssp.version.* from the
// captures.
func TestClassifySMBAndNTLM(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"CL5000EIP-IP_Address_Change_Attempt", Evidence{Source: SourceSMB, Raw: "Windows 5.1|Windows 2000 LAN Manager"}, "Windows[Windows XP]0.85"},
		{"Sample_File_MMS_and_GOOSE", Evidence{Source: SourceSMB, Raw: "Windows Server 2003 R2 3790 Service Pack 2|Windows Server 2003 R2 5.2"}, "Windows[Windows Server 2003 R2]0.9"},
		{"mb2 XP", Evidence{Source: SourceSMB, Raw: "Windows 2002 Service Pack 3 2600|Windows 2002 5.1"}, "Windows[Windows XP]0.9"},
		{"Sample_File_MMS_and_GOOSE 2000", Evidence{Source: SourceSMB, Raw: "Windows 5.0|Windows 2000 LAN Manager"}, "Windows[Windows 2000 Professional; Windows 2000 Server]0.85"},
		{"mb2 Server 2008", Evidence{Source: SourceSMB, Raw: "Windows Server (R) 2008 Standard 6002 Service Pack 2|Windows Server (R) 2008 Standard 6.0"},
			"Windows[Windows Server 2008 SP2 Standard]0.9"},
		{"Windows 7 Professional", Evidence{Source: SourceSMB, Raw: "Windows 7 Professional 7601 Service Pack 1|Windows 7 Professional 6.1"}, "Windows[Windows 7 SP1 Professional]0.9"},
		{"Windows Embedded Standard 7", Evidence{Source: SourceSMB, Raw: "Windows Embedded Standard 7601 Service Pack 1|Windows Embedded Standard 6.1"},
			"Windows[Windows 7 SP1 Embedded Standard 7]0.9"},
		{"Samba", Evidence{Source: SourceSMB, Raw: "Unix|Samba 4.3.11-Ubuntu"}, "Unix-like[]0.7"},
		{"not Windows", Evidence{Source: SourceSMB, Raw: "OS/2|LAN Server"}, ""},
		{"CL5000EIP-IP_Address_Change_Attempt 2003", Evidence{Source: SourceNTLM, Raw: "5.2.3790"}, "Windows[Windows XP Professional x64; Windows Server 2003]0.95"},
		{"mb2 XP", Evidence{Source: SourceNTLM, Raw: "5.1.2600"}, "Windows[Windows XP]0.95"},
		{"mb2 Server 2008", Evidence{Source: SourceNTLM, Raw: "6.0.6002"}, "Windows[Windows Vista SP2; Windows Server 2008 SP2]0.95"},
		{"smb3 10.160.65.202", Evidence{Source: SourceNTLM, Raw: "10.0.14393"}, "Windows[Windows 10 1607; Windows Server 2016]0.95"},
		{"LTSC 2019 build", Evidence{Source: SourceNTLM, Raw: "10.0.17763"}, "Windows[Windows 10 1809; Windows Server 2019]0.95"},
		{"Server 2022", Evidence{Source: SourceNTLM, Raw: "10.0.20348"}, "Windows[Windows Server 2022]0.95"},
		{"24H2", Evidence{Source: SourceNTLM, Raw: "10.0.26100"}, "Windows[Windows 11 24H2; Windows Server 2025]0.95"},
		{"unknown build", Evidence{Source: SourceNTLM, Raw: "6.1.7602"}, "Windows[Windows 7; Windows Server 2008 R2]0.85"},
		{"build and version disagree", Evidence{Source: SourceNTLM, Raw: "6.1.2600"}, "Windows[]0.5"},
		{"zero version", Evidence{Source: SourceNTLM, Raw: "0.0.0"}, ""},
		{"garbage", Evidence{Source: SourceNTLM, Raw: "10.0.99999"}, ""},
	})
}

// http.user_agent, http.server and the SSDP headers from the captures.
func TestClassifyHTTP(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"wikipedia", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15"}, "Linux[Ubuntu 10.04]0.7"},
		{"melsoft_UDP_unclean_1", Evidence{Source: SourceSSDPUserAgent, Raw: "Google Chrome/63.0.3239.84 Windows"}, "Windows[]0.5"},
		{"nttcom_ssdp_test", Evidence{Source: SourceSSDPUserAgent, Raw: "Google Chrome/106.0.5249.119 Linux"}, "Linux[]0.6"},
		{"var-services-std-ports mac", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_6_8) AppleWebKit/534.30 (KHTML, like Gecko) Chrome/12.0.742.100 Safari/534.30"}, "macOS[macOS 10.6]0.7"},
		{"var-services-std-ports linux", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (X11; Linux i686; rv:5.0) Gecko/20100101 Firefox/5.0"}, "Linux[]0.6"},
		{"modbus-and-non-modbus-p502 zgrab", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 zgrab/0.x"}, ""},
		{"http_get wget", Evidence{Source: SourceHTTPUserAgent, Raw: "Wget/1.14 (darwin12.2.0)"}, "macOS[]0.4"},
		{"Windows 7 browser", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36"}, "Windows[Windows 7; Windows Server 2008 R2]0.7"},
		{"Android", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Linux; Android 9; SM-G960F) AppleWebKit/537.36"}, "Android[Android 9]0.8"},
		{"iPhone", Evidence{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X) AppleWebKit/605.1.15"}, "iOS[iOS 12]0.8"},
		{"CryptoAPI", Evidence{Source: SourceHTTPUserAgent, Raw: "Microsoft-CryptoAPI/6.1"}, "Windows[Windows 7; Windows Server 2008 R2]0.8"},
		{"curl", Evidence{Source: SourceHTTPUserAgent, Raw: "curl/7.68.0"}, ""},
		{"nttcom_ssdp_test Linux UPnP", Evidence{Source: SourceSSDPServer, Raw: "Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8"}, "Linux[kernel 4.14]0.7"},
		{"nttcom_ssdp_test POSIX", Evidence{Source: SourceSSDPServer, Raw: "POSIX UPnP/1.0 UPnP Stack/7.14.131.47"}, "Unix-like[]0.4"},
		{"Windows UPnP host", Evidence{Source: SourceSSDPServer, Raw: "Microsoft-Windows-NT/5.1 UPnP/1.0 UPnP-Device-Host/1.0"}, "Windows[Windows XP]0.8"},
		{"var-services-std-ports Ubuntu", Evidence{Source: SourceHTTPServer, Raw: "Apache/2.2.17 (Ubuntu)"}, "Linux[Ubuntu]0.75"},
		{"Ubuntu 18.04 Apache", Evidence{Source: SourceHTTPServer, Raw: "Apache/2.4.29 (Ubuntu)"}, "Linux[Ubuntu 18.04]0.75"},
		{"http_get Fedora", Evidence{Source: SourceHTTPServer, Raw: "Apache/2.4.3 (Fedora)"}, "Linux[Fedora]0.75"},
		{"var-services-std-ports gws", Evidence{Source: SourceHTTPServer, Raw: "gws"}, ""},
		{"var-services-std-ports Golfe", Evidence{Source: SourceHTTPServer, Raw: "Golfe"}, ""},
		{"IIS 7.5", Evidence{Source: SourceHTTPServer, Raw: "Microsoft-IIS/7.5"}, "Windows[Windows 7; Windows Server 2008 R2]0.8"},
		{"IIS 10", Evidence{Source: SourceHTTPServer, Raw: "Microsoft-IIS/10.0"},
			"Windows[Windows 10; Windows 11; Windows Server 2016; Windows Server 2019; Windows Server 2022; Windows Server 2025]0.8"},
		{"HTTPAPI", Evidence{Source: SourceHTTPServer, Raw: "Microsoft-HTTPAPI/2.0"}, "Windows[]0.8"},
		{"WinCE HMI", Evidence{Source: SourceHTTPServer, Raw: "Microsoft-WinCE/6.00"}, "Windows CE/Embedded Compact[Windows CE 6.0]0.85"},
		{"RomPager", Evidence{Source: SourceHTTPServer, Raw: "Allegro-Software-RomPager/4.06"}, "Embedded[]0.4"},
		{"VxWorks", Evidence{Source: SourceHTTPServer, Raw: "WindRiver-WebServer/4.7"}, "VxWorks[]0.7"},
		{"GoAhead", Evidence{Source: SourceHTTPServer, Raw: "GoAhead-Webs"}, "Embedded[]0.35"},
		{"Boa", Evidence{Source: SourceHTTPServer, Raw: "Boa/0.94.14rc21"}, "Linux[]0.35"},
		{"Apache on Windows", Evidence{Source: SourceHTTPServer, Raw: "Apache/2.4.41 (Win64) OpenSSL/1.1.1c"}, "Windows[]0.7"},
		{"Siemens PLC", Evidence{Source: SourceHTTPServer, Raw: "Siemens Simatic S7-1200"}, "Embedded[Siemens SIMATIC firmware]0.4"},
	})
}

// lldp.tlv.system.desc, cdp.software_version and p0f labels.
func TestClassifyTextAndTCP(t *testing.T) {
	runClassifyCases(t, []classifyCase{
		{"CL5000EIP-* CE500", Evidence{Source: SourceCDP, Raw: "Cisco IOS Software, CE500 Software (CE500-LANBASE-M), Version 12.2(25)SEG4, RELEASE SOFTWARE (fc1),Copyright (c) 1986-2007 by Cisco Systems, Inc.,Compiled Mon 13-Aug-07 17:34 by yenanh"},
			"Network OS[Cisco IOS 12.2(25)SEG4]0.9"},
		{"cdp-v1 1600", Evidence{Source: SourceCDP, Raw: "Cisco Internetwork Operating System Software ,IOS (tm) 1600 Software (C1600-NY-L), Version 11.2(12)P, RELEASE SOFTWARE (fc1),Copyright (c) 1986-1998 by cisco Systems, Inc.,Compiled Tue 03-Mar-98 06:33 by dschwart"},
			"Network OS[Cisco IOS 11.2(12)P]0.9"},
		{"profinet_io_cm_mixed_1", Evidence{Source: SourceLLDP, Raw: "Siemens AG SIMATIC S7 MULTIPORT SCALANCE X 200 FAM"}, "Network OS[Siemens SCALANCE]0.8"},
		{"mb2 X212-2", Evidence{Source: SourceLLDP, Raw: "Siemens, SIMATIC NET, SCALANCE X212-2, 6GK5 212-2BB00-2AA3, HW: 7, FW: V4.02"}, "Network OS[Siemens SCALANCE 4.02]0.8"},
		{"Profinet_Failed OptiPlex", Evidence{Source: SourceLLDP, Raw: "Dell Inc. OptiPlex 990,01,G22XB2S + HMI"}, ""},
		{"lldp SMC switch", Evidence{Source: SourceLLDP, Raw: "SMCGS8P-Smart - SMCGS8P-Smart v3.20"}, ""},
		{"Linux LLDP agent", Evidence{Source: SourceLLDP, Raw: "Debian GNU/Linux 11 (bullseye) Linux 5.10.0-21-amd64 #1 SMP Debian 5.10.162-1"}, "Linux[kernel 5.10]0.7"},
		{"Junos", Evidence{Source: SourceLLDP, Raw: "Juniper Networks, Inc. ex2200-24t-4g , version 12.3R12.4 Build date: 2016-01-20 JUNOS 12.3R12.4"}, "Network OS[Junos 12.3R12.4]0.9"},
		{"asset", Evidence{Source: SourceAssetID, Raw: "Beijer Windows CE 6.0 HMI"}, "Windows CE/Embedded Compact[Windows CE 6.0]0.8"},
		{"p0f 7 or 8", Evidence{Source: SourceTCPSYN, Raw: TCPRaw("s:win:Windows:7 or 8", false, false, 0.8)}, "Windows[]0.7"},
		{"p0f generic Linux", Evidence{Source: SourceTCPSYN, Raw: TCPRaw("g:unix:Linux:2.2.x-3.x", true, false, 0.5)}, "Linux[]0.35"},
		{"p0f fuzzy 2.6", Evidence{Source: SourceTCPSYNACK, Raw: TCPRaw("s:unix:Linux:2.6.x", false, true, 0.9)}, "Linux[kernel 2.6]0.49"},
		{"p0f XP no confidence", Evidence{Source: SourceTCPSYN, Raw: TCPRaw("s:win:Windows:XP", false, false, 0)}, "Windows[Windows XP; Windows Server 2003]0.6"},
		{"p0f Android", Evidence{Source: SourceTCPSYN, Raw: "s:unix:Linux:(Android)"}, "Android[]0.6"},
		{"p0f application label", Evidence{Source: SourceTCPSYN, Raw: "s:!:NMap:SYN scan"}, ""},
		{"unknown source", Evidence{Source: "nope", Raw: "Windows"}, ""},
	})
}

func TestProductString(t *testing.T) {
	for _, tc := range []struct {
		p    Product
		want string
	}{
		{Product{Name: Win10, Version: "1809", Kernel: "17763"}, "Windows 10 1809"},
		{Product{Kernel: "4.14"}, "kernel 4.14"},
		{Product{Name: "Android", Version: "9", Kernel: "4.14"}, "Android 9 (kernel 4.14)"},
		{Product{Name: WinServer08, Version: "SP2", Edition: "Standard"}, "Windows Server 2008 SP2 Standard"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("%+v.String() = %q, want %q", tc.p, got, tc.want)
		}
	}
}

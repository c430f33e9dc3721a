package osguess

import (
	"strconv"
	"strings"
)

// win8Plus are the products that send Windows 8's DHCP fingerprint.
var win8Plus = []Product{{Name: Win8}, {Name: Win81}, {Name: Win10}, {Name: Win11},
	{Name: WinServer12}, {Name: WinServer12R2}, {Name: WinServer16}, {Name: WinServer19}, {Name: WinServer22}, {Name: WinServer25}}

// win6 are Vista, 7 and their server editions.
var win6 = []Product{{Name: WinVista}, {Name: Win7}, {Name: WinServer08}, {Name: WinServer08R2}}

// winXPTo7 are XP to 7 and their server editions.
var winXPTo7 = []Product{{Name: WinXP}, {Name: WinServer03}, {Name: WinVista}, {Name: Win7}, {Name: WinServer08}, {Name: WinServer08R2}}

// dhcpLists are DHCP parameter request lists (option 55, in the order the
// client sends them) that identify a client. The order matters: it is set
// by the client's code, not by the user.
var dhcpLists = []struct {
	list     string
	family   Family
	products []Product
	conf     float64
	what     string
}{
	// Windows 8 and later (Server 2012 and later): seen from the host
	// "Compube" with vendor class "MSFT 5.0" in
	// ethercat/rs-example-sii-el2004.pcapng; public DHCP fingerprint
	// tables (Fingerbank and others) label it Windows 8 to 11.
	{"1,3,6,15,31,33,43,44,46,47,119,121,249,252", Windows, win8Plus, 0.8, "Windows 8 or later"},
	// Windows XP SP3 to 7 and Server 2008 R2: seen from the Windows 7
	// laptop LT-US-DSWANSON with "MSFT 5.0" in
	// profinet/profinet_io_cm_mixed_1.pcap, and listed for XP SP3 in the
	// Satori DHCP fingerprint file; XP SP3 added 121 (classless static
	// routes) to the list.
	{"1,15,3,6,44,46,47,31,33,121,249,43", Windows, winXPTo7, 0.7, "Windows XP SP3 to 7"},
	// Windows XP / Server 2003 (NT 5.1 and 5.2; Microsoft's DHCP server
	// documentation on option 55 policies lists these orders for them).
	{"1,15,3,6,44,46,47,31,33,249,43", Windows, []Product{{Name: WinXP}, {Name: WinServer03}}, 0.75, "Windows XP/2003"},
	{"1,15,3,6,44,46,47,31,33,249,43,252", Windows, []Product{{Name: WinXP}, {Name: WinServer03}}, 0.75, "Windows XP/2003"},
	// ISC dhclient with Debian's and Ubuntu's dhclient.conf (its "request"
	// line: subnet-mask, broadcast-address, time-offset, routers,
	// domain-name, domain-name-servers, domain-search, host-name,
	// netbios-name-servers, netbios-scope, interface-mtu,
	// rfc3442-classless-static-routes, ntp-servers), optionally followed by
	// the ones Ubuntu adds.
	{"1,28,2,3,15,6,119,12,44,47,26,121,42", Linux, nil, 0.7, "ISC dhclient as configured by Debian/Ubuntu"},
	{"1,28,2,3,15,6,119,12,44,47,26,121,42,249,33,252,17", Linux, nil, 0.7, "ISC dhclient as configured by Ubuntu"},
	// Android's dhcpcd (before Android 10) and its own client, as public
	// DHCP fingerprint tables list them with "android-dhcp-N" vendor
	// classes; Android 8 added 43.
	{"1,3,6,15,26,28,51,58,59", Android, nil, 0.7, "Android dhcpcd"},
	{"1,3,6,15,26,28,51,58,59,43", Android, nil, 0.7, "Android dhcpcd"},
	{"1,3,6,15,26,28,51,58,59,43,114,108", Android, nil, 0.7, "Android 10 or later"},
	// Embedded devices with short fixed lists: the Siemens SCALANCE X208
	// switch "siemens-x208-switch" in profinet/profinet_io_cm_mixed_1.pcap
	// and the Koyo DL405 PLC "KoyoDL405" in
	// attacks/CL5000EIP-IP_Address_Change_Attempt.pcap.
	{"1,28,3", Embedded, nil, 0.4, "short request list of embedded firmware (Siemens SCALANCE X208)"},
	{"1,3,28,6", Embedded, nil, 0.4, "short request list of embedded firmware (Koyo DL405 PLC)"},
}

// ClassifyDHCP classifies a DHCP client's parameter request list (option
// 55, decimal codes joined by commas as in record.DHCP.ParamList) and
// vendor class identifier (option 60). The vendor class is the stronger
// witness where it names the client ("MSFT 5.0", "android-dhcp-13",
// "udhcp 1.36.1", "dhcpcd-9.4.1:Linux-6.1.21:armv7l:BCM2835"); the list
// tells client code apart, and where it is known both must agree.
func ClassifyDHCP(paramList, vendorClass string) []Candidate {
	pl := normalizeList(paramList)
	var out []Candidate
	if c, ok := classifyVendorClass(vendorClass); ok {
		out = append(out, c)
	}
	for _, e := range dhcpLists {
		if e.list == pl {
			out = append(out, Candidate{Family: e.family, Products: e.products, Confidence: e.conf,
				Reason: "DHCP parameter request list " + pl + ": " + e.what})
			return mergeSameFamily(out)
		}
	}
	switch {
	case pl == "":
	case strings.HasPrefix(pl, "1,121,3,6,15,119,252") || strings.HasPrefix(pl, "1,121,3,6,15,108,114,119,162,252"):
		// Apple's client puts 121 (classless routes) second; macOS also
		// asks for 95 (LDAP), 44 and 46 (NetBIOS), iOS does not (public
		// DHCP fingerprint tables).
		if strings.Contains(pl+",", ",95,") {
			out = append(out, Candidate{Family: MacOS, Confidence: 0.7, Reason: "DHCP parameter request list " + pl + ": Apple client with LDAP and NetBIOS options (macOS)"})
		} else {
			out = append(out, Candidate{Family: IOS, Confidence: 0.6, Reason: "DHCP parameter request list " + pl + ": Apple client without LDAP and NetBIOS options (iOS/iPadOS)"})
		}
	case strings.HasPrefix(pl, "1,3,12,15,6"):
		// sd-dhcp-client (systemd-networkd, and NetworkManager's internal
		// client, which is a copy of it) starts with its fixed defaults:
		// subnet mask, router, host name, domain name, DNS (systemd
		// src/libsystemd-network/sd-dhcp-client.c, default_req_opts).
		out = append(out, Candidate{Family: Linux, Confidence: 0.6, Reason: "DHCP parameter request list " + pl + ": systemd sd-dhcp client (systemd-networkd or NetworkManager)"})
	}
	return mergeSameFamily(out)
}

// classifyVendorClass reads a DHCP vendor class identifier.
func classifyVendorClass(vc string) (Candidate, bool) {
	vc = strings.TrimSpace(vc)
	q := "DHCP vendor class " + strconv.Quote(vc)
	lvc := lowerASCII(vc)
	switch {
	case vc == "":
	case vc == "MSFT 5.0":
		// Windows 2000 and later ("Microsoft Windows 2000 and later DHCP
		// client", Microsoft Learn, DHCP vendor classes).
		return Candidate{Family: Windows, Confidence: 0.8, Reason: q + ": Windows 2000 or later"}, true
	case vc == "MSFT 98":
		return Candidate{Family: Windows, Products: []Product{{Name: Win9x}}, Confidence: 0.8, Reason: q + ": Windows 98/Me"}, true
	case strings.HasPrefix(vc, "MSFT"):
		return Candidate{Family: Windows, Confidence: 0.7, Reason: q}, true
	case strings.HasPrefix(lvc, "android-dhcp-"):
		// Android's DHCP client sends "android-dhcp-" and the release
		// (android.os.Build.VERSION.RELEASE).
		v := vc[len("android-dhcp-"):]
		var ps []Product
		if v != "" {
			ps = []Product{{Name: "Android", Version: v}}
		}
		return Candidate{Family: Android, Products: ps, Confidence: 0.9, Reason: q}, true
	case strings.HasPrefix(lvc, "udhcp"):
		// BusyBox udhcpc: "udhcp <BusyBox version>", embedded Linux.
		return Candidate{Family: Linux, Confidence: 0.7, Reason: q + ": BusyBox udhcpc (embedded Linux)"}, true
	case strings.HasPrefix(lvc, "dhcpcd"):
		// dhcpcd: "dhcpcd-<version>:<sysname>-<release>:<machine>:<platform>".
		parts := strings.Split(vc, ":")
		if len(parts) >= 2 {
			sys, rel, _ := strings.Cut(parts[1], "-")
			switch lowerASCII(sys) {
			case "linux":
				var ps []Product
				if k := kernelSeries(rel); k != "" {
					ps = []Product{{Kernel: k}}
				}
				return Candidate{Family: Linux, Products: ps, Confidence: 0.85, Reason: q + ": dhcpcd on Linux " + rel}, true
			case "freebsd", "netbsd", "openbsd", "dragonfly":
				return Candidate{Family: BSD, Confidence: 0.85, Reason: q + ": dhcpcd on " + sys}, true
			}
		}
		return Candidate{Family: Unix, Confidence: 0.6, Reason: q + ": dhcpcd"}, true
	}
	return Candidate{}, false
}

// ClassifyDHCPv6 classifies a DHCPv6 client's vendor class (option 16:
// IANA enterprise number and data) and option request list (option 6).
// Enterprise 311 is Microsoft (IANA Private Enterprise Numbers). Windows'
// option request order changed with Windows 8: "24,23,17,39" is sent by
// the Windows 7 host of profinet/profinet_io_cm_mixed_1.pcap (whose DHCPv4
// list is Windows 7's), "17,23,24,39" by the Windows 8+ host of
// ethercat/rs-example-sii-el2004.pcapng.
func ClassifyDHCPv6(enterprise uint32, vendorClass, oro string) []Candidate {
	oro = normalizeList(oro)
	q := "DHCPv6 vendor class " + strconv.Itoa(int(enterprise)) + " " + strconv.Quote(vendorClass)
	switch {
	case enterprise == 311 && oro == "24,23,17,39":
		return []Candidate{{Family: Windows, Products: win6, Confidence: 0.75, Reason: q + " with option request list 24,23,17,39: Windows Vista/7"}}
	case enterprise == 311 && oro == "17,23,24,39":
		return []Candidate{{Family: Windows, Products: win8Plus, Confidence: 0.75, Reason: q + " with option request list 17,23,24,39: Windows 8 or later"}}
	case enterprise == 311:
		// The DHCPv6 client came with Vista.
		return []Candidate{{Family: Windows, Confidence: 0.8, Reason: q + ": Microsoft (Windows Vista or later)"}}
	}
	if c, ok := classifyVendorClass(vendorClass); ok {
		c.Reason = "DHCPv6 " + strings.TrimPrefix(c.Reason, "DHCP ")
		return []Candidate{c}
	}
	return nil
}

// normalizeList removes spaces from a comma-separated list of numbers.
func normalizeList(s string) string {
	if !strings.ContainsAny(s, " \t") {
		return s
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(s, ",", " ")), ",")
}

// kernelSeries returns "major.minor" of a Linux release such as
// "4.14.76+" or "6.1.21-v7+", or "" when it does not start with one.
func kernelSeries(rel string) string {
	i, dots := 0, 0
	for i < len(rel) {
		c := rel[i]
		if c == '.' {
			dots++
			if dots == 2 {
				break
			}
		} else if c < '0' || c > '9' {
			break
		}
		i++
	}
	s := strings.TrimSuffix(rel[:i], ".")
	if strings.Count(s, ".") != 1 || strings.HasPrefix(s, ".") {
		return ""
	}
	return s
}

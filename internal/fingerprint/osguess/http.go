package osguess

import (
	"strconv"
	"strings"
)

// uaWindowsTokens maps the "Windows NT x.y" token of a browser User-Agent to
// NT versions. Browsers froze the token at 10.0, so Windows 11 says 10.0
// too (Microsoft Learn, "User-Agent Client Hints: detect Windows 11").
var uaWindowsTokens = []struct {
	token    string
	products []Product
	what     string
}{
	{"windows nt 10.0", ntProducts(10, 0, true, true), "NT 10.0"},
	{"windows nt 6.3", ntProducts(6, 3, true, true), "NT 6.3"},
	{"windows nt 6.2", ntProducts(6, 2, true, true), "NT 6.2"},
	{"windows nt 6.1", ntProducts(6, 1, true, true), "NT 6.1"},
	{"windows nt 6.0", ntProducts(6, 0, true, true), "NT 6.0"},
	{"windows nt 5.2", ntProducts(5, 2, true, true), "NT 5.2"},
	{"windows nt 5.1", ntProducts(5, 1, true, true), "NT 5.1"},
	{"windows nt 5.0", ntProducts(5, 0, true, true), "NT 5.0"},
	{"windows nt 4.0", ntProducts(4, 0, true, true), "NT 4.0"},
	{"windows 98", []Product{{Name: Win9x}}, "Windows 98"},
	{"win98", []Product{{Name: Win9x}}, "Windows 98"},
	{"windows 95", []Product{{Name: Win9x}}, "Windows 95"},
}

// ClassifyUserAgent classifies an HTTP or SSDP User-Agent: browser tokens
// (Windows NT x.y, Android n, iPhone OS n_m, Mac OS X 10_x, Linux, Ubuntu,
// Fedora), Windows components that state the NT version
// ("Microsoft-CryptoAPI/10.0", "Microsoft-WNS/10.0"), UPnP stacks ("Linux/4.14
// UPnP/1.0 …") and tools that name their build platform ("Wget/1.14
// (darwin12.2.0)", "(linux-gnu)"). Tools that say nothing of the OS (curl,
// python-requests, Go-http-client, scanners) give nothing.
func ClassifyUserAgent(ua string) []Candidate {
	ua = strings.TrimSpace(ua)
	if ua == "" {
		return nil
	}
	l := lowerASCII(ua)
	q := "User-Agent " + strconv.Quote(ua)
	// Phones first: their User-Agents also say "Linux" or "like Mac OS X".
	if i := strings.Index(l, "android"); i >= 0 {
		v := leadingVersion(strings.TrimLeft(ua[i+len("android"):], " /"), '.')
		var ps []Product
		if v != "" {
			ps = []Product{{Name: "Android", Version: majorOf(v)}}
		}
		return []Candidate{{Family: Android, Products: ps, Confidence: 0.8, Reason: q}}
	}
	for _, tok := range []string{"iphone os ", "cpu os "} {
		if i := strings.Index(l, tok); i >= 0 && strings.Contains(l, "like mac os x") {
			v := strings.ReplaceAll(leadingVersion(ua[i+len(tok):], '_'), "_", ".")
			var ps []Product
			if v != "" {
				ps = []Product{{Name: "iOS", Version: majorOf(v)}}
			}
			return []Candidate{{Family: IOS, Products: ps, Confidence: 0.8, Reason: q}}
		}
	}
	if strings.Contains(l, "windows phone") || strings.Contains(l, "windows ce") {
		return []Candidate{{Family: WindowsCE, Confidence: 0.7, Reason: q}}
	}
	for _, t := range uaWindowsTokens {
		if strings.Contains(l, t.token) {
			return []Candidate{{Family: Windows, Products: t.products, Confidence: 0.7, Reason: q + ": " + t.what}}
		}
	}
	if i := strings.Index(l, "mac os x "); i >= 0 {
		v := strings.ReplaceAll(leadingVersion(ua[i+len("mac os x "):], '_'), "_", ".")
		var ps []Product
		if v != "" {
			ps = []Product{{Name: "macOS", Version: macOSRelease(v)}}
		}
		return []Candidate{{Family: MacOS, Products: ps, Confidence: 0.7, Reason: q}}
	}
	for _, p := range []string{"microsoft-cryptoapi/", "microsoft-wns/", "microsoft-delivery-optimization/", "microsoft-windows/", "microsoft-windows-nt/", "windows-nt/"} {
		if i := strings.Index(l, p); i >= 0 {
			return windowsVersionToken(ua[i+len(p):], q)
		}
	}
	if strings.Contains(l, "windows-update-agent") || strings.Contains(l, "microsoft ncsi") || strings.Contains(l, "microsoft bits") {
		return []Candidate{{Family: Windows, Confidence: 0.8, Reason: q}}
	}
	if c := classifyUPnPOS(ua, q); c != nil {
		return c
	}
	for _, d := range []struct {
		token string
		prod  string
	}{{"ubuntu", "Ubuntu"}, {"fedora", "Fedora"}, {"debian", "Debian"}, {"centos", "CentOS"}, {"red hat", "Red Hat Enterprise Linux"}} {
		if i := strings.Index(l, d.token); i >= 0 {
			p := Product{Name: d.prod}
			if rest := ua[i+len(d.token):]; strings.HasPrefix(rest, "/") {
				p.Version = leadingVersion(rest[1:], '.')
			}
			return []Candidate{{Family: Linux, Products: []Product{p}, Confidence: 0.7, Reason: q}}
		}
	}
	switch {
	case strings.Contains(l, "cros "):
		return []Candidate{{Family: Linux, Products: []Product{{Name: "ChromeOS"}}, Confidence: 0.6, Reason: q}}
	case strings.Contains(l, "linux-gnu") || strings.Contains(l, "x11; linux") || strings.Contains(l, "x11; u; linux") || strings.HasSuffix(l, " linux") || strings.Contains(l, "(linux"):
		return []Candidate{{Family: Linux, Confidence: 0.6, Reason: q}}
	case strings.HasSuffix(l, " windows") || strings.Contains(l, "(windows") || strings.Contains(l, "win64") || strings.Contains(l, "win32"):
		return []Candidate{{Family: Windows, Confidence: 0.5, Reason: q}}
	case strings.Contains(l, "(darwin"):
		return []Candidate{{Family: MacOS, Confidence: 0.4, Reason: q + ": built for Darwin (macOS)"}}
	case strings.Contains(l, "freebsd") || strings.Contains(l, "openbsd") || strings.Contains(l, "netbsd"):
		return []Candidate{{Family: BSD, Confidence: 0.6, Reason: q}}
	}
	return nil
}

// windowsVersionToken reads "10.0" or "6.1" after a Windows component's
// name.
func windowsVersionToken(s, q string) []Candidate {
	major, minor, ok := splitVersion2(leadingVersion(s, '.'))
	if !ok {
		return []Candidate{{Family: Windows, Confidence: 0.8, Reason: q}}
	}
	ps := ntProducts(major, minor, true, true)
	return []Candidate{{Family: Windows, Products: ps, Confidence: 0.8, Reason: q + ": NT " + strconv.Itoa(int(major)) + "." + strconv.Itoa(int(minor))}}
}

// iisVersions maps the IIS version of "Microsoft-IIS/x.y" to the Windows
// releases that ship it. Source: Microsoft Learn, "IIS versions and
// Windows" (IIS 5.0 Windows 2000, 5.1 XP Professional, 6.0 Server 2003 and
// XP x64, 7.0 Vista/2008, 7.5 7/2008 R2, 8.0 8/2012, 8.5 8.1/2012 R2, 10.0
// Windows 10 and Server 2016 and later).
var iisVersions = map[string][]Product{
	"5.0":  {{Name: Win2000}},
	"5.1":  {{Name: WinXP}},
	"6.0":  {{Name: WinServer03}, {Name: WinXP, Edition: "Professional x64"}},
	"7.0":  {{Name: WinVista}, {Name: WinServer08}},
	"7.5":  {{Name: Win7}, {Name: WinServer08R2}},
	"8.0":  {{Name: Win8}, {Name: WinServer12}},
	"8.5":  {{Name: Win81}, {Name: WinServer12R2}},
	"10.0": ntProducts(10, 0, true, true),
}

// ubuntuApache maps the Apache version Ubuntu's LTS releases ship (the
// version stays fixed for a release; fixes are backported) to the
// release. Source: packages.ubuntu.com, package apache2, per release.
var ubuntuApache = map[string]string{
	"2.2.14": "10.04",
	"2.2.22": "12.04",
	"2.4.7":  "14.04",
	"2.4.18": "16.04",
	"2.4.29": "18.04",
	"2.4.41": "20.04",
	"2.4.52": "22.04",
	"2.4.58": "24.04",
}

// serverTokens are words of an HTTP Server header that tell the OS, with
// the family and confidence. The embedded servers are common on PLCs, HMIs
// and network gear; their vendor pages name the platforms they run on.
var serverTokens = []struct {
	token  string // lower case
	family Family
	prod   string
	conf   float64
	what   string
}{
	{"(ubuntu)", Linux, "Ubuntu", 0.75, "Ubuntu"},
	{"(debian", Linux, "Debian", 0.75, "Debian"},
	{"(raspbian)", Linux, "Raspbian", 0.75, "Raspbian (Debian)"},
	{"(red hat", Linux, "Red Hat Enterprise Linux", 0.75, "Red Hat"},
	{"(rhel)", Linux, "Red Hat Enterprise Linux", 0.75, "Red Hat"},
	{"(centos)", Linux, "CentOS", 0.75, "CentOS"},
	{"(fedora)", Linux, "Fedora", 0.75, "Fedora"},
	{"(suse)", Linux, "SUSE Linux", 0.75, "SUSE"},
	{"(amazon)", Linux, "Amazon Linux", 0.7, "Amazon Linux"},
	{"(win32)", Windows, "", 0.7, "a Windows build"},
	{"(win64)", Windows, "", 0.7, "a Windows build"},
	{"(freebsd)", BSD, "FreeBSD", 0.75, "FreeBSD"},
	{"(unix)", Unix, "", 0.5, "a Unix build"},
	{"microsoft-httpapi/2.0", Windows, "", 0.8, "the Windows kernel HTTP server (http.sys 2.0, Vista and later)"},
	{"microsoft-httpapi/1.0", Windows, "", 0.8, "the Windows kernel HTTP server (http.sys 1.0, XP SP2/2003)"},
	{"windriver-webserver", VxWorks, "", 0.7, "Wind River's web server for VxWorks"},
	{"wind river", VxWorks, "", 0.6, "Wind River"},
	{"vxworks", VxWorks, "", 0.7, "VxWorks"},
	{"qnx", QNX, "", 0.7, "QNX"},
	{"allegro-software-rompager", Embedded, "", 0.4, "Allegro RomPager (embedded web server)"},
	{"goahead", Embedded, "", 0.35, "GoAhead (embedded web server)"},
	{"boa/", Linux, "", 0.35, "Boa (embedded Linux web server)"},
	{"thttpd", Unix, "", 0.3, "thttpd"},
	{"mini_httpd", Unix, "", 0.3, "mini_httpd"},
	{"lighttpd", Unix, "", 0.3, "lighttpd"},
	{"simatic", Embedded, "Siemens SIMATIC firmware", 0.4, "Siemens SIMATIC"},
	{"siemens", Embedded, "", 0.3, "Siemens device firmware"},
	{"rockwell", Embedded, "", 0.3, "Rockwell Automation device firmware"},
	{"schneider", Embedded, "", 0.3, "Schneider Electric device firmware"},
	{"mitsubishi", Embedded, "", 0.3, "Mitsubishi Electric device firmware"},
}

// ClassifyServerHeader classifies an HTTP Server header or an SSDP SERVER
// header: "Microsoft-IIS/x.y", "Microsoft-HTTPAPI/2.0",
// "Microsoft-WinCE/6.00", Apache and nginx with their platform comment
// ("(Ubuntu)", "(Win64)"), UPnP's "OS/version UPnP/1.0 product/version"
// and embedded web servers of PLCs, HMIs and switches.
func ClassifyServerHeader(s string) []Candidate {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	l := lowerASCII(s)
	q := "Server " + strconv.Quote(s)
	if i := strings.Index(l, "microsoft-iis/"); i >= 0 {
		v := leadingVersion(s[i+len("microsoft-iis/"):], '.')
		if ps, ok := iisVersions[v]; ok {
			return []Candidate{{Family: Windows, Products: ps, Confidence: 0.8, Reason: q + ": IIS " + v + " ships with " + joinProducts(ps)}}
		}
		return []Candidate{{Family: Windows, Confidence: 0.8, Reason: q + ": IIS"}}
	}
	if i := strings.Index(l, "microsoft-wince/"); i >= 0 {
		v := leadingVersion(s[i+len("microsoft-wince/"):], '.')
		var ps []Product
		if major, _, ok := strings.Cut(v, "."); ok && major != "" {
			ps = []Product{{Name: "Windows CE", Version: major + ".0"}}
		}
		return []Candidate{{Family: WindowsCE, Products: ps, Confidence: 0.85, Reason: q + ": Windows CE web server"}}
	}
	if c := classifyUPnPOS(s, q); c != nil {
		return c
	}
	for _, t := range serverTokens {
		if !strings.Contains(l, t.token) {
			continue
		}
		var ps []Product
		if t.prod != "" {
			p := Product{Name: t.prod}
			if t.prod == "Ubuntu" {
				if i := strings.Index(l, "apache/"); i >= 0 {
					p.Version = ubuntuApache[leadingVersion(s[i+len("apache/"):], '.')]
				}
			}
			ps = []Product{p}
		}
		return []Candidate{{Family: t.family, Products: ps, Confidence: t.conf, Reason: q + ": " + t.what}}
	}
	return nil
}

// classifyUPnPOS reads the OS part of a UPnP SERVER or USER-AGENT header,
// "OS/version UPnP/1.x product/version" (UPnP Device Architecture 1.1,
// 1.1.2 and 1.3.2), e.g. "Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8",
// "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0",
// "POSIX UPnP/1.0 UPnP Stack/7.14.131.47". It returns nil when s is not of
// that form.
func classifyUPnPOS(s, q string) []Candidate {
	l := lowerASCII(s)
	i := strings.Index(l, "upnp/")
	if i <= 0 {
		return nil
	}
	osPart := strings.TrimRight(strings.TrimSpace(s[:i]), ", ")
	lo := lowerASCII(osPart)
	name, ver, _ := strings.Cut(osPart, "/")
	lname := lowerASCII(name)
	switch {
	case strings.HasPrefix(lname, "microsoft-windows") || strings.HasPrefix(lname, "windows"):
		return windowsVersionToken(ver, q)
	case lname == "linux" || strings.HasPrefix(lname, "linux"):
		var ps []Product
		if k := kernelSeries(ver); k != "" {
			ps = []Product{{Kernel: k}}
		}
		return []Candidate{{Family: Linux, Products: ps, Confidence: 0.7, Reason: q + ": UPnP OS token " + strconv.Quote(osPart)}}
	case lname == "android":
		return []Candidate{{Family: Android, Confidence: 0.7, Reason: q}}
	case strings.HasPrefix(lname, "darwin") || strings.HasPrefix(lname, "mac os"):
		return []Candidate{{Family: MacOS, Confidence: 0.6, Reason: q}}
	case strings.Contains(lo, "freebsd") || strings.Contains(lo, "netbsd") || strings.Contains(lo, "openbsd"):
		return []Candidate{{Family: BSD, Confidence: 0.6, Reason: q}}
	case strings.Contains(lo, "vxworks"):
		return []Candidate{{Family: VxWorks, Confidence: 0.7, Reason: q}}
	case strings.Contains(lo, "qnx"):
		return []Candidate{{Family: QNX, Confidence: 0.7, Reason: q}}
	case lname == "posix" || lname == "unix":
		return []Candidate{{Family: Unix, Confidence: 0.4, Reason: q + ": POSIX UPnP stack"}}
	}
	return nil
}

// leadingVersion returns the run of digits and sep characters at the start
// of s, without a trailing separator: "10_6_8) App…" → "10_6_8".
func leadingVersion(s string, sep byte) string {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == sep) {
		i++
	}
	return strings.TrimRight(s[:i], string(sep))
}

// majorOf returns the first component of a dotted version.
func majorOf(v string) string {
	m, _, _ := strings.Cut(v, ".")
	return m
}

// macOSRelease returns the release of a macOS version: "10.6" for
// "10.6.8", "14" for "14.2".
func macOSRelease(v string) string {
	parts := strings.Split(v, ".")
	if parts[0] == "10" && len(parts) > 1 {
		return "10." + parts[1]
	}
	return parts[0]
}

package osguess

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// summary is the part of an Estimate the combination tests compare.
type summary struct {
	family    Family
	name      string
	version   string
	conf      float64
	roles     string // each evidence item's role, in sorted evidence order
	conflicts int
}

func summarize(e Estimate) summary {
	roles := make([]string, len(e.Evidence))
	for i, c := range e.Evidence {
		roles[i] = c.Role
	}
	return summary{e.Family, e.Name, e.Version, e.Confidence, strings.Join(roles, ","), len(e.Conflicts)}
}

func TestCombine(t *testing.T) {
	for _, tc := range []struct {
		name string
		ev   []Evidence
		want summary
	}{
		{"nothing", nil, summary{}},
		{"nothing useful", []Evidence{{Source: SourceHTTPUserAgent, Raw: "curl/7.68.0"}},
			summary{roles: RoleNone}},
		// One build shared by client and server: both stay.
		{"shared build", []Evidence{{Source: SourceNTLM, Raw: "10.0.17763"}},
			summary{Windows, "Windows 10 1809 / Server 2019", "", 0.95, RoleProduct, 0}},
		// The Server 2008 host of modbus/mb2.pcap: browser, SMB and NTLM
		// agree; noisy-OR 1-(0.15·0.05·0.1) and the intersection keeps
		// the SMB edition.
		{"mb2 Server 2008", []Evidence{
			{Source: SourceSMB, Raw: "Windows Server (R) 2008 Standard 6002 Service Pack 2|Windows Server (R) 2008 Standard 6.0"},
			{Source: SourceNTLM, Raw: "6.0.6002"},
			{Source: SourceCIFSBrowser, Raw: "6.0|0x00039003"},
		}, summary{Windows, "Windows Server 2008 SP2 Standard", "SP2", 0.999, "family and product,family and product,family and product", 0}},
		// The Windows 7 laptop of profinet_io_cm_mixed_1.pcap: DHCP and
		// DHCPv6 allow Vista/7/2008/2008 R2, the browser says 7.
		{"profinet Windows 7 laptop", []Evidence{
			{Source: SourceDHCP, Raw: "1,15,3,6,44,46,47,31,33,121,249,43|MSFT 5.0"},
			{Source: SourceDHCPv6, Raw: "311|MSFT 5.0|24,23,17,39"},
			{Source: SourceCIFSBrowser, Raw: "6.1|0x00051007"},
		}, summary{Windows, "Windows 7", "", 0.993, "family and product,family and product,family and product", 0}},
		// A contradiction at family level: NTLM (0.95) against a p0f Linux
		// match (0.6): 0.95 × (1 − 0.6/2).
		{"family conflict", []Evidence{
			{Source: SourceNTLM, Raw: "10.0.17763"},
			{Source: SourceTCPSYN, Raw: TCPRaw("s:unix:Linux:2.6.x", false, false, 0.6)},
		}, summary{Windows, "Windows 10 1809 / Server 2019", "", 0.665, "family and product,conflict", 1}},
		// A contradiction at product level: the p0f XP label against the
		// NTLM 10.0 build: family kept, confidence × (1 − 0.6/4).
		{"product conflict", []Evidence{
			{Source: SourceNTLM, Raw: "10.0.20348"},
			{Source: SourceTCPSYN, Raw: TCPRaw("s:win:Windows:XP", false, false, 0.6)},
		}, summary{Windows, "Windows Server 2022", "20348", 0.833, "family and product,conflict", 1}},
		// Android refines Linux; the kernel from SSDP joins the product.
		{"android with kernel", []Evidence{
			{Source: SourceSSDPServer, Raw: "Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8"},
			{Source: SourceDHCP, Raw: "1,3,6,15,26,28,51,58,59,43|android-dhcp-9"},
		}, summary{Android, "Android 9 (kernel 4.14)", "9", 0.97, "family and product,family and product", 0}},
		// Unix-like (Samba) supports Linux and BSD; Linux wins, BSD is the
		// rival: S(Linux) = 1-(0.3·0.65·0.3) = 0.9415, S(BSD) =
		// 1-(0.3·0.4) = 0.88, and 0.9415 × (1 − 0.88/2) = 0.527.
		{"linux against bsd", []Evidence{
			{Source: SourceSMB, Raw: "Unix|Samba 4.9.5"},
			{Source: SourceHTTPServer, Raw: "Boa/0.94"},
			{Source: SourceDHCP, Raw: "1,28,2,3,15,6,119,12,44,47,26,121,42|"},
			{Source: SourceHTTPUserAgent, Raw: "Wget/1.20 (freebsd12.1)"},
		}, summary{Linux, "Linux", "", 0.527, "family,family,conflict,family", 1}},
		// Two values of one source count once (the stronger).
		{"repeat", []Evidence{
			{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Windows NT 6.1; WOW64)"},
			{Source: SourceHTTPUserAgent, Raw: "Google Chrome/63.0.3239.84 Windows"},
		}, summary{Windows, "Windows 7 / Server 2008 R2", "", 0.7, "repeat,family and product", 0}},
		// Cisco switch of the CL5000EIP captures.
		{"cisco", []Evidence{{Source: SourceCDP, Raw: "Cisco IOS Software, CE500 Software (CE500-LANBASE-M), Version 12.2(25)SEG4, RELEASE SOFTWARE (fc1)"}},
			summary{NetworkOS, "Cisco IOS 12.2(25)SEG4", "12.2(25)SEG4", 0.9, RoleProduct, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Combine(tc.ev)
			if s := summarize(got); s != tc.want {
				t.Errorf("Combine:\n got %+v\nwant %+v\nconflicts %q", s, tc.want, got.Conflicts)
			}
		})
	}
}

// The answer must not depend on the order of the evidence.
func TestCombineOrderIndependent(t *testing.T) {
	ev := []Evidence{
		{Source: SourceDHCP, Raw: "1,15,3,6,44,46,47,31,33,121,249,43|MSFT 5.0", Count: 16},
		{Source: SourceDHCPv6, Raw: "311|MSFT 5.0|24,23,17,39", Count: 14},
		{Source: SourceCIFSBrowser, Raw: "6.1|0x00051007"},
		{Source: SourceTCPSYN, Raw: TCPRaw("s:win:Windows:7 or 8", false, false, 0.7)},
		{Source: SourceTCPSYNACK, Raw: TCPRaw("s:unix:Linux:3.11 and newer", false, true, 0.6)},
		{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Windows NT 6.1; WOW64)", Seen: time.Unix(1700000000, 0)},
		{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Windows NT 6.1; WOW64)", Seen: time.Unix(1700000001, 0)},
		{Source: SourceSMB, Raw: "Windows 7 Professional 7601 Service Pack 1|Windows 7 Professional 6.1"},
		{Source: SourceNTLM, Raw: "6.1.7601"},
	}
	want := Combine(ev)
	if want.Name != "Windows 7 SP1 Professional" {
		t.Fatalf("Name = %q, want Windows 7 SP1 Professional", want.Name)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		shuffled := slices.Clone(ev)
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := Combine(shuffled); !reflect.DeepEqual(got, want) {
			t.Fatalf("order changed the answer:\n got %+v\nwant %+v", got, want)
		}
	}
}

func TestCompatible(t *testing.T) {
	for _, tc := range []struct {
		a, b Family
		want bool
	}{
		{Linux, Android, true}, {Android, Unix, true}, {Linux, BSD, false},
		{Windows, Linux, false}, {Embedded, VxWorks, true}, {VxWorks, QNX, false},
	} {
		if got := Compatible(tc.a, tc.b); got != tc.want {
			t.Errorf("Compatible(%s, %s) = %v", tc.a, tc.b, got)
		}
	}
}

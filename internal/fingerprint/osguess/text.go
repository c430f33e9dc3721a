package osguess

import (
	"regexp"
	"strconv"
	"strings"
)

// textRule recognises an OS in free text: an LLDP system description, a
// CDP software version, an asset's product and firmware. Rules are tried
// in order; the first whose every word appears wins. Sources: the vendors'
// own banners (Cisco "Cisco IOS Software", "IOS (tm)", "Cisco IOS XE
// Software", "Cisco Nexus Operating System (NX-OS) Software"; Juniper
// "JUNOS"; Siemens "SIMATIC NET, SCALANCE …, FW: V4.02"; Hirschmann
// "Hirschmann … HiOS"; Moxa "MOXA …"), as in the shared captures
// (it/cdp-v1.pcap, attacks/CL5000EIP-*.pcap, modbus/mb2.pcap,
// profinet/*.pcap).
type textRule struct {
	words   []string // lower case, all must occur
	family  Family
	product string
	version *regexp.Regexp // first group is the version, if any
	conf    float64
}

var (
	ciscoVersion = regexp.MustCompile(`(?i)version ([0-9][0-9A-Za-z.()]*)`)
	junosVersion = regexp.MustCompile(`(?i)junos ([0-9][0-9A-Za-z.\-]*)`)
	fwVersion    = regexp.MustCompile(`(?i)(?:fw|firmware)[: ]+v?([0-9][0-9.]*)`)
	linuxVersion = regexp.MustCompile(`(?i)linux[ /]([0-9]+\.[0-9]+[0-9.]*)`)
	wceVersion   = regexp.MustCompile(`(?i)windows ce[ /]?([0-9]+)`)
)

var textRules = []textRule{
	{[]string{"cisco ios xe"}, NetworkOS, "Cisco IOS XE", ciscoVersion, 0.9},
	{[]string{"ios-xe"}, NetworkOS, "Cisco IOS XE", ciscoVersion, 0.9},
	{[]string{"nx-os"}, NetworkOS, "Cisco NX-OS", ciscoVersion, 0.9},
	{[]string{"cisco ios software"}, NetworkOS, "Cisco IOS", ciscoVersion, 0.9},
	{[]string{"ios (tm)"}, NetworkOS, "Cisco IOS", ciscoVersion, 0.9},
	{[]string{"cisco internetwork operating system"}, NetworkOS, "Cisco IOS", ciscoVersion, 0.9},
	{[]string{"cisco adaptive security appliance"}, NetworkOS, "Cisco ASA", ciscoVersion, 0.9},
	{[]string{"juniper", "junos"}, NetworkOS, "Junos", junosVersion, 0.9},
	{[]string{"junos"}, NetworkOS, "Junos", junosVersion, 0.85},
	{[]string{"arubaos"}, NetworkOS, "ArubaOS", nil, 0.85},
	{[]string{"scalance"}, NetworkOS, "Siemens SCALANCE", fwVersion, 0.8},
	{[]string{"ruggedcom"}, NetworkOS, "Siemens RUGGEDCOM ROS", nil, 0.8},
	{[]string{"hirschmann"}, NetworkOS, "Hirschmann", fwVersion, 0.8},
	{[]string{"hios"}, NetworkOS, "Hirschmann HiOS", nil, 0.8},
	{[]string{"moxa"}, NetworkOS, "Moxa", fwVersion, 0.7},
	{[]string{"windows ce"}, WindowsCE, "Windows CE", wceVersion, 0.8},
	{[]string{"windows embedded compact"}, WindowsCE, "Windows Embedded Compact", nil, 0.8},
	{[]string{"vxworks"}, VxWorks, "", nil, 0.8},
	{[]string{"qnx"}, QNX, "", nil, 0.8},
	{[]string{"freebsd"}, BSD, "FreeBSD", nil, 0.8},
	{[]string{"linux"}, Linux, "", linuxVersion, 0.7},
	{[]string{"simatic"}, Embedded, "Siemens SIMATIC firmware", fwVersion, 0.5},
}

// ClassifyText classifies free text a device states about itself: an
// LLDP system description, a CDP software version, an asset's vendor,
// product and firmware.
func ClassifyText(s string) []Candidate {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	l := lowerASCII(s)
	for _, r := range textRules {
		if !containsAll(l, r.words) {
			continue
		}
		var ps []Product
		ver := ""
		if r.version != nil {
			if m := r.version.FindStringSubmatch(s); m != nil {
				ver = strings.TrimRight(m[1], ".,")
			}
		}
		switch {
		case r.family == Linux && ver != "":
			if k := kernelSeries(ver); k != "" {
				ps = []Product{{Kernel: k}}
			}
		case r.family == WindowsCE && ver != "":
			ps = []Product{{Name: r.product, Version: ver + ".0"}}
		case r.product != "":
			ps = []Product{{Name: r.product, Version: ver}}
		}
		return []Candidate{{Family: r.family, Products: ps, Confidence: r.conf, Reason: "self-description " + strconv.Quote(shorten(s, 80))}}
	}
	return nil
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// shorten cuts s to at most n bytes on a rune boundary, marking the cut.
func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !isRuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// lowerASCII lowers A–Z only, so that byte offsets in the result are
// offsets in s (strings.ToLower may change the length of invalid UTF-8).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

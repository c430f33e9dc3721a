package osguess

import (
	"math"
	"testing"
)

// Seeds are the real values of the classifier tests (read from the shared
// captures with tshark) plus a few malformed ones.
var fuzzSeeds = []string{
	"1,15,3,6,44,46,47,31,33,121,249,43|MSFT 5.0",
	"311|MSFT 5.0|24,23,17,39",
	"5.2|0x00829003",
	"Windows Server (R) 2008 Standard 6002 Service Pack 2|Windows Server (R) 2008 Standard 6.0",
	"Windows 2002 Service Pack 3 2600",
	"Unix|Samba 4.3.11",
	"10.0.14393",
	"Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 12_1 like Mac OS X)",
	"Linux/4.14.76+ UPnP/1.0 CyberLinkJava/1.8",
	"Apache/2.2.17 (Ubuntu)",
	"Microsoft-IIS/7.5",
	"Microsoft-WinCE/6.00",
	"Cisco IOS Software, CE500 Software (CE500-LANBASE-M), Version 12.2(25)SEG4",
	"Siemens, SIMATIC NET, SCALANCE X212-2, 6GK5 212-2BB00-2AA3, HW: 7, FW: V4.02",
	"s:win:Windows:7 or 8||0.8",
	"", "|", "||", "g:", "Windows ", "Windows Service Pack", "android-dhcp-", "dhcpcd-:", "Linux/", "UPnP/",
	"Mac OS X ", "iPhone OS ", "Microsoft-IIS/", "\xff\xfe", "Windows 2002 Service Pack 3 2600 Service Pack",
}

// checkCandidates fails on a candidate outside the contract: a family,
// a confidence in 0..1 and a reason.
func checkCandidates(t *testing.T, in string, cs []Candidate) {
	t.Helper()
	for _, c := range cs {
		if c.Family == "" || c.Reason == "" || math.IsNaN(c.Confidence) || c.Confidence < 0 || c.Confidence > 1 {
			t.Fatalf("%q: bad candidate %+v", in, c)
		}
	}
}

func FuzzClassifyUserAgent(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkCandidates(t, s, ClassifyUserAgent(s)) })
}

func FuzzClassifyServerHeader(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkCandidates(t, s, ClassifyServerHeader(s)) })
}

func FuzzClassifyText(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkCandidates(t, s, ClassifyText(s)) })
}

func FuzzClassifySMBNativeOS(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "Windows 2000 LAN Manager")
	}
	f.Fuzz(func(t *testing.T, os, lanman string) { checkCandidates(t, os, ClassifySMBNativeOS(os, lanman)) })
}

func FuzzClassifyDHCP(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, "MSFT 5.0", uint32(311))
	}
	f.Fuzz(func(t *testing.T, list, vc string, ent uint32) {
		checkCandidates(t, list, ClassifyDHCP(list, vc))
		checkCandidates(t, list, ClassifyDHCPv6(ent, vc, list))
	})
}

func FuzzClassifyTCP(f *testing.F) {
	f.Add("win", "Windows", "7 or 8", false, false, 0.8)
	f.Add("unix", "Linux", "2.6.x", true, true, -1.0)
	f.Fuzz(func(t *testing.T, class, name, flavor string, generic, fuzzy bool, conf float64) {
		checkCandidates(t, name, ClassifyTCP(class, name, flavor, generic, fuzzy, conf))
	})
}

// FuzzCombine feeds any value to every source, two at a time.
func FuzzCombine(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(uint8(i), s, uint8(i+3), fuzzSeeds[(i+5)%len(fuzzSeeds)])
	}
	sources := []Source{SourceTCPSYN, SourceTCPSYNACK, SourceDHCP, SourceDHCPv6, SourceCIFSBrowser, SourceSMB, SourceNTLM,
		SourceHTTPUserAgent, SourceHTTPServer, SourceSSDPServer, SourceSSDPUserAgent, SourceLLDP, SourceCDP, SourceAssetID}
	f.Fuzz(func(t *testing.T, s1 uint8, raw1 string, s2 uint8, raw2 string) {
		ev := []Evidence{
			{Source: sources[int(s1)%len(sources)], Raw: raw1},
			{Source: sources[int(s2)%len(sources)], Raw: raw2},
		}
		e := Combine(ev)
		if e.Confidence < 0 || e.Confidence > 1 || len(e.Evidence) != 2 {
			t.Fatalf("%+v: bad estimate %+v", ev, e)
		}
	})
}

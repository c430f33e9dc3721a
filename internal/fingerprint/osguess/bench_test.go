package osguess

import "testing"

// benchEvidence is a plausible engineering workstation: eight items from
// six sources.
var benchEvidence = []Evidence{
	{Source: SourceDHCP, Raw: "1,15,3,6,44,46,47,31,33,121,249,43|MSFT 5.0"},
	{Source: SourceDHCPv6, Raw: "311|MSFT 5.0|24,23,17,39"},
	{Source: SourceCIFSBrowser, Raw: "6.1|0x00051007"},
	{Source: SourceTCPSYN, Raw: "s:win:Windows:7 or 8||0.7"},
	{Source: SourceHTTPUserAgent, Raw: "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36"},
	{Source: SourceSSDPUserAgent, Raw: "Google Chrome/63.0.3239.84 Windows"},
	{Source: SourceSMB, Raw: "Windows 7 Professional 7601 Service Pack 1|Windows 7 Professional 6.1"},
	{Source: SourceNTLM, Raw: "6.1.7601"},
}

func BenchmarkCombine(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Combine(benchEvidence)
	}
}

func BenchmarkClassifyUserAgent(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		ClassifyUserAgent("Mozilla/5.0 (X11; U; Linux x86_64; en-US; rv:1.9.2.15) Gecko/20110303 Ubuntu/10.04 (lucid) Firefox/3.6.15")
	}
}

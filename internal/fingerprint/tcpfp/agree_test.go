package tcpfp

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// knownDisagreements are the raw signatures on which the sensor's matcher
// (p0f.fp first, then the built-in set) names a different OS than p0f
// does, keyed by "raw_sig|p0f label", with ours and the reason. Each is
// documented in docs/fingerprinting.md.
var knownDisagreements = map[string]struct{ ours, reason string }{
	"4:128+0:0:1460:mss*44,8:mss,nop,ws,nop,nop,sok:df,id+:0|Windows NT kernel": {
		"Windows 10/11/Server 2016+", "p0f.fp (2016) has only its generic Windows label for the 64240,8 SYN of Windows 10 1607 and later"},
	"4:128+0:0:65495:mtu*1,8:mss,nop,ws,nop,nop,sok:df,id+:0|Windows NT kernel 5.x": {
		"Windows 10/11/Server 2016+", "loopback SYN (MSS 65495, window 65535, scale 8) of a modern Windows; p0f's generic NT 5.x label only matches because the window equals the MTU"},
	"4:128+0:0:1460:mss*44,0:mss,nop,nop,sok:df,id+:0|Windows NT kernel": {
		"Windows 2000/XP/2003", "the 64240-byte unscaled window is the NT 5 Ethernet default; p0f.fp has only a generic label for it"},
	"4:64+0:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0|Linux 2.2.x-3.x": {
		"Linux 4.19 and newer", "the 64240,7 SYN window is Linux 4.19+; p0f.fp's generic Linux 2.2-3.x label predates it"},
	"4:46+18:0:1460:mss*44,7:mss,sok,ts,nop,ws:df,id+:0|Linux 2.2.x-3.x": {
		"Linux 4.19 and newer", "as above, 18 hops away"},
	"4:64+0:0:1460:8192,0:mss:df,id+:0|Windows 7 or 8": {
		"VxWorks or similar embedded RTOS", "p0f only reaches Windows through a fuzzy TTL match (64 observed, Windows sends 128); these are PLC/IED SYN+ACKs on ports 102 and 502"},
	"4:64+0:0:1460:8192,0:mss::0|Windows 7 or 8": {
		"VxWorks or similar embedded RTOS", "as above, and p0f also had to ignore the missing DF flag"},
}

// TestSensorAgreementWithP0F: with p0f.fp loaded as the sensor loads it
// (before the built-in set), our label equals p0f's wherever p0f names an
// OS, except for the listed signatures.
func TestSensorAgreementWithP0F(t *testing.T) {
	p0f := loadP0F(t)
	m := NewMatcher(p0f, Builtin())
	golden, sigs := matchGolden(t)
	named, agree, family := 0, 0, 0
	seen := map[string]int{}
	for i, g := range golden {
		if g.kind != "os" {
			continue
		}
		named++
		ours := "???"
		l := m.Match(&sigs[i]).Label()
		if l != nil {
			ours = l.String()
		}
		if ours == g.label {
			agree++
			family++
			continue
		}
		// p0f's own label for this packet, to compare OS names (families).
		if pl := p0f.Match(&sigs[i]).Label(); l != nil && pl != nil && pl.Name == l.Name {
			family++
		}
		k := g.rawSig + "|" + g.label
		seen[k]++
		if d, ok := knownDisagreements[k]; !ok || d.ours != ours {
			t.Errorf("%s %s %s: p0f %q, ours %q (not a known disagreement)", g.path, g.mod, g.rawSig, g.label, ours)
		}
	}
	for k := range knownDisagreements {
		if seen[k] == 0 {
			t.Errorf("known disagreement %q no longer occurs", k)
		}
	}
	var lines []string
	for k, n := range seen {
		lines = append(lines, fmt.Sprintf("%3d  %s", n, k))
	}
	sort.Strings(lines)
	t.Logf("p0f names an OS for %d packets; same label on %d (%.1f%%), same OS name on %d (%.1f%%); differing labels:\n%s",
		named, agree, 100*float64(agree)/float64(named), family, 100*float64(family)/float64(named), strings.Join(lines, "\n"))
	if named != 268 || agree != 200 || family != 264 {
		t.Errorf("named %d, same label %d, same OS name %d; want 268, 200, 264", named, agree, family)
	}
}

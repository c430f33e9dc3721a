package osguess

import (
	"strconv"
	"strings"
)

// p0fNames maps the OS name of a p0f label to a family. Source: the labels
// of p0f 3's p0f.fp ("s:win:Windows:…", "s:unix:Linux:…", "s:unix:Mac OS
// X:…", "s:unix:FreeBSD:…", …) and the project's tcpfp signature set,
// which uses the same names.
var p0fNames = []struct {
	name   string // lower case
	family Family
}{
	{"windows", Windows},
	{"linux", Linux},
	{"android", Android},
	{"mac os x", MacOS},
	{"macos", MacOS},
	{"ios", IOS},
	{"freebsd", BSD},
	{"openbsd", BSD},
	{"netbsd", BSD},
	{"solaris", Solaris},
	{"vxworks", VxWorks},
	{"qnx", QNX},
	{"cisco ios", NetworkOS},
}

// p0fWindowsFlavors maps the flavor of a p0f Windows label to the products
// it allows. Flavors that cover every NT 6+ release ("7 or 8", "NT kernel
// 6.x": Windows 10 and 11 send the same SYN) name no product.
var p0fWindowsFlavors = map[string][]Product{
	"xp":            {{Name: WinXP}, {Name: WinServer03}},
	"2000":          {{Name: Win2000}},
	"2000 sp4":      {{Name: Win2000}},
	"nt kernel 5.x": {{Name: Win2000}, {Name: WinXP}, {Name: WinServer03}},
	"nt 4.0":        {{Name: WinNT4}},
	"95":            {{Name: Win9x}},
	"98":            {{Name: Win9x}},
}

// ClassifyTCP classifies a passive TCP fingerprint match (SYN or SYN+ACK):
// the p0f label's class, OS name and flavor, whether the label is generic
// ("g:"), whether the match was fuzzy, and the matcher's confidence (0 for
// none given). A stack fingerprint tells the family well and the version
// poorly, and a NAT or proxy can put another stack in front of the
// device, so its confidence is capped at 0.7; generic labels and fuzzy
// matches count for less.
func ClassifyTCP(class, name, flavor string, generic, fuzzy bool, conf float64) []Candidate {
	lname := lowerASCII(strings.TrimSpace(name))
	lflavor := lowerASCII(strings.TrimSpace(flavor))
	if class == "!" || lname == "" || lname == "???" {
		return nil // an application or unknown label
	}
	fam := Family("")
	for _, n := range p0fNames {
		if lname == n.name {
			fam = n.family
			break
		}
	}
	if fam == "" {
		return nil
	}
	if fam == Linux && strings.Contains(lflavor, "android") {
		fam = Android
	}
	if fam == MacOS && strings.Contains(lflavor, "iphone") {
		fam = Unix // "10.9 or newer (sometimes iPhone or iPad)"
	}
	c := conf
	if c <= 0 || c > 1 {
		c = 0.6
	}
	c = min(c, 0.7)
	if generic {
		c *= 0.7
	}
	if fuzzy {
		c *= 0.7
	}
	var ps []Product
	switch fam {
	case Windows:
		ps = p0fWindowsFlavors[lflavor]
	case Linux:
		// "2.6.x", "2.4.x", "2.2.x": one kernel series; ranges name none.
		if k, ok := strings.CutSuffix(lflavor, ".x"); ok && strings.Count(k, ".") == 1 && !strings.ContainsAny(k, "- ") {
			ps = []Product{{Kernel: k}}
		}
	}
	label := class + ":" + name + ":" + flavor
	reason := "TCP fingerprint " + strconv.Quote(label)
	if generic {
		reason += " (generic)"
	}
	if fuzzy {
		reason += " (fuzzy)"
	}
	return []Candidate{{Family: fam, Products: ps, Confidence: round3(c), Reason: reason}}
}

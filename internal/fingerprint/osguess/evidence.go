package osguess

import (
	"strconv"
	"strings"
	"time"
)

// Source names the kind of observation an Evidence item comes from.
type Source string

// The sources the classifiers understand. The form of Evidence.Raw for each
// is given beside it; fields are separated by '|'.
const (
	SourceTCPSYN        Source = "tcp_syn"      // "class:name:flavor|flags|conf" (see TCPRaw)
	SourceTCPSYNACK     Source = "tcp_synack"   // as SourceTCPSYN
	SourceDHCP          Source = "dhcp"         // "param list|vendor class"
	SourceDHCPv6        Source = "dhcpv6"       // "enterprise|vendor class|option request list"
	SourceCIFSBrowser   Source = "cifs_browser" // "major.minor|0xSERVERTYPE"
	SourceSMB           Source = "smb"          // "native OS|native LAN manager"
	SourceNTLM          Source = "ntlm"         // "major.minor.build"
	SourceHTTPUserAgent Source = "http_ua"      // the User-Agent header
	SourceHTTPServer    Source = "http_server"  // the Server header
	SourceSSDPServer    Source = "ssdp_server"  // the SERVER header
	SourceSSDPUserAgent Source = "ssdp_ua"      // the USER-AGENT header
	SourceLLDP          Source = "lldp"         // the system description
	SourceCDP           Source = "cdp"          // the software version
	SourceAssetID       Source = "asset_id"     // vendor, product and firmware, space-separated
)

// Evidence is one distinct observation about a device.
type Evidence struct {
	Source Source    `json:"source"`
	Raw    string    `json:"raw"`             // the observed value, in the form its Source documents
	Seen   time.Time `json:"seen,omitzero"`   // last seen
	Count  uint64    `json:"count,omitempty"` // times seen
}

// Family is an operating system family. Families form a small tree (see
// Parent): a candidate for a family also supports its ancestors and
// descendants.
type Family string

// The families the classifiers produce.
const (
	Windows   Family = "Windows"
	WindowsCE Family = "Windows CE/Embedded Compact"
	Unix      Family = "Unix-like"
	Linux     Family = "Linux"
	Android   Family = "Android"
	MacOS     Family = "macOS"
	IOS       Family = "iOS"
	BSD       Family = "BSD"
	Solaris   Family = "Solaris"
	Embedded  Family = "Embedded"
	VxWorks   Family = "VxWorks"
	QNX       Family = "QNX"
	NetworkOS Family = "Network OS"
)

// parents is the family tree: Unix-like is the root of the Unix
// descendants, Embedded of the real-time systems.
var parents = map[Family]Family{
	Linux:   Unix,
	Android: Linux,
	MacOS:   Unix,
	IOS:     Unix,
	BSD:     Unix,
	Solaris: Unix,
	VxWorks: Embedded,
	QNX:     Embedded,
}

// Parent returns f's parent family, or "" for a root.
func Parent(f Family) Family { return parents[f] }

// depth is how many ancestors f has.
func depth(f Family) int {
	n := 0
	for p := parents[f]; p != ""; p = parents[p] {
		n++
	}
	return n
}

// isAncestor reports whether a is b or one of b's ancestors.
func isAncestor(a, b Family) bool {
	for f := b; f != ""; f = parents[f] {
		if f == a {
			return true
		}
	}
	return false
}

// Compatible reports whether a and b can both describe one device: they
// are equal or one descends from the other.
func Compatible(a, b Family) bool { return isAncestor(a, b) || isAncestor(b, a) }

// Product is one concrete operating system a candidate allows. An empty
// field means "any": Product{Name: "Windows 10"} is every release and
// edition of Windows 10.
type Product struct {
	Name    string `json:"name,omitempty"`    // "Windows 10", "Windows Server 2019", "Ubuntu", "Cisco IOS"
	Version string `json:"version,omitempty"` // "1809", "22.04", "12.2(25)SEG4"
	Edition string `json:"edition,omitempty"` // "Standard", "Enterprise LTSC", …
	Kernel  string `json:"kernel,omitempty"`  // Linux kernel series "4.14", or NT build "17763"
}

// String returns the product as a person reads it. A Windows build is
// left out: the release names it already.
func (p Product) String() string {
	parts := make([]string, 0, 4)
	for _, f := range []string{p.Name, p.Version, p.Edition} {
		if f != "" {
			parts = append(parts, f)
		}
	}
	switch {
	case p.Kernel == "" || strings.HasPrefix(p.Name, "Windows"):
	case p.Name == "":
		parts = append(parts, "kernel "+p.Kernel)
	default:
		parts = append(parts, "(kernel "+p.Kernel+")")
	}
	return strings.Join(parts, " ")
}

// agree reports whether p and q can be the same system, and if so returns
// the product with the more precise field of each.
func agree(p, q Product) (Product, bool) {
	var ok bool
	var r Product
	if r.Name, ok = merge(p.Name, q.Name); !ok {
		return Product{}, false
	}
	if r.Version, ok = merge(p.Version, q.Version); !ok {
		return Product{}, false
	}
	if r.Edition, ok = merge(p.Edition, q.Edition); !ok {
		return Product{}, false
	}
	if r.Kernel, ok = mergeKernel(p.Kernel, q.Kernel); !ok {
		return Product{}, false
	}
	return r, true
}

func merge(a, b string) (string, bool) {
	switch {
	case a == "":
		return b, true
	case b == "", a == b:
		return a, true
	}
	return "", false
}

// mergeKernel lets a kernel series agree with a release of it: "4.14"
// and "4.14.76" are one kernel, "4.1" and "4.14" are not.
func mergeKernel(a, b string) (string, bool) {
	if len(a) > len(b) {
		a, b = b, a
	}
	if a == "" || a == b || strings.HasPrefix(b, a+".") {
		return b, true
	}
	return "", false
}

// Candidate is one thing an observation says the OS may be.
type Candidate struct {
	Family Family `json:"family"`
	// Products are the alternatives the observation allows; empty when it
	// tells only the family.
	Products   []Product `json:"products,omitempty"`
	Confidence float64   `json:"confidence"`
	Reason     string    `json:"reason"`
}

// Classify turns one Evidence item into candidates, parsing Raw as its
// Source documents; candidates for one family are merged (see Combine).
// An unknown source or a value that tells nothing gives none.
func Classify(e Evidence) []Candidate { return mergeSameFamily(classify(e)) }

func classify(e Evidence) []Candidate {
	f := strings.Split(e.Raw, "|")
	at := func(i int) string {
		if i < len(f) {
			return strings.TrimSpace(f[i])
		}
		return ""
	}
	switch e.Source {
	case SourceTCPSYN, SourceTCPSYNACK:
		class, name, flavor := splitP0fLabel(at(0))
		generic := strings.HasPrefix(at(0), "g:")
		flags := at(1)
		conf, _ := strconv.ParseFloat(at(2), 64)
		return ClassifyTCP(class, name, flavor, generic || strings.Contains(flags, "generic"), strings.Contains(flags, "fuzzy"), conf)
	case SourceDHCP:
		return ClassifyDHCP(at(0), at(1))
	case SourceDHCPv6:
		ent, _ := strconv.ParseUint(at(0), 10, 32)
		return ClassifyDHCPv6(uint32(ent), at(1), at(2))
	case SourceCIFSBrowser:
		major, minor, _ := splitVersion2(at(0))
		st, err := strconv.ParseUint(strings.TrimPrefix(strings.ToLower(at(1)), "0x"), 16, 32)
		if err != nil {
			st = 0
		}
		return ClassifyCIFS(major, minor, uint32(st))
	case SourceSMB:
		return ClassifySMBNativeOS(at(0), at(1))
	case SourceNTLM:
		parts := strings.SplitN(at(0), ".", 3)
		var v [3]uint64
		for i := range parts {
			n, err := strconv.ParseUint(parts[i], 10, 16)
			if err != nil || i < 2 && n > 255 {
				return nil
			}
			v[i] = n
		}
		return ClassifyNTLMVersion(uint8(v[0]), uint8(v[1]), uint16(v[2]))
	case SourceHTTPUserAgent, SourceSSDPUserAgent:
		return ClassifyUserAgent(e.Raw)
	case SourceHTTPServer, SourceSSDPServer:
		return ClassifyServerHeader(e.Raw)
	case SourceLLDP, SourceCDP, SourceAssetID:
		return ClassifyText(e.Raw)
	}
	return nil
}

// TCPRaw builds the Raw value of a tcp_syn or tcp_synack Evidence item
// from an os_fp match: the p0f label, its generic and fuzzy flags and the
// match's confidence.
func TCPRaw(label string, generic, fuzzy bool, conf float64) string {
	var flags []string
	if generic {
		flags = append(flags, "generic")
	}
	if fuzzy {
		flags = append(flags, "fuzzy")
	}
	return label + "|" + strings.Join(flags, ",") + "|" + strconv.FormatFloat(conf, 'f', -1, 64)
}

// splitP0fLabel splits "s:win:Windows:7 or 8" into its class, name and
// flavor; a label without the type prefix is accepted too.
func splitP0fLabel(l string) (class, name, flavor string) {
	if len(l) > 2 && (l[0] == 's' || l[0] == 'g') && l[1] == ':' {
		l = l[2:]
	}
	parts := strings.SplitN(l, ":", 3)
	switch len(parts) {
	case 3:
		return parts[0], parts[1], parts[2]
	case 2:
		return parts[0], parts[1], ""
	}
	return "", l, ""
}

// splitVersion2 parses "major.minor".
func splitVersion2(s string) (major, minor uint8, ok bool) {
	a, b, found := strings.Cut(s, ".")
	x, err1 := strconv.ParseUint(a, 10, 8)
	y, err2 := strconv.ParseUint(b, 10, 8)
	if !found || err1 != nil || err2 != nil {
		return 0, 0, false
	}
	return uint8(x), uint8(y), true
}

package tcpfp

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Confidence grades how far a signature's label can be trusted.
type Confidence uint8

// Confidence levels. A loaded p0f.fp file does not grade its entries; its
// specific labels count as ConfMedium and its generic ones as ConfLow.
const (
	ConfUnset  Confidence = iota
	ConfLow               // one stack among several plausible ones, or thin evidence
	ConfMedium            // consistent with documented defaults, not unique to them
	ConfHigh              // documented default of this system and seen in captures
)

var confNames = [...]string{"", "low", "medium", "high"}

// String returns low, medium, high or "".
func (c Confidence) String() string {
	if int(c) < len(confNames) {
		return confNames[c]
	}
	return ""
}

// ConfDirective is the comment that grades the label above it, e.g.
// ";@conf high". p0f reads it as a comment, so a file that uses it stays a
// valid p0f.fp.
const ConfDirective = ";@conf"

// Label is what a signature identifies.
type Label struct {
	Generic    bool   // a "g:" label: matched only when nothing specific is
	Class      string // OS class (win, unix, …); "!" for an application
	Name       string
	Flavor     string
	Confidence Confidence
	Source     string // the set's source name, e.g. otsight or p0f.fp
	Line       int
}

// IsApp reports whether the label names an application rather than an OS.
func (l *Label) IsApp() bool { return l.Class == "!" }

// String returns "name flavor", as p0f prints its os= or app= field.
func (l *Label) String() string {
	if l.Flavor == "" {
		return l.Name
	}
	return l.Name + " " + l.Flavor
}

// winType says how an entry's window is expressed.
type winType uint8

const (
	winExact winType = iota
	winAny           // *
	winMod           // %N
	winMSS           // mss*N
	winMTU           // mtu*N
)

// Entry is one "sig =" line of a signature file.
type Entry struct {
	Label   *Label
	Text    string // the signature as written
	Line    int
	ver     int8 // 4, 6, or -1 for either
	ttl     uint8
	badTTL  bool // "ttl-": the tool randomises TTLs up to ttl
	optLen  uint8
	mss     int32 // -1 for any
	wt      winType
	win     uint16
	scale   int16 // -1 for any
	opts    OptLayout
	eolPad  uint8
	quirks  Quirks
	payload int8 // -1 any, 0 none, 1 some
}

// Set is a parsed signature file: request (SYN) and response (SYN+ACK)
// entries in file order, indexed by option layout.
type Set struct {
	Source   string
	Request  []Entry
	Response []Entry
	idx      [2]map[OptLayout][]int32
}

// ParseFile reads a p0f.fp-format file from disk.
func ParseFile(path, source string) (*Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tcpfp: %w", err)
	}
	return Parse(path, data, source)
}

// section is the part of a signature file a line belongs to.
type section uint8

const (
	secNone section = iota
	secTCPReq
	secTCPResp
	secOther // [mtu], [http:*]: read for syntax only
)

// Parse reads a signature file in p0f v3 format. name labels errors
// ("name:line: …"); source names the set in matches. Sections other than
// [tcp:request] and [tcp:response] are checked for "key = value" syntax
// and otherwise ignored.
func Parse(name string, data []byte, source string) (*Set, error) {
	set := &Set{Source: source}
	var (
		sec     = secNone
		label   *Label
		classes map[string]bool
		lineNo  int
	)
	fail := func(format string, a ...any) error {
		return fmt.Errorf("tcpfp: %s:%d: %s", name, lineNo, fmt.Sprintf(format, a...))
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, ConfDirective); ok {
			if sec != secTCPReq && sec != secTCPResp || label == nil {
				return nil, fail("%s outside a tcp label", ConfDirective)
			}
			c, err := parseConf(strings.TrimSpace(rest))
			if err != nil {
				return nil, fail("%v", err)
			}
			label.Confidence = c
			continue
		}
		if line == "" || line[0] == '#' || line[0] == ';' {
			continue
		}
		if line[0] == '[' {
			if line[len(line)-1] != ']' {
				return nil, fail("malformed section header %q", line)
			}
			switch line[1 : len(line)-1] {
			case "tcp:request":
				sec = secTCPReq
			case "tcp:response":
				sec = secTCPResp
			case "mtu", "http:request", "http:response":
				sec = secOther
			default:
				return nil, fail("unknown section %q", line)
			}
			label = nil
			continue
		}
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fail("want \"key = value\", got %q", line)
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch {
		case key == "classes" && sec == secNone:
			classes = map[string]bool{}
			for _, c := range strings.Split(val, ",") {
				classes[strings.TrimSpace(c)] = true
			}
		case sec == secNone:
			return nil, fail("%q before the first section", key)
		case sec == secOther:
			// [mtu] and [http:*] entries are not used here.
		case key == "label":
			l, err := parseLabel(val, classes)
			if err != nil {
				return nil, fail("%v", err)
			}
			l.Source, l.Line = source, lineNo
			if l.Generic {
				l.Confidence = ConfLow
			} else {
				l.Confidence = ConfMedium
			}
			label = l
		case key == "sys":
			if label == nil {
				return nil, fail("sys without a label")
			}
		case key == "sig":
			if label == nil {
				return nil, fail("sig without a label")
			}
			e, err := parseSig(val)
			if err != nil {
				return nil, fail("%v", err)
			}
			e.Label, e.Line = label, lineNo
			if sec == secTCPReq {
				set.Request = append(set.Request, e)
			} else {
				set.Response = append(set.Response, e)
			}
		default:
			return nil, fail("unknown key %q in a tcp section", key)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("tcpfp: %s: %w", name, err)
	}
	set.index()
	return set, nil
}

func (s *Set) index() {
	for d, list := range [2][]Entry{s.Request, s.Response} {
		m := make(map[OptLayout][]int32)
		for i := range list {
			m[list[i].opts] = append(m[list[i].opts], int32(i))
		}
		s.idx[d] = m
	}
}

func parseConf(s string) (Confidence, error) {
	for c, n := range confNames {
		if n != "" && n == s {
			return Confidence(c), nil
		}
	}
	return 0, fmt.Errorf("confidence %q: want low, medium or high", s)
}

// parseLabel reads "type:class:name:flavor".
func parseLabel(v string, classes map[string]bool) (*Label, error) {
	parts := strings.SplitN(v, ":", 4)
	if len(parts) < 3 {
		return nil, fmt.Errorf("label %q: want type:class:name[:flavor]", v)
	}
	l := &Label{Class: parts[1], Name: parts[2]}
	if len(parts) == 4 {
		l.Flavor = parts[3]
	}
	switch parts[0] {
	case "s":
	case "g":
		l.Generic = true
	default:
		return nil, fmt.Errorf("label %q: type must be s or g", v)
	}
	if l.Class == "" || l.Name == "" {
		return nil, fmt.Errorf("label %q: empty class or name", v)
	}
	if l.Class != "!" && classes != nil && !classes[l.Class] {
		return nil, fmt.Errorf("label %q: class %q not declared in classes", v, l.Class)
	}
	return l, nil
}

// parseSig reads "ver:ittl:olen:mss:wsize,scale:olayout:quirks:pclass".
func parseSig(v string) (Entry, error) {
	var e Entry
	e.Text = v
	f := strings.Split(v, ":")
	if len(f) != 8 {
		return e, fmt.Errorf("signature %q: want 8 colon-separated fields, got %d", v, len(f))
	}
	switch f[0] {
	case "4":
		e.ver = 4
	case "6":
		e.ver = 6
	case "*":
		e.ver = -1
	default:
		return e, fmt.Errorf("signature %q: IP version %q", v, f[0])
	}
	if err := e.parseTTL(f[1]); err != nil {
		return e, fmt.Errorf("signature %q: %w", v, err)
	}
	n, err := num(f[2], 0, 255)
	if err != nil {
		return e, fmt.Errorf("signature %q: IP options length: %w", v, err)
	}
	e.optLen = uint8(n)
	e.mss = -1
	if f[3] != "*" {
		n, err := num(f[3], 0, 65535)
		if err != nil {
			return e, fmt.Errorf("signature %q: mss: %w", v, err)
		}
		e.mss = int32(n)
	}
	if err := e.parseWindow(f[4]); err != nil {
		return e, fmt.Errorf("signature %q: %w", v, err)
	}
	if err := e.parseLayout(f[5]); err != nil {
		return e, fmt.Errorf("signature %q: %w", v, err)
	}
	if err := e.parseQuirks(f[6]); err != nil {
		return e, fmt.Errorf("signature %q: %w", v, err)
	}
	switch f[7] {
	case "*":
		e.payload = -1
	case "0":
		e.payload = 0
	case "+":
		e.payload = 1
	default:
		return e, fmt.Errorf("signature %q: payload class %q", v, f[7])
	}
	return e, nil
}

// num parses a decimal in [lo, hi].
func num(s string, lo, hi int) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || s == "" || s[0] == '+' || s[0] == '-' {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if n < lo || n > hi {
		return 0, fmt.Errorf("%d outside %d..%d", n, lo, hi)
	}
	return n, nil
}

// parseTTL reads "64", "54+10" (observed + distance) or "64-" (random TTLs
// up to 64).
func (e *Entry) parseTTL(s string) error {
	if t, ok := strings.CutSuffix(s, "-"); ok {
		n, err := num(t, 1, 255)
		if err != nil {
			return fmt.Errorf("ttl: %w", err)
		}
		e.ttl, e.badTTL = uint8(n), true
		return nil
	}
	base, add, hasAdd := strings.Cut(s, "+")
	n, err := num(base, 1, 255)
	if err != nil {
		return fmt.Errorf("ttl: %w", err)
	}
	if hasAdd {
		a, err := num(add, 0, 255-n)
		if err != nil {
			return fmt.Errorf("ttl distance: %w", err)
		}
		n += a
	}
	e.ttl = uint8(n)
	return nil
}

// parseWindow reads "wsize,scale".
func (e *Entry) parseWindow(s string) error {
	ws, sc, ok := strings.Cut(s, ",")
	if !ok {
		return fmt.Errorf("window %q: want wsize,scale", s)
	}
	switch {
	case ws == "*":
		e.wt = winAny
	case strings.HasPrefix(ws, "%"):
		n, err := num(ws[1:], 2, 65535)
		if err != nil {
			return fmt.Errorf("window modulus: %w", err)
		}
		e.wt, e.win = winMod, uint16(n)
	case strings.HasPrefix(ws, "mss*"), strings.HasPrefix(ws, "mtu*"):
		n, err := num(ws[4:], 1, 1000)
		if err != nil {
			return fmt.Errorf("window multiplier: %w", err)
		}
		e.wt, e.win = winMSS, uint16(n)
		if ws[1] == 't' {
			e.wt = winMTU
		}
	default:
		n, err := num(ws, 0, 65535)
		if err != nil {
			return fmt.Errorf("window: %w", err)
		}
		e.wt, e.win = winExact, uint16(n)
	}
	e.scale = -1
	if sc != "*" {
		n, err := num(sc, 0, 255)
		if err != nil {
			return fmt.Errorf("window scale: %w", err)
		}
		e.scale = int16(n)
	}
	return nil
}

var optNames = map[string]uint8{"nop": optNOP, "mss": optMSS, "ws": optWS, "sok": optSACKOK, "sack": optSACK, "ts": optTS}

// parseLayout reads the comma-separated option layout.
func (e *Entry) parseLayout(s string) error {
	if s == "" {
		return nil
	}
	items := strings.Split(s, ",")
	if len(items) > MaxOpts {
		return fmt.Errorf("more than %d TCP options", MaxOpts)
	}
	for i, it := range items {
		var k uint8
		switch {
		case strings.HasPrefix(it, "eol+"):
			if i != len(items)-1 {
				return fmt.Errorf("eol must be the last option")
			}
			n, err := num(it[4:], 0, 255)
			if err != nil {
				return fmt.Errorf("eol padding: %w", err)
			}
			k, e.eolPad = optEOL, uint8(n)
		case strings.HasPrefix(it, "?"):
			n, err := num(it[1:], 0, 255)
			if err != nil {
				return fmt.Errorf("option %q: %w", it, err)
			}
			k = uint8(n)
		default:
			var ok bool
			if k, ok = optNames[it]; !ok {
				return fmt.Errorf("unknown TCP option %q", it)
			}
		}
		e.opts.Kind[i] = k
		e.opts.N++
	}
	return nil
}

// parseQuirks reads the comma-separated quirk list.
func (e *Entry) parseQuirks(s string) error {
	if s == "" {
		return nil
	}
	for _, q := range strings.Split(s, ",") {
		b, ok := quirkByName(q)
		if !ok {
			return fmt.Errorf("unknown quirk %q", q)
		}
		if e.ver == 6 && b&ipv4Only != 0 || e.ver == 4 && b&ipv6Only != 0 {
			return fmt.Errorf("quirk %q not valid for IPv%d", q, e.ver)
		}
		e.quirks |= b
	}
	return nil
}

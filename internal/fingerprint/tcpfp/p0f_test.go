package tcpfp

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otsight/otsight/internal/capture"
	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/pcaptest"
)

// p0fFile is the Debian p0f package's database, the one the golden file was
// made with.
const p0fFile = "/etc/p0f/p0f.fp"

// goldenLine is one line of testdata/p0f.golden (see scripts/p0f-compare.sh).
type goldenLine struct {
	path, time, mod, sender, receiver, rawSig, kind, label, params string
}

func readGolden(t *testing.T, name string) []goldenLine {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("golden: %v (regenerate with scripts/p0f-compare.sh)", err)
	}
	defer f.Close()
	var out []goldenLine
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 9 {
			t.Fatalf("golden line %q: %d fields", sc.Text(), len(c))
		}
		out = append(out, goldenLine{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]})
	}
	return out
}

// observation is one SYN or SYN+ACK of a capture as we see it.
type observation struct {
	sig  Signature
	used bool
}

// p0fAddr prints an address the way p0f logs it: IPv6 as 8 uncompressed
// hex groups.
func p0fAddr(a netip.Addr, port uint16) string {
	if a.Is4() {
		return fmt.Sprintf("%s/%d", a, port)
	}
	b := a.As16()
	var g []string
	for i := 0; i < 16; i += 2 {
		g = append(g, fmt.Sprintf("%x", uint16(b[i])<<8|uint16(b[i+1])))
	}
	return strings.Join(g, ":") + fmt.Sprintf("/%d", port)
}

type flowKey struct {
	a, b netip.AddrPort
}

// observe decodes a capture and returns its SYNs and SYN+ACKs keyed by
// p0f's (time, mod, sender, receiver), in capture order per key.
func observe(t testing.TB, path string) map[string][]*observation {
	src, err := capture.OpenFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	defer src.Close()
	dec := decode.NewDecoder(decode.DefaultConfig())
	synMSS := map[flowKey]uint16{}
	out := map[string][]*observation{}
	for {
		data, ci, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			break // damaged tail: p0f stops there too
		}
		p, st := dec.Decode(data, ci.Link, ci.TS, ci.WireLen)
		if st != decode.OK || !IsFingerprintable(p) {
			continue
		}
		snd := netip.AddrPortFrom(p.SrcIP, p.SrcPort)
		rcv := netip.AddrPortFrom(p.DstIP, p.DstPort)
		var mss uint16
		mod := "syn"
		if p.Flags&decode.TCPAck != 0 {
			mod = "syn+ack"
			mss = synMSS[flowKey{rcv, snd}]
		}
		s, ok := Extract(p, mss)
		if !ok {
			continue
		}
		if !s.SynAck {
			synMSS[flowKey{snd, rcv}] = s.MSS
		}
		ts := time.Unix(0, p.TS).UTC().Format("2006-01-02 15:04:05")
		k := ts + "|" + mod + "|" + p0fAddr(p.SrcIP, p.SrcPort) + "|" + p0fAddr(p.DstIP, p.DstPort)
		out[k] = append(out[k], &observation{sig: s})
	}
	return out
}

// p0fView renders a match as p0f's (kind, label, params) for comparison.
func p0fView(m Match) (kind, label string, params []string) {
	l := m.Label()
	if l == nil {
		return "none", "???", nil
	}
	kind = "os"
	if l.IsApp() {
		kind = "app"
	}
	if l.Generic {
		params = append(params, "generic")
	}
	if m.Fuzzy {
		params = append(params, "fuzzy")
	}
	if m.Entry.badTTL {
		params = append(params, "random_ttl")
	}
	return kind, l.String(), params
}

// matchGolden pairs every golden line with our observation of that packet.
func matchGolden(t *testing.T) ([]goldenLine, []Signature) { return matchGoldenFile(t, "p0f.golden") }

// matchGoldenFile is matchGolden for another golden file of the same form.
func matchGoldenFile(t *testing.T, name string) ([]goldenLine, []Signature) {
	t.Helper()
	dir := pcaptest.Dir(t)
	golden := readGolden(t, name)
	obs := map[string]map[string][]*observation{}
	sigs := make([]Signature, len(golden))
	for i, g := range golden {
		o, ok := obs[g.path]
		if !ok {
			o = observe(t, filepath.Join(dir, g.path))
			obs[g.path] = o
		}
		var found *observation
		for _, c := range o[g.time+"|"+g.mod+"|"+g.sender+"|"+g.receiver] {
			if !c.used && c.sig.String() == g.rawSig {
				found = c
				break
			}
		}
		if found == nil {
			t.Errorf("%s %s %s %s: p0f raw_sig %s, ours: %v", g.path, g.time, g.mod, g.sender, g.rawSig,
				o[g.time+"|"+g.mod+"|"+g.sender+"|"+g.receiver])
			continue
		}
		found.used = true
		sigs[i] = found.sig
	}
	return golden, sigs
}

func (o *observation) String() string { return o.sig.String() }

// TestP0FRawSignatures: for every SYN and SYN+ACK p0f printed on the shared
// captures, our signature prints identically.
func TestP0FRawSignatures(t *testing.T) {
	golden, _ := matchGolden(t)
	if len(golden) != 433 {
		t.Errorf("golden lines = %d, want 433", len(golden))
	}
}

func loadP0F(t *testing.T) *Set {
	t.Helper()
	if _, err := os.Stat(p0fFile); err != nil {
		t.Skipf("%s not installed (apt-get install p0f): the label comparison with p0f needs its database", p0fFile)
	}
	set, err := ParseFile(p0fFile, "p0f.fp")
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestP0FLabels: matched against p0f's own database alone, every packet gets
// p0f's answer: same label, same kind (os, app, none), same generic /
// fuzzy / random_ttl flags.
func TestP0FLabels(t *testing.T) {
	if n := compareLabels(t, loadP0F(t), "p0f.golden"); n != 433 {
		t.Errorf("agreement with p0f.fp alone: %d of 433", n)
	}
}

// TestP0FBuiltinLabels: p0f itself loaded with our builtin.fp
// (testdata/p0f-builtin.golden, made by scripts/p0f-compare.sh with
// P0F_FP=internal/fingerprint/tcpfp/builtin.fp) and our matcher with the
// built-in set give the same answer for every packet. p0f logs 431 packets
// here, not 433: with its own database the S7-300's SYNs match the NMap
// entry, p0f drops those flows and logs their retransmissions again, and
// two SYN+ACKs answering real NMap SYNs are not logged.
func TestP0FBuiltinLabels(t *testing.T) {
	head, err := os.ReadFile("testdata/p0f-builtin.golden")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(builtinFP)
	if want := "builtin.fp sha256 " + hex.EncodeToString(sum[:])[:16]; !strings.Contains(strings.SplitN(string(head), "\n", 2)[0], want) {
		t.Fatalf("testdata/p0f-builtin.golden was made from another builtin.fp (want %q in its first line): run scripts/p0f-compare.sh", want)
	}
	if n := compareLabels(t, Builtin(), "p0f-builtin.golden"); n != 431 {
		t.Errorf("agreement with p0f using builtin.fp: %d of 431", n)
	}
}

// compareLabels matches every packet of a golden file against set and
// counts those where kind, label and flags equal p0f's.
func compareLabels(t *testing.T, set *Set, goldenFile string) int {
	t.Helper()
	golden, sigs := matchGoldenFile(t, goldenFile)
	agree := 0
	for i, g := range golden {
		kind, label, params := p0fView(set.Match(&sigs[i]))
		want := strings.Fields(strings.ReplaceAll(g.params, "none", ""))
		var wantFlags []string
		for _, p := range want {
			if !strings.HasPrefix(p, "tos:") && p != "excess_dist" {
				wantFlags = append(wantFlags, p)
			}
		}
		if kind != g.kind || label != g.label || strings.Join(params, " ") != strings.Join(wantFlags, " ") {
			t.Errorf("%s %s %s %s: p0f %s %q [%s], ours %s %q %v", g.path, g.time, g.mod, g.rawSig, g.kind, g.label, g.params, kind, label, params)
			continue
		}
		agree++
	}
	return agree
}

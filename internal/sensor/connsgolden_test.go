package sensor_test

import (
	"bufio"
	"cmp"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

// connsGolden is testdata/conns.golden, written by scripts/golden-conns.sh
// from tshark's reading of the shared captures.
const connsGolden = "testdata/conns.golden"

// pairKey is an unordered TCP or UDP endpoint pair, endpoint a the lower one
// by the golden file's rule (see orient).
type pairKey struct {
	transport string
	addrA     string
	portA     uint16
	addrB     string
	portB     uint16
}

func (k pairKey) String() string {
	return fmt.Sprintf("%s %s:%d <-> %s:%d", k.transport, k.addrA, k.portA, k.addrB, k.portB)
}

// pairCount is the traffic of one endpoint pair each way: packets and the
// sum of their frame lengths on the wire.
type pairCount struct {
	pktsAB, bytesAB, pktsBA, bytesBA uint64
}

func (c pairCount) String() string {
	return fmt.Sprintf("a->b %d pkts %d B, b->a %d pkts %d B", c.pktsAB, c.bytesAB, c.pktsBA, c.bytesBA)
}

// orient returns the pair key of traffic from src:sp to dst:dp and whether
// that traffic goes from a to b. The rule is the golden script's: address
// strings compared byte by byte, then ports as numbers.
func orient(transport, src string, sp uint16, dst string, dp uint16) (pairKey, bool) {
	if src < dst || (src == dst && sp <= dp) {
		return pairKey{transport, src, sp, dst, dp}, true
	}
	return pairKey{transport, dst, dp, src, sp}, false
}

// fileConns is what the golden file says about one capture: every frame
// tshark read, in the classes of scripts/golden-conns.sh, and the TCP/UDP
// endpoint pairs.
type fileConns struct {
	frames    uint64 // every frame tshark read
	wireBytes uint64 // sum of frame.len
	dups      uint64 // frames left out as SPAN duplicates
	tcpUDP    uint64 // TCP or UDP right after the outermost IP header: the pairs' packets
	icmp      uint64 // ICMP or ICMPv6 right after it
	otherIP   uint64 // another protocol right after it
	ipFrag    uint64 // a fragment that does not complete its datagram
	ipCut     uint64 // nothing after the IP header
	arp       uint64 // ARP
	nonIP     uint64 // neither IP nor ARP
	linkCut   uint64 // nothing after the link header
	pairs     map[pairKey]pairCount
}

// readConnsGolden parses the golden file into per-file data keyed by the
// capture's path relative to the shared captures directory.
func readConnsGolden(t *testing.T) map[string]*fileConns {
	t.Helper()
	f, err := os.Open(connsGolden)
	if err != nil {
		t.Fatalf("%v (run scripts/golden-conns.sh)", err)
	}
	defer f.Close()
	files := map[string]*fileConns{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := parseGoldenLine(files, strings.Split(line, "\t")); err != nil {
			t.Fatalf("%s:%d: %v", connsGolden, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", connsGolden, err)
	}
	return files
}

func parseGoldenLine(files map[string]*fileConns, f []string) error {
	switch {
	case f[0] == "F" && len(f) == 13:
		fc := &fileConns{pairs: map[pairKey]pairCount{}}
		if err := parseUints(f[2:], &fc.frames, &fc.wireBytes, &fc.dups, &fc.tcpUDP, &fc.icmp, &fc.otherIP,
			&fc.ipFrag, &fc.ipCut, &fc.arp, &fc.nonIP, &fc.linkCut); err != nil {
			return err
		}
		if sum := fc.dups + fc.tcpUDP + fc.icmp + fc.otherIP + fc.ipFrag + fc.ipCut + fc.arp + fc.nonIP + fc.linkCut; sum != fc.frames {
			return fmt.Errorf("%s: classes hold %d frames of %d", f[1], sum, fc.frames)
		}
		if _, dup := files[f[1]]; dup {
			return fmt.Errorf("%s listed twice", f[1])
		}
		files[f[1]] = fc
	case f[0] == "P" && len(f) == 11:
		fc := files[f[1]]
		if fc == nil {
			return fmt.Errorf("pair of %s before its F line", f[1])
		}
		var pa, pb uint64
		var c pairCount
		if err := parseUints([]string{f[4], f[6], f[7], f[8], f[9], f[10]},
			&pa, &pb, &c.pktsAB, &c.bytesAB, &c.pktsBA, &c.bytesBA); err != nil {
			return err
		}
		if pa > 0xFFFF || pb > 0xFFFF {
			return fmt.Errorf("port out of range")
		}
		k, ab := orient(f[2], f[3], uint16(pa), f[5], uint16(pb))
		if !ab {
			return fmt.Errorf("pair %v is not oriented lower endpoint first", k)
		}
		if _, dup := fc.pairs[k]; dup {
			return fmt.Errorf("pair %v listed twice", k)
		}
		fc.pairs[k] = c
	default:
		return fmt.Errorf("unexpected line %q", strings.Join(f, "\t"))
	}
	return nil
}

func parseUints(s []string, dst ...*uint64) error {
	for i, v := range s {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return fmt.Errorf("field %d: %w", i, err)
		}
		*dst[i] = n
	}
	return nil
}

// ourPairs sums the final TCP and UDP connection records per endpoint pair,
// the way the golden file sums tshark's streams.
func ourPairs(conns []record.Conn) map[pairKey]pairCount {
	pairs := map[pairKey]pairCount{}
	for i := range conns {
		c := &conns[i]
		if c.Proto != "tcp" && c.Proto != "udp" {
			continue
		}
		k, ab := orient(c.Proto, c.OrigH.String(), c.OrigP, c.RespH.String(), c.RespP)
		pc := pairs[k]
		if ab {
			pc.pktsAB += c.OrigPkts
			pc.bytesAB += c.OrigL2Bytes
			pc.pktsBA += c.RespPkts
			pc.bytesBA += c.RespL2Bytes
		} else {
			pc.pktsAB += c.RespPkts
			pc.bytesAB += c.RespL2Bytes
			pc.pktsBA += c.OrigPkts
			pc.bytesBA += c.OrigL2Bytes
		}
		pairs[k] = pc
	}
	return pairs
}

// pairDiff is one endpoint pair on which the sensor and tshark disagree.
type pairDiff struct {
	key          pairKey
	ours, tshark pairCount
}

func (d pairDiff) String() string {
	return fmt.Sprintf("%v\n\t\tours:   %v\n\t\ttshark: %v", d.key, d.ours, d.tshark)
}

// diffPairs lists the pairs whose counts differ, pairs missing on either
// side included (as zero counts), in a stable order.
func diffPairs(ours, tshark map[pairKey]pairCount) []pairDiff {
	var diffs []pairDiff
	for k, o := range ours {
		if g := tshark[k]; o != g {
			diffs = append(diffs, pairDiff{k, o, g})
		}
	}
	for k, g := range tshark {
		if _, ok := ours[k]; !ok {
			diffs = append(diffs, pairDiff{k, pairCount{}, g})
		}
	}
	slices.SortFunc(diffs, func(x, y pairDiff) int {
		a, b := x.key, y.key
		return cmp.Or(strings.Compare(a.transport, b.transport), strings.Compare(a.addrA, b.addrA),
			cmp.Compare(a.portA, b.portA), strings.Compare(a.addrB, b.addrB), cmp.Compare(a.portB, b.portB))
	})
	return diffs
}

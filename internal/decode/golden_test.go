package decode

import (
	"bufio"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// layerColumns are the counts of testdata/layers.golden, in file order.
var layerColumns = []string{"frames", "ipv4", "ipv6", "arp", "tcp", "udp", "icmp", "icmpv6", "vlan", "frag", "badlen", "dup_all", "dup_ipa"}

// readGoldenLayers reads testdata/layers.golden (scripts/golden-decode.sh).
func readGoldenLayers(t *testing.T) map[string][]uint64 {
	t.Helper()
	f, err := os.Open("testdata/layers.golden")
	if err != nil {
		t.Fatalf("%v (run scripts/golden-decode.sh)", err)
	}
	defer f.Close()
	out := map[string][]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 1+len(layerColumns) {
			t.Fatalf("layers.golden: %d columns in %q", len(cols), line)
		}
		row := make([]uint64, len(layerColumns))
		for i, s := range cols[1:] {
			if row[i], err = strconv.ParseUint(s, 10, 64); err != nil {
				t.Fatalf("layers.golden: %q: %v", line, err)
			}
		}
		out[cols[0]] = row
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// countLayers decodes frames the way layers.golden counts them with tshark:
// duplicate detection off for the layer counts, then on (default, and with
// DedupL2) for the duplicate counts.
func countLayers(t *testing.T, frames []capFrame) []uint64 {
	t.Helper()
	cfg := DefaultConfig()
	cfg.DedupWindow = 0
	d := NewDecoder(cfg)
	lenient := NewDecoder(cfg)
	row := make([]uint64, len(layerColumns))
	inc := func(col string) { row[slices.Index(layerColumns, col)]++ }
	for _, f := range frames {
		p, st := d.Decode(f.data, f.link, f.ts, f.wire)
		inc("frames")
		if c := st.Cause(); c == CauseIPv4BadLength || c == CauseIPv6BadLength {
			// The IP length claims more than the frame had on the wire: the
			// decoder refuses the datagram, tshark dissects what was captured
			// (badlen counts these frames). Count the layers tshark sees by
			// decoding again as if the capture had been cut short.
			inc("badlen")
			p, st = lenient.Decode(f.data, f.link, f.ts, len(f.data)+maxIPLen)
		}
		switch {
		case p.L3 == L3IPv4:
			inc("ipv4")
		case p.L3 == L3IPv6:
			inc("ipv6")
		case p.L3 == L3ARP || p.EtherType == etherTypeARP:
			inc("arp")
		}
		if st == OK && (p.L3 == L3IPv4 || p.L3 == L3IPv6) {
			switch p.Proto {
			case ProtoTCP:
				inc("tcp")
			case ProtoUDP:
				inc("udp")
			case ProtoICMP:
				inc("icmp")
			case ProtoICMPv6:
				inc("icmpv6")
			}
		}
		if p.NVLAN > 0 {
			inc("vlan")
		}
		if st == FragmentHeld || p.Reassembled || strings.HasPrefix(st.Cause().String(), "frag_") {
			inc("frag")
		}
	}
	balanced(t, d.Counters())

	for _, l2 := range []bool{true, false} {
		cfg := DefaultConfig()
		cfg.DedupL2 = l2
		d := NewDecoder(cfg)
		for _, f := range frames {
			d.Decode(f.data, f.link, f.ts, f.wire)
		}
		c := d.Counters()
		balanced(t, c)
		col := "dup_ipa"
		if l2 {
			col = "dup_all"
		}
		row[slices.Index(layerColumns, col)] = c.Duplicates
	}
	return row
}

// TestLayersGolden decodes every frame of every capture and compares, file
// by file, how many frames carry each layer with tshark's count.
func TestLayersGolden(t *testing.T) {
	golden := readGoldenLayers(t)
	all := loadAll(t)
	for name := range golden {
		if _, ok := all[name]; !ok {
			t.Errorf("layers.golden lists %s, which is not among the captures: rerun scripts/golden-decode.sh", name)
		}
	}
	var total [2]uint64 // frames, frames carrying IP
	for _, name := range slices.Sorted(maps.Keys(all)) {
		want, ok := golden[name]
		if !ok {
			t.Errorf("%s is missing from layers.golden: rerun scripts/golden-decode.sh", name)
			continue
		}
		got := countLayers(t, all[name])
		for i, col := range layerColumns {
			if got[i] != want[i] {
				t.Errorf("%s: %s = %d, tshark %d", name, col, got[i], want[i])
			}
		}
		total[0] += got[0]
		total[1] += got[1] + got[2]
	}
	t.Logf("%d captures, %d frames, %d with IP", len(all), total[0], total[1])
}

// fieldRow is one frame of testdata/fields.golden: every field's values.
type fieldRow map[string][]string

// first returns the first value of a field ("" when absent).
func (r fieldRow) first(field string) string {
	if v := r[field]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// readGoldenFields reads testdata/fields.golden: per capture name, its
// frames in order.
func readGoldenFields(t *testing.T) map[string][]fieldRow {
	t.Helper()
	f, err := os.Open("testdata/fields.golden")
	if err != nil {
		t.Fatalf("%v (run scripts/golden-decode.sh)", err)
	}
	defer f.Close()
	var names []string
	out := map[string][]fieldRow{}
	file := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "# frame.number\t"):
			names = strings.Split(strings.TrimPrefix(line, "# "), "\t")
		case strings.HasPrefix(line, "## "):
			file = strings.TrimPrefix(line, "## ")
		case strings.HasPrefix(line, "#") || line == "":
		default:
			cols := strings.Split(line, "\t")
			if len(cols) != len(names) || file == "" {
				t.Fatalf("fields.golden: bad line %q", line)
			}
			row := fieldRow{}
			for i, c := range cols {
				if c != "" {
					row[names[i]] = strings.Split(c, ",")
				}
			}
			out[file] = append(out[file], row)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// number parses a tshark number (decimal or 0x-hex); it fails the test on
// anything else.
func number(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}

// TestFieldsGolden compares header fields frame by frame with tshark on
// captures chosen to cover every link type, VLAN, LLC/SNAP, IPv6 extension
// headers, ARP, ICMP, snap-length truncation and fragments.
func TestFieldsGolden(t *testing.T) {
	golden := readGoldenFields(t)
	all := loadAll(t)
	for _, name := range slices.Sorted(maps.Keys(golden)) {
		rows := golden[name]
		frames, ok := all[name]
		if !ok {
			t.Errorf("fields.golden lists %s, which is not among the captures", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			if len(rows) != len(frames) {
				t.Fatalf("%d frames, fields.golden has %d", len(frames), len(rows))
			}
			cfg := DefaultConfig()
			cfg.DedupWindow = 0
			d := NewDecoder(cfg)
			for i, f := range frames {
				p, st := d.Decode(f.data, f.link, f.ts, f.wire)
				compareFields(t, i+1, rows[i], p, st)
			}
		})
	}
}

// compareFields checks one decoded frame against tshark's fields. A layer
// tshark shows must be decoded with the same values; a layer it does not
// show must not be decoded either.
func compareFields(t *testing.T, n int, r fieldRow, p *Packet, st Status) {
	t.Helper()
	fail := func(field string, got any) {
		t.Helper()
		t.Errorf("frame %d: %s = %v, tshark %q (status %v)", n, field, got, r[field], st)
	}
	num := func(field string, got uint64) {
		t.Helper()
		if s := r.first(field); s == "" || number(t, s) != got {
			fail(field, got)
		}
	}
	str := func(field, got string) {
		t.Helper()
		if r.first(field) != got {
			fail(field, got)
		}
	}
	if eth := r.first("eth.src"); eth != "" || (p.Link == LinkEthernet && p.HasEth) {
		str("eth.src", fmtMAC(p.SrcMAC))
		str("eth.dst", fmtMAC(p.DstMAC))
	}
	// The EtherType after VLAN tags: the innermost tag's, the cooked
	// header's, the Ethernet header's, or an RFC 1042 SNAP PID's; 802.3
	// frames have none.
	wantType := r.first("eth.type")
	if v := r["vlan.etype"]; len(v) > 0 {
		wantType = v[len(v)-1]
	} else if v := r.first("sll.etype"); v != "" {
		wantType = v
	} else if r.first("llc.oui") == "0" && r.first("llc.pid") != "" {
		wantType = r.first("llc.pid")
	}
	if wantType == "" {
		wantType = "0"
	}
	if number(t, wantType) != uint64(p.EtherType) {
		fail("EtherType (eth.type, vlan.etype, sll.etype)", p.EtherType)
	}
	var vids []string
	for _, v := range p.VLANs[:min(p.NVLAN, 2)] {
		vids = append(vids, strconv.Itoa(int(v)))
	}
	if strings.Join(vids, ",") != strings.Join(r["vlan.id"], ",") {
		fail("vlan.id", vids)
	}
	if r.first("llc.dsap") != "" || p.LLC {
		num("llc.dsap", uint64(p.DSAP))
		num("llc.ssap", uint64(p.SSAP))
	}
	if r.first("llc.oui") != "" || p.SNAPOUI != 0 {
		num("llc.oui", uint64(p.SNAPOUI))
	}
	if r.first("llc.pid") != "" {
		num("llc.pid", uint64(p.SNAPPID))
	}
	if r.first("sll.pkttype") != "" || p.Link == LinkSLL {
		num("sll.pkttype", uint64(p.SLLType))
	}
	// ARP other than Ethernet/IPv4 with 6-byte MACs is left undecoded on
	// purpose (it/arp-leak.pcap has hardware length 255, which tshark reads).
	otherARP := p.L3 == L3Other && p.EtherType == etherTypeARP
	if (r.first("arp.src.proto_ipv4") != "" && !otherARP) || p.L3 == L3ARP {
		num("arp.opcode", uint64(p.ARPOp))
		str("arp.src.proto_ipv4", p.ARPSPA.String())
		str("arp.dst.proto_ipv4", p.ARPTPA.String())
	}
	if r.first("ip.src") != "" || p.L3 == L3IPv4 {
		str("ip.src", p.SrcIP.String())
		str("ip.dst", p.DstIP.String())
		num("ip.ttl", uint64(p.TTL))
		num("ip.id", uint64(p.IPID))
		num("ip.hdr_len", uint64(p.IPHdrLen))
		num("ip.proto", uint64(p.Proto))
		if !p.Reassembled { // tshark shows the last fragment's own length
			num("ip.len", uint64(p.IPLen))
		}
	}
	if r.first("ipv6.src") != "" || p.L3 == L3IPv6 {
		str("ipv6.src", p.SrcIP.String())
		str("ipv6.dst", p.DstIP.String())
		num("ipv6.hlim", uint64(p.TTL))
		num("ipv6.flow", uint64(p.FlowLabel))
		if !p.Reassembled {
			num("ipv6.plen", uint64(p.IPLen-40))
		}
	}
	isIP := st == OK && (p.L3 == L3IPv4 || p.L3 == L3IPv6)
	// Transport fields tshark shows inside an ICMP error belong to the
	// quoted datagram, which the decoder leaves in Payload.
	quoted := r.first("icmp.type") != "" || r.first("icmpv6.type") != ""
	if (r.first("tcp.srcport") != "" && !quoted) || (isIP && p.Proto == ProtoTCP) {
		num("tcp.srcport", uint64(p.SrcPort))
		num("tcp.dstport", uint64(p.DstPort))
		num("tcp.seq_raw", uint64(p.Seq))
		num("tcp.ack_raw", uint64(p.Ack))
		num("tcp.window_size_value", uint64(p.Window))
		num("tcp.hdr_len", uint64(p.TCPHdrLen))
		num("tcp.urgent_pointer", uint64(p.Urgent))
		num("tcp.len", uint64(p.IPLen-p.IPHdrLen-p.TCPHdrLen))
		// tshark's flags also hold the NS and reserved bits of byte 12.
		if s := r.first("tcp.flags"); s == "" || number(t, s)&0xFF != uint64(p.Flags) {
			fail("tcp.flags", p.Flags)
		}
	}
	if (r.first("udp.srcport") != "" && !quoted) || (isIP && p.Proto == ProtoUDP) {
		num("udp.srcport", uint64(p.SrcPort))
		num("udp.dstport", uint64(p.DstPort))
		if len(p.L3Payload) >= 8 {
			num("udp.length", uint64(p.L3Payload[4])<<8|uint64(p.L3Payload[5]))
		}
	}
	if r.first("icmp.type") != "" || (isIP && p.Proto == ProtoICMP) {
		num("icmp.type", uint64(p.ICMPType))
		num("icmp.code", uint64(p.ICMPCode))
	}
	if r.first("icmpv6.type") != "" || (isIP && p.Proto == ProtoICMPv6) {
		num("icmpv6.type", uint64(p.ICMPType))
		num("icmpv6.code", uint64(p.ICMPCode))
	}
}

func fmtMAC(m [6]byte) string {
	const hexdig = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i, x := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexdig[x>>4], hexdig[x&0xF])
	}
	return string(b)
}

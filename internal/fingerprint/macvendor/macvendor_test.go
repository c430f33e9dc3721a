package macvendor

import (
	"encoding/csv"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func mustMAC(t testing.TB, s string) [6]byte {
	t.Helper()
	var m [6]byte
	if len(s) != 17 {
		t.Fatalf("bad MAC %q", s)
	}
	for i := range m {
		var b byte
		for _, c := range []byte(s[i*3 : i*3+2]) {
			switch {
			case c >= '0' && c <= '9':
				b = b<<4 | (c - '0')
			case c >= 'a' && c <= 'f':
				b = b<<4 | (c - 'a' + 10)
			case c >= 'A' && c <= 'F':
				b = b<<4 | (c - 'A' + 10)
			default:
				t.Fatalf("bad MAC %q", s)
			}
		}
		m[i] = b
	}
	return m
}

// Source MACs taken from the shared captures (tshark -T fields -e eth.src),
// with the organization names as spelled in the IEEE oui.csv/iab.csv of
// ieee-data 20220827.1 (tshark's manuf file abbreviates them differently).
var captureMACs = []struct {
	mac, vendor, prefix string
	bits                int
}{
	{"00:1c:06:1c:69:e4", "Siemens Numerical Control Ltd., Nanjing", "00:1C:06", 24}, // profinet/profinet_io_cm.pcap
	{"00:1b:1b:01:95:2f", "Siemens AG,", "00:1B:1B", 24},                             // s7comm/wincc_s400_production.pcapng
	{"00:00:bc:5f:49:51", "Rockwell Automation", "00:00:BC", 24},                     // enip-cip/EthernetIP-CIP.pcap
	{"00:80:a3:8c:33:62", "Lantronix", "00:80:A3", 24},                               // attacks/CL5000EIP-IP_Address_Change_Attempt.pcap
	{"00:90:e8:4c:83:db", "MOXA TECHNOLOGIES CORP., LTD.", "00:90:E8", 24},           // modbus/modbus_test.pcap
	{"10:4b:46:28:0b:fa", "Mitsubishi Electric Corporation", "10:4B:46", 24},         // melsec-slmp/melsoft_129_clean.pcap
	{"00:a0:45:6d:d3:44", "PHOENIX CONTACT Electronics GmbH", "00:A0:45", 24},        // profinet/profinet_io_cm.pcap
	{"00:30:a7:1c:08:a3", "SCHWEITZER ENGINEERING", "00:30:A7", 24},                  // attacks/CL5000EIP-Remote_Mode_Change_Attempt.pcap
	{"00:02:a2:2b:54:7f", "Hilscher GmbH", "00:02:A2", 24},                           // profinet/profinet_io_cm.pcap
	{"00:30:de:06:82:5f", "WAGO Kontakttechnik GmbH", "00:30:DE", 24},                // profinet/profinet_io_cm.pcap
	{"00:01:05:0d:75:60", "Beckhoff Automation GmbH", "00:01:05", 24},                // other-ot/beckhoff_ads_addroute1.pcapng
	// 00:50:C2 is the IEEE's own OUI; the 36-bit IAB names the maker.
	{"00:50:c2:4f:94:64", "RTDS Technologies Inc.", "00:50:C2:4F:9", 36}, // dnp3/dnp3_link_only.pcap
}

func TestLookupCaptureMACs(t *testing.T) {
	for _, c := range captureMACs {
		got := Lookup(mustMAC(t, c.mac))
		want := Info{Vendor: c.vendor, Prefix: c.prefix, Bits: c.bits, Known: true}
		if got != want {
			t.Errorf("Lookup(%s) = %+v, want %+v", c.mac, got, want)
		}
	}
}

func TestLookupLongestPrefix(t *testing.T) {
	cases := []struct {
		mac  string
		want Info
	}{
		// MA-M row "MA-M,208593B,IOG Products LLC".
		{"20:85:93:b1:22:33", Info{Vendor: "IOG Products LLC", Prefix: "20:85:93:B", Bits: 28, Known: true}},
		// MA-M row "MA-M,741AE09,Private".
		{"74:1a:e0:9f:00:01", Info{Vendor: "Private", Prefix: "74:1A:E0:9", Bits: 28, Known: true}},
		// MA-S row "MA-S,70B3D5719,2M Technology".
		{"70:b3:d5:71:9a:bc", Info{Vendor: "2M Technology", Prefix: "70:B3:D5:71:9", Bits: 36, Known: true}},
		// MA-S row "MA-S,70B3D5F2F,TELEPLATFORMS" (quoted address in the CSV).
		{"70:b3:d5:f2:f0:00", Info{Vendor: "TELEPLATFORMS", Prefix: "70:B3:D5:F2:F", Bits: 36, Known: true}},
		// 70:B3:D5 blocks are all MA-S; no MA-M or MA-S row for 00:1B:1B,
		// so the MA-L entry answers.
		{"00:1b:1b:35:84:10", Info{Vendor: "Siemens AG,", Prefix: "00:1B:1B", Bits: 24, Known: true}},
		// Reassigned MA-L prefix: all three holders, in sorted order.
		{"08:00:30:00:00:01", Info{Vendor: "CERN; NETWORK RESEARCH CORPORATION; ROYAL MELBOURNE INST OF TECH", Prefix: "08:00:30", Bits: 24, Known: true}},
		// 00:55:44 (seen in the captures) is unassigned.
		{"00:55:44:33:22:11", Info{}},
	}
	for _, c := range cases {
		if got := Lookup(mustMAC(t, c.mac)); got != c.want {
			t.Errorf("Lookup(%s) = %+v, want %+v", c.mac, got, c.want)
		}
	}
}

func TestLookupLocalMulticastGroups(t *testing.T) {
	cases := []struct {
		mac  string
		want Info
	}{
		{"ff:ff:ff:ff:ff:ff", Info{Local: true, Multicast: true, Group: GroupBroadcast}},
		{"01:00:5e:00:00:fb", Info{Multicast: true, Group: GroupIPv4Multicast}},
		{"01:00:5e:80:00:01", Info{Multicast: true}}, // upper half is not IPv4
		{"33:33:00:00:00:01", Info{Local: true, Multicast: true, Group: GroupIPv6Multicast}},
		{"01:80:c2:00:00:00", Info{Multicast: true, Group: GroupSTP}},
		{"01:80:c2:00:00:02", Info{Multicast: true, Group: GroupSlowProtocols}},
		{"01:80:c2:00:00:0e", Info{Multicast: true, Group: GroupLLDP}},
		{"01:80:c2:00:00:0b", Info{Multicast: true, Group: GroupBridgeReserve}},
		{"01:80:c2:00:00:10", Info{Multicast: true}},
		{"01:00:0c:cc:cc:cc", Info{Multicast: true, Group: GroupCiscoCDP}},
		{"01:00:0c:cc:cc:cd", Info{Multicast: true, Group: GroupCiscoPVST}},
		{"01:0e:cf:00:00:00", Info{Multicast: true, Group: GroupPROFINET}},
		{"01:1b:19:00:00:00", Info{Multicast: true, Group: GroupPTP}},
		// Locally administered unicast: VirtualBox host-only style and a
		// randomized address. 02:60:8C is a legacy 3COM MA-L row, but the
		// U/L bit means no vendor assigned this address today.
		{"0a:00:27:00:00:00", Info{Local: true}},
		{"02:60:8c:12:34:56", Info{Local: true}},
		{"da:a1:19:00:00:01", Info{Local: true}},
	}
	for _, c := range cases {
		if got := Lookup(mustMAC(t, c.mac)); got != c.want {
			t.Errorf("Lookup(%s) = %+v, want %+v", c.mac, got, c.want)
		}
	}
}

// TestEmbeddedCounts pins the embedded snapshot. Regenerating the table from
// a newer ieee-data release must update these figures deliberately.
func TestEmbeddedCounts(t *testing.T) {
	tb := loadTable()
	if got, want := TableVersion(), "20220827.1"; got != want {
		t.Fatalf("TableVersion() = %q, want %q", got, want)
	}
	wantRows := map[string]int{"MA-L": 32530, "MA-M": 4390, "MA-S": 5029, "IAB": 4575}
	for reg, n := range wantRows {
		if tb.rows[reg] != n {
			t.Errorf("rows[%s] = %d, want %d", reg, tb.rows[reg], n)
		}
	}
	if len(tb.rows) != len(wantRows) {
		t.Errorf("registries = %v, want %v", tb.rows, wantRows)
	}
	// Distinct prefixes per length: MA-L has 3 reassigned rows (080030 x3,
	// 0001C8 x2); MA-S and IAB share the 36-bit level without overlap.
	wantKeys := map[int]int{24: 32527, 28: 4390, 36: 5029 + 4575}
	for _, l := range tb.levels {
		if len(l.keys) != wantKeys[l.bits] || len(l.entries) != len(l.keys) {
			t.Errorf("%d-bit prefixes = %d (entries %d), want %d", l.bits, len(l.keys), len(l.entries), wantKeys[l.bits])
		}
	}
}

// TestCountsMatchIEEEData compares the embedded table with the installed
// ieee-data CSV files, catching a stale or hand-edited vendors.tsv.gz.
func TestCountsMatchIEEEData(t *testing.T) {
	const dir = "/usr/share/ieee-data"
	files := map[string]string{"MA-L": "oui.csv", "MA-M": "mam.csv", "MA-S": "oui36.csv", "IAB": "iab.csv"}
	tb := loadTable()
	for reg, name := range files {
		f, err := os.Open(filepath.Join(dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			t.Skipf("%s not installed (apt-get install ieee-data); skipping CSV cross-check", filepath.Join(dir, name))
		}
		if err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(f).ReadAll()
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, want := tb.rows[reg], len(rows)-1; got != want {
			t.Errorf("%s: embedded %d rows, %s has %d (regenerate with go generate)", reg, got, name, want)
		}
	}
}

func TestLookupDoesNotAllocate(t *testing.T) {
	macs := [][6]byte{
		mustMAC(t, "00:1b:1b:01:95:2f"),
		mustMAC(t, "70:b3:d5:71:9a:bc"),
		mustMAC(t, "00:55:44:33:22:11"),
		mustMAC(t, "01:80:c2:00:00:0e"),
	}
	Lookup(macs[0]) // load the table outside the measurement
	for _, m := range macs {
		if n := testing.AllocsPerRun(100, func() { _ = Lookup(m) }); n != 0 {
			t.Errorf("Lookup(%x) allocates %.1f times per call", m, n)
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	macs := make([][6]byte, len(captureMACs))
	for i, c := range captureMACs {
		macs[i] = mustMAC(b, c.mac)
	}
	Lookup(macs[0])
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		_ = Lookup(macs[i%len(macs)])
	}
}

func BenchmarkLoadTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseTable(vendorsGz); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzLookup(f *testing.F) {
	for _, c := range captureMACs {
		m := mustMAC(f, c.mac)
		f.Add(m[:])
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{0x70, 0xb3, 0xd5, 0x71, 0x9a, 0xbc})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m [6]byte
		copy(m[:], b)
		info := Lookup(m)
		if info.Known != (info.Vendor != "") || info.Known != (info.Bits != 0) || info.Known != (info.Prefix != "") {
			t.Fatalf("inconsistent %+v", info)
		}
		if info.Known && (info.Local || info.Multicast) {
			t.Fatalf("vendor for non-global address %x: %+v", m, info)
		}
		if info.Group != "" && !info.Multicast {
			t.Fatalf("group for unicast %x: %+v", m, info)
		}
		if info.Local != (m[0]&2 != 0) || info.Multicast != (m[0]&1 != 0) {
			t.Fatalf("flags wrong for %x: %+v", m, info)
		}
	})
}

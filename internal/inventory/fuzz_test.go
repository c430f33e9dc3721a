package inventory

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

// Pools the fuzzer picks from: every address class, a few MACs including
// group addresses, functions of every criticality class.
var (
	fuzzAddrs = []netip.Addr{
		{}, netip.IPv4Unspecified(), addr("10.0.0.1"), addr("10.0.0.2"), addr("10.0.0.255"),
		addr("192.168.1.10"), addr("8.8.8.8"), addr("1.1.1.1"), addr("224.0.0.251"),
		addr("255.255.255.255"), addr("169.254.1.1"), addr("fe80::1"), addr("2001:db8::1"),
		addr("ff02::1"), addr("::ffff:10.0.0.1"), addr("127.0.0.1"), addr("240.0.0.1"),
	}
	fuzzMACs = []record.MAC{
		{}, {0x02, 0, 0, 0, 0, 1}, {0x02, 0, 0, 0, 0, 2}, {0x00, 0x1b, 0x1b, 1, 2, 3},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, {0x01, 0x80, 0xc2, 0, 0, 0x0e}, {0x00, 0x00, 0x0c, 9, 9, 9},
	}
	fuzzFuncs  = []string{"Read Var", "Write Var", "PLC Stop", "Download block", "Request download", "cyclicDataRX", "", "Identify"}
	fuzzProtos = []string{"s7comm", "modbus", "enip", "profinet_rt", "cclink_ie", ""}
	fuzzDirs   = []string{"request", "response", "indication", ""}
	fuzzOps    = []string{"request", "reply", "announcement", "probe", "advertisement", "unsolicited_advertisement"}
	fuzzMsgs   = []string{"DISCOVER", "OFFER", "REQUEST", "ACK", "NAK", "BOOTREPLY", "SOLICIT", "REPLY", "ADVERTISE"}
)

// fuzzRecords turns bytes into records: each record takes 8 bytes.
func fuzzRecords(data []byte) []record.Record {
	var out []record.Record
	for len(data) >= 8 {
		b := data[:8]
		data = data[8:]
		a1, a2 := fuzzAddrs[int(b[1])%len(fuzzAddrs)], fuzzAddrs[int(b[2])%len(fuzzAddrs)]
		m1, m2 := fuzzMACs[int(b[3])%len(fuzzMACs)], fuzzMACs[int(b[4])%len(fuzzMACs)]
		ts := record.Micros(b[5]) * minute / 4
		vlan := uint16(b[6] % 3)
		iface := []string{"", "eth0", "eth1"}[b[7]%3]
		s := func(pool []string) string { return pool[int(b[7]^b[6])%len(pool)] }
		switch b[0] % 14 {
		case 0:
			out = append(out, &record.Conn{TS: ts, OrigH: a1, RespH: a2, OrigMAC: m1, RespMAC: m2, RespP: uint16(b[6]) * 50,
				Proto: "tcp", ConnState: s([]string{"SF", "REJ", "S0", "OTH"}), RespPkts: uint64(b[7] % 2), VLAN: vlan, Iface: iface})
		case 1:
			out = append(out, &record.ConnInterval{TS: ts, OrigH: a1, RespH: a2, RespP: 502, Proto: "udp",
				RespBytes: uint64(b[7]), OrigIPBytes: 10, RespIPBytes: 20, VLAN: vlan})
		case 2:
			out = append(out, &record.OT{TS: ts, TSFirst: ts, TSLast: ts + 1, ReqH: a1, RespH: a2, ReqMAC: m1, RespMAC: m2,
				Transport: s([]string{"tcp", "eth"}), Protocol: s(fuzzProtos), Function: s(fuzzFuncs),
				Direction: s(fuzzDirs), Count: uint64(b[6]), VLAN: vlan, Iface: iface})
		case 3:
			out = append(out, &record.ARP{TS: ts, TSEnd: ts, OrigMAC: m1, OrigIP: a1, RespMAC: m2, RespIP: a2, Op: s(fuzzOps), VLAN: vlan, Iface: iface})
		case 4:
			out = append(out, &record.NDP{TS: ts, TSEnd: ts, OrigMAC: m1, OrigIP: a1, RespMAC: m2, RespIP: a2, Op: s(fuzzOps)})
		case 5:
			out = append(out, &record.DHCP{TS: ts, OrigH: a1, OrigP: 68, RespH: a2, RespP: 67, OrigMAC: m1, RespMAC: m2,
				MsgType: s(fuzzMsgs), MAC: m1, AssignedAddr: a2, ClientAddr: a1, HostName: "h", ParamList: "1,3"})
		case 6:
			out = append(out, &record.DHCPv6{TS: ts, OrigH: a1, OrigP: 546, RespH: a2, RespP: 547, OrigMAC: m1, RespMAC: m2,
				MsgType: s(fuzzMsgs), MAC: m2, Addrs: []netip.Addr{a1, a2}, ClientFQDN: "x.", Relayed: b[7]&1 == 1})
		case 7:
			out = append(out, &record.DNS{TS: ts, Protocol: s([]string{"dns", "mdns", "nbns"}), Query: s([]string{"a.local", "1.0.0.10.in-addr.arpa", "X<00>", "", "1.ip6.arpa"}),
				QType: []uint16{1, 12, 28, 32}[b[6]%4], Answers: []string{a1.String(), "n.local", ""}, ResponseSeen: b[7]&1 == 0, RespMAC: m2, RespH: a2})
		case 8:
			out = append(out, &record.NBNS{TS: ts, Op: "registration", Name: "N", Suffix: s([]string{"00", "20", "1d"}), Addr: a1, OrigH: a2, Group: b[7]&1 == 1})
		case 9:
			out = append(out, &record.CIFSBrowser{TS: ts, OrigH: a1, OrigMAC: m1, RespH: a2, RespMAC: m2, Command: "host_announcement", ServerName: "S", OSVersion: "6.1"})
		case 10:
			out = append(out, &record.SSDP{TS: ts, OrigH: a1, RespH: a2, OrigMAC: m1, RespMAC: m2, Sender: a1, Method: s([]string{"NOTIFY", "M-SEARCH"}), Server: "x"})
		case 11:
			out = append(out, &record.LLDP{TS: ts, SrcMAC: m1, SystemName: "sw", EnabledCaps: []string{"bridge"}, VLAN: vlan})
			out = append(out, &record.CDP{TS: ts, SrcMAC: m2, DeviceID: "r", Capabilities: []string{"router"}, Software: "a\nb"})
		case 12:
			out = append(out, &record.Eth{TS: ts, TSEnd: ts, SrcMAC: m1, DstMAC: m2, EtherType: []uint16{0, 0x8892, 0x88cc, 0x1234}[b[6]%4], DSAP: 0x42, SSAP: 0x42, Frames: 1, Bytes: 60})
		case 13:
			out = append(out, &record.AssetID{TS: ts, MAC: m1, IP: a1, Protocol: s(fuzzProtos), Name: s([]string{"route 1/0", "plc", ""}), Role: s([]string{"PLC", "I/O", "switch", "HMI", ""}), Count: 1})
			out = append(out, &record.Flow{TS: ts, TSEnd: ts, SrcH: a1, DstH: a2, SrcMAC: m1, DstMAC: m2, ProtoKey: "vrrp", Pkts: 1})
		}
	}
	return out
}

func FuzzAdd(f *testing.F) {
	f.Add([]byte{0, 2, 3, 1, 2, 1, 0, 0, 2, 2, 3, 1, 2, 1, 0, 0, 2, 2, 3, 1, 2, 1, 0, 1})
	f.Add([]byte{3, 2, 5, 1, 4, 0, 1, 1, 0, 2, 6, 1, 6, 3, 0, 0, 0, 2, 7, 1, 6, 3, 0, 0, 0, 2, 9, 1, 6, 3, 0, 0, 0, 2, 4, 1, 6, 3, 0, 0})
	f.Add([]byte{5, 0, 2, 1, 2, 4, 0, 0, 6, 11, 12, 1, 3, 4, 2, 1, 7, 3, 2, 1, 2, 4, 1, 0, 13, 2, 0, 3, 0, 9, 1, 2})
	f.Add([]byte{11, 0, 0, 3, 6, 1, 1, 1, 12, 0, 0, 4, 5, 2, 0, 0, 8, 2, 0, 0, 0, 0, 0, 0, 9, 3, 4, 1, 4, 0, 0, 1, 10, 5, 8, 2, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		recs := fuzzRecords(data)
		inv := New(Config{MaxDevicesPerSensor: 6, LocalNets: []netip.Prefix{netip.MustParsePrefix("1.1.1.0/24")}})
		half := len(recs) / 2
		inv.Add("s1", recs[:half])
		devs := inv.Devices()
		for _, d := range devs {
			if _, ok := inv.Device(d.Key); !ok {
				t.Fatalf("Device(%v) not found", d.Key)
			}
			if d.Importance < 0 || d.Importance > 100 {
				t.Fatalf("importance %d", d.Importance)
			}
		}
		inv.Add("s1", recs[half:])
		inv.Add("s2", recs)
		snap, err := inv.Snapshot()
		if err != nil {
			t.Fatal(err)
		}
		back, err := Restore(Config{}, snap)
		if err != nil {
			t.Fatal(err)
		}
		back.Add("s1", recs)
		if n := len(inv.Devices()); n > 12 {
			t.Fatalf("%d devices over two sensors limited to 6", n)
		}
	})
}

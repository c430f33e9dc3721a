package inventory

import (
	"net/netip"
	"reflect"
	"slices"
	"sync"
	"testing"

	"github.com/otsight/otsight/internal/pcaptest"
	"github.com/otsight/otsight/internal/record"
	"github.com/otsight/otsight/internal/sensor/sensortest"
)

var (
	capturesOnce sync.Once
	captures     map[string]*sensortest.Result
)

// capture returns the records the sensor pipeline makes of one shared
// capture (all captures are analysed once per test binary).
func capture(t *testing.T, rel string) []record.Record {
	t.Helper()
	capturesOnce.Do(func() {
		captures = sensortest.RunAll(t, sensortest.Full(t))
	})
	r := captures[rel]
	if r == nil {
		t.Fatalf("capture %s not found under %s", rel, pcaptest.Dir(t))
	}
	return r.Records
}

// minuteBatches splits a pipeline's output into its minute batches, as the
// sensor uploads them: each ends with the minute's SensorStats.
func minuteBatches(recs []record.Record) [][]record.Record {
	var out [][]record.Record
	start := 0
	for i, r := range recs {
		if _, ok := r.(*record.SensorStats); ok {
			out = append(out, recs[start:i+1])
			start = i + 1
		}
	}
	if start < len(recs) {
		out = append(out, recs[start:])
	}
	return out
}

func build(t *testing.T, cfg Config, rel string) *Inventory {
	t.Helper()
	inv := New(cfg)
	for _, b := range minuteBatches(capture(t, rel)) {
		inv.Add("s1", b)
	}
	return inv
}

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }

// mb2.pcap is a mixed plant: one host polls Modbus/TCP, S7comm and
// EtherNet/IP controllers and writes to an SQL Server.
//
// Verified with tshark 4.0:
//
//	tshark -r modbus/mb2.pcap -Y "(mbtcp && tcp.dstport==502) || s7comm.header.rosctr==1 || (enip && tcp.dstport==44818)" -T fields -e ip.src -e ip.dst
//
// lists 29 destinations, all requested by 141.81.0.10;
//
//	-Y "(modbus.func_code==15 && tcp.dstport==502) || (s7comm.header.rosctr==1 && s7comm.param.func==0x05)" -T fields -e ip.dst
//
// 23 of them written to; -Y "s7comm.header.rosctr==3 && ip.src==141.81.0.14"
// 38 S7 acknowledgements from 141.81.0.14; -Y tds shows TDS (SQL Server)
// from 141.81.0.11 port 1433 to 141.81.0.10. The unicast values of
// ip.src, ip.dst and arp.src.proto_ipv4 are 46 addresses (the four targets
// of unanswered ARP requests, .240 .241 .243 .252, are not devices);
// 141.81.0.190 is the LLDP management address of
// Switch1; -Y "!ip && !arp" -T fields -e eth.src gives 7 MACs, of which
// 00:1b:1b:02:e6:1f (Switch1) and 00:1b:1b:35:84:10 (141.81.0.146) belong
// to addresses: 5 MAC-only devices, 52 devices in all.
func TestMixedPlant(t *testing.T) {
	inv := build(t, Config{LocalNets: []netip.Prefix{mustPrefix("141.81.0.0/16")}}, "modbus/mb2.pcap")
	devs := inv.Devices()
	if len(devs) != 52 {
		t.Errorf("%d devices, want 52", len(devs))
	}
	var macOnly []string
	roles := map[string][]string{}
	for i := range devs {
		d := &devs[i]
		if d.Key.MACOnly() {
			macOnly = append(macOnly, d.Key.MAC.String())
		}
		name := d.Key.Addr.String()
		if d.Key.MACOnly() {
			name = d.Key.MAC.String()
		}
		if d.Role != "" {
			roles[d.Role] = append(roles[d.Role], name)
		}
	}
	wantMACOnly := []string{"00:1b:1b:02:9a:c3", "00:1b:1b:02:e6:0f", "00:1b:1b:02:e6:1e", "64:ae:0c:34:ab:97", "64:ae:0c:34:ab:98"}
	if !reflect.DeepEqual(macOnly, wantMACOnly) {
		t.Errorf("MAC-only devices %v, want %v", macOnly, wantMACOnly)
	}
	var plcs []string
	for _, h := range []int{14, 23, 24, 26, 31, 43, 44, 46, 51, 63, 64, 66, 71, 83, 84, 86, 91, 104, 111, 130, 143, 144, 146, 151, 163, 164, 166, 236, 237} {
		plcs = append(plcs, "141.81.0."+itoa(uint64(h)))
	}
	want := map[string][]string{
		RoleHMI:       {"141.81.0.10"},
		RoleHistorian: {"141.81.0.11"},
		RolePLC:       plcs,
		RoleInfra:     {"64:ae:0c:34:ab:97"},
	}
	if !reflect.DeepEqual(roles, want) {
		t.Errorf("roles\n got %v\nwant %v", roles, want)
	}
	hmi := find(devs, "141.81.0.10")
	wantRoles := []Role{{RoleHMI, []string{"sends OT read/write requests to 29 devices (23 of them written to) over enip, modbus, s7comm"}}}
	if !reflect.DeepEqual(hmi.Roles, wantRoles) {
		t.Errorf("141.81.0.10 roles %v", hmi.Roles)
	}
	if hmi.Importance != 100 || hmi.Type != "both" || hmi.Peers != 37 {
		t.Errorf("141.81.0.10: importance %d type %q peers %d, want 100 both 37", hmi.Importance, hmi.Type, hmi.Peers)
	}
	if got := macsOf(hmi); !reflect.DeepEqual(got, []string{"78:e7:d1:e0:02:5e"}) || !hmi.MACs[0].Claimed {
		t.Errorf("141.81.0.10 MACs %v (claimed %v), want 78:e7:d1:e0:02:5e claimed in ARP", got, hmi.MACs)
	}
	for _, d := range devs {
		if d.Key != hmi.Key && d.Importance >= 10 {
			t.Errorf("%v importance %d: only the HMI is central", d.Key, d.Importance)
		}
	}
	hist := find(devs, "141.81.0.11")
	if got := hist.Roles; len(got) != 1 || got[0].Reasons[0] != "serves a database to 1 device sending OT requests" {
		t.Errorf("141.81.0.11 roles %v", got)
	}
	plc := find(devs, "141.81.0.14")
	if plc.Roles[0].Reasons[0] != "answered 38 OT requests from 1 device over s7comm" || plc.Type != "server" {
		t.Errorf("141.81.0.14: %v type %q", plc.Roles, plc.Type)
	}
	if plc.Vendor != "Siemens AG" {
		t.Errorf("141.81.0.14 vendor %q", plc.Vendor)
	}
	sw := find(devs, "141.81.0.190")
	if got := namesOf(sw); !reflect.DeepEqual(got, []string{"Switch1/lldp"}) {
		t.Errorf("141.81.0.190 names %v", got)
	}
	if len(sw.Identities) != 1 || sw.Identities[0].Product != "Siemens, SIMATIC NET, SCALANCE X212-2, 6GK5 212-2BB00-2AA3, HW: 7, FW: V4.02" {
		t.Errorf("141.81.0.190 identities %+v", sw.Identities)
	}
	// 00:1b:1b:35:84:10 sent a PROFINET DCP Identify: its data joined the
	// device of its address.
	if d := find(devs, "141.81.0.146"); !hasProto(d.Speaks, "profinet_dcp") {
		t.Errorf("141.81.0.146 speaks %v, want profinet_dcp of its MAC", d.Speaks)
	}
	// SMB and TCP fingerprints name the two Windows hosts (tshark -Y
	// "smb.native_os || ntlmssp.version.build_number" on the same capture:
	// 141.81.0.182 "Windows 2002 Service Pack 3 2600", NTLM 5.1.2600;
	// 141.81.0.10 "Windows Server (R) 2008 Standard 6002 Service Pack 2",
	// NTLM 6.0.6002).
	for ip, want := range map[string]string{"141.81.0.182": "Windows XP", "141.81.0.10": "Windows Server 2008 SP2 Standard"} {
		d := find(devs, ip)
		if d == nil || d.OSGuess.Name != want || d.OSGuess.Confidence < 0.9 {
			t.Errorf("%s OS %+v, want %q", ip, d.OSGuess, want)
		}
	}
	// 142.81.0.190-192 are global addresses announced in gratuitous ARP:
	// on the link, so local devices.
	if d := find(devs, "142.81.0.191"); d == nil || d.Key.Segment != "" || macsOf(d)[0] != "00:1b:1b:02:e6:5a" {
		t.Errorf("142.81.0.191: %+v", d)
	}
}

func hasProto(pcs []ProtoCount, p string) bool {
	for _, pc := range pcs {
		if pc.Protocol == p {
			return true
		}
	}
	return false
}

// wikipedia.pcap: tshark -r it/wikipedia.pcap -Y "mdns && dns.flags.response==1"
// shows 00:17:f2:d7:cf:65 answering gemini.local for 141.142.220.50 and
// fe80::217:f2ff:fed7:cf65 (from both addresses); -Y "llmnr || nbns"
// shows only queries (for BRWC0CB383D1F42 and WORKGROUP<1d>) that nobody
// answers, so they name no one. -Y "eth.src==00:13:7f:be:8c:ff && ip" -T fields -e ip.src
// lists 5 addresses behind the router's MAC (141.142.2.2, 173.192.163.128,
// 208.80.152.2, .3, .118), which itself is 141.142.220.1 in ARP.
func TestNamesAndRouter(t *testing.T) {
	inv := build(t, Config{LocalNets: []netip.Prefix{mustPrefix("141.142.0.0/16")}}, "it/wikipedia.pcap")
	devs := inv.Devices()
	var named []string
	for i := range devs {
		for _, n := range devs[i].Names {
			named = append(named, devs[i].Key.Addr.String()+" "+n.Name+"/"+n.Source)
		}
	}
	want := []string{"141.142.220.50 gemini/mdns", "fe80::217:f2ff:fed7:cf65 gemini/mdns"}
	if !reflect.DeepEqual(named, want) {
		t.Errorf("names %v, want %v", named, want)
	}
	g := find(devs, "141.142.220.50")
	if !reflect.DeepEqual(g.OtherAddrs, []netip.Addr{addr("fe80::217:f2ff:fed7:cf65")}) {
		t.Errorf("gemini other addresses %v", g.OtherAddrs)
	}
	gw := find(devs, "141.142.220.1")
	wantRoles := []Role{{RoleInfra, []string{"MAC 00:13:7f:be:8c:ff is the link address of 5 IP addresses"}}}
	if !reflect.DeepEqual(gw.Roles, wantRoles) {
		t.Errorf("gateway roles %v", gw.Roles)
	}
	dns := find(devs, "141.142.2.2")
	if len(dns.MACs) != 0 || dns.Role != RoleDNS {
		t.Errorf("141.142.2.2 behind the router: MACs %v role %q, want none and dns_server", dns.MACs, dns.Role)
	}
	if find(devs, "141.142.220.255") != nil {
		t.Error("the subnet broadcast address is a device")
	}
	var internet []string
	for _, d := range devs {
		if d.Internet {
			internet = append(internet, d.Key.Addr.String())
		}
	}
	if want := []string{"173.192.163.128", "208.80.152.2", "208.80.152.3", "208.80.152.118"}; !reflect.DeepEqual(internet, want) {
		t.Errorf("Internet devices %v, want %v", internet, want)
	}
	folded := build(t, Config{FoldInternet: true, LocalNets: []netip.Prefix{mustPrefix("141.142.0.0/16")}}, "it/wikipedia.pcap")
	fd := folded.Devices()
	if len(fd) != len(devs)-3 {
		t.Errorf("folded: %d devices, want %d", len(fd), len(devs)-3)
	}
	in, ok := folded.Device(DeviceKey{Sensor: "s1", Segment: InternetSegment, Addr: netip.IPv4Unspecified()})
	if !ok || !in.Internet || in.Peers != 2 {
		t.Errorf("Internet device %+v, want 2 peers (141.142.220.118 and .235)", in)
	}
}

// nttcom_cifs_browser_test.pcap: tshark -Y "browser.command==1 ||
// browser.command==15" -T fields -e ip.src -e browser.server -e
// browser.os_major -e browser.os_minor gives 192.168.1.35 SNG-WIN2K 5.0
// and 192.168.1.37 SNG-WINNT4 4.0.
func TestCIFSBrowser(t *testing.T) {
	devs := build(t, Config{}, "it/nttcom_cifs_browser_test.pcap").Devices()
	if len(devs) != 2 {
		t.Errorf("%d devices, want 2 (192.168.1.255 is a broadcast)", len(devs))
	}
	for _, c := range []struct{ addr, name, os string }{
		{"192.168.1.35", "SNG-WIN2K", "5.0|0x1003"},
		{"192.168.1.37", "SNG-WINNT4", "4.0|0x19003"},
	} {
		d := find(devs, c.addr)
		if d == nil {
			t.Fatalf("%s missing", c.addr)
		}
		if got := namesOf(d); !reflect.DeepEqual(got, []string{c.name + "/cifs_browser"}) {
			t.Errorf("%s names %v", c.addr, got)
		}
		if d.OS[0].Source != "cifs_browser" || d.OS[0].Value != c.os {
			t.Errorf("%s OS evidence %+v", c.addr, d.OS)
		}
		if d.OSGuess.Family != "Windows" {
			t.Errorf("%s OS estimate %+v", c.addr, d.OSGuess)
		}
	}
}

// dhcp.pcap: tshark -T fields -e dhcp.option.dhcp -e dhcp.hw.mac_addr -e
// dhcp.ip.your -e dhcp.option.hostname: 90:b1:1c:99:49:29 (btest.is.cool)
// is offered 128.2.6.97, NAKed, then acknowledged 128.2.6.189 by
// 128.2.6.152. nttcom_dhcpv6_test.pcap: -Y dhcpv6.client_domain gives
// WIN7-CLIENT-01.happy.crazy from fe80::28e4:bf15:6f67:5024
// (00:0c:29:c2:25:f9) and vagrant-2008R2.happy.crazy from
// fe80::8882:5cf6:f2eb:c8b9 (00:0c:29:71:12:2e), enterprise 311 (Microsoft).
func TestDHCP(t *testing.T) {
	devs := build(t, Config{LocalNets: []netip.Prefix{mustPrefix("128.2.0.0/16")}}, "it/dhcp.pcap").Devices()
	c := find(devs, "128.2.6.189")
	if got := namesOf(c); !reflect.DeepEqual(got, []string{"btest.is.cool/dhcp"}) {
		t.Errorf("128.2.6.189 names %v", got)
	}
	if len(c.MACs) != 1 || !c.MACs[0].Claimed || c.MACs[0].MAC != mac(t, "90:b1:1c:99:49:29") {
		t.Errorf("128.2.6.189 MACs %+v, want 90:b1:1c:99:49:29 claimed by the ACK", c.MACs)
	}
	// The offer was NAKed: the frames to .97 bind it, but no claim.
	if o := find(devs, "128.2.6.97"); o == nil || o.MACs[0].Claimed || len(o.Names) != 0 {
		t.Errorf("128.2.6.97: %+v", o)
	}
	if s := find(devs, "128.2.6.152"); s.Role != RoleDHCP {
		t.Errorf("128.2.6.152 role %q", s.Role)
	}

	devs = build(t, Config{}, "it/nttcom_dhcpv6_test.pcap").Devices()
	if len(devs) != 2 {
		t.Errorf("dhcpv6: %d devices, want 2", len(devs))
	}
	for _, c := range []struct{ addr, mac, name string }{
		{"fe80::28e4:bf15:6f67:5024", "00:0c:29:c2:25:f9", "WIN7-CLIENT-01.happy.crazy"},
		{"fe80::8882:5cf6:f2eb:c8b9", "00:0c:29:71:12:2e", "vagrant-2008R2.happy.crazy"},
	} {
		d := find(devs, c.addr)
		if got := namesOf(d); !reflect.DeepEqual(got, []string{c.name + "/dhcpv6"}) {
			t.Errorf("%s names %v", c.addr, got)
		}
		if got := macsOf(d); !reflect.DeepEqual(got, []string{c.mac}) {
			t.Errorf("%s MACs %v", c.addr, got)
		}
		wantOS := []OSEvidence{{Source: "dhcpv6", Value: "311|MSFT 5.0|24,23,17,39"}}
		gotOS := slices.Clone(d.OS)
		for i := range gotOS {
			gotOS[i].First, gotOS[i].Last, gotOS[i].Count = 0, 0, 0
		}
		if !reflect.DeepEqual(gotOS, wantOS) || d.OSGuess.Family != "Windows" {
			t.Errorf("%s OS evidence %+v, estimate %+v", c.addr, d.OS, d.OSGuess)
		}
	}
}

// CL5000EIP-IP_Address_Change_Attempt.pcap: a BOOTP reply moves the
// ControlLogix 00:00:bc:3e:eb:e4 from 192.168.10.125 to 192.168.10.120
// (tshark -Y "eth.src==00:00:bc:3e:eb:e4 && ip" -T fields -e ip.src: 509
// packets from .125, then 170 from .120); the Cisco CE500 "Ns5gt"
// (00:1e:f6:73:59:81) sends CDP with the switch capability and 153 STP
// BPDUs.
func TestAddressChangeAndSwitch(t *testing.T) {
	devs := build(t, Config{}, "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap").Devices()
	old, cur := find(devs, "192.168.10.125"), find(devs, "192.168.10.120")
	if !reflect.DeepEqual(old.OtherAddrs, []netip.Addr{addr("192.168.10.120")}) ||
		!reflect.DeepEqual(cur.OtherAddrs, []netip.Addr{addr("192.168.10.125")}) {
		t.Errorf("other addresses %v / %v", old.OtherAddrs, cur.OtherAddrs)
	}
	o, c := old.MACs[0].Intervals, cur.MACs[0].Intervals
	if len(o) != 1 || len(c) != 1 || o[0].Last >= c[0].First {
		t.Errorf("binding intervals %v then %v, want the old one to end first", o, c)
	}
	if got := namesOf(cur); !reflect.DeepEqual(got, []string{"ConLgxEIP/dhcp"}) {
		t.Errorf("192.168.10.120 names %v (the BOOTP reply's host name)", got)
	}
	if cur.Role != RolePLC {
		t.Errorf("192.168.10.120 role %q", cur.Role)
	}
	sw := find(devs, "192.168.10.253")
	wantRoles := []Role{{RoleInfra, []string{
		`identifies itself as "switch" over cdp`,
		"announces switch capability over LLDP/CDP",
		"sends spanning tree BPDUs",
	}}}
	if !reflect.DeepEqual(sw.Roles, wantRoles) || !reflect.DeepEqual(namesOf(sw), []string{"Ns5gt/cdp"}) {
		t.Errorf("switch: roles %v names %v", sw.Roles, namesOf(sw))
	}
}

// lldp.pcap: tshark -T fields -e lldp.mgn.addr.ip4 -e
// lldp.tlv.enable_system_cap -e lldp.tlv.system.name gives 192.168.2.10,
// 0x0004 (bridge), SMCGS8P-Smart. cdp-v1.pcap: -e cdp.deviceid -e
// cdp.capabilities.router -e cdp.address gives R1, 1, 192.168.10.1.
func TestLLDPAndCDP(t *testing.T) {
	for _, c := range []struct {
		file, addr, name, reason string
	}{
		{"it/lldp.pcap", "192.168.2.10", "SMCGS8P-Smart/lldp", "announces bridge capability over LLDP/CDP"},
		{"it/cdp-v1.pcap", "192.168.10.1", "R1/cdp", "announces router capability over LLDP/CDP"},
	} {
		// cdp-v1.pcap: tshark -e cdp.software_version shows IOS 11.2(12)P.
		devs := build(t, Config{}, c.file).Devices()
		if len(devs) != 1 {
			t.Errorf("%s: %d devices, want 1", c.file, len(devs))
			continue
		}
		d := devs[0]
		if d.Key.Addr != addr(c.addr) || d.Role != RoleInfra || !slices.Contains(d.Roles[0].Reasons, c.reason) ||
			!reflect.DeepEqual(namesOf(&d), []string{c.name}) {
			t.Errorf("%s: %+v", c.file, d)
		}
		if c.file == "it/cdp-v1.pcap" && d.OSGuess.Family != "Network OS" {
			t.Errorf("%s: OS estimate %+v from %+v", c.file, d.OSGuess, d.OS)
		}
	}
}

// cc_link_ief.pcap: tshark shows 500 frames of EtherType 0x890f from
// 00:11:11:11:11:11 to 00:00:00:00:00:01 and no IP. PROFINET-RT.pcap:
// -T fields -e eth.src gives 11 distinct MACs and no IP.
func TestMACOnlyDevices(t *testing.T) {
	devs := build(t, Config{}, "cclink/cc_link_ief.pcap").Devices()
	if len(devs) != 2 || !devs[0].Key.MACOnly() || devs[0].Key.Addr != netip.IPv4Unspecified() {
		t.Fatalf("cclink devices %+v", devs)
	}
	m := findMAC(t, devs, "00:11:11:11:11:11")
	if m == nil || !hasProto(m.Speaks, "cclink_ie") || m.Role != RolePLC ||
		m.Roles[0].Reasons[0] != `identifies itself as "master node" over cclink_ie` {
		t.Errorf("master station: %+v", m)
	}
	if findMAC(t, devs, "00:00:00:00:00:01") == nil {
		t.Error("the slave station is missing")
	}
	devs = build(t, Config{}, "profinet/PROFINET-RT.pcap").Devices()
	if len(devs) != 11 {
		t.Errorf("PROFINET-RT: %d devices, want 11", len(devs))
	}
	for _, d := range devs {
		if !d.Key.MACOnly() || d.Vendor != "Siemens AG," {
			t.Errorf("PROFINET-RT device %v vendor %q", d.Key, d.Vendor)
		}
	}
}

// Engineering: tshark -r s7comm/s7comm_downloading_block_db1.pcap -Y
// "s7comm.header.rosctr==1" -T fields -e ip.src -e ip.dst -e
// s7comm.param.func: 192.168.1.10 sends Request download (0x1a) and PLC
// Control (0x28) to 192.168.1.40, which pulls the block with 3 Download
// block (0x1b) and 1 Download ended (0x1c). step7_s300_stop.pcapng: one
// PLC Stop (0x29) from 134.249.62.199 to 134.249.61.163, acknowledged.
// cip_stop_plc.pcap: one CIP Stop (cip.sc == 0x07) from 192.168.1.69.
func TestEngineeringWorkstation(t *testing.T) {
	devs := build(t, Config{}, "s7comm/s7comm_downloading_block_db1.pcap").Devices()
	es, plc := find(devs, "192.168.1.10"), find(devs, "192.168.1.40")
	want := []Role{{RoleEngineering, []string{
		"sent 2 program transfer or run/stop/mode requests (s7comm PLC Control, s7comm Request download)",
		"answered 4 block requests of a controller downloading a program",
	}}}
	if !reflect.DeepEqual(es.Roles, want) {
		t.Errorf("192.168.1.10 roles %v", es.Roles)
	}
	if plc.Role != RolePLC || !slices.Contains(plc.Roles[0].Reasons, "requested 4 program blocks during a download") {
		t.Errorf("192.168.1.40 roles %v", plc.Roles)
	}

	devs = build(t, Config{LocalNets: []netip.Prefix{mustPrefix("134.249.0.0/16")}}, "s7comm/step7_s300_stop.pcapng").Devices()
	es, plc = find(devs, "134.249.62.199"), find(devs, "134.249.61.163")
	if es.Role != RoleEngineering || es.Roles[0].Reasons[0] != "sent 1 program transfer or run/stop/mode request (s7comm PLC Stop)" {
		t.Errorf("134.249.62.199 roles %v", es.Roles)
	}
	if plc.Role != RolePLC {
		t.Errorf("134.249.61.163 roles %v", plc.Roles)
	}

	devs = build(t, Config{}, "enip-cip/cip_stop_plc.pcap").Devices()
	if es := find(devs, "192.168.1.69"); es.Role != RoleEngineering {
		t.Errorf("192.168.1.69 roles %v", es.Roles)
	}
	// The stop was never answered: nothing shows 192.168.1.30 is a PLC.
	if d := find(devs, "192.168.1.30"); d.Role != "" {
		t.Errorf("192.168.1.30 roles %v", d.Roles)
	}
}

// profinet_io_cm_mixed_1.pcap: tshark -Y dcerpc -T fields -e ip.src -e
// ip.dst -e dcerpc.pkt_type -e dcerpc.opnum shows the IO controller
// 192.168.1.3 sending Connect, Release, Read, Write and Control (opnums
// 0-4) to the VersaMax IO device 192.168.1.2, which answers each and sends
// one Control (ApplicationReady) back; -Y "pn_rt.frame_id >= 0xc000 &&
// pn_rt.frame_id < 0xf800 && eth.src==00:09:91:43:e0:67" counts its 46
// RT_CLASS_1 cyclic frames.
func TestIODevice(t *testing.T) {
	devs := build(t, Config{}, "profinet/profinet_io_cm_mixed_1.pcap").Devices()
	io := find(devs, "192.168.1.2")
	want := []Role{{RoleIO, []string{
		"sends cyclic I/O data (46 messages) and no read, write or control requests",
		"answered 11 OT requests from 1 device over profinet_cm, profinet_dcp",
	}}}
	if !reflect.DeepEqual(io.Roles, want) {
		t.Errorf("192.168.1.2 roles %v", io.Roles)
	}
	if got := namesOf(io); !reflect.DeepEqual(got, []string{"versamax-pns11/profinet_dcp"}) {
		t.Errorf("192.168.1.2 names %v", got)
	}
	if ctl := find(devs, "192.168.1.3"); ctl.Role != RolePLC {
		t.Errorf("192.168.1.3 roles %v", ctl.Roles)
	}
}

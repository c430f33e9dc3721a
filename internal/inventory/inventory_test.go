package inventory

import (
	"math/rand/v2"
	"net/netip"
	"reflect"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

func TestDeviceLimit(t *testing.T) {
	inv := New(Config{MaxDevicesPerSensor: 3})
	// Each host its own MAC, so that no MAC looks like a router's.
	c := func(ts record.Micros, o, r int) *record.Conn {
		return tcpConn(t, ts, "10.0.0."+itoa(uint64(o)), "02:00:00:00:00:0"+itoa(uint64(o)),
			"10.0.0."+itoa(uint64(r)), "02:00:00:00:00:0"+itoa(uint64(r)), 502, "modbus")
	}
	ev := inv.Add("s1", []record.Record{
		c(minute, 1, 2),
		c(minute, 3, 4), // .4 refused
		c(minute, 5, 6), // both refused
		c(minute, 5, 6), // counted once
	})
	want := []Event{{Kind: "device_limit", Sensor: "s1", TS: 1*minute + 1e6, Limit: 3, Refused: 3,
		Message: "sensor s1 reached 3 devices: 3 new devices not created; known devices keep updating"}}
	if !reflect.DeepEqual(ev, want) {
		t.Errorf("events %+v, want %+v", ev, want)
	}
	if n := len(inv.Devices()); n != 3 {
		t.Errorf("%d devices, want 3", n)
	}
	// Another sensor has its own limit.
	if ev := inv.Add("s2", []record.Record{c(minute, 5, 6)}); ev != nil {
		t.Errorf("s2 events %v", ev)
	}
	// Within the hour: refused again, not reported again; a known device
	// keeps updating.
	ev = inv.Add("s1", []record.Record{c(2*minute, 1, 9)})
	if ev != nil {
		t.Errorf("second batch events %v", ev)
	}
	if d, _ := inv.Device(DeviceKey{Sensor: "s1", Addr: addr("10.0.0.1")}); d.Last != 2*minute+1e6 {
		t.Errorf("10.0.0.1 last seen %d, want %d", d.Last, 2*minute+1e6)
	}
	if got := inv.Refused("s1"); got != 4 {
		t.Errorf("refused %d, want 4", got)
	}
	ev = inv.Add("s1", []record.Record{c(70*minute, 7, 1)})
	if len(ev) != 1 || ev[0].Refused != 5 {
		t.Errorf("an hour later: events %+v, want one with 5 refused", ev)
	}
}

func TestInternetFolding(t *testing.T) {
	const h1, h2, gw = "02:00:00:00:00:01", "02:00:00:00:00:02", "02:00:00:00:00:fe"
	recs := []record.Record{
		tcpConn(t, minute, "10.0.0.5", h1, "8.8.8.8", gw, 53, "dns"),
		tcpConn(t, minute, "10.0.0.5", h1, "1.1.1.1", gw, 443, "ssl"),
		tcpConn(t, minute, "10.0.0.6", h2, "8.8.8.8", gw, 53, "dns"),
		tcpConn(t, minute, "10.0.0.6", h2, "224.0.0.251", "01:00:5e:00:00:fb", 5353, "mdns"),
		tcpConn(t, minute, "10.0.0.6", h2, "255.255.255.255", "ff:ff:ff:ff:ff:ff", 67, ""),
	}
	inv := New(Config{FoldInternet: true})
	inv.Add("s1", recs)
	devs := inv.Devices()
	if len(devs) != 3 {
		t.Fatalf("folded: %d devices, want 3: %+v", len(devs), devs)
	}
	in, ok := inv.Device(DeviceKey{Sensor: "s1", Segment: InternetSegment, Addr: netip.IPv4Unspecified()})
	if !ok || !in.Internet || in.Peers != 2 || len(in.MACs) != 0 {
		t.Errorf("Internet device %+v", in)
	}
	if got := in.Serves; !reflect.DeepEqual(got, []ProtoCount{{"dns", 2}, {"ssl", 1}}) {
		t.Errorf("Internet serves %v", got)
	}

	inv = New(Config{})
	inv.Add("s1", recs)
	devs = inv.Devices()
	var keys []string
	for _, d := range devs {
		keys = append(keys, d.Key.Segment+"/"+d.Key.Addr.String())
	}
	want := []string{"/10.0.0.5", "/10.0.0.6", "internet/1.1.1.1", "internet/8.8.8.8"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("devices %v, want %v", keys, want)
	}
	// The gateway's MAC is not the MAC of Internet hosts.
	if d := find(devs, "8.8.8.8"); len(d.MACs) != 0 || !d.Internet {
		t.Errorf("8.8.8.8: %+v", d)
	}
}

func TestRouterDetection(t *testing.T) {
	const host, rtr = "02:00:00:00:00:01", "00:00:0c:01:02:03"
	arp := &record.ARP{TS: minute, TSEnd: minute, OrigMAC: mac(t, rtr), OrigIP: addr("10.0.0.1"),
		RespMAC: record.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, RespIP: addr("10.0.0.1"), Op: "announcement", VLAN: 10, Pkts: 1}
	batch := func(n int) []record.Record {
		recs := []record.Record{arp}
		for i := range n {
			c := tcpConn(t, minute, "10.0.0.5", host, "10.1.0."+itoa(uint64(i+1)), rtr, 502, "modbus")
			c.VLAN = 10
			recs = append(recs, c)
		}
		return recs
	}
	// Three routed addresses: below RouterMinIPv4, still bound.
	inv := New(Config{})
	inv.Add("s1", batch(RouterMinIPv4-1))
	devs := inv.Devices()
	if d := find(devs, "10.1.0.1"); d == nil || !reflect.DeepEqual(macsOf(d), []string{rtr}) || d.Key.Segment != "vlan 10" {
		t.Errorf("below the threshold: %+v", d)
	}
	// Four: the MAC is a router's. The routed addresses lose it; the
	// router's own address, claimed in ARP, keeps it and is infrastructure.
	inv = New(Config{})
	inv.Add("s1", batch(RouterMinIPv4))
	devs = inv.Devices()
	if len(devs) != 6 {
		t.Errorf("%d devices, want 6 (host, router, 4 routed)", len(devs))
	}
	for i := 1; i <= RouterMinIPv4; i++ {
		if d := find(devs, "10.1.0."+itoa(uint64(i))); len(d.MACs) != 0 {
			t.Errorf("10.1.0.%d bound to %v", i, macsOf(d))
		}
	}
	r := find(devs, "10.0.0.1")
	want := []Role{{RoleInfra, []string{"MAC 00:00:0c:01:02:03 is the link address of 4 IP addresses"}}}
	if r == nil || !reflect.DeepEqual(r.Roles, want) || !r.MACs[0].Claimed {
		t.Errorf("router: %+v", r)
	}
	// Without the ARP claim the router is a MAC-only device.
	inv = New(Config{})
	inv.Add("s1", batch(RouterMinIPv4)[1:])
	if d := findMAC(t, inv.Devices(), rtr); d == nil || d.Role != RoleInfra || d.First != minute || d.Last != minute+1e6 {
		t.Errorf("MAC-only router: %+v", d)
	}
}

func TestSegments(t *testing.T) {
	const a, b = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
	c1 := tcpConn(t, minute, "192.168.0.10", a, "192.168.0.20", b, 502, "modbus")
	c1.VLAN = 10
	c2 := tcpConn(t, minute, "192.168.0.10", b, "192.168.0.20", a, 502, "modbus")
	c2.VLAN = 20
	c3 := tcpConn(t, minute, "192.168.0.10", a, "192.168.0.30", b, 80, "http")
	c3.Iface = "eth1"
	// The minute of c3: no interface label, attached by address.
	ci := &record.ConnInterval{TS: minute, OrigH: addr("192.168.0.10"), RespH: addr("192.168.0.30"),
		RespP: 80, Proto: "tcp", OrigIPBytes: 100, RespIPBytes: 2000, RespBytes: 1900}
	inv := New(Config{})
	inv.Add("s1", []record.Record{ci, c1, c2, c3})
	var keys []string
	for _, d := range inv.Devices() {
		keys = append(keys, d.Key.Segment+"/"+d.Key.Addr.String()+"/"+macsOf(&d)[0])
	}
	want := []string{
		"eth1/192.168.0.10/" + a, "eth1/192.168.0.30/" + b,
		"vlan 10/192.168.0.10/" + a, "vlan 10/192.168.0.20/" + b,
		"vlan 20/192.168.0.10/" + b, "vlan 20/192.168.0.20/" + a,
	}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("devices\n got %v\nwant %v", keys, want)
	}
	d, _ := inv.Device(DeviceKey{Sensor: "s1", Segment: "eth1", Addr: addr("192.168.0.30")})
	if d.BytesSent != 2000 || d.BytesRecv != 100 {
		t.Errorf("eth1 192.168.0.30 bytes %d/%d, want 2000/100 from the interval", d.BytesSent, d.BytesRecv)
	}
}

// Names answered before the address is first seen reach it later.
func TestPendingNames(t *testing.T) {
	inv := New(Config{})
	inv.Add("s1", []record.Record{
		&record.DNS{TS: minute, Protocol: "dns", Query: "plc1.plant.local", QType: 1, Answers: []string{"10.0.0.7"}, ResponseSeen: true},
		&record.DNS{TS: minute, Protocol: "dns", Query: "8.0.0.10.in-addr.arpa", QType: 12, Answers: []string{"hmi1.plant.local"}, ResponseSeen: true},
		&record.DNS{TS: minute, Protocol: "dns", Query: "gone.plant.local", QType: 1, Answers: []string{"10.0.0.9"}, ResponseSeen: true, Rejected: true},
		&record.NBNS{TS: minute, Op: "registration", Name: "HMI01", Suffix: "00", Addr: addr("10.0.0.8")},
		&record.NBNS{TS: minute, Op: "registration", Name: "PLANT", Suffix: "00", Group: true, Addr: addr("10.0.0.8")},
	})
	if n := len(inv.Devices()); n != 0 {
		t.Errorf("names alone made %d devices", n)
	}
	inv.Add("s1", []record.Record{tcpConn(t, 2*minute, "10.0.0.8", "02:00:00:00:00:08", "10.0.0.7", "02:00:00:00:00:07", 502, "modbus")})
	devs := inv.Devices()
	if got := namesOf(find(devs, "10.0.0.7")); !reflect.DeepEqual(got, []string{"plc1.plant.local/dns"}) {
		t.Errorf("10.0.0.7 names %v", got)
	}
	if got := namesOf(find(devs, "10.0.0.8")); !reflect.DeepEqual(got, []string{"hmi1.plant.local/dns", "HMI01/nbns"}) {
		t.Errorf("10.0.0.8 names %v", got)
	}
}

func TestClassifyOp(t *testing.T) {
	for _, c := range []struct {
		protocol, function, code string
		want                     opClass
	}{
		{"s7comm", "PLC Stop", "", classControl},
		{"s7comm", "PLC Control", "", classControl},
		{"s7comm", "Request download", "", classProgram},
		{"s7comm", "List blocks of type", "", classRead},
		{"s7comm", "Write Var", "", classWrite},
		{"s7comm", "Read Var", "", classRead},
		{"s7comm", "Flash LED", "", classOther},
		{"modbus", "Write Multiple Coils", "", classWrite},
		{"modbus", "Read/Write Multiple Registers", "", classWrite},
		{"enip", "Stop", "70/07", classControl},
		{"enip", "Set_Attribute_Single", "70/10", classWrite},
		{"enip", "Get_Attributes_All", "6f/01", classRead},
		{"enip", "ForwardOpen", "io", classCyclic},
		{"mms", "initiateDownloadSequence", "0/26", classProgram},
		{"opcua", "CreateSessionRequest", "MSG/461", classOther},
		{"opcua", "WriteRequest", "MSG/673", classWrite},
		{"bacnet", "deviceCommunicationControl", "0/17", classControl},
		{"bacnet", "reinitializeDevice", "0/20", classControl},
		{"dnp3", "COLD_RESTART", "13", classControl},
		{"dnp3", "RESET_LINK_STATES", "link/40", classOther},
		{"iec104", "STARTDT act", "U/07", classOther},
		{"iec104", "C_SC_NA_1", "45", classWrite},
		{"iec104", "C_IC_NA_1", "100", classRead},
		{"melsoft", "Safety Run Mode Change", "1120", classControl},
		{"fins", "program_area_write", "0307", classProgram},
		{"cclink_ie", "cyclicDataRWr", "", classCyclic},
		{"profinet_rt", "RT_CLASS_1 cyclic", "", classCyclic},
		{"profinet_rt", "PTCP", "", classOther},
		{"profinet_dcp", "Identify", "5/0", classRead},
	} {
		if got := classifyOp(c.protocol, c.function, c.code); got != c.want {
			t.Errorf("%s %q: %v, want %v", c.protocol, c.function, got, c.want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	got := splitWords("cyclicDataRWr Get_Attributes_All PLC-Stop")
	want := []string{"cyclic", "data", "rwr", "get", "attributes", "all", "plc", "stop"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%v", got)
	}
}

func TestBindingIntervals(t *testing.T) {
	var b binding
	h := BindingGap
	for _, iv := range [][2]record.Micros{{0, 1}, {5 * h, 5 * h}, {h, h + 1}, {3 * h, 3 * h}, {2 * h, 2 * h}} {
		b.add(iv[0], iv[1])
	}
	// 0..h+1 and 2h, 3h chain within the gap; 5h stands alone.
	want := []Interval{{0, 3 * h}, {5 * h, 5 * h}}
	if !reflect.DeepEqual(b.Intervals, want) {
		t.Errorf("intervals %v, want %v", b.Intervals, want)
	}
}

// shuffled returns the batches with their records in a random order.
func shuffled(batches [][]record.Record, seed uint64) [][]record.Record {
	r := rand.New(rand.NewPCG(seed, 1))
	out := make([][]record.Record, len(batches))
	for i, b := range batches {
		out[i] = append([]record.Record(nil), b...)
		r.Shuffle(len(out[i]), func(a, b int) { out[i][a], out[i][b] = out[i][b], out[i][a] })
	}
	return out
}

func TestDeterminism(t *testing.T) {
	for _, rel := range []string{"modbus/mb2.pcap", "it/wikipedia.pcap", "attacks/CL5000EIP-IP_Address_Change_Attempt.pcap", "profinet/profinet_io_cm_mixed_1.pcap"} {
		cfg := Config{LocalNets: []netip.Prefix{mustPrefix("141.0.0.0/8")}}
		batches := minuteBatches(capture(t, rel))
		run := func(bs [][]record.Record) []Device {
			inv := New(cfg)
			for _, b := range bs {
				inv.Add("s1", b)
			}
			return inv.Devices()
		}
		want := run(batches)
		if len(want) == 0 {
			t.Fatalf("%s: no devices", rel)
		}
		if got := run(batches); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: two runs differ", rel)
		}
		for seed := range uint64(3) {
			if got := run(shuffled(batches, seed)); !reflect.DeepEqual(got, want) {
				t.Errorf("%s: shuffled batches (seed %d) differ", rel, seed)
				for i := range min(len(got), len(want)) {
					if !reflect.DeepEqual(got[i], want[i]) {
						t.Logf("first difference:\n got %+v\nwant %+v", got[i], want[i])
						break
					}
				}
			}
		}
	}
}

func TestSnapshotRestore(t *testing.T) {
	cfg := Config{LocalNets: []netip.Prefix{mustPrefix("141.81.0.0/16")}}
	batches := minuteBatches(capture(t, "modbus/mb2.pcap"))
	half := len(batches) / 2
	inv := New(cfg)
	for _, b := range batches[:half] {
		inv.Add("s1", b)
	}
	inv.Add("s2", batches[0])
	snap, err := inv.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Restore(cfg, snap)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Devices(), inv.Devices()) {
		t.Fatal("restored devices differ")
	}
	for _, b := range batches[half:] {
		inv.Add("s1", b)
		back.Add("s1", b)
	}
	if !reflect.DeepEqual(back.Devices(), inv.Devices()) {
		t.Error("devices differ after more batches")
	}
	if _, err := Restore(cfg, snap[:len(snap)/2]); err == nil {
		t.Error("a truncated snapshot restored")
	}
}

package inventory

import (
	"net/netip"
	"testing"

	"github.com/otsight/otsight/internal/record"
)

// busyMinute is a busy sensor's minute: 2,000 connections among 200 hosts,
// 500 OT rows between 20 HMIs and 100 controllers, 100 other records
// (ARP, DNS, DHCP, LLDP, Ethernet).
func busyMinute(t testing.TB, ts record.Micros) []record.Record {
	host := func(i int) (netip.Addr, record.MAC) {
		return netip.AddrFrom4([4]byte{10, 1, byte(i / 250), byte(1 + i%250)}),
			record.MAC{0x00, 0x1b, 0x1b, 0, byte(i >> 8), byte(i)}
	}
	var recs []record.Record
	for i := range 2000 {
		oh, om := host(i % 200)
		rh, rm := host((i*7 + 1) % 200)
		recs = append(recs, &record.Conn{TS: ts + record.Micros(i), OrigH: oh, OrigP: uint16(30000 + i), RespH: rh,
			RespP: []uint16{502, 102, 44818, 80, 443}[i%5], Proto: "tcp", Service: []string{"modbus", "s7comm", "enip", "http", ""}[i%5],
			ConnState: "SF", OrigPkts: 4, RespPkts: 4, OrigIPBytes: 400, RespIPBytes: 600, OrigMAC: om, RespMAC: rm})
	}
	fns := []string{"Read Var", "Write Var", "Read Holding Registers", "Write Multiple Coils", "PLC Stop"}
	for i := range 500 {
		qh, qm := host(i % 20)
		ph, pm := host(20 + i%100)
		recs = append(recs, &record.OT{TS: ts, TSFirst: ts, TSLast: ts + 1000, ReqH: qh, ReqMAC: qm, RespH: ph, RespMAC: pm,
			RespP: 502, Transport: "tcp", Protocol: "s7comm", Function: fns[i%len(fns)],
			Direction: []string{"request", "response"}[i%2], Count: 10})
	}
	for i := range 100 {
		h, m := host(i)
		switch i % 5 {
		case 0:
			recs = append(recs, &record.ARP{TS: ts, TSEnd: ts, OrigMAC: m, OrigIP: h, RespIP: h, Op: "announcement", Pkts: 1})
		case 1:
			recs = append(recs, &record.DNS{TS: ts, Protocol: "dns", Query: "h.plant", QType: 1, Answers: []string{h.String()}, ResponseSeen: true})
		case 2:
			recs = append(recs, &record.DHCP{TS: ts, OrigH: h, OrigP: 68, RespP: 67, RespH: netip.AddrFrom4([4]byte{10, 1, 0, 1}),
				OrigMAC: m, MsgType: "REQUEST", MAC: m, ClientAddr: h, HostName: "host", ParamList: "1,3,6"})
		case 3:
			recs = append(recs, &record.LLDP{TS: ts, SrcMAC: m, SystemName: "sw", EnabledCaps: []string{"bridge"}})
		case 4:
			recs = append(recs, &record.Eth{TS: ts, TSEnd: ts, SrcMAC: m, DstMAC: record.MAC{1, 0x0e, 0xcf, 0, 0, 0}, EtherType: 0x8892, Frames: 100, Bytes: 6000})
		}
	}
	return recs
}

func BenchmarkAddBusyMinute(b *testing.B) {
	inv := New(Config{})
	batch := busyMinute(b, minute)
	inv.Add("s1", batch) // steady state: the devices are known
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		inv.Add("s1", batch)
	}
}

func BenchmarkDevices(b *testing.B) {
	inv := New(Config{})
	inv.Add("s1", busyMinute(b, minute))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		inv.Add("s1", nil) // marks the view stale
		_ = inv.Devices()
	}
}

func BenchmarkAddFirstMinute(b *testing.B) {
	batch := busyMinute(b, minute)
	b.ReportAllocs()
	for range b.N {
		New(Config{}).Add("s1", batch)
	}
}

// Once its devices are known, a sensor's minute does not allocate.
func TestAddSteadyStateAllocs(t *testing.T) {
	inv := New(Config{})
	batch := busyMinute(t, minute)
	inv.Add("s1", batch)
	if n := testing.AllocsPerRun(5, func() { inv.Add("s1", batch) }); n != 0 {
		t.Errorf("%v allocations per steady-state batch, want 0", n)
	}
}

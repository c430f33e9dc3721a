package gen

import (
	"fmt"
	"strings"
	"time"

	"github.com/otsight/otsight/internal/gen/wire"
)

const (
	ms   = int64(time.Millisecond)
	sec  = int64(time.Second)
	mins = int64(time.Minute)
)

type officeNet struct {
	net     *network
	router  *Device
	sw      *Device
	dns     *Device // also the DHCP server
	web     *Device
	clients []*Device
}

type level3Net struct {
	net       *network
	router    *Device
	sw        *Device
	scada     *Device
	historian *Device
	ews       *Device
}

type buildingNet struct {
	net         *network
	router      *Device
	bms         *Device
	controllers []*Device
}

type cellNet struct {
	index int
	net   *network
	sw    *Device
	hmi   *Device
	plcs  []*Device
	io    map[*Device][]*Device // CC-Link slaves of each Mitsubishi PLC
	ews   *Iface                // the engineering workstation's leg on this cell
	polls map[*Device]*conv     // the HMI's poll of each PLC
}

// Multicast pseudo interfaces.
func lldpDst(vlan uint16) *Iface { return &Iface{MAC: wire.LLDPMulticast, VLAN: vlan} }
func dcpDst(vlan uint16) *Iface  { return &Iface{MAC: wire.DCPMulticast, VLAN: vlan} }
func ssdpDst(vlan uint16) *Iface {
	return &Iface{MAC: wire.MAC{0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa}, IP: wire.IPv4{239, 255, 255, 250}, VLAN: vlan}
}

// build instantiates the plant: devices first, then their steady
// conversations and spawners, then the injected events.
func (m *model) build() {
	p := m.plant
	m.buildOffice(&p.Office)
	m.buildLevel3(&p.Level3)
	m.buildBuilding(&p.Building)
	idx := 0
	for i := range p.Cells {
		for k := 0; k < p.Cells[i].Count; k++ {
			m.buildCell(&p.Cells[i], k, idx)
			idx++
		}
	}
	m.buildEWS()
	for i := range p.Events {
		m.inject(&p.Events[i], i)
	}
}

// switchLLDP announces a switch every 30 s.
func (m *model) switchLLDP(sw *Device, descr string) {
	i := sw.Ifaces[0]
	m.add(&conv{a: i, b: lldpDst(i.VLAN), proto: protoEther, etherTyp: wire.EtherLLDP,
		start: m.start + int64(sw.Index%30)*sec + 17*ms, period: 30 * sec,
		cycle: []step{{msg: lldpMsg("Port 24", sw.Name, descr)}}})
}

// arpRefresh makes a resolve b every period.
func (m *model) arpRefresh(a, b *Iface, period, at int64) {
	m.add(&conv{a: a, b: b, proto: protoARP, start: at, period: period,
		cycle: []step{{msg: arpRequest()}, {dir: 1, off: 300 * 1000, msg: arpReply()}}})
}

func (m *model) buildOffice(o *Office) {
	n := newNetwork(o.VLAN, o.Subnet)
	on := &officeNet{net: n}
	m.office = on
	on.router = m.newDevice("office-gw", "router", "cisco", "embedded", n, 1, -1)
	on.sw = m.newDevice("office-sw1", "switch", "cisco", "embedded", n, 2, -1)
	on.dns = m.newDevice("srv-dc01", "server", "supermicro", "linux", n, 3, -1)
	on.web = m.newDevice("srv-intranet", "server", "supermicro", "linux", n, 4, -1)
	m.switchLLDP(on.sw, "Cisco IOS Software, C2960 Software, Version 15.2(7)E")
	for i := range o.Windows + o.Linux {
		os, maker, name := "windows", "dell", fmt.Sprintf("PC-%04d", i+1)
		if i >= o.Windows {
			os, maker, name = "linux", "hp", fmt.Sprintf("lnx-%03d", i-o.Windows+1)
		}
		d := m.newDevice(name, "workstation", maker, os, n, 10+i, -1)
		on.clients = append(on.clients, d)
		alwaysOn := i*100/max(o.Windows+o.Linux, 1) < o.AlwaysOn
		m.schedule(newPCDay(m, d, alwaysOn, m.start))
	}
}

func (m *model) buildLevel3(l *Level3) {
	n := newNetwork(l.VLAN, l.Subnet)
	ln := &level3Net{net: n}
	m.level3 = ln
	ln.router = m.newDevice("plant-gw", "router", "cisco", "embedded", n, 1, -1)
	ln.sw = m.newDevice("plant-core", "switch", "hirschmann", "embedded", n, 2, -1)
	ln.historian = m.newDevice("historian01", "historian", "supermicro", "linux", n, 10, -1)
	ln.scada = m.newDevice("SCADA01", "scada", "dell", "windows", n, 11, -1)
	ln.ews = m.newDevice("EWS01", "ews", "dell", "windows", n, 12, -1)
	m.switchLLDP(ln.sw, "Hirschmann MACH4000 HiOS-3S 09.0.06")
	const url = "opc.tcp://historian01:4840/"
	a, b := ln.scada.Ifaces[0], ln.historian.Ifaces[0]
	m.add(&conv{a: a, b: b, proto: wire.ProtoTCP, sport: ln.scada.port(), dport: 4840, service: "opcua",
		start: m.start + 40*ms, rtt: 2 * ms, period: int64(l.Poll),
		setup: pace(opcuaSetup(url, 7), 2*ms), cycle: pace(opcuaPoll(7, 20), 3*ms)})
	m.arpRefresh(a, b, 2*mins, m.start+5*ms)
}

func (m *model) buildBuilding(b *Building) {
	n := newNetwork(b.VLAN, b.Subnet)
	bn := &buildingNet{net: n}
	m.building = bn
	bn.router = m.newDevice("bms-gw", "router", "cisco", "embedded", n, 1, -1)
	bn.bms = m.newDevice("BMS01", "bms", "dell", "windows", n, 10, -1)
	whoIs := m.add(&conv{a: bn.bms.Ifaces[0], b: n.bcast, proto: wire.ProtoUDP, sport: 47808, dport: 47808,
		start: m.start + 30*sec, period: 10 * mins, service: "bacnet", cycle: []step{{msg: bacnetWhoIs()}}})
	for i := range b.Controllers {
		d := m.newDevice(fmt.Sprintf("DDC-%03d", i+1), "controller", "honeywell", "embedded", n, 20+i, -1)
		d.Model = "Spyder BACnet"
		bn.controllers = append(bn.controllers, d)
		inst := uint32(1000 + i)
		m.add(&conv{a: bn.bms.Ifaces[0], b: d.Ifaces[0], proto: wire.ProtoUDP, sport: 47808, dport: 47808,
			service: "bacnet", start: m.start + int64(i)*97*ms + 200*ms, rtt: 8 * ms, period: int64(b.Poll),
			cycle: pace(bacnetPoll(inst), 8*ms)})
		m.add(&conv{a: d.Ifaces[0], b: n.bcast, proto: wire.ProtoUDP, sport: 47808, dport: 47808,
			start: whoIs.start + 20*ms + int64(i)*3*ms, period: 10 * mins, service: "bacnet",
			cycle: []step{{msg: bacnetIAm(inst, 17)}}})
	}
}

// pace spaces a request/response list: each message follows the previous
// one after gap.
func pace(steps []step, gap int64) []step {
	for i := range steps {
		steps[i].off = int64(i) * gap
	}
	return steps
}

func (m *model) buildCell(c *Cell, k, idx int) {
	n := newNetwork(c.VLAN+uint16(k), c.Subnet)
	cn := &cellNet{index: idx, net: n, io: map[*Device][]*Device{}, polls: map[*Device]*conv{}}
	m.cells = append(m.cells, cn)
	name := func(s string) string { return fmt.Sprintf("%s%d-%s", c.Name, idx+1, s) }
	cn.sw = m.newDevice(name("sw"), "switch", "hirschmann", "embedded", n, 1, idx)
	cn.hmi = m.newDevice(name("HMI"), "hmi", "dell", "windows", n, 10, idx)
	m.switchLLDP(cn.sw, "Hirschmann RS20 Rail Switch L2E 09.0.02")
	host := 20
	rng := m.newRand(uint64(1_000_000 + idx))
	for _, maker := range makers {
		for j := range c.PLCs[maker] {
			os := "vxworks"
			if maker == "mitsubishi" || maker == "omron" {
				os = "embedded"
			}
			d := m.newDevice(name(fmt.Sprintf("%s-plc%d", maker, j+1)), "plc", maker, os, n, host, idx)
			host++
			cn.plcs = append(cn.plcs, d)
			// Pairs poll at half, once or twice the cell's period.
			period := max(int64(c.Poll)*[]int64{1, 2, 2, 4}[rng.IntN(4)]/2, 100*ms)
			start := m.start + int64(rng.IntN(1000))*ms
			cn.polls[d] = m.addPoll(cn.hmi, d, maker, period, start, 0)
			m.arpRefresh(cn.hmi.Ifaces[0], d.Ifaces[0], 2*mins, start-50*ms+ms*int64(rng.IntN(40)))
		}
	}
	for _, plc := range cn.plcs {
		if plc.Maker != "mitsubishi" {
			continue
		}
		for j := range c.IO {
			io := m.newDevice(fmt.Sprintf("%s-io%d", plc.Name, j+1), "io", "mitsubishi", "embedded", n, host, idx)
			io.Model = "NZ2MFB1-32D"
			host++
			cn.io[plc] = append(cn.io[plc], io)
			a, b := plc.Ifaces[0], io.Ifaces[0]
			m.add(&conv{a: a, b: b, proto: wire.ProtoUDP, sport: 61451, dport: 61450, service: "cclink_ief_basic",
				start: m.start + 3*ms + int64(j)*ms, rtt: ms / 2, period: int64(c.Cyclic),
				cycle: pace(cclinkCycle(a.IP, b.IP), ms/2)})
		}
	}
	ip := n.host(250)
	cn.ews = &Iface{IP: ip, VLAN: n.vlan} // device and MAC set by buildEWS
}

// addPoll starts an HMI's (or another client's) poll of a PLC in the PLC's
// protocol; qtyScale multiplies the amount of data read (behaviour shift).
func (m *model) addPoll(client, plc *Device, maker string, period, start int64, qtyScale int) *conv {
	if qtyScale == 0 {
		qtyScale = 1
	}
	a, b := client.Ifaces[0], plc.Ifaces[0]
	c := &conv{a: a, b: b, proto: wire.ProtoTCP, sport: client.port(), start: start, period: period, rtt: 2 * ms}
	switch maker {
	case "mitsubishi":
		c.dport, c.service = 5007, "slmp"
		c.cycle = pace(slmpPoll(100, uint16(64*qtyScale)), 3*ms)
	case "siemens":
		c.dport, c.service = 102, "s7comm"
		c.setup = pace(s7Setup(uint16(0x0010+plc.Index)), 2*ms)
		c.cycle = pace(s7Poll(10, 4, 16*qtyScale), 4*ms)
	case "rockwell":
		c.dport, c.service = 44818, "enip"
		c.setup = pace(enipSetup(uint32(0x1000+plc.Index)), 2*ms)
		c.cycle = pace(enipPoll(uint32(0x1000+plc.Index), 100, 64*qtyScale), 3*ms)
	case "omron":
		c.proto, c.sport, c.dport, c.service = wire.ProtoUDP, 9600, 9600, "fins"
		c.cycle = pace(finsPoll(plc.Ifaces[0].IP[3], client.Ifaces[0].IP[3], 100, uint16(50*qtyScale)), 3*ms)
	default:
		c.dport, c.service = 502, "modbus"
		c.cycle = pace(modbusPoll(1, 0, uint16(min64(40*int64(qtyScale), 125))), 3*ms)
	}
	return m.add(c)
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

// buildEWS gives the engineering workstation a leg on every cell (a trunk
// port) and its working-hours sessions.
func (m *model) buildEWS() {
	ews := m.level3.ews
	for _, cn := range m.cells {
		cn.ews.Dev = ews
		cn.ews.MAC = ews.Ifaces[0].MAC
		ews.Ifaces = append(ews.Ifaces, cn.ews)
	}
	if len(m.cells) > 0 {
		m.schedule(&spawner{kind: spEWS, d: ews, rng: m.newRand(2_000_000), t: m.start + 5*mins})
	}
}

// dcpDevice is what a Siemens PLC says in a DCP Identify response.
func dcpDevice(d *Device) *wire.DCPDevice {
	i := d.Ifaces[0]
	return &wire.DCPDevice{StationName: strings.ToLower(d.Name), StationType: "S7-1500", VendorID: 0x002a, DeviceID: 0x010e,
		IP: i.IP, Mask: wire.IPv4{255, 255, 255, 0}, Gateway: i.IP}
}

package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/otsight/otsight/internal/gen/wire"
)

// Spawner kinds.
const (
	spPCDay = iota // an office client's boots and shutdowns
	spWeb          // an office client's browsing while it is on
	spEWS          // the engineering workstation's sessions
)

// spawner creates conversations over time: an office client booting in the
// morning, browsing during the day, the engineering workstation visiting
// cells in working hours.
type spawner struct {
	kind     int
	d        *Device
	rng      *rand.Rand
	t        int64
	id       uint64
	on       bool
	off      int64 // shutdown time while on
	alwaysOn bool
	xp       bool
}

func (s *spawner) when() int64   { return s.t }
func (s *spawner) order() uint64 { return 1<<63 | s.id }

func newPCDay(m *model, d *Device, alwaysOn bool, at int64) *spawner {
	m.ids++
	return &spawner{kind: spPCDay, d: d, rng: m.newRand(uint64(3_000_000 + d.Index)), t: at, id: m.ids, alwaysOn: alwaysOn}
}

// workday reports whether t falls on Monday to Friday (UTC).
func workday(t int64) bool {
	wd := time.Unix(0, t).UTC().Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func dayStart(t int64) int64 { return t - t%(24*int64(time.Hour)) }

// activity is the relative level of human activity at t: office hours on
// workdays are busy with a lunch dip, nights and weekends quiet.
func activity(t int64) float64 {
	h := float64(t%(24*int64(time.Hour))) / float64(time.Hour)
	day := 0.0
	if h >= 7 && h < 18 {
		day = 0.8 + 0.2*math.Sin((h-7)/11*math.Pi)
		if h >= 12 && h < 13 {
			day *= 0.5
		}
	}
	if !workday(t) {
		day *= 0.1
	}
	return math.Max(day, 0.03)
}

func (s *spawner) fire(m *model) {
	switch s.kind {
	case spPCDay:
		s.firePCDay(m)
	case spWeb:
		s.fireWeb(m)
	case spEWS:
		s.fireEWS(m)
	}
}

// firePCDay boots the client (or, for an always-on client, starts its
// announcements for the whole span) and schedules the next boot.
func (s *spawner) firePCDay(m *model) {
	now := s.t
	if s.alwaysOn {
		m.pcSession(s.d, now, m.end, false, s.xp)
		s.t = math.MaxInt64
		return
	}
	if !s.on {
		// Is today a working day and is it still before the evening?
		day := dayStart(now)
		boot := day + 7*int64(time.Hour) + int64(s.rng.IntN(90))*mins
		shut := day + 16*int64(time.Hour) + 30*mins + int64(s.rng.IntN(120))*mins
		if s.xp || (workday(now) || s.rng.IntN(10) == 0) && now < shut {
			boot = max(boot, now)
			if s.xp {
				shut = max(shut, now+4*int64(time.Hour))
			}
			s.on, s.off, s.t = true, shut, boot
			return
		}
		s.t = day + 24*int64(time.Hour)
		return
	}
	if s.t < s.off { // boot time reached
		m.pcSession(s.d, s.t, s.off, true, s.xp)
		s.t = s.off
		return
	}
	s.on = false
	s.t = dayStart(s.t) + 24*int64(time.Hour)
}

var (
	win10Params = []byte{1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252}
	linuxParams = []byte{1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42}
	xpParams    = []byte{1, 15, 3, 6, 44, 46, 47, 31, 33, 249, 43}
)

// pcSession is one client's time on: DHCP and name registration at boot,
// periodic announcements, browsing.
func (m *model) pcSession(d *Device, on, off int64, boot, xp bool) {
	o := m.office
	i := d.Ifaces[0]
	n := o.net
	if boot {
		xid := uint32(d.Index)*7919 + uint32(on/sec)
		cl := &wire.DHCPClient{MAC: i.MAC, HostName: d.Name, ParamList: linuxParams}
		if d.OS == "windows" {
			cl.VendorClass, cl.ParamList = "MSFT 5.0", win10Params
		}
		if xp {
			cl.VendorClass, cl.ParamList = "MSFT 5.0", xpParams
		}
		unbound := &Iface{Dev: d, MAC: i.MAC, VLAN: i.VLAN}
		srv := o.dns.Ifaces[0]
		bc := &Iface{MAC: wire.Broadcast, IP: wire.IPv4{255, 255, 255, 255}, VLAN: i.VLAN}
		m.add(&conv{a: unbound, b: bc, proto: wire.ProtoUDP, sport: 68, dport: 67, start: on, service: "dhcp",
			setup: []step{{msg: dhcpClient(wire.DHCPDiscover, xid, cl, wire.IPv4{}, wire.IPv4{})},
				{off: 1200 * ms, msg: dhcpClient(wire.DHCPRequest, xid, cl, i.IP, srv.IP)}}})
		m.add(&conv{a: srv, b: bc, proto: wire.ProtoUDP, sport: 67, dport: 68, start: on + 4*ms, service: "dhcp",
			setup: []step{{msg: dhcpServer(wire.DHCPOffer, xid, i.MAC, i.IP, srv.IP, n.mask(), o.router.Ifaces[0].IP)},
				{off: 1200 * ms, msg: dhcpServer(wire.DHCPAck, xid, i.MAC, i.IP, srv.IP, n.mask(), o.router.Ifaces[0].IP)}}})
		m.arpRefresh(i, o.router.Ifaces[0], 10*mins, on+1300*ms)
	}
	if d.OS == "windows" || xp {
		m.add(&conv{a: i, b: n.bcast, proto: wire.ProtoUDP, sport: 137, dport: 137, start: on + 1500*ms, service: "nbns",
			setup: []step{{msg: nbnsRegistration(d.Name)}}})
		major, minor := byte(10), byte(0)
		if xp {
			major, minor = 5, 1
		}
		ann := &wire.BrowserAnnouncement{Host: d.Name, Workgroup: m.plant.Office.Workgroup, OSMajor: major, OSMinor: minor,
			ServerType: 0x00001003, Comment: ""}
		m.add(&conv{a: i, b: n.bcast, proto: wire.ProtoUDP, sport: 138, dport: 138, start: on + 2*sec, end: off,
			service: "cifs_browser", period: 12 * mins, cycle: []step{{msg: browserAnnouncement(ann)}}})
		if !xp {
			loc := fmt.Sprintf("http://%d.%d.%d.%d:2869/upnphost/udhisapi.dll?content=uuid:%08x-0000-0000-0000-000000000000",
				i.IP[0], i.IP[1], i.IP[2], i.IP[3], d.Index)
			m.add(&conv{a: i, b: ssdpDst(i.VLAN), proto: wire.ProtoUDP, sport: 1900, dport: 1900, start: on + 3*sec, end: off,
				service: "ssdp", period: 3 * mins,
				cycle: []step{{msg: ssdpNotify(loc, "Microsoft-Windows/10.0 UPnP/1.0 UPnP-Device-Host/1.0",
					fmt.Sprintf("%08x-0000-0000-0000-000000000000", d.Index))}}})
		}
	}
	m.ids++
	m.schedule(&spawner{kind: spWeb, d: d, rng: m.newRand(uint64(4_000_000 + d.Index)), t: on + 10*sec, off: off, id: m.ids, xp: xp})
}

// fireWeb opens one browsing session (DNS lookup, then an HTTP GET) and
// draws the next one with a rate following the day's activity.
func (s *spawner) fireWeb(m *model) {
	if s.t >= s.off {
		s.t = math.MaxInt64
		return
	}
	m.webSession(s.d, s.t, s.rng, s.xp)
	rate := 40 * activity(s.t) / float64(time.Hour) // sessions per ns at full activity: 40/h
	gap := int64(s.rng.ExpFloat64()/rate) + 5*sec
	s.t += gap
}

func (m *model) webSession(d *Device, t int64, rng *rand.Rand, xp bool) {
	o := m.office
	i := d.Ifaces[0]
	name := "intranet.plant.local"
	agent := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
	switch {
	case xp:
		agent = "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)"
	case d.OS == "linux":
		agent = "curl/7.88.1"
	}
	m.add(&conv{a: i, b: o.dns.Ifaces[0], proto: wire.ProtoUDP, sport: d.port(), dport: 53, start: t, service: "dns",
		setup: dnsExchange(uint16(rng.Uint32()), name, o.web.Ifaces[0].IP, 700*1000)})
	size := 200 + rng.IntN(1000)
	path := fmt.Sprintf("/status/line%d.html", rng.IntN(20)+1)
	m.add(&conv{a: i, b: o.web.Ifaces[0], proto: wire.ProtoTCP, sport: d.port(), dport: 80, start: t + 2*ms,
		rtt: ms, close: true, service: "http",
		setup: httpExchange(name, path, agent, "nginx/1.22.1", size, 3*ms)})
}

// fireEWS visits a cell in working hours: a PROFINET DCP Identify, then an
// S7 session uploading program blocks (a comparison with the project) and
// watching values.
func (s *spawner) fireEWS(m *model) {
	now := s.t
	if workday(now) && activity(now) > 0.5 {
		cn := m.cells[s.rng.IntN(len(m.cells))]
		m.ewsVisit(cn, now)
	}
	s.t += 30*mins + int64(s.rng.IntN(90))*mins
}

func (m *model) ewsVisit(cn *cellNet, now int64) {
	m.add(&conv{a: cn.ews, b: dcpDst(cn.net.vlan), proto: protoEther, etherTyp: wire.EtherPROFINET, start: now,
		setup: []step{{msg: dcpIdentifyReq()}}})
	k := 0
	for _, plc := range cn.plcs {
		if plc.Maker != "siemens" {
			continue
		}
		m.add(&conv{a: plc.Ifaces[0], b: cn.ews, proto: protoEther, etherTyp: wire.EtherPROFINET,
			start: now + 3*ms + int64(k)*ms, setup: []step{{msg: dcpIdentifyResp(dcpDevice(plc))}}})
		k++
		// Compare the PLC's program with the project: upload a few data
		// blocks, then watch values for two seconds.
		setup := s7Setup(0x0200)
		for blk := range uint16(3) {
			setup = append(setup, s7BlockUpload(10+blk, 300+int(blk)*250)...)
		}
		start := now + 500*ms + int64(k)*sec
		m.add(&conv{a: cn.ews, b: plc.Ifaces[0], proto: wire.ProtoTCP, sport: m.level3.ews.port(), dport: 102,
			start: start, rtt: 2 * ms, close: true, service: "s7comm", period: 50 * ms, end: start + 3*sec,
			setup: pace(setup, 2*ms), cycle: pace(s7Poll(1, 1, 200), 5*ms)})
	}
}

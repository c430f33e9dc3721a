package gen

import (
	"fmt"
	"time"

	"github.com/otsight/otsight/internal/gen/wire"
)

// TruthEvent is one injected event as written to the ground-truth file.
type TruthEvent struct {
	Time    time.Time     `json:"time"`
	Kind    string        `json:"kind"`
	Detail  string        `json:"detail,omitempty"`
	Devices []TruthDevice `json:"devices"`
}

// TruthDevice names a device an event involves.
type TruthDevice struct {
	Name string `json:"name"`
	MAC  string `json:"mac"`
	IP   string `json:"ip,omitempty"`
	VLAN uint16 `json:"vlan,omitempty"`
}

func truthDev(i *Iface) TruthDevice {
	td := TruthDevice{MAC: fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", i.MAC[0], i.MAC[1], i.MAC[2], i.MAC[3], i.MAC[4], i.MAC[5]), VLAN: i.VLAN}
	if i.Dev != nil {
		td.Name = i.Dev.Name
	}
	if i.IP != (wire.IPv4{}) {
		td.IP = fmt.Sprintf("%d.%d.%d.%d", i.IP[0], i.IP[1], i.IP[2], i.IP[3])
	}
	return td
}

func (m *model) record(at int64, kind, detail string, ifs ...*Iface) {
	te := TruthEvent{Time: time.Unix(0, at).UTC(), Kind: kind, Detail: detail}
	for _, i := range ifs {
		te.Devices = append(te.Devices, truthDev(i))
	}
	m.truth = append(m.truth, te)
}

// firstPLC returns the cell's first PLC of a maker.
func (cn *cellNet) firstPLC(maker string) *Device {
	for _, d := range cn.plcs {
		if d.Maker == maker {
			return d
		}
	}
	return nil
}

// inject adds an event's conversations (or changes) at its time. Events
// past the end of the span are left out, also from the truth.
func (m *model) inject(e *Event, idx int) {
	at := m.start + int64(e.At)
	if at >= m.end || len(m.cells) == 0 {
		return
	}
	cn := m.cells[e.Cell%len(m.cells)]
	o := m.office
	if len(cn.plcs) == 0 || len(o.clients) == 0 {
		return // nothing for the event to involve
	}
	rng := m.newRand(uint64(5_000_000 + idx))
	switch e.Kind {
	case "new_device":
		d := m.newDevice(fmt.Sprintf("cell%d-rpi", cn.index+1), "workstation", "raspberrypi", "linux", cn.net, 200, cn.index)
		i := d.Ifaces[0]
		plc := cn.plcs[0]
		m.add(&conv{a: i, b: i, proto: protoARP, start: at, setup: []step{{msg: arpAnnounce()}}})
		m.arpRefresh(i, plc.Ifaces[0], 2*mins, at+sec)
		m.addPoll(d, plc, plc.Maker, sec, at+2*sec, 0)
		m.record(at, e.Kind, "Raspberry Pi appears and polls "+plc.Name, i, plc.Ifaces[0])
	case "unknown_pair":
		plc := cn.plcs[rng.IntN(len(cn.plcs))]
		c := m.addPoll(o.clients[0], plc, plc.Maker, sec, at, 0)
		c.end, c.close = at+20*sec, true
		m.record(at, e.Kind, "office client polls "+plc.Name+" for 20 s", o.clients[0].Ifaces[0], plc.Ifaces[0])
	case "unusual_port":
		cl := o.clients[len(o.clients)-1]
		m.add(&conv{a: cl.Ifaces[0], b: o.web.Ifaces[0], proto: wire.ProtoTCP, sport: cl.port(), dport: 4444, start: at,
			rtt: ms, close: true, service: "http", setup: httpExchange("10.0.0.1", "/x", "python-requests/2.31", "SimpleHTTP/0.6", 900, 2*ms)})
		m.record(at, e.Kind, "TCP 4444", cl.Ifaces[0], o.web.Ifaces[0])
	case "traffic_surge":
		plc := cn.plcs[rng.IntN(len(cn.plcs))]
		c := cn.polls[plc]
		c.surgeFrom, c.surgeTo, c.surgeFactor = at, at+int64(e.For), int64(e.Factor)
		m.record(at, e.Kind, fmt.Sprintf("poll rate x%d for %v", e.Factor, time.Duration(e.For)), cn.hmi.Ifaces[0], plc.Ifaces[0])
	case "behaviour_shift":
		plc := cn.plcs[rng.IntN(len(cn.plcs))]
		c := cn.polls[plc]
		c.end, c.close = at, true
		m.addPoll(cn.hmi, plc, plc.Maker, c.period, at+2*sec, 4)
		m.record(at, e.Kind, "HMI reconnects and reads four times as much", cn.hmi.Ifaces[0], plc.Ifaces[0])
	case "ot_function":
		m.otFunction(e.Function, cn, at)
	case "host_scan":
		cl := o.clients[0]
		ports := []uint16{21, 23, 80, 102, 443, 502, 5007, 44818}
		k := 0
		for _, d := range cn.plcs {
			for _, p := range ports {
				m.add(&conv{a: cl.Ifaces[0], b: d.Ifaces[0], proto: wire.ProtoTCP, sport: cl.port(), dport: p,
					start: at + int64(k)*3*ms, rtt: ms, reject: true})
				k++
			}
		}
		m.record(at, e.Kind, fmt.Sprintf("SYN scan of %d ports on %d PLCs", len(ports), len(cn.plcs)), cl.Ifaces[0])
	case "eos_os":
		d := m.newDevice("XP-LEGACY", "workstation", "dell", "winxp", o.net, 9, -1)
		o.clients = append(o.clients, d)
		s := newPCDay(m, d, false, at)
		s.xp = true
		m.schedule(s)
		m.record(at, e.Kind, "Windows XP (5.1) client boots", d.Ifaces[0])
	}
}

func (m *model) otFunction(fn string, cn *cellNet, at int64) {
	switch fn {
	case "modbus_write":
		plc := cn.firstPLC("modbus")
		if plc == nil {
			return
		}
		c := m.add(&conv{a: cn.hmi.Ifaces[0], b: plc.Ifaces[0], proto: wire.ProtoTCP, sport: cn.hmi.port(), dport: 502,
			start: at, rtt: 2 * ms, close: true, service: "modbus", setup: pace(modbusWrite(1, 40001%10000, 1234), 3*ms)})
		m.record(at, "ot_function", "Modbus Write Single Register", c.a, c.b)
	case "s7_stop":
		plc := cn.firstPLC("siemens")
		if plc == nil {
			return
		}
		c := m.add(&conv{a: cn.ews, b: plc.Ifaces[0], proto: wire.ProtoTCP, sport: m.level3.ews.port(), dport: 102,
			start: at, rtt: 2 * ms, close: true, service: "s7comm",
			setup: pace(append(s7Setup(0x0300), s7Stop()...), 2*ms)})
		m.record(at, "ot_function", "S7 PLC Stop", c.a, c.b)
	case "melsec_stop":
		plc := cn.firstPLC("mitsubishi")
		if plc == nil {
			return
		}
		c := m.add(&conv{a: cn.ews, b: plc.Ifaces[0], proto: wire.ProtoTCP, sport: m.level3.ews.port(), dport: 5007,
			start: at, rtt: 2 * ms, close: true, service: "slmp", setup: pace(slmpStop(), 3*ms)})
		m.record(at, "ot_function", "MELSEC Remote STOP", c.a, c.b)
	}
}

func arpAnnounce() *Msg {
	return &Msg{Kind: "arp/1", Enc: func(b []byte, x *msgCtx) []byte {
		return wire.AppendARP(b, 1, x.c.a.MAC, x.c.a.IP, wire.MAC{}, x.c.a.IP)
	}}
}

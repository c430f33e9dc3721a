package gen

import (
	"encoding/binary"
	"net/netip"

	"github.com/otsight/otsight/internal/gen/wire"
)

// Device is one host of the plant.
type Device struct {
	Index  int
	Name   string
	Role   string // plc, hmi, io, switch, router, workstation, server, historian, scada, ews, bms, controller
	Maker  string
	Model  string
	OS     string // key of wire.Stacks
	Stack  *wire.Stack
	Ifaces []*Iface
	Cell   int // -1 outside cells
	eph    uint16
}

// OUIs by maker, for believable MAC vendor lookups.
var ouis = map[string]uint32{
	"mitsubishi": 0x002692, "siemens": 0x001b1b, "rockwell": 0x0000bc, "omron": 0x00000a,
	"modbus": 0x0080f4, "hirschmann": 0x008063, "cisco": 0x00000c, "dell": 0x00142a,
	"hp": 0x001cc4, "supermicro": 0x002590, "honeywell": 0x0040ae, "raspberrypi": 0xb827eb,
	"beckhoff": 0x000105,
}

// network is an address range on one VLAN.
type network struct {
	vlan   uint16
	prefix netip.Prefix
	bcast  *Iface // broadcast pseudo interface
}

func newNetwork(vlan uint16, subnet string) *network {
	pfx := netip.MustParsePrefix(subnet).Masked()
	n := &network{vlan: vlan, prefix: pfx}
	base := binary.BigEndian.Uint32(pfx.Addr().AsSlice())
	last := base | (1<<(32-pfx.Bits()) - 1)
	var ip wire.IPv4
	binary.BigEndian.PutUint32(ip[:], last)
	n.bcast = &Iface{MAC: wire.Broadcast, IP: ip, VLAN: vlan}
	return n
}

// host is the address of the n-th host of the network.
func (n *network) host(i int) wire.IPv4 {
	var ip wire.IPv4
	binary.BigEndian.PutUint32(ip[:], binary.BigEndian.Uint32(n.prefix.Addr().AsSlice())+uint32(i))
	return ip
}

func (n *network) mask() wire.IPv4 {
	var ip wire.IPv4
	binary.BigEndian.PutUint32(ip[:], ^uint32(0)<<(32-n.prefix.Bits()))
	return ip
}

// newDevice adds a device with one interface on net at host number h.
func (m *model) newDevice(name, role, maker, os string, nw *network, h int, cell int) *Device {
	d := &Device{Index: len(m.devices), Name: name, Role: role, Maker: maker, OS: os,
		Stack: wire.Stacks[os], Cell: cell}
	switch os {
	case "windows", "winxp":
		d.eph = 49152
	default:
		d.eph = 32768
	}
	d.eph += uint16(m.rng.IntN(4000))
	m.devices = append(m.devices, d)
	if nw != nil {
		d.Ifaces = append(d.Ifaces, &Iface{Dev: d, MAC: m.mac(maker), IP: nw.host(h), VLAN: nw.vlan})
	}
	return d
}

func (m *model) mac(maker string) wire.MAC {
	oui := ouis[maker]
	m.macs++
	v := uint64(oui)<<24 | uint64(0x100000+m.macs)
	var mac wire.MAC
	for i := range 6 {
		mac[i] = byte(v >> (40 - 8*i))
	}
	return mac
}

// port returns the next ephemeral port of a device.
func (d *Device) port() uint16 {
	d.eph++
	lo := uint16(32768)
	if d.OS == "windows" || d.OS == "winxp" {
		lo = 49152
	}
	if d.eph < lo || d.eph > 60999 {
		d.eph = lo
	}
	return d.eph
}

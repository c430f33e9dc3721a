package inventory

import (
	"net/netip"

	"github.com/otsight/otsight/internal/record"
)

// DefaultMaxDevicesPerSensor is the device limit of SPEC section 6: at
// 1,500 devices the server stops creating devices for a sensor.
const DefaultMaxDevicesPerSensor = 1500

// Config tunes an Inventory. The zero value is usable: Internet addresses are
// devices of their own and the limit is DefaultMaxDevicesPerSensor.
type Config struct {
	// FoldInternet folds every global address of a sensor into one
	// "Internet" device (the tenant setting of SPEC S1-1); when false each
	// global address is a device in the segment InternetSegment.
	FoldInternet bool
	// LocalNets are prefixes treated as local although they are globally
	// routable: plants often number their cells from public ranges.
	LocalNets []netip.Prefix
	// MaxDevicesPerSensor bounds the devices of one sensor; 0 means
	// DefaultMaxDevicesPerSensor.
	MaxDevicesPerSensor int
}

func (c Config) limit() int {
	if c.MaxDevicesPerSensor <= 0 {
		return DefaultMaxDevicesPerSensor
	}
	return c.MaxDevicesPerSensor
}

// InternetSegment is the segment of global addresses: they are not local to
// any VLAN or interface, so one Internet host seen in two cells is one device.
const InternetSegment = "internet"

// DeviceKey identifies a device: a local address within a network segment
// of a sensor (plants reuse the same ranges in different cells). Devices
// without IP (PROFINET RT, CC-Link IE, GOOSE stations) have the all-zero
// IPv4 address 0.0.0.0 and are told apart by MAC, which is zero otherwise.
type DeviceKey struct {
	Sensor string `json:"sensor"`
	// Segment is "vlan N" for tagged traffic, else the capture interface
	// label (often empty), or InternetSegment.
	Segment string     `json:"segment"`
	Addr    netip.Addr `json:"addr"`
	MAC     record.MAC `json:"mac,omitzero"`
}

// MACOnly reports whether k names a device known only by its MAC.
func (k DeviceKey) MACOnly() bool { return !k.MAC.IsZero() }

// ref is a DeviceKey within one sensor.
type ref struct {
	Seg  string
	Addr netip.Addr
	MAC  record.MAC
}

func (r ref) key(sensor string) DeviceKey {
	return DeviceKey{Sensor: sensor, Segment: r.Seg, Addr: r.Addr, MAC: r.MAC}
}

var macOnlyAddr = netip.IPv4Unspecified()

// internetRef is the folded Internet device of a sensor.
var internetRef = ref{Seg: InternetSegment, Addr: macOnlyAddr}

// segmentOf names the segment of a record: its VLAN, else its interface.
func segmentOf(vlan uint16, iface string) string {
	if vlan != 0 {
		return "vlan " + itoa(uint64(vlan))
	}
	return iface
}

func itoa(v uint64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// addrClass says what an address can be in the inventory.
type addrClass uint8

const (
	addrNone   addrClass = iota // never a device: invalid, unspecified, multicast, broadcast, loopback
	addrLocal                   // private, link-local, ULA, or in Config.LocalNets
	addrGlobal                  // anything else: the Internet
)

var broadcast4 = netip.AddrFrom4([4]byte{255, 255, 255, 255})

func (c *Config) classify(a netip.Addr) addrClass {
	if !a.IsValid() {
		return addrNone
	}
	a = a.Unmap()
	switch {
	case a.IsUnspecified(), a.IsMulticast(), a.IsLoopback(), a == broadcast4,
		a.IsInterfaceLocalMulticast():
		return addrNone
	case a.IsPrivate(), a.IsLinkLocalUnicast():
		return addrLocal
	}
	if a.Is4() && a.As4()[0] >= 224 { // class E reserved
		return addrNone
	}
	for _, p := range c.LocalNets {
		if p.Contains(a) {
			return addrLocal
		}
	}
	return addrGlobal
}

// unicastMAC reports whether m can name a sending station.
func unicastMAC(m record.MAC) bool { return !m.IsZero() && m[0]&1 == 0 }

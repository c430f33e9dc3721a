package gen

import (
	"embed"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
)

// Plant describes a synthetic plant: an office network, a plant (level 3)
// network with the historian and engineering workstation, a building
// automation network and production cells. Cells of one entry repeat count
// times, each on the next VLAN and reusing the same address range, as real
// plants do with identical machines.
type Plant struct {
	Name     string   `yaml:"name"`
	Office   Office   `yaml:"office"`
	Level3   Level3   `yaml:"plant"`
	Building Building `yaml:"building"`
	Cells    []Cell   `yaml:"cells"`
	Events   []Event  `yaml:"events"`
}

// Office is the IT side: Windows and Linux clients, a DNS/DHCP server and an
// intranet web server.
type Office struct {
	VLAN      uint16 `yaml:"vlan"`
	Subnet    string `yaml:"subnet"`
	Windows   int    `yaml:"windows"`
	Linux     int    `yaml:"linux"`
	Workgroup string `yaml:"workgroup"`
	// AlwaysOn is the share of clients that never shut down, in percent.
	AlwaysOn int `yaml:"always_on"`
}

// Level3 is the plant network: SCADA client, OPC UA historian and the
// engineering workstation, which reaches every cell over a trunk.
type Level3 struct {
	VLAN   uint16 `yaml:"vlan"`
	Subnet string `yaml:"subnet"`
	// Poll is the SCADA's OPC UA read period.
	Poll Duration `yaml:"poll"`
}

// Building is the building automation network: BACnet/IP controllers polled
// by a building management workstation.
type Building struct {
	VLAN        uint16   `yaml:"vlan"`
	Subnet      string   `yaml:"subnet"`
	Controllers int      `yaml:"controllers"`
	Poll        Duration `yaml:"poll"`
}

// Cell is a production cell: a switch, an HMI polling the cell's PLCs, the
// PLCs by maker, and CC-Link IE Field Basic I/O stations behind each
// Mitsubishi PLC.
type Cell struct {
	Name   string         `yaml:"name"`
	Count  int            `yaml:"count"`
	VLAN   uint16         `yaml:"vlan"`
	Subnet string         `yaml:"subnet"`
	Poll   Duration       `yaml:"poll"`
	PLCs   map[string]int `yaml:"plcs"`
	IO     int            `yaml:"io"`
	Cyclic Duration       `yaml:"cyclic"`
}

// Event is an anomaly injected at a time after the start of the span.
type Event struct {
	At       Duration `yaml:"at"`
	Kind     string   `yaml:"kind"`
	Cell     int      `yaml:"cell"`
	Function string   `yaml:"function"`
	For      Duration `yaml:"for"`
	Factor   int      `yaml:"factor"`
}

// Duration is a time.Duration written as "500ms", "10m", "2h" or "1d".
type Duration time.Duration

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := ParseDuration(string(b))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// ParseDuration parses a Go duration, also accepting a day suffix "d".
func ParseDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.ParseFloat(n, 64)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("duration %q: want a number of days before d", s)
		}
		return time.Duration(days * float64(24*time.Hour)), nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("duration %q: %w", s, err)
	}
	if v < 0 {
		return 0, fmt.Errorf("duration %q: negative", s)
	}
	return v, nil
}

// Makers of cell PLCs and the protocol their HMI polls them with.
var makers = []string{"mitsubishi", "siemens", "rockwell", "omron", "modbus"}

// Event kinds.
var eventKinds = []string{"new_device", "unknown_pair", "unusual_port", "traffic_surge",
	"behaviour_shift", "ot_function", "host_scan", "eos_os"}

var otFunctions = []string{"modbus_write", "s7_stop", "melsec_stop"}

//go:embed presets/*.yaml
var presetFS embed.FS

// Presets lists the built-in plant names.
func Presets() []string {
	ents, _ := presetFS.ReadDir("presets")
	var out []string
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	return out
}

// Preset returns a built-in plant.
func Preset(name string) (*Plant, error) {
	data, err := presetFS.ReadFile("presets/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("unknown preset %q (have %s)", name, strings.Join(Presets(), ", "))
	}
	return ParsePlant(data)
}

// ParsePlant parses and validates a plant description. Errors name the
// offending field.
func ParsePlant(data []byte) (*Plant, error) {
	var p Plant
	if err := yaml.UnmarshalWithOptions(data, &p, yaml.DisallowUnknownField()); err != nil {
		return nil, fmt.Errorf("plant: %s", yaml.FormatError(err, false, false))
	}
	if err := p.validate(); err != nil {
		return nil, fmt.Errorf("plant: %w", err)
	}
	return &p, nil
}

func checkSubnet(field, s string, hosts int) (netip.Prefix, error) {
	pfx, err := netip.ParsePrefix(s)
	if err != nil {
		return pfx, fmt.Errorf("%s: %q is not an IPv4 prefix like 10.10.0.0/24", field, s)
	}
	if !pfx.Addr().Is4() || pfx.Bits() < 8 || pfx.Bits() > 30 {
		return pfx, fmt.Errorf("%s: %q must be an IPv4 prefix between /8 and /30", field, s)
	}
	if room := 1<<(32-pfx.Bits()) - 2 - 10; hosts > room {
		return pfx, fmt.Errorf("%s: %q has room for %d hosts, %d needed", field, s, max(room, 0), hosts)
	}
	return pfx.Masked(), nil
}

func checkVLAN(field string, v uint16, seen map[uint16]string) error {
	if v == 0 || v > 4094 {
		return fmt.Errorf("%s: VLAN %d out of range 1-4094", field, v)
	}
	if other, dup := seen[v]; dup {
		return fmt.Errorf("%s: VLAN %d already used by %s", field, v, other)
	}
	seen[v] = field
	return nil
}

const maxCount = 100000

func (p *Plant) validate() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	vlans := map[uint16]string{}
	o := &p.Office
	if o.Windows < 0 || o.Linux < 0 || o.Windows+o.Linux > maxCount {
		add(fmt.Errorf("office.windows/office.linux: counts must be between 0 and %d", maxCount))
	}
	if o.AlwaysOn < 0 || o.AlwaysOn > 100 {
		add(fmt.Errorf("office.always_on: %d is not a percentage", o.AlwaysOn))
	}
	if o.Workgroup == "" {
		o.Workgroup = "WORKGROUP"
	}
	if len(o.Workgroup) > 15 {
		add(fmt.Errorf("office.workgroup: %q is longer than 15 characters", o.Workgroup))
	}
	add(checkVLAN("office.vlan", o.VLAN, vlans))
	_, err := checkSubnet("office.subnet", o.Subnet, o.Windows+o.Linux+4)
	add(err)
	add(checkVLAN("plant.vlan", p.Level3.VLAN, vlans))
	_, err = checkSubnet("plant.subnet", p.Level3.Subnet, 4)
	add(err)
	if p.Level3.Poll <= 0 {
		p.Level3.Poll = Duration(time.Second)
	}
	b := &p.Building
	if b.Controllers < 0 || b.Controllers > maxCount {
		add(fmt.Errorf("building.controllers: %d out of range 0-%d", b.Controllers, maxCount))
	}
	add(checkVLAN("building.vlan", b.VLAN, vlans))
	_, err = checkSubnet("building.subnet", b.Subnet, b.Controllers+2)
	add(err)
	if b.Poll <= 0 {
		b.Poll = Duration(10 * time.Second)
	}
	if Duration(time.Minute) <= b.Poll {
		add(fmt.Errorf("building.poll: %v must be shorter than a minute", time.Duration(b.Poll)))
	}
	total := 0
	for i := range p.Cells {
		c := &p.Cells[i]
		f := fmt.Sprintf("cells[%d]", i)
		if c.Count == 0 {
			c.Count = 1
		}
		if c.Count < 0 || c.Count > 4000 {
			add(fmt.Errorf("%s.count: %d out of range 1-4000", f, c.Count))
			continue
		}
		total += c.Count
		for k := 0; k < c.Count; k++ {
			if err := checkVLAN(f+".vlan", c.VLAN+uint16(k), vlans); err != nil {
				add(err)
				break
			}
		}
		n := 2 + c.IO*c.PLCs["mitsubishi"]
		for _, m := range slices.Sorted(mapKeys(c.PLCs)) {
			if !slices.Contains(makers, m) {
				add(fmt.Errorf("%s.plcs: unknown maker %q (have %s)", f, m, strings.Join(makers, ", ")))
			}
			if c.PLCs[m] < 0 || c.PLCs[m] > 200 {
				add(fmt.Errorf("%s.plcs.%s: %d out of range 0-200", f, m, c.PLCs[m]))
			}
			n += c.PLCs[m]
		}
		if c.IO < 0 || c.IO > 16 {
			add(fmt.Errorf("%s.io: %d out of range 0-16", f, c.IO))
		}
		_, err := checkSubnet(f+".subnet", c.Subnet, n)
		add(err)
		if c.Poll <= 0 {
			c.Poll = Duration(500 * time.Millisecond)
		}
		if c.Cyclic <= 0 {
			c.Cyclic = Duration(20 * time.Millisecond)
		}
		if c.Poll < Duration(10*time.Millisecond) || c.Poll >= Duration(time.Minute) {
			add(fmt.Errorf("%s.poll: %v out of range 10ms-1m", f, time.Duration(c.Poll)))
		}
		if c.Cyclic < Duration(time.Millisecond) || c.Cyclic >= Duration(time.Minute) {
			add(fmt.Errorf("%s.cyclic: %v out of range 1ms-1m", f, time.Duration(c.Cyclic)))
		}
	}
	for i := range p.Events {
		e := &p.Events[i]
		f := fmt.Sprintf("events[%d]", i)
		if !slices.Contains(eventKinds, e.Kind) {
			add(fmt.Errorf("%s.kind: unknown kind %q (have %s)", f, e.Kind, strings.Join(eventKinds, ", ")))
		}
		if e.Kind == "ot_function" && !slices.Contains(otFunctions, e.Function) {
			add(fmt.Errorf("%s.function: unknown function %q (have %s)", f, e.Function, strings.Join(otFunctions, ", ")))
		}
		if e.Cell < 0 || e.Cell >= max(total, 1) {
			add(fmt.Errorf("%s.cell: %d out of range 0-%d", f, e.Cell, max(total-1, 0)))
		}
		if e.Factor == 0 {
			e.Factor = 10
		}
		if e.Factor < 1 || e.Factor > 1000 {
			add(fmt.Errorf("%s.factor: %d out of range 1-1000", f, e.Factor))
		}
		if e.For <= 0 {
			e.For = Duration(10 * time.Minute)
		}
	}
	if total == 0 && len(p.Events) > 0 {
		add(errors.New("events: a plant with events needs at least one cell"))
	}
	return errors.Join(errs...)
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

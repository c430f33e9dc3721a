package portal

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"github.com/otsight/otsight/internal/inventory"
	"github.com/otsight/otsight/internal/record"
)

// DeviceKeyString is the text form of an inventory key used in URLs
// (/devices/{key}) and in the stored notes: sensor, segment, address and
// MAC, each query-escaped and joined by commas, trailing empty parts left
// out ("line-1,,192.168.1.10"; "line-1,vlan+10,0.0.0.0,00:1b:1b:00:00:0a").
func DeviceKeyString(k inventory.DeviceKey) string {
	parts := []string{url.QueryEscape(k.Sensor), url.QueryEscape(k.Segment), k.Addr.String(), ""}
	if !k.MAC.IsZero() {
		parts[3] = k.MAC.String()
	}
	n := len(parts)
	for n > 0 && parts[n-1] == "" {
		n--
	}
	return strings.Join(parts[:n], ",")
}

var errBadKey = errors.New("not a device key")

// parseDeviceKey reads DeviceKeyString's form.
func parseDeviceKey(s string) (inventory.DeviceKey, error) {
	parts := strings.Split(s, ",")
	if len(parts) < 3 || len(parts) > 4 {
		return inventory.DeviceKey{}, errBadKey
	}
	var k inventory.DeviceKey
	var err error
	if k.Sensor, err = url.QueryUnescape(parts[0]); err != nil || k.Sensor == "" {
		return k, errBadKey
	}
	if k.Segment, err = url.QueryUnescape(parts[1]); err != nil {
		return k, errBadKey
	}
	if k.Addr, err = netip.ParseAddr(parts[2]); err != nil {
		return k, errBadKey
	}
	if len(parts) == 4 {
		m, err := parseMAC(parts[3])
		if err != nil || m.IsZero() {
			return k, errBadKey
		}
		k.MAC = m
	}
	return k, nil
}

// parseMAC reads an Ethernet address in any of the usual notations
// (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff).
func parseMAC(s string) (record.MAC, error) {
	hw, err := net.ParseMAC(strings.TrimSpace(s))
	if err != nil || len(hw) != 6 {
		return record.MAC{}, fmt.Errorf("%q is not a MAC address", s)
	}
	var m record.MAC
	copy(m[:], hw)
	return m, nil
}

// deviceURL is the detail page of a device.
func deviceURL(key string) string { return "/devices/" + url.PathEscape(key) }

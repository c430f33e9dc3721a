package inventory

import (
	"strings"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

// ethProtocol names the protocol of a non-IP Ethernet record.
func ethProtocol(r *record.Eth) string {
	switch r.EtherType {
	case 0x88cc:
		return "lldp"
	case 0x8892:
		return "profinet"
	case 0x890f:
		return "cclink_ie"
	case 0x88b8:
		return "goose"
	case 0x88ba:
		return "sv"
	case 0x88a4:
		return "ethercat"
	case 0x88f7:
		return "ptp"
	case 0x8809:
		return "slow_protocols"
	case 0x0000:
	default:
		return "ethertype/0x" + hex16(r.EtherType)
	}
	switch {
	case r.DSAP == 0x42 && r.SSAP == 0x42:
		return "stp"
	case r.SNAPOUI == 0x00000c && r.SNAPPID == 0x2000:
		return "cdp"
	case r.SNAPOUI == 0x00000c:
		return "cisco_snap/0x" + hex16(r.SNAPPID)
	}
	return "llc/0x" + hex16(uint16(r.DSAP))
}

func hex16(v uint16) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>12], digits[v>>8&0xf], digits[v>>4&0xf], digits[v&0xf]})
}

func (b *batch) eth(r *record.Eth) {
	d := b.l2(segmentOf(r.VLAN, r.Iface), r.SrcMAC, r.TS, r.TSEnd)
	if d == nil {
		return
	}
	name := ethProtocol(r)
	addCount(&d.Speaks, name, r.Frames)
	d.BytesSent += r.Bytes
	if name == "stp" {
		d.STP = true
	}
}

func (b *batch) lldp(r *record.LLDP) {
	d := b.l2(segmentOf(r.VLAN, r.Iface), r.SrcMAC, r.TS, r.TS)
	if d == nil {
		return
	}
	d.addName(r.SystemName, "lldp", r.TS, r.TS, 1)
	d.addOS(string(osguess.SourceLLDP), r.TS, r.TS, r.SystemDesc)
	caps := r.EnabledCaps
	if len(caps) == 0 {
		caps = r.SystemCaps
	}
	d.addCaps(caps)
}

func (b *batch) cdp(r *record.CDP) {
	d := b.l2(segmentOf(r.VLAN, r.Iface), r.SrcMAC, r.TS, r.TS)
	if d == nil {
		return
	}
	d.addName(r.DeviceID, "cdp", r.TS, r.TS, 1)
	d.addOS(string(osguess.SourceCDP), r.TS, r.TS, oneLine(r.Software))
	d.addCaps(r.Capabilities)
}

func (d *dev) addCaps(caps []string) {
	for _, c := range caps {
		if d.Caps == nil {
			d.Caps = make(map[string]bool)
		}
		if len(d.Caps) < 16 {
			d.Caps[c] = true
		}
	}
}

// oneLine joins the lines of a multi-line text with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

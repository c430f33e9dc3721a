package sensor

import (
	"net/netip"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/record"
)

// Keys of the per-minute aggregations. Every field that is logged is part of
// the key, as the public sensor's scripts do, so a row's count says how often
// exactly that event repeated within the minute.
type arpKey struct {
	origMAC, respMAC    record.MAC
	origIP, respIP, who netip.Addr
	op                  string
	vlan                uint16
	iface               int
}

type ndpKey = arpKey

type ethKey struct {
	src, dst   record.MAC
	etherType  uint16
	dsap, ssap uint8
	oui        uint32
	pid        uint16
	vlan       uint16
	iface      int
}

type ipFlowKey struct {
	src, dst netip.Addr
	proto    uint8
	vlan     uint16
	iface    int
}

// l2Aggs holds the per-minute aggregations of frames that are not
// connections: ARP, neighbour discovery, other Ethernet, other IP protocols.
type l2Aggs struct {
	arp    *minuteAgg[arpKey, record.ARP]
	ndp    *minuteAgg[ndpKey, record.NDP]
	eth    *minuteAgg[ethKey, record.Eth]
	ipflow *minuteAgg[ipFlowKey, record.Flow]
	labels []string
}

func newL2Aggs(max int, labels []string) *l2Aggs {
	return &l2Aggs{
		arp:    newMinuteAgg[arpKey, record.ARP](max),
		ndp:    newMinuteAgg[ndpKey, record.NDP](max),
		eth:    newMinuteAgg[ethKey, record.Eth](max),
		ipflow: newMinuteAgg[ipFlowKey, record.Flow](max),
		labels: labels,
	}
}

func (a *l2Aggs) label(i int) string {
	if i >= 0 && i < len(a.labels) {
		return a.labels[i]
	}
	return ""
}

func micros(ns int64) record.Micros { return record.Micros(ns / 1000) }

// arpOp names an ARP packet the way an analyst reads it.
func arpOp(p *decode.Packet) string {
	switch {
	case p.ARPOp == 1 && p.ARPSPA.IsUnspecified():
		return "probe"
	case p.ARPSPA == p.ARPTPA && p.ARPOp == 1:
		return "announcement"
	case p.ARPSPA == p.ARPTPA && p.ARPOp == 2:
		return "gratuitous"
	case p.ARPOp == 1:
		return "request"
	case p.ARPOp == 2:
		return "reply"
	}
	return "unknown"
}

// addARP counts one ARP frame. A request is oriented from the sender to the
// asked-for address; a reply is re-oriented toward the asker (orig = the
// reply's target), as the public sensor's arp.log does.
func (a *l2Aggs) addARP(p *decode.Packet) bool {
	k := arpKey{op: arpOp(p), vlan: p.VLANs[0], iface: p.Iface}
	if p.ARPOp == 2 {
		k.origMAC, k.origIP = p.ARPTHA, p.ARPTPA
		k.respMAC, k.respIP, k.who = p.ARPSHA, p.ARPSPA, p.ARPSPA
	} else {
		k.origMAC, k.origIP = p.ARPSHA, p.ARPSPA
		k.respMAC, k.respIP, k.who = p.ARPTHA, p.ARPTPA, p.ARPTPA
	}
	ts := micros(p.TS)
	r := a.arp.get(k, func(r *record.ARP) {
		*r = record.ARP{TS: ts, OrigMAC: k.origMAC, OrigIP: k.origIP, RespMAC: k.respMAC,
			RespIP: k.respIP, WhoHas: k.who, Op: k.op, VLAN: k.vlan, Iface: a.label(k.iface)}
	})
	if r == nil {
		return false
	}
	r.Pkts++
	r.TSEnd = ts
	return true
}

// ICMPv6 neighbour discovery types.
const (
	icmp6NS = 135
	icmp6NA = 136
)

// addNDP records a neighbour solicitation or advertisement. The frame itself
// is counted in its ICMP connection; this is the address-resolution view.
// Solicitation: orig = sender, who_has = target. Advertisement: resp = the
// advertiser, orig = the side it answers (for an unsolicited advertisement to
// a multicast group, that group).
func (a *l2Aggs) addNDP(p *decode.Packet) {
	if len(p.Payload) < 20 {
		return
	}
	target := netip.AddrFrom16([16]byte(p.Payload[4:20]))
	k := ndpKey{who: target, vlan: p.VLANs[0], iface: p.Iface}
	switch p.ICMPType {
	case icmp6NS:
		k.op = "solicitation"
		k.origMAC, k.origIP = p.SrcMAC, p.SrcIP
		k.respMAC, k.respIP = p.DstMAC, target
	case icmp6NA:
		k.op = "advertisement"
		if p.DstIP.IsMulticast() {
			k.op = "unsolicited_advertisement"
		}
		k.origMAC, k.origIP = p.DstMAC, p.DstIP
		k.respMAC, k.respIP = p.SrcMAC, target
	default:
		return
	}
	ts := micros(p.TS)
	r := a.ndp.get(k, func(r *record.NDP) {
		*r = record.NDP{TS: ts, OrigMAC: k.origMAC, RespMAC: k.respMAC, OrigIP: k.origIP,
			RespIP: k.respIP, WhoHas: k.who, Op: k.op, VLAN: k.vlan, Iface: a.label(k.iface)}
	})
	if r != nil {
		r.Pkts++
		r.TSEnd = ts
	}
}

// addEth counts a non-IP, non-ARP Ethernet frame.
func (a *l2Aggs) addEth(p *decode.Packet) bool {
	k := ethKey{src: p.SrcMAC, dst: p.DstMAC, etherType: p.EtherType, vlan: p.VLANs[0], iface: p.Iface}
	if p.LLC {
		k.dsap, k.ssap, k.oui, k.pid = p.DSAP, p.SSAP, p.SNAPOUI, p.SNAPPID
	}
	ts := micros(p.TS)
	r := a.eth.get(k, func(r *record.Eth) {
		*r = record.Eth{TS: ts, SrcMAC: k.src, DstMAC: k.dst, EtherType: k.etherType, DSAP: k.dsap,
			SSAP: k.ssap, SNAPOUI: k.oui, SNAPPID: k.pid, VLAN: k.vlan, Iface: a.label(k.iface)}
	})
	if r == nil {
		return false
	}
	r.Frames++
	r.Bytes += uint64(p.WireLen)
	r.TSEnd = ts
	return true
}

// addIPFlow counts a packet of an IP protocol that has no connection
// semantics here (IGMP, VRRP, PIM, UDP-Lite, ESP, GRE, …).
func (a *l2Aggs) addIPFlow(p *decode.Packet) bool {
	k := ipFlowKey{src: p.SrcIP, dst: p.DstIP, proto: p.Proto, vlan: p.VLANs[0], iface: p.Iface}
	ts := micros(p.TS)
	r := a.ipflow.get(k, func(r *record.Flow) {
		*r = record.Flow{TS: ts, SrcH: k.src, DstH: k.dst, Proto: k.proto, ProtoKey: ipProtoName(k.proto),
			SrcMAC: p.SrcMAC, DstMAC: p.DstMAC, VLAN: k.vlan, Iface: a.label(k.iface)}
	})
	if r == nil {
		return false
	}
	r.Pkts++
	r.IPBytes += uint64(p.IPLen)
	r.L2Bytes += uint64(p.WireLen)
	r.TSEnd = ts
	return true
}

// drain emits the minute's rows of every aggregation.
func (a *l2Aggs) drain(emit func(record.Record)) {
	a.arp.drain(func(r *record.ARP) { emit(r) })
	a.ndp.drain(func(r *record.NDP) { emit(r) })
	a.eth.drain(func(r *record.Eth) { emit(r) })
	a.ipflow.drain(func(r *record.Flow) { emit(r) })
}

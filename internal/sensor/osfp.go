package sensor

import (
	"net/netip"

	"github.com/otsight/otsight/internal/decode"
	"github.com/otsight/otsight/internal/fingerprint/tcpfp"
	"github.com/otsight/otsight/internal/record"
)

// osfpKey identifies one os_fp row within a minute. The signature itself
// (a comparable value, SYN or SYN+ACK included) is part of the key, so a
// host that changes stacks or options shows as separate rows.
type osfpKey struct {
	sender netip.Addr
	mac    record.MAC
	vlan   uint16
	iface  int
	sig    tcpfp.Signature
}

// osfpAggs fingerprints the SYNs and SYN+ACKs hosts send and aggregates
// them into os_fp rows per UTC minute. Matching and printing happen once per
// new row, not per packet.
type osfpAggs struct {
	match  *tcpfp.Matcher
	agg    *minuteAgg[osfpKey, record.OSFP]
	mss    synMSSCache
	labels []string
}

// newOSFPAggs builds the aggregation; a loaded p0f.fp set, if any, is tried
// before the built-in one (see tcpfp.Matcher).
func newOSFPAggs(max int, labels []string, p0f *tcpfp.Set) *osfpAggs {
	return &osfpAggs{
		match:  tcpfp.NewMatcher(p0f, tcpfp.Builtin()),
		agg:    newMinuteAgg[osfpKey, record.OSFP](max),
		labels: labels,
	}
}

// add fingerprints a TCP packet with SYN set; false when the minute's table
// is full.
func (a *osfpAggs) add(p *decode.Packet) bool {
	var peerMSS uint16
	synAck := p.Flags&decode.TCPAck != 0
	if synAck {
		peerMSS = a.mss.get(p.DstIP, p.DstPort, p.SrcIP, p.SrcPort)
	}
	sig, ok := tcpfp.Extract(p, peerMSS)
	if !ok {
		return true
	}
	if !synAck {
		a.mss.put(p.SrcIP, p.SrcPort, p.DstIP, p.DstPort, sig.MSS)
	}
	k := osfpKey{sender: p.SrcIP, mac: p.SrcMAC, vlan: p.VLANs[0], iface: p.Iface, sig: sig}
	if r, ok := a.agg.m[k]; ok { // repeats: no closure, no allocation
		r.Count++
		return true
	}
	ts := micros(p.TS)
	r := a.agg.get(k, func(r *record.OSFP) { a.newRow(r, &k, ts, p.SrcPort) })
	if r == nil {
		return false
	}
	r.Count++
	return true
}

// newRow fills a row for a signature first seen this minute.
func (a *osfpAggs) newRow(r *record.OSFP, k *osfpKey, ts record.Micros, port uint16) {
	kind := "syn"
	if k.sig.SynAck {
		kind = "syn+ack"
	}
	*r = record.OSFP{TS: ts, Sender: k.sender, SendMAC: k.mac, Port: port, VLAN: k.vlan,
		Iface: ifaceLabel(a.labels, k.iface), Kind: kind, Signature: k.sig.String()}
	m := a.match.Match(&k.sig)
	r.Distance = m.Dist
	if l := m.Label(); l != nil {
		r.Matched = true
		r.OSClass, r.OSName, r.OSFlavor = l.Class, l.Name, l.Flavor
		r.Generic, r.Fuzzy = l.Generic, m.Fuzzy
		r.Confidence, r.Source = l.Confidence.String(), l.Source
	}
}

func ifaceLabel(labels []string, i int) string {
	if i >= 0 && i < len(labels) {
		return labels[i]
	}
	return ""
}

// drain emits the minute's rows.
func (a *osfpAggs) drain(emit func(record.Record)) {
	a.agg.drain(func(r *record.OSFP) { emit(r) })
}

// synMSSCache remembers the MSS of recent SYNs by connection, so a SYN+ACK's
// window can be recognised as a multiple of the peer's MSS, as p0f does
// from its flow table. It is direct-mapped and fixed in size: a collision
// forgets the older SYN (the SYN+ACK then prints its window as a number),
// and it never allocates.
type synMSSCache struct {
	slots [synMSSSlots]synMSSSlot
}

const synMSSSlots = 4096

type synMSSSlot struct {
	cli, srv netip.AddrPort
	mss      uint16
}

func synMSSIndex(cli netip.Addr, cp uint16, srv netip.Addr, sp uint16) uint32 {
	// FNV-1a over both endpoints.
	h := uint32(2166136261)
	mix := func(b byte) { h ^= uint32(b); h *= 16777619 }
	for _, a := range [2]netip.Addr{cli, srv} {
		for _, b := range a.As16() {
			mix(b)
		}
	}
	mix(byte(cp >> 8))
	mix(byte(cp))
	mix(byte(sp >> 8))
	mix(byte(sp))
	return h % synMSSSlots
}

func (c *synMSSCache) put(cli netip.Addr, cp uint16, srv netip.Addr, sp uint16, mss uint16) {
	c.slots[synMSSIndex(cli, cp, srv, sp)] = synMSSSlot{netip.AddrPortFrom(cli, cp), netip.AddrPortFrom(srv, sp), mss}
}

// get returns the MSS of the SYN from cli to srv, 0 when unknown.
func (c *synMSSCache) get(cli netip.Addr, cp uint16, srv netip.Addr, sp uint16) uint16 {
	s := &c.slots[synMSSIndex(cli, cp, srv, sp)]
	if s.cli == netip.AddrPortFrom(cli, cp) && s.srv == netip.AddrPortFrom(srv, sp) {
		return s.mss
	}
	return 0
}

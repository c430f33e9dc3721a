package inventory

import (
	"net/netip"
	"strings"

	"github.com/otsight/otsight/internal/record"
)

// Edge weights: the criticality of what flows on an edge (see the package
// documentation).
const (
	WeightIT     = 1.0 // IT traffic, unknown services
	WeightRead   = 2.0 // OT reads, cyclic I/O, diagnostics
	WeightWrite  = 4.0 // OT writes
	WeightManage = 6.0 // OT program transfer and mode/run control
)

type svcKey struct {
	proto string
	port  uint16
}

// service names a connection's protocol: its detected service, else
// transport/port.
func (b *batch) service(svc, proto string, port uint16) string {
	if svc != "" {
		return svc
	}
	if proto == "icmp" {
		return proto
	}
	k := svcKey{proto, port}
	if s, ok := b.inv.svcs[k]; ok {
		return s
	}
	s := proto + "/" + itoa(uint64(port))
	if len(b.inv.svcs) < maxCached {
		b.inv.svcs[k] = s
	}
	return s
}

// answered reports whether a connection's responder took part: a
// rejected or unanswered attempt does not make a server.
func answered(c *record.Conn) bool {
	if c.RespPkts == 0 {
		return false
	}
	switch c.ConnState {
	case "REJ", "RSTOS0", "RSTRH", "SH", "SHR", "S0":
		return false
	}
	return true
}

func (b *batch) conn(r *record.Conn) {
	seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
	t0, t1 := r.TS, r.TS+r.Duration
	var od, rd *dev
	if o, ok := b.endpoint(seg, lab, r.OrigH); ok {
		od = b.get(o, t0, t1)
	}
	if p, ok := b.endpoint(seg, lab, r.RespH); ok {
		rd = b.get(p, t0, t1)
	}
	b.observe(seg, r.OrigMAC, r.OrigH, od, false, t0, t1)
	b.observe(seg, r.RespMAC, r.RespH, rd, false, t0, t1)
	svc := b.service(r.Service, r.Proto, r.RespP)
	if od != nil {
		addCount(&od.Speaks, svc, 1)
	}
	ok := answered(r)
	if rd != nil && ok {
		addCount(&rd.Serves, svc, 1)
		if od != nil && isDatabase(svc, r.Proto, r.RespP) {
			if rd.DBClients == nil {
				rd.DBClients = make(map[ref]bool)
			}
			if len(rd.DBClients) < maxPeers {
				rd.DBClients[od.Ref] = true
			}
		}
	}
	if ok {
		b.link(od, rd, WeightIT, 1)
	}
}

// connInterval carries the bytes: a connection's totals are the sum of its
// minutes, so the final Conn record adds none. Its minute start counts as
// seen, which makes first/last seen minute-accurate for long connections.
func (b *batch) connInterval(r *record.ConnInterval) {
	seg, lab := segmentOf(r.VLAN, ""), r.VLAN != 0
	var od, rd *dev
	if o, ok := b.endpoint(seg, lab, r.OrigH); ok {
		od = b.get(o, r.TS, r.TS)
	}
	if p, ok := b.endpoint(seg, lab, r.RespH); ok {
		rd = b.get(p, r.TS, r.TS)
	}
	if od != nil {
		od.BytesSent += r.OrigIPBytes
		od.BytesRecv += r.RespIPBytes
	}
	if rd != nil {
		rd.BytesSent += r.RespIPBytes
		rd.BytesRecv += r.OrigIPBytes
	}
	if r.RespBytes > 0 {
		svc := b.service(r.Service, r.Proto, r.RespP)
		if od != nil {
			addCount(&od.Speaks, svc, 0)
		}
		if rd != nil {
			addCount(&rd.Serves, svc, 0)
		}
		b.link(od, rd, WeightIT, 0)
	}
}

// flow is IP traffic other than TCP, UDP and ICMP (IGMP, VRRP, OSPF, …).
func (b *batch) flow(r *record.Flow) {
	seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
	var sd, dd *dev
	if s, ok := b.endpoint(seg, lab, r.SrcH); ok {
		sd = b.get(s, r.TS, r.TSEnd)
	}
	if d, ok := b.endpoint(seg, lab, r.DstH); ok {
		dd = b.get(d, r.TS, r.TSEnd)
	}
	b.observe(seg, r.SrcMAC, r.SrcH, sd, false, r.TS, r.TSEnd)
	b.observe(seg, r.DstMAC, r.DstH, dd, false, r.TS, r.TSEnd)
	name := r.ProtoKey
	if name == "" {
		name = "ip/" + itoa(uint64(r.Proto))
	}
	if sd != nil {
		addCount(&sd.Speaks, name, 1)
		sd.BytesSent += r.IPBytes
	}
	if dd != nil {
		dd.BytesRecv += r.IPBytes
	}
	b.link(sd, dd, WeightIT, 1)
}

// arp and ndp bind addresses to the MACs their stations state: the sender
// of every message, and the responder of a reply or advertisement. The
// target of a request is only asked about: it may not exist, and the
// target MAC of an ARP request is often left over garbage.
func (b *batch) arp(r *record.ARP) {
	b.neighbour(r.VLAN, r.Iface, r.OrigMAC, r.OrigIP, r.TS, r.TSEnd)
	if r.Op == "reply" {
		b.neighbour(r.VLAN, r.Iface, r.RespMAC, r.RespIP, r.TS, r.TSEnd)
	}
}

func (b *batch) ndp(r *record.NDP) {
	b.neighbour(r.VLAN, r.Iface, r.OrigMAC, r.OrigIP, r.TS, r.TSEnd)
	if strings.HasSuffix(r.Op, "advertisement") { // also unsolicited_advertisement
		b.neighbour(r.VLAN, r.Iface, r.RespMAC, r.RespIP, r.TS, r.TSEnd)
	}
}

func (b *batch) neighbour(vlan uint16, iface string, mac record.MAC, ip netip.Addr, t0, t1 record.Micros) {
	if !unicastMAC(mac) {
		return
	}
	if b.cfg.classify(ip) == addrGlobal && len(b.s.OnLink) < maxPendingAddr {
		if b.s.OnLink == nil {
			b.s.OnLink = make(map[netip.Addr]bool)
		}
		b.s.OnLink[ip.Unmap()] = true
	}
	if b.class(ip) != addrLocal {
		return
	}
	b.noteSeg(vlan, iface, ip)
	seg := segmentOf(vlan, iface)
	p, _ := b.endpoint(seg, vlan != 0 || iface != "", ip)
	d := b.get(p, t0, t1)
	b.observe(seg, mac, ip, d, true, t0, t1)
}

// isDatabase reports whether a served port is a database or historian
// service (SQL Server, Oracle, MySQL, PostgreSQL, InfluxDB, PI Data
// Archive).
func isDatabase(svc, proto string, port uint16) bool {
	switch svc {
	case "mssql", "tds", "mysql", "postgresql", "oracle":
		return true
	}
	if proto != "tcp" {
		return false
	}
	switch port {
	case 1433, 1521, 3306, 5432, 8086, 5450:
		return true
	}
	return false
}

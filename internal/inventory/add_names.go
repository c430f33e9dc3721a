package inventory

import (
	"net/netip"
	"strings"

	"github.com/otsight/otsight/internal/fingerprint/osguess"
	"github.com/otsight/otsight/internal/record"
)

// side is one end of a DHCP flow.
type side struct {
	h   netip.Addr
	mac record.MAC
}

// dhcpSides tells the server and client ends of a DHCP or DHCPv6 message
// by port (67/68, 547/546): the flow fields follow the flow's orientation,
// not the message's direction.
func dhcpSides(origH netip.Addr, origP uint16, origMAC record.MAC, respH netip.Addr, respP uint16, respMAC record.MAC, serverPort uint16) (server, client side) {
	o, r := side{origH, origMAC}, side{respH, respMAC}
	if respP == serverPort && origP != serverPort {
		return r, o
	}
	if origP == serverPort && respP != serverPort {
		return o, r
	}
	return r, o // relayed between agents: orig is the client's agent
}

func (b *batch) dhcp(r *record.DHCP) {
	seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
	srv, cli := dhcpSides(r.OrigH, r.OrigP, r.OrigMAC, r.RespH, r.RespP, r.RespMAC, 67)
	switch r.MsgType {
	case "OFFER", "ACK", "NAK", "BOOTREPLY":
		if p, ok := b.endpoint(seg, lab, srv.h); ok {
			sd := b.get(p, r.TS, r.TS)
			b.observe(seg, srv.mac, srv.h, sd, false, r.TS, r.TS)
			if sd != nil {
				sd.DHCPServer = true
				addCount(&sd.Serves, "dhcp", 1)
			}
		}
		// Only an acknowledgement gives the address; an offer may be
		// declined.
		if r.MsgType == "ACK" || r.MsgType == "BOOTREPLY" {
			b.claim(seg, lab, r.MAC, r.AssignedAddr, r.TS)
			if r.HostName != "" { // the name the server gives the client
				if d := b.l2(seg, r.MAC, r.TS, r.TS); d != nil {
					d.addName(r.HostName, "dhcp", r.TS, r.TS, 1)
				}
			}
		}
		return
	}
	// Client messages: what the client says about itself belongs to its
	// MAC, whatever address it has (often none yet).
	if r.ClientAddr.IsValid() && !r.ClientAddr.IsUnspecified() {
		b.claim(seg, lab, r.MAC, r.ClientAddr, r.TS)
	} else if p, ok := b.endpoint(seg, lab, cli.h); ok {
		b.observe(seg, cli.mac, cli.h, b.get(p, r.TS, r.TS), false, r.TS, r.TS)
	}
	d := b.l2(seg, r.MAC, r.TS, r.TS)
	if d == nil {
		return
	}
	addCount(&d.Speaks, "dhcp", 1)
	d.addName(r.HostName, "dhcp", r.TS, r.TS, 1)
	d.addName(strings.TrimSuffix(r.ClientFQDN, "."), "dhcp_fqdn", r.TS, r.TS, 1)
	d.addOS(string(osguess.SourceDHCP), r.TS, r.TS, r.ParamList, r.VendorClass)
}

// claim binds an address to the MAC a DHCP exchange gives it.
func (b *batch) claim(seg string, lab bool, mac record.MAC, a netip.Addr, t record.Micros) {
	if !unicastMAC(mac) || b.class(a) != addrLocal {
		return
	}
	p, _ := b.endpoint(seg, lab, a)
	b.observe(seg, mac, a, b.get(p, t, t), true, t, t)
}

func (b *batch) dhcpv6(r *record.DHCPv6) {
	seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
	srv, cli := dhcpSides(r.OrigH, r.OrigP, r.OrigMAC, r.RespH, r.RespP, r.RespMAC, 547)
	// The frame's MAC is the client's unless the message was relayed; the
	// DUID's MAC may be another (older) interface's.
	mac := cli.mac
	if r.Relayed || !unicastMAC(mac) {
		mac = r.MAC
	}
	switch r.MsgType {
	case "ADVERTISE", "REPLY", "RECONFIGURE":
		if p, ok := b.endpoint(seg, lab, srv.h); ok {
			sd := b.get(p, r.TS, r.TS)
			b.observe(seg, srv.mac, srv.h, sd, false, r.TS, r.TS)
			if sd != nil {
				addCount(&sd.Serves, "dhcpv6", 1)
			}
		}
		if r.MsgType == "REPLY" && r.StatusCode == 0 {
			for _, a := range r.Addrs {
				b.claim(seg, lab, mac, a, r.TS)
			}
		}
		return
	}
	if p, ok := b.endpoint(seg, lab, cli.h); ok {
		b.observe(seg, cli.mac, cli.h, b.get(p, r.TS, r.TS), false, r.TS, r.TS)
	}
	d := b.l2(seg, mac, r.TS, r.TS)
	if d == nil {
		return
	}
	addCount(&d.Speaks, "dhcpv6", 1)
	d.addName(strings.TrimSuffix(r.ClientFQDN, "."), "dhcpv6", r.TS, r.TS, 1)
	ent := ""
	if r.EnterpriseNumber != 0 {
		ent = itoa(uint64(r.EnterpriseNumber))
	}
	d.addOS(string(osguess.SourceDHCPv6), r.TS, r.TS, ent, r.VendorClass, r.OptionRequest)
}

// pending notes a name resolution answer: name is the name of address a.
// Only local addresses are named (Internet names are the DNS's business);
// the name reaches the device when the view is built, so a name answered
// before the address was first seen is not lost.
func (b *batch) pending(a netip.Addr, name, source string, t record.Micros) {
	if name == "" || b.class(a) != addrLocal {
		return
	}
	a = a.Unmap()
	m := b.s.Pending[a]
	if m == nil {
		if len(b.s.Pending) >= maxPendingAddr {
			return
		}
		m = make(map[nameKey]*seen)
		b.s.Pending[a] = m
	}
	addSeen(&m, nameKey{name, source}, maxNames, t, t, 1)
}

func (b *batch) dns(r *record.DNS) {
	if !r.ResponseSeen || r.Rejected || r.Query == "" {
		return
	}
	src := r.Protocol
	if src == "" {
		src = "dns"
	}
	q := strings.TrimSuffix(r.Query, ".")
	switch {
	case r.QType == 12: // PTR: the answers name the address in the query
		a, ok := reverseAddr(q)
		if !ok {
			return
		}
		for _, ans := range r.Answers {
			if _, err := netip.ParseAddr(ans); err != nil {
				b.pending(a, strings.TrimSuffix(ans, "."), src, r.TS)
			}
		}
	case r.QType == 1 || r.QType == 28 || r.QType == 255 || r.QType == 32:
		if src == "nbns" {
			if i := strings.IndexByte(q, '<'); i >= 0 {
				q = q[:i]
			}
		}
		for _, ans := range r.Answers {
			if a, err := netip.ParseAddr(ans); err == nil {
				b.pending(a, q, src, r.TS)
			}
		}
	}
}

// reverseAddr parses an in-addr.arpa or ip6.arpa name.
func reverseAddr(q string) (netip.Addr, bool) {
	q = strings.ToLower(q)
	if s, ok := strings.CutSuffix(q, ".in-addr.arpa"); ok {
		p := strings.Split(s, ".")
		if len(p) != 4 {
			return netip.Addr{}, false
		}
		a, err := netip.ParseAddr(p[3] + "." + p[2] + "." + p[1] + "." + p[0])
		return a, err == nil
	}
	if s, ok := strings.CutSuffix(q, ".ip6.arpa"); ok {
		p := strings.Split(s, ".")
		if len(p) != 32 {
			return netip.Addr{}, false
		}
		var sb strings.Builder
		for i := 31; i >= 0; i-- {
			if len(p[i]) != 1 {
				return netip.Addr{}, false
			}
			sb.WriteString(p[i])
			if i%4 == 0 && i > 0 {
				sb.WriteByte(':')
			}
		}
		a, err := netip.ParseAddr(sb.String())
		return a, err == nil && a.Is6()
	}
	return netip.Addr{}, false
}

func (b *batch) nbns(r *record.NBNS) {
	if r.Group || (r.Suffix != "00" && r.Suffix != "20") || r.Op == "release" {
		return
	}
	a := r.Addr
	if !a.IsValid() || a.IsUnspecified() {
		a = r.OrigH
	}
	b.pending(a, r.Name, "nbns", r.TS)
}

func (b *batch) cifsBrowser(r *record.CIFSBrowser) {
	seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
	p, ok := b.endpoint(seg, lab, r.OrigH)
	if !ok {
		return
	}
	d := b.get(p, r.TS, r.TS)
	b.observe(seg, r.OrigMAC, r.OrigH, d, false, r.TS, r.TS)
	if d == nil || p == internetRef {
		return
	}
	addCount(&d.Speaks, "cifs_browser", 1)
	switch r.Command {
	case "host_announcement", "local_master_announcement":
		d.addName(r.ServerName, "cifs_browser", r.TS, r.TS, 1)
		if r.OSVersion != "" {
			d.addOS(string(osguess.SourceCIFSBrowser), r.TS, r.TS, r.OSVersion, r.ServerType)
		}
	}
}

func (b *batch) ssdp(r *record.SSDP) {
	seg, lab := segmentOf(r.VLAN, r.Iface), r.VLAN != 0 || r.Iface != ""
	p, ok := b.endpoint(seg, lab, r.Sender)
	if !ok {
		return
	}
	d := b.get(p, r.TS, r.TS)
	mac := r.OrigMAC
	if r.Sender == r.RespH {
		mac = r.RespMAC
	}
	b.observe(seg, mac, r.Sender, d, false, r.TS, r.TS)
	if d == nil || p == internetRef {
		return
	}
	if r.Method == "M-SEARCH" {
		addCount(&d.Speaks, "ssdp", 1)
	} else {
		addCount(&d.Serves, "ssdp", 1)
	}
	d.addOS(string(osguess.SourceSSDPServer), r.TS, r.TS, r.Server)
	d.addOS(string(osguess.SourceSSDPUserAgent), r.TS, r.TS, r.UserAgent)
}

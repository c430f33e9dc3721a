package gen

import (
	"strings"

	"github.com/otsight/otsight/internal/gen/wire"
)

// Messages of the IT side and of link-layer protocols.

func arpRequest() *Msg {
	return &Msg{Kind: "arp/1", Enc: func(b []byte, x *msgCtx) []byte {
		return wire.AppendARP(b, 1, x.c.a.MAC, x.c.a.IP, wire.MAC{}, x.c.b.IP)
	}}
}

func arpReply() *Msg {
	return &Msg{Kind: "arp/2", Enc: func(b []byte, x *msgCtx) []byte {
		return wire.AppendARP(b, 2, x.c.b.MAC, x.c.b.IP, x.c.a.MAC, x.c.a.IP)
	}}
}

func lldpMsg(port, name, descr string) *Msg {
	return &Msg{Kind: "lldp", app: lldpRec(port, name, descr), perMinute: true, Enc: func(b []byte, x *msgCtx) []byte {
		return wire.LLDP(b, x.c.a.MAC, port, name, descr, x.c.a.IP)
	}}
}

func dcpIdentifyReq() *Msg {
	return &Msg{Kind: "pn_dcp/5/0", OT: ot("profinet_dcp", "5/0", "Identify", dirReq),
		Enc: func(b []byte, x *msgCtx) []byte { return wire.DCPIdentifyRequest(b, 0x1000+x.n) }}
}

func dcpIdentifyResp(d *wire.DCPDevice) *Msg {
	info := ot("profinet_dcp", "5/1", "Identify", dirResp)
	info.swap = true
	return &Msg{Kind: "pn_dcp/5/1", OT: info, app: dcpID(d),
		Enc: func(b []byte, x *msgCtx) []byte { return wire.DCPIdentifyResponse(b, 0x1000+x.n, d) }}
}

func dhcpClient(typ byte, xid uint32, c *wire.DHCPClient, addr, server wire.IPv4) *Msg {
	return &Msg{Kind: "dhcp", app: dhcpClientRec(typ, xid, c, addr, server),
		Enc: func(b []byte, _ *msgCtx) []byte { return wire.DHCPClientMsg(b, typ, xid, c, addr, server) }}
}

func dhcpServer(typ byte, xid uint32, chaddr wire.MAC, addr, server, mask, router wire.IPv4) *Msg {
	return &Msg{Kind: "dhcp", app: dhcpServerRec(typ, xid, chaddr, addr, server), Enc: func(b []byte, _ *msgCtx) []byte {
		return wire.DHCPServerMsg(b, typ, xid, chaddr, addr, server, mask, router)
	}}
}

func dnsExchange(id uint16, name string, addr wire.IPv4, rtt int64) []step {
	pend := &dnsPending{}
	return []step{
		{dir: 0, msg: &Msg{Kind: "dns", app: dnsQueryRec(pend, id, name), Enc: func(b []byte, _ *msgCtx) []byte { return wire.DNSQuery(b, id, name) }}},
		{dir: 1, off: rtt, msg: &Msg{Kind: "dns", app: dnsAnswerRec(pend, addr), Enc: func(b []byte, _ *msgCtx) []byte { return wire.DNSAnswer(b, id, name, addr) }}},
	}
}

func nbnsRegistration(name string) *Msg {
	return &Msg{Kind: "nbns", app: nbnsRec(name), Enc: func(b []byte, x *msgCtx) []byte {
		return wire.NBNSRegistration(b, uint16(0x8000+x.n), name, x.c.a.IP)
	}}
}

func browserAnnouncement(a *wire.BrowserAnnouncement) *Msg {
	return &Msg{Kind: "cifs_browser", app: browserRec(a), Enc: func(b []byte, x *msgCtx) []byte {
		return wire.BrowserHostAnnouncement(b, uint16(x.n), x.c.a.IP, a)
	}}
}

func ssdpNotify(location, server, uuid string) *Msg {
	product, version := serverProduct(server)
	return &Msg{Kind: "ssdp", app: ssdpRec(location, server, uuid, product, version), Enc: func(b []byte, _ *msgCtx) []byte { return wire.SSDPNotify(b, location, server, uuid) }}
}

func httpExchange(host, path, agent, server string, size int, rtt int64) []step {
	t := &httpTxn{}
	return []step{
		{dir: 0, msg: &Msg{Kind: "http", app: httpRequestRec(t, host, path, agent), Enc: func(b []byte, _ *msgCtx) []byte { return wire.HTTPGet(b, host, path, agent) }}},
		{dir: 1, off: rtt, msg: &Msg{Kind: "http", app: httpResponseRec(t, server, size), Enc: func(b []byte, _ *msgCtx) []byte { return wire.HTTPResponse(b, server, size) }}},
	}
}

// serverProduct is the last product token of a SERVER header
// ("UPnP-Device-Host/1.0"), split at its slash.
func serverProduct(server string) (product, version string) {
	last := server[strings.LastIndexByte(server, ' ')+1:]
	product, version, _ = strings.Cut(last, "/")
	return product, version
}

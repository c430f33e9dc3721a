package gen

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"

	"github.com/otsight/otsight/internal/gen/wire"
	"github.com/otsight/otsight/internal/record"
)

// Application records: what the sensor's dissectors write for the IT
// messages, computed from the message parameters instead of the bytes.

// appCtx is where and when a message was seen, with the addresses of its
// connection (or, for Ethernet, of its frame).
type appCtx struct {
	ts               int64
	origH, respH     wire.IPv4
	origP, respP     uint16
	origMAC, respMAC wire.MAC
	vlan             uint16
	// emit appends a record to the current minute; asset adds an
	// identity report to the minute's aggregation.
	emit  func(record.Record)
	asset func(*record.AssetID)
}

// id starts an identity report of the message's sender.
func (x *appCtx) id(protocol, message string, m wire.MAC, ip wire.IPv4) *record.AssetID {
	a := &record.AssetID{TS: micros(x.ts), MAC: mac(m), Protocol: protocol, Message: message, VLAN: x.vlan}
	if ip != (wire.IPv4{}) {
		a.IP = addr(ip)
	}
	return a
}

func mac(m wire.MAC) record.MAC { return record.MAC(m) }

func ipText(ip wire.IPv4) string { return fmt.Sprintf("%d.%d.%d.%d", ip[0], ip[1], ip[2], ip[3]) }

func decimalList(b []byte) string {
	var sb strings.Builder
	for i, v := range b {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, "%d", v)
	}
	return sb.String()
}

var dhcpTypeNames = map[byte]string{wire.DHCPDiscover: "DISCOVER", wire.DHCPOffer: "OFFER", wire.DHCPRequest: "REQUEST", wire.DHCPAck: "ACK"}

func (x *appCtx) dhcp(typ byte, xid uint32, chaddr wire.MAC) *record.DHCP {
	return &record.DHCP{TS: micros(x.ts), OrigH: addr(x.origH), OrigP: x.origP, RespH: addr(x.respH), RespP: x.respP,
		OrigMAC: mac(x.origMAC), RespMAC: mac(x.respMAC), VLAN: x.vlan, TransID: xid, MsgType: dhcpTypeNames[typ], MAC: mac(chaddr)}
}

func dhcpClientRec(typ byte, xid uint32, c *wire.DHCPClient, reqAddr, server wire.IPv4) func(*appCtx) {
	return func(x *appCtx) {
		r := x.dhcp(typ, xid, c.MAC)
		r.HostName, r.ParamList, r.VendorClass = c.HostName, decimalList(c.ParamList), c.VendorClass
		r.ClientID = "01" + hex.EncodeToString(c.MAC[:])
		var ip wire.IPv4
		if typ == wire.DHCPRequest {
			r.RequestedAddr, r.ServerAddr = addr(reqAddr), addr(server)
			ip = reqAddr
		}
		x.emit(r)
		a := x.id("dhcp", "host name", c.MAC, ip)
		a.Name = c.HostName
		x.asset(a)
	}
}

func dhcpServerRec(typ byte, xid uint32, chaddr wire.MAC, yiaddr, server wire.IPv4) func(*appCtx) {
	return func(x *appCtx) {
		r := x.dhcp(typ, xid, chaddr)
		r.AssignedAddr, r.ServerAddr, r.LeaseTime = addr(yiaddr), addr(server), 86400*1_000_000
		x.emit(r)
		if typ == wire.DHCPAck {
			x.asset(x.id("dhcp", "ack", chaddr, yiaddr))
		}
	}
}

// dnsPending is a query waiting for its answer, as the dissector pairs them.
type dnsPending struct {
	rec *record.DNS
}

func dnsQueryRec(p *dnsPending, id uint16, name string) func(*appCtx) {
	return func(x *appCtx) {
		p.rec = &record.DNS{TS: micros(x.ts), OrigH: addr(x.origH), OrigP: x.origP, RespH: addr(x.respH), RespP: x.respP,
			OrigMAC: mac(x.origMAC), RespMAC: mac(x.respMAC), VLAN: x.vlan, Proto: "udp", Protocol: "dns", TransID: id,
			OpcodeName: "query", Query: name, QClass: 1, QClassName: "C_INTERNET", QType: 1, QTypeName: "A", QDCount: 1,
			RD: true, QuerySeen: true}
	}
}

func dnsAnswerRec(p *dnsPending, answer wire.IPv4) func(*appCtx) {
	return func(x *appCtx) {
		r := p.rec
		if r == nil {
			return
		}
		r.RTT = micros(x.ts) - r.TS
		r.RcodeName, r.RA, r.ResponseSeen = "NOERROR", true, true
		r.Answers, r.TTLs = []string{ipText(answer)}, []record.Micros{3600 * 1_000_000}
		x.emit(r)
		p.rec = nil
	}
}

func nbnsRec(name string) func(*appCtx) {
	return func(x *appCtx) {
		x.emit(&record.DNS{TS: micros(x.ts), OrigH: addr(x.origH), OrigP: x.origP, RespH: addr(x.respH), RespP: x.respP,
			OrigMAC: mac(x.origMAC), RespMAC: mac(x.respMAC), VLAN: x.vlan, Proto: "udp", Protocol: "nbns", TransID: 0x8000, // setup messages have cycle number 0
			Opcode: 5, OpcodeName: "registration", Query: name + "<00>", QClass: 1, QClassName: "C_INTERNET",
			QType: 0x20, QTypeName: "NB", QDCount: 1, RD: true, Z: 1, QuerySeen: true})
		x.emit(&record.NBNS{TS: micros(x.ts), OrigH: addr(x.origH), OrigP: x.origP, RespH: addr(x.respH), RespP: x.respP,
			OrigMAC: mac(x.origMAC), RespMAC: mac(x.respMAC), VLAN: x.vlan, Op: "registration", Name: name, Suffix: "00",
			ServiceType: "Workstation", TTL: 300000 * 1_000_000, Addr: addr(x.origH), Broadcast: true})
		a := x.id("nbns", "name registration", x.origMAC, x.origH)
		a.Name = name
		x.asset(a)
	}
}

func browserRec(a *wire.BrowserAnnouncement) func(*appCtx) {
	return func(x *appCtx) {
		x.emit(&record.CIFSBrowser{TS: micros(x.ts), OrigH: addr(x.origH), OrigP: x.origP, RespH: addr(x.respH), RespP: x.respP,
			OrigMAC: mac(x.origMAC), RespMAC: mac(x.respMAC), VLAN: x.vlan,
			SrcName: a.Host + "<00>", DstName: a.Workgroup + "<1d>", SrcIP: addr(x.origH), Opcode: 1, Command: "host_announcement",
			ServerName: a.Host, OSVersion: fmt.Sprintf("%d.%d", a.OSMajor, a.OSMinor), ServerType: fmt.Sprintf("0x%x", a.ServerType),
			ServerTypes: []string{"workstation", "server", "nt_workstation"}, BrowserVersion: "15.1", Signature: "0xaa55",
			Comment: a.Comment, Periodicity: 720000 * 1000})
		id := x.id("cifs_browser", "host_announcement", x.origMAC, x.origH)
		id.Name, id.Role = a.Host, "workstation"
		x.asset(id)
	}
}

func ssdpRec(location, server, uuid, product, version string) func(*appCtx) {
	return func(x *appCtx) {
		x.emit(&record.SSDP{TS: micros(x.ts), OrigH: addr(x.origH), OrigP: x.origP, RespH: addr(x.respH), RespP: x.respP,
			OrigMAC: mac(x.origMAC), RespMAC: mac(x.respMAC), VLAN: x.vlan, Sender: addr(x.origH), Method: "NOTIFY",
			NTS: "ssdp:alive", Server: server, Location: location, USN: "uuid:" + uuid + "::upnp:rootdevice", NT: "upnp:rootdevice"})
		a := x.id("ssdp", "server header", x.origMAC, x.origH)
		a.Product, a.Firmware = product, version
		x.asset(a)
	}
}

func lldpRec(port, name, descr string) func(*appCtx) {
	return func(x *appCtx) {
		x.emit(&record.LLDP{TS: micros(x.ts), SrcMAC: mac(x.origMAC), DstMAC: mac(x.respMAC), VLAN: x.vlan,
			ChassisIDType: "mac", ChassisID: mac(x.origMAC).String(), PortIDType: "interface_name", PortID: port,
			TTL: 120, SystemName: name, SystemDesc: descr, SystemCaps: []string{"bridge"}, EnabledCaps: []string{"bridge"},
			MgmtAddrs: []netip.Addr{addr(x.origH)}})
		a := x.id("lldp", "LLDPDU", x.origMAC, x.origH)
		a.Name, a.Product, a.Role = name, descr, "switch"
		x.asset(a)
	}
}

// Identity reports of industrial messages.

func cclinkID(master, slave wire.IPv4) func(*appCtx, uint8) {
	return func(x *appCtx, dir uint8) {
		if dir == 0 {
			a := x.id("cclink_ief_basic", "cyclicDataReq", x.origMAC, master)
			a.Role = "master station"
			x.asset(a)
			return
		}
		a := x.id("cclink_ief_basic", "cyclicDataRes", x.respMAC, slave)
		a.Role = "slave station"
		x.asset(a)
	}
}

func bacnetIAmID(inst uint32, vendor string) func(*appCtx) {
	return func(x *appCtx) {
		a := x.id("bacnet", "I-Am (max APDU 1476)", x.origMAC, x.origH)
		a.Vendor, a.Name = vendor, fmt.Sprintf("device:%d", inst)
		x.asset(a)
	}
}

func dcpID(d *wire.DCPDevice) func(*appCtx) {
	return func(x *appCtx) {
		a := x.id("profinet_dcp", "Identify", x.origMAC, d.IP)
		a.Product, a.Name, a.Role = d.StationType, d.StationName, "IO-Device"
		a.Model = fmt.Sprintf("vendor 0x%04x device 0x%04x", d.VendorID, d.DeviceID)
		x.asset(a)
	}
}

// httpTxn is one request waiting for its response, as the dissector pairs
// them.
type httpTxn struct{ rec *record.HTTP }

func httpRequestRec(t *httpTxn, host, path, agent string) func(*appCtx) {
	return func(x *appCtx) {
		t.rec = &record.HTTP{TS: micros(x.ts), TransDepth: 1, Method: "GET", Host: host, URI: path, Version: "1.1",
			UserAgent: agent, RequestSeen: true}
	}
}

func httpResponseRec(t *httpTxn, server string, size int) func(*appCtx) {
	return func(x *appCtx) {
		r := t.rec
		if r == nil {
			return
		}
		t.rec = nil
		r.OrigH, r.OrigP, r.RespH, r.RespP = addr(x.origH), x.origP, addr(x.respH), x.respP
		r.OrigMAC, r.RespMAC, r.VLAN = mac(x.origMAC), mac(x.respMAC), x.vlan
		r.ResponseBodyLen, r.StatusCode, r.StatusMsg = uint64(size), 200, "OK"
		r.Server, r.ResponseContentType, r.ResponseSeen = server, "text/html", true
		x.emit(r)
		product, version, _ := strings.Cut(server, "/")
		a := x.id("http", "server header", x.respMAC, x.respH)
		a.Product, a.Firmware = product, version
		x.asset(a)
	}
}

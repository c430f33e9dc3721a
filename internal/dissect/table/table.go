// Package table is the one table of protocol dissectors: every dissector
// package's Spec is listed here and nowhere else.
package table

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/bacnet"
	"github.com/otsight/otsight/internal/dissect/cclink"
	"github.com/otsight/otsight/internal/dissect/cdp"
	"github.com/otsight/otsight/internal/dissect/cifsbrowser"
	"github.com/otsight/otsight/internal/dissect/dhcp"
	"github.com/otsight/otsight/internal/dissect/dhcpv6"
	"github.com/otsight/otsight/internal/dissect/dnp3"
	"github.com/otsight/otsight/internal/dissect/dns"
	"github.com/otsight/otsight/internal/dissect/enip"
	"github.com/otsight/otsight/internal/dissect/ethercat"
	"github.com/otsight/otsight/internal/dissect/fins"
	"github.com/otsight/otsight/internal/dissect/flnet"
	"github.com/otsight/otsight/internal/dissect/ftp"
	"github.com/otsight/otsight/internal/dissect/goose"
	"github.com/otsight/otsight/internal/dissect/hartip"
	"github.com/otsight/otsight/internal/dissect/http"
	"github.com/otsight/otsight/internal/dissect/iec104"
	"github.com/otsight/otsight/internal/dissect/lldp"
	"github.com/otsight/otsight/internal/dissect/modbus"
	"github.com/otsight/otsight/internal/dissect/opcua"
	"github.com/otsight/otsight/internal/dissect/profinet"
	"github.com/otsight/otsight/internal/dissect/s7comm"
	"github.com/otsight/otsight/internal/dissect/slmp"
	"github.com/otsight/otsight/internal/dissect/smb"
	"github.com/otsight/otsight/internal/dissect/ssdp"
	"github.com/otsight/otsight/internal/dissect/ssh"
	"github.com/otsight/otsight/internal/dissect/telnet"
	"github.com/otsight/otsight/internal/dissect/tls"
)

// Specs lists every dissector, in recognition priority order: on a shared
// port the earlier Spec whose Detect accepts the payload wins, and heuristic
// (any-port) dissectors are tried in this order too, so the stricter
// heuristics come first.
func Specs() []*dissect.Spec {
	return []*dissect.Spec{
		// Plant IT: name services, address assignment, discovery. All by
		// port, so they cost nothing on other flows.
		dns.Spec,
		dns.SpecMDNS,
		dns.SpecLLMNR,
		dns.SpecNBNS,
		cifsbrowser.Spec,
		dhcp.Spec,
		dhcpv6.Spec,
		ssdp.Spec,
		lldp.Spec,
		cdp.Spec,
		// Plant IT over TCP: file sharing, FTP and Telnet by port; HTTP, TLS
		// and SSH also on any port, recognised by a complete request or
		// status line, a hello in a handshake record, or an identification
		// string: first bytes no OT protocol forms.
		smb.Spec,
		ftp.Spec,
		telnet.Spec,
		http.Spec,
		tls.Spec,
		ssh.Spec,
		// Mitsubishi / CC-Link family. Field Basic owns UDP 61450 before the
		// generic SLMP heuristic could look at it.
		cclink.SpecFieldBasic,
		cclink.SpecIE,
		cclink.SpecTSN,
		slmp.SpecMELSOFT,
		slmp.Spec,
		// Omron.
		fins.Spec,
		// Siemens and IEC 61850: port 102 carries S7comm, S7comm-plus and
		// MMS, all decoded by the s7comm parser; GOOSE and SV are Ethernet.
		s7comm.Spec,
		goose.Spec,
		goose.SpecSV,
		profinet.Spec,
		profinet.SpecCM,
		ethercat.Spec,
		// JEMA FL-net (Japanese controller networks), HART-IP.
		flnet.Spec,
		hartip.Spec,
		// Rockwell / ODVA, building automation, OPC UA.
		enip.Spec,
		bacnet.Spec,
		opcua.Spec,
		// Open protocols. DNP3's heuristic checks a CRC and IEC 104's accepts
		// whole frames only; Modbus's MBAP check is the loosest, so it goes last.
		dnp3.Spec,
		iec104.Spec,
		modbus.Spec,
	}
}

// Registry builds the registry of all dissectors.
func Registry() (*dissect.Registry, error) { return dissect.NewRegistry(Specs()...) }

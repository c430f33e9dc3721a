package wire

import (
	"encoding/binary"
	"strconv"
)

// DHCP message types (option 53).
const (
	DHCPDiscover = 1
	DHCPOffer    = 2
	DHCPRequest  = 3
	DHCPAck      = 5
)

// DHCPClient is what a client puts in its messages: the parameter request
// list and vendor class are what DHCP fingerprinting reads.
type DHCPClient struct {
	MAC         MAC
	HostName    string
	VendorClass string
	ParamList   []byte
}

func appendBOOTP(b []byte, op byte, xid uint32, chaddr MAC, yiaddr IPv4) []byte {
	b = append(b, op, 1, 6, 0)
	b = binary.BigEndian.AppendUint32(b, xid)
	b = append(b, 0, 0, 0x80, 0) // secs, flags: broadcast
	b = append(b, make([]byte, 4)...)
	b = append(b, yiaddr[:]...)
	b = append(b, make([]byte, 8)...) // siaddr, giaddr
	b = append(b, chaddr[:]...)
	b = append(b, make([]byte, 10+64+128)...)
	return append(b, 99, 130, 83, 99) // magic cookie
}

// DHCPClientMsg appends a DISCOVER or REQUEST (of addr) from c.
func DHCPClientMsg(b []byte, typ byte, xid uint32, c *DHCPClient, addr, server IPv4) []byte {
	b = appendBOOTP(b, 1, xid, c.MAC, IPv4{})
	b = append(b, 53, 1, typ)
	b = append(b, 61, 7, 1)
	b = append(b, c.MAC[:]...)
	if typ == DHCPRequest {
		b = append(b, 50, 4)
		b = append(b, addr[:]...)
		b = append(b, 54, 4)
		b = append(b, server[:]...)
	}
	b = append(b, 12, byte(len(c.HostName)))
	b = append(b, c.HostName...)
	if c.VendorClass != "" {
		b = append(b, 60, byte(len(c.VendorClass)))
		b = append(b, c.VendorClass...)
	}
	b = append(b, 55, byte(len(c.ParamList)))
	b = append(b, c.ParamList...)
	return append(b, 255)
}

// DHCPServerMsg appends an OFFER or ACK of addr to chaddr.
func DHCPServerMsg(b []byte, typ byte, xid uint32, chaddr MAC, addr, server, mask, router IPv4) []byte {
	b = appendBOOTP(b, 2, xid, chaddr, addr)
	b = append(b, 53, 1, typ, 54, 4)
	b = append(b, server[:]...)
	b = append(b, 51, 4, 0, 1, 0x51, 0x80) // lease: 1 day
	b = append(b, 1, 4)
	b = append(b, mask[:]...)
	b = append(b, 3, 4)
	b = append(b, router[:]...)
	b = append(b, 6, 4)
	b = append(b, server[:]...)
	return append(b, 255)
}

// appendDNSName appends a domain name as labels.
func appendDNSName(b []byte, name string) []byte {
	start := 0
	for i := 0; i <= len(name); i++ {
		if i == len(name) || name[i] == '.' {
			b = append(b, byte(i-start))
			b = append(b, name[start:i]...)
			start = i + 1
		}
	}
	return append(b, 0)
}

// DNSQuery appends a recursive query for the A record of name.
func DNSQuery(b []byte, id uint16, name string) []byte {
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0)
	b = appendDNSName(b, name)
	return append(b, 0, 1, 0, 1)
}

// DNSAnswer appends the answer to DNSQuery with one A record.
func DNSAnswer(b []byte, id uint16, name string, addr IPv4) []byte {
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0)
	b = appendDNSName(b, name)
	b = append(b, 0, 1, 0, 1)
	b = append(b, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4)
	return append(b, addr[:]...)
}

// appendNetBIOSName appends a first-level encoded NetBIOS name (RFC 1001
// section 14.1): the name padded with spaces to 15 characters and the
// suffix, each nibble as a letter; with the length byte and the root label.
func appendNetBIOSName(b []byte, name string, suffix byte) []byte {
	b = append(b, 32)
	for i := range 16 {
		c := byte(' ')
		switch {
		case i == 15:
			c = suffix
		case i < len(name):
			c = name[i]
		}
		b = append(b, 'A'+c>>4, 'A'+c&0x0f)
	}
	return append(b, 0)
}

// NBNSRegistration appends a broadcast name registration of name<00>.
func NBNSRegistration(b []byte, id uint16, name string, addr IPv4) []byte {
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, 0x29, 0x10, 0, 1, 0, 0, 0, 0, 0, 1)
	b = appendNetBIOSName(b, name, 0)
	b = append(b, 0, 0x20, 0, 1)
	b = append(b, 0xc0, 12, 0, 0x20, 0, 1)
	b = binary.BigEndian.AppendUint32(b, 300000)
	b = append(b, 0, 6, 0, 0)
	return append(b, addr[:]...)
}

// BrowserAnnouncement is a CIFS browser Host Announcement.
type BrowserAnnouncement struct {
	Host, Workgroup  string
	OSMajor, OSMinor byte
	ServerType       uint32
	Comment          string
}

const mailslotBrowse = "\\MAILSLOT\\BROWSE"

// BrowserHostAnnouncement appends a NetBIOS datagram (direct group, to
// workgroup<1d>) carrying an SMB Transaction that writes a Host Announcement
// to \MAILSLOT\BROWSE.
func BrowserHostAnnouncement(b []byte, id uint16, src IPv4, a *BrowserAnnouncement) []byte {
	start := len(b)
	b = append(b, 0x11, 0x02)
	b = binary.BigEndian.AppendUint16(b, id)
	b = append(b, src[:]...)
	b = append(b, 0, 138, 0, 0, 0, 0) // source port, datagram length (later), offset
	b = appendNetBIOSName(b, a.Host, 0x00)
	b = appendNetBIOSName(b, a.Workgroup, 0x1d)
	smb := len(b)
	// SMB header: Transaction request, no session.
	b = append(b, 0xff, 'S', 'M', 'B', 0x25)
	b = append(b, make([]byte, 27)...)
	data := 32 + len(a.Comment) + 1
	const words = 17
	paramOff := 32 + 1 + 2*words + 2 + len(mailslotBrowse) + 1
	b = append(b, words)
	b = binary.LittleEndian.AppendUint16(b, 0)            // total parameter count
	b = binary.LittleEndian.AppendUint16(b, uint16(data)) // total data count
	b = append(b, 0, 0, 0, 0, 0, 0)                       // max parameter, max data, max setup+reserved
	b = append(b, 0, 0)                                   // flags
	b = append(b, 0, 0, 0, 0, 0, 0)                       // timeout, reserved
	b = binary.LittleEndian.AppendUint16(b, 0)            // parameter count
	b = binary.LittleEndian.AppendUint16(b, uint16(paramOff))
	b = binary.LittleEndian.AppendUint16(b, uint16(data))
	b = binary.LittleEndian.AppendUint16(b, uint16(paramOff))
	b = append(b, 3, 0) // setup count, reserved
	b = append(b, 1, 0, 1, 0, 2, 0)
	b = binary.LittleEndian.AppendUint16(b, uint16(len(mailslotBrowse)+1+data))
	b = append(b, mailslotBrowse...)
	b = append(b, 0)
	// Host Announcement.
	b = append(b, 0x01, 0)
	b = binary.LittleEndian.AppendUint32(b, 720000)
	var name [16]byte
	copy(name[:15], a.Host)
	b = append(b, name[:]...)
	b = append(b, a.OSMajor, a.OSMinor)
	b = binary.LittleEndian.AppendUint32(b, a.ServerType)
	b = append(b, 15, 1, 0x55, 0xaa)
	b = append(b, a.Comment...)
	b = append(b, 0)
	binary.BigEndian.PutUint16(b[start+10:], uint16(len(b)-start-14)) // after the 14-byte header
	_ = smb
	return b
}

// SSDPNotify appends an ssdp:alive NOTIFY for a root device.
func SSDPNotify(b []byte, location, server, uuid string) []byte {
	b = append(b, "NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: "...)
	b = append(b, location...)
	b = append(b, "\r\nNT: upnp:rootdevice\r\nNTS: ssdp:alive\r\nSERVER: "...)
	b = append(b, server...)
	b = append(b, "\r\nUSN: uuid:"...)
	b = append(b, uuid...)
	return append(b, "::upnp:rootdevice\r\n\r\n"...)
}

// HTTPGet appends a GET request.
func HTTPGet(b []byte, host, path, agent string) []byte {
	b = append(b, "GET "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nUser-Agent: "...)
	b = append(b, agent...)
	return append(b, "\r\nAccept: */*\r\nConnection: close\r\n\r\n"...)
}

// HTTPResponse appends a 200 response with a body of n bytes.
func HTTPResponse(b []byte, server string, n int) []byte {
	b = append(b, "HTTP/1.1 200 OK\r\nServer: "...)
	b = append(b, server...)
	b = append(b, "\r\nContent-Type: text/html\r\nConnection: close\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, "\r\n\r\n"...)
	for i := range n {
		b = append(b, "<html><body>plant status</body></html>\n"[i%39])
	}
	return b
}

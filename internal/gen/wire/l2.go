package wire

import "encoding/binary"

// Multicast destinations of the link-layer protocols.
var (
	LLDPMulticast = MAC{0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e}
	DCPMulticast  = MAC{0x01, 0x0e, 0xcf, 0x00, 0x00, 0x00}
)

func appendTLV(b []byte, typ int, v ...[]byte) []byte {
	n := 0
	for _, p := range v {
		n += len(p)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(typ<<9|n))
	for _, p := range v {
		b = append(b, p...)
	}
	return b
}

// LLDP appends an LLDPDU: chassis (MAC), port (interface name), TTL, system
// name and description, capabilities (bridge), management address, end.
func LLDP(b []byte, chassis MAC, port, name, descr string, mgmt IPv4) []byte {
	b = appendTLV(b, 1, []byte{4}, chassis[:])
	b = appendTLV(b, 2, []byte{5}, []byte(port))
	b = appendTLV(b, 3, []byte{0, 120})
	b = appendTLV(b, 5, []byte(name))
	b = appendTLV(b, 6, []byte(descr))
	b = appendTLV(b, 7, []byte{0, 0x04, 0, 0x04})
	b = appendTLV(b, 8, []byte{5, 1}, mgmt[:], []byte{2, 0, 0, 0, 1, 0})
	return appendTLV(b, 0)
}

// PROFINET DCP frame IDs and services.
const (
	DCPIdentifyReqID   = 0xfefe
	DCPIdentifyRespID  = 0xfeff
	dcpServiceIdentify = 5
)

// DCPIdentifyRequest appends an Identify-All request.
func DCPIdentifyRequest(b []byte, xid uint32) []byte {
	b = binary.BigEndian.AppendUint16(b, DCPIdentifyReqID)
	b = append(b, dcpServiceIdentify, 0)
	b = binary.BigEndian.AppendUint32(b, xid)
	b = binary.BigEndian.AppendUint16(b, 1) // response delay factor
	b = binary.BigEndian.AppendUint16(b, 4)
	return append(b, 0xff, 0xff, 0, 0) // All selector
}

func appendDCPBlock(b []byte, opt, sub byte, info bool, v []byte) []byte {
	n := len(v)
	if info {
		n += 2
	}
	b = append(b, opt, sub)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	if info {
		b = append(b, 0, 0)
	}
	b = append(b, v...)
	if n%2 != 0 {
		b = append(b, 0)
	}
	return b
}

// DCPDevice is what a PROFINET device tells about itself.
type DCPDevice struct {
	StationName, StationType string
	VendorID, DeviceID       uint16
	IP, Mask, Gateway        IPv4
}

// DCPIdentifyResponse appends a device's answer to an Identify request.
func DCPIdentifyResponse(b []byte, xid uint32, d *DCPDevice) []byte {
	b = binary.BigEndian.AppendUint16(b, DCPIdentifyRespID)
	b = append(b, dcpServiceIdentify, 1)
	b = binary.BigEndian.AppendUint32(b, xid)
	b = append(b, 0, 0)
	lenAt := len(b)
	b = append(b, 0, 0)
	start := len(b)
	b = appendDCPBlock(b, 2, 1, true, []byte(d.StationType))
	b = appendDCPBlock(b, 2, 2, true, []byte(d.StationName))
	b = appendDCPBlock(b, 2, 3, true, []byte{byte(d.VendorID >> 8), byte(d.VendorID), byte(d.DeviceID >> 8), byte(d.DeviceID)})
	b = appendDCPBlock(b, 2, 4, true, []byte{0x01, 0}) // role: IO device
	var ip [12]byte
	copy(ip[0:], d.IP[:])
	copy(ip[4:], d.Mask[:])
	copy(ip[8:], d.Gateway[:])
	b = appendDCPBlock(b, 1, 2, true, ip[:])
	binary.BigEndian.PutUint16(b[lenAt:], uint16(len(b)-start))
	return b
}

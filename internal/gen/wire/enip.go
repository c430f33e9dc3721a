package wire

import "encoding/binary"

// EtherNet/IP encapsulation commands.
const (
	ENIPRegisterSession = 0x65
	ENIPSendRRData      = 0x6f
)

func appendENIPHeader(b []byte, cmd uint16, n int, session uint32, ctx uint64) []byte {
	b = binary.LittleEndian.AppendUint16(b, cmd)
	b = binary.LittleEndian.AppendUint16(b, uint16(n))
	b = binary.LittleEndian.AppendUint32(b, session)
	b = binary.LittleEndian.AppendUint32(b, 0) // status
	b = binary.LittleEndian.AppendUint64(b, ctx)
	return binary.LittleEndian.AppendUint32(b, 0) // options
}

// ENIPRegister appends a RegisterSession request (session 0) or reply.
func ENIPRegister(b []byte, session uint32) []byte {
	b = appendENIPHeader(b, ENIPRegisterSession, 4, session, 0)
	return append(b, 1, 0, 0, 0) // protocol version 1, no options
}

// cipAttrPath is the EPATH of class 0x04 (Assembly), instance inst,
// attribute 3 (data).
func appendCIPPath(b []byte, inst uint8) []byte {
	return append(b, 3, 0x20, 0x04, 0x24, inst, 0x30, 0x03)
}

func appendCPFUnconnected(b []byte, n int) []byte {
	b = binary.LittleEndian.AppendUint32(b, 0) // interface handle
	b = binary.LittleEndian.AppendUint16(b, 10)
	b = binary.LittleEndian.AppendUint16(b, 2)      // item count
	b = append(b, 0, 0, 0, 0)                       // null address item
	b = binary.LittleEndian.AppendUint16(b, 0x00b2) // unconnected data item
	return binary.LittleEndian.AppendUint16(b, uint16(n))
}

// ENIPGetAttrRequest appends a SendRRData carrying a CIP
// Get_Attribute_Single request for an assembly's data.
func ENIPGetAttrRequest(b []byte, session uint32, ctx uint64, inst uint8) []byte {
	const cip = 8
	b = appendENIPHeader(b, ENIPSendRRData, 16+cip, session, ctx)
	b = appendCPFUnconnected(b, cip)
	b = append(b, 0x0e)
	return appendCIPPath(b, inst)
}

// ENIPGetAttrResponse appends the SendRRData reply with size bytes of
// assembly data.
func ENIPGetAttrResponse(b []byte, session uint32, ctx uint64, size int, seed uint32) []byte {
	cip := 4 + size
	b = appendENIPHeader(b, ENIPSendRRData, 16+cip, session, ctx)
	b = appendCPFUnconnected(b, cip)
	b = append(b, 0x8e, 0, 0, 0)
	for i := range size {
		b = append(b, byte(seed+uint32(i)))
	}
	return b
}

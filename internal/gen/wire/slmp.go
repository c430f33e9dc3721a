package wire

import "encoding/binary"

// SLMP (MC protocol 3E frame, binary) commands.
const (
	SLMPDeviceRead = 0x0401
	SLMPRemoteStop = 0x1002
)

func appendSLMPReqHeader(b []byte, n int) []byte {
	b = append(b, 0x50, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00)
	b = binary.LittleEndian.AppendUint16(b, uint16(2+n)) // timer + request data
	return binary.LittleEndian.AppendUint16(b, 0x0010)   // monitoring timer: 4 s
}

func appendSLMPRespHeader(b []byte, n int) []byte {
	b = append(b, 0xd0, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00)
	b = binary.LittleEndian.AppendUint16(b, uint16(2+n))
	return binary.LittleEndian.AppendUint16(b, 0) // end code: normal
}

// SLMPReadRequest appends a batch read of n words of D registers.
func SLMPReadRequest(b []byte, head uint32, n uint16) []byte {
	b = appendSLMPReqHeader(b, 10)
	b = binary.LittleEndian.AppendUint16(b, SLMPDeviceRead)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = append(b, byte(head), byte(head>>8), byte(head>>16), 0xa8) // D
	return binary.LittleEndian.AppendUint16(b, n)
}

// SLMPReadResponse appends the response of a batch read of n words.
func SLMPReadResponse(b []byte, n uint16, seed uint32) []byte {
	b = appendSLMPRespHeader(b, 2*int(n))
	for i := range n {
		b = binary.LittleEndian.AppendUint16(b, uint16(seed+uint32(i)*3))
	}
	return b
}

// SLMPRemoteStopRequest appends a Remote STOP request.
func SLMPRemoteStopRequest(b []byte) []byte {
	b = appendSLMPReqHeader(b, 6)
	b = binary.LittleEndian.AppendUint16(b, SLMPRemoteStop)
	b = binary.LittleEndian.AppendUint16(b, 0)
	return binary.LittleEndian.AppendUint16(b, 0x0001) // mode: do not execute forcibly
}

// SLMPEmptyResponse appends a normal response without data.
func SLMPEmptyResponse(b []byte) []byte { return appendSLMPRespHeader(b, 0) }

// CC-Link IE Field Basic cyclic frames share SLMP's 3E framing. Offsets of
// the fields a receiver relies on, from the start of the UDP payload.
const (
	cclinkReqMasterID = 47
	cclinkReqSlaveN   = 61
	cclinkRespSlaveID = 51
)

// CCLinkCyclicRequest appends a master's cyclic data request to a group of
// slaves stations wide, carrying the master's station ID (its IPv4).
func CCLinkCyclicRequest(b []byte, master IPv4, seq uint16, slaves []IPv4) []byte {
	const fixed = 68 // up to the slave ID list
	n := fixed + 4*len(slaves) + 64*len(slaves) + 8*len(slaves)
	start := len(b)
	b = append(b, 0x50, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00)
	b = binary.LittleEndian.AppendUint16(b, uint16(n-9))
	b = binary.LittleEndian.AppendUint16(b, 0)      // timer
	b = binary.LittleEndian.AppendUint16(b, 0x0e70) // command: cyclic data
	b = binary.LittleEndian.AppendUint16(b, 0)      // subcommand
	b = binary.LittleEndian.AppendUint16(b, 1)      // protocol version
	for len(b)-start < cclinkReqMasterID {
		b = append(b, 0)
	}
	b = append(b, master[3], master[2], master[1], master[0])
	b = append(b, 1, 0)                          // group number, reserved
	b = binary.LittleEndian.AppendUint16(b, seq) // frame sequence
	b = binary.LittleEndian.AppendUint16(b, 500) // timeout (ms)
	b = binary.LittleEndian.AppendUint16(b, 3)   // time-out count
	b = binary.LittleEndian.AppendUint16(b, 1)   // parameter ID
	b = binary.LittleEndian.AppendUint16(b, uint16(len(slaves)))
	b = binary.LittleEndian.AppendUint16(b, 0x0001) // cyclic transmission state
	for len(b)-start < fixed {
		b = append(b, 0)
	}
	for _, s := range slaves {
		b = append(b, s[3], s[2], s[1], s[0])
	}
	for range len(slaves) * 64 { // RWw
		b = append(b, 0)
	}
	for range len(slaves) * 8 { // RY
		b = append(b, 0)
	}
	return b
}

// CCLinkCyclicResponse appends a slave's cyclic data response.
func CCLinkCyclicResponse(b []byte, slave IPv4, seq uint16) []byte {
	const fixed = 64
	n := fixed + 64 + 8
	start := len(b)
	b = append(b, 0xd0, 0x00, 0x00, 0xff, 0xff, 0x03, 0x00)
	b = binary.LittleEndian.AppendUint16(b, uint16(n-9))
	b = binary.LittleEndian.AppendUint16(b, 0) // end code
	b = binary.LittleEndian.AppendUint16(b, 1) // protocol version
	b = binary.LittleEndian.AppendUint16(b, 0) // cyclic end code
	for len(b)-start < cclinkRespSlaveID {
		b = append(b, 0)
	}
	b = append(b, slave[3], slave[2], slave[1], slave[0])
	b = append(b, 1, 0)
	b = binary.LittleEndian.AppendUint16(b, seq)
	for len(b)-start < n {
		b = append(b, 0)
	}
	return b
}

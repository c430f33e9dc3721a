package wire

import "encoding/binary"

// FINS commands (MRC<<8 | SRC).
const (
	FINSMemoryAreaRead = 0x0101
	FINSRun            = 0x0401
	FINSStop           = 0x0402
)

func appendFINSHeader(b []byte, resp bool, dst, src uint8, sid uint8) []byte {
	icf := byte(0x80)
	if resp {
		icf = 0xc0
	}
	return append(b, icf, 0, 2, 0, dst, 0, 0, src, 0, sid)
}

// FINSReadRequest appends a Memory Area Read of n words of the DM area.
func FINSReadRequest(b []byte, dst, src, sid uint8, addr uint16, n uint16) []byte {
	b = appendFINSHeader(b, false, dst, src, sid)
	b = append(b, 0x01, 0x01, 0x82)
	b = binary.BigEndian.AppendUint16(b, addr)
	b = append(b, 0)
	return binary.BigEndian.AppendUint16(b, n)
}

// FINSReadResponse appends the response to a Memory Area Read of n words.
func FINSReadResponse(b []byte, dst, src, sid uint8, n uint16, seed uint32) []byte {
	b = appendFINSHeader(b, true, dst, src, sid)
	b = append(b, 0x01, 0x01, 0, 0)
	for i := range n {
		b = binary.BigEndian.AppendUint16(b, uint16(seed+uint32(i)))
	}
	return b
}

// FINSStopRequest appends a STOP command, FINSStopResponse its response.
func FINSStopRequest(b []byte, dst, src, sid uint8) []byte {
	b = appendFINSHeader(b, false, dst, src, sid)
	return append(b, 0x04, 0x02, 0xff, 0xff)
}

// FINSStopResponse appends the normal response to a STOP command.
func FINSStopResponse(b []byte, dst, src, sid uint8) []byte {
	b = appendFINSHeader(b, true, dst, src, sid)
	return append(b, 0x04, 0x02, 0, 0)
}

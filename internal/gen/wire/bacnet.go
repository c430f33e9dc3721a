package wire

import (
	"encoding/binary"
	"math"
)

// BACnet object types and properties used by the generator.
const (
	BACnetAnalogInput  = 0
	BACnetDevice       = 8
	BACnetPresentValue = 85
)

func appendBVLC(b []byte, broadcast bool, n int) []byte {
	fn := byte(0x0a) // Original-Unicast-NPDU
	if broadcast {
		fn = 0x0b // Original-Broadcast-NPDU
	}
	b = append(b, 0x81, fn)
	return binary.BigEndian.AppendUint16(b, uint16(4+n))
}

func appendObjectID(b []byte, tag byte, typ uint16, inst uint32) []byte {
	return binary.BigEndian.AppendUint32(append(b, tag), uint32(typ)<<22|inst&0x3fffff)
}

// BACnetReadProperty appends a confirmed ReadProperty request for an
// object's present value.
func BACnetReadProperty(b []byte, invoke uint8, typ uint16, inst uint32) []byte {
	b = appendBVLC(b, false, 2+4+5+2)
	b = append(b, 0x01, 0x04)             // NPDU: version 1, expecting reply
	b = append(b, 0x00, 0x05, invoke, 12) // confirmed request, 1476-octet APDUs, ReadProperty
	b = appendObjectID(b, 0x0c, typ, inst)
	return append(b, 0x19, BACnetPresentValue)
}

// BACnetReadPropertyAck appends the ComplexACK of a ReadProperty request
// with a REAL value.
func BACnetReadPropertyAck(b []byte, invoke uint8, typ uint16, inst uint32, v float32) []byte {
	b = appendBVLC(b, false, 2+3+5+2+1+5+1)
	b = append(b, 0x01, 0x00)
	b = append(b, 0x30, invoke, 12)
	b = appendObjectID(b, 0x0c, typ, inst)
	b = append(b, 0x19, BACnetPresentValue, 0x3e, 0x44)
	b = binary.BigEndian.AppendUint32(b, math.Float32bits(v))
	return append(b, 0x3f)
}

// BACnetWhoIs appends a global, unbounded Who-Is broadcast.
func BACnetWhoIs(b []byte) []byte {
	b = appendBVLC(b, true, 2+2)
	return append(b, 0x01, 0x00, 0x10, 0x08)
}

// BACnetIAm appends an I-Am broadcast of a device object.
func BACnetIAm(b []byte, inst uint32, vendor uint8) []byte {
	b = appendBVLC(b, true, 2+2+5+3+2+2)
	b = append(b, 0x01, 0x00, 0x10, 0x00)
	b = appendObjectID(b, 0xc4, BACnetDevice, inst)
	b = append(b, 0x22, 0x05, 0xc4) // max APDU 1476
	b = append(b, 0x91, 0x03)       // segmentation: none
	return append(b, 0x21, vendor)
}

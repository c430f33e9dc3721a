package wire

import "encoding/binary"

// Modbus function codes used by the generator.
const (
	ModbusFuncReadHolding   = 3
	ModbusFuncWriteSingle   = 6
	ModbusFuncWriteMultiple = 16
)

func appendMBAP(b []byte, tid uint16, unit uint8, pduLen int) []byte {
	b = binary.BigEndian.AppendUint16(b, tid)
	b = append(b, 0, 0) // protocol identifier: Modbus
	b = binary.BigEndian.AppendUint16(b, uint16(pduLen+1))
	return append(b, unit)
}

// ModbusReadRequest appends a Read Holding Registers request ADU.
func ModbusReadRequest(b []byte, tid uint16, unit uint8, addr, qty uint16) []byte {
	b = appendMBAP(b, tid, unit, 5)
	b = append(b, ModbusFuncReadHolding)
	b = binary.BigEndian.AppendUint16(b, addr)
	return binary.BigEndian.AppendUint16(b, qty)
}

// ModbusReadResponse appends the answer to a Read Holding Registers request;
// register values are derived from seed so that they change between polls.
func ModbusReadResponse(b []byte, tid uint16, unit uint8, qty uint16, seed uint32) []byte {
	b = appendMBAP(b, tid, unit, 2+2*int(qty))
	b = append(b, ModbusFuncReadHolding, byte(2*qty))
	for i := range qty {
		b = binary.BigEndian.AppendUint16(b, uint16(seed+uint32(i)*7))
	}
	return b
}

// ModbusWriteSingle appends a Write Single Register request; its normal
// response is an echo of the request, so the same bytes serve both.
func ModbusWriteSingle(b []byte, tid uint16, unit uint8, addr, value uint16) []byte {
	b = appendMBAP(b, tid, unit, 5)
	b = append(b, ModbusFuncWriteSingle)
	b = binary.BigEndian.AppendUint16(b, addr)
	return binary.BigEndian.AppendUint16(b, value)
}

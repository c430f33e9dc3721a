package wire

import "encoding/binary"

// ISO-on-TCP (RFC 1006) and COTP (ISO 8073) framing of S7comm.

// AppendTPKT appends a TPKT header for a body of n bytes.
func AppendTPKT(b []byte, n int) []byte {
	return binary.BigEndian.AppendUint16(append(b, 3, 0), uint16(4+n))
}

// COTPConnect appends a TPKT-framed COTP connection request (cr true) or
// confirm with the given TSAPs (0x0100 for a PG, 0x0102 for rack 0 slot 2).
func COTPConnect(b []byte, cr bool, srcRef uint16, srcTSAP, dstTSAP uint16) []byte {
	const n = 18
	b = AppendTPKT(b, n)
	code := byte(0xe0)
	dstRef := uint16(0)
	if !cr {
		code, dstRef = 0xd0, 0x0001
	}
	b = append(b, n-1, code)
	b = binary.BigEndian.AppendUint16(b, dstRef)
	b = binary.BigEndian.AppendUint16(b, srcRef)
	b = append(b, 0x00)          // class 0
	b = append(b, 0xc0, 1, 0x0a) // TPDU size 1024
	b = append(b, 0xc1, 2)       // calling TSAP
	b = binary.BigEndian.AppendUint16(b, srcTSAP)
	b = append(b, 0xc2, 2) // called TSAP
	return binary.BigEndian.AppendUint16(b, dstTSAP)
}

// S7 ROSCTR values.
const (
	S7Job     = 1
	S7AckData = 3
)

// S7 function codes.
const (
	S7ReadVar   = 0x04
	S7WriteVar  = 0x05
	S7PLCStop   = 0x29
	S7SetupComm = 0xf0
)

// appendS7Header appends TPKT, COTP DT and the S7 header; ack data carries
// an error class and code (zero here).
func appendS7Header(b []byte, rosctr byte, ref uint16, paramLen, dataLen int) []byte {
	hdr := 10
	if rosctr == S7AckData {
		hdr = 12
	}
	b = AppendTPKT(b, 3+hdr+paramLen+dataLen)
	b = append(b, 2, 0xf0, 0x80) // COTP DT, last unit
	b = append(b, 0x32, rosctr, 0, 0)
	b = binary.BigEndian.AppendUint16(b, ref)
	b = binary.BigEndian.AppendUint16(b, uint16(paramLen))
	b = binary.BigEndian.AppendUint16(b, uint16(dataLen))
	if rosctr == S7AckData {
		b = append(b, 0, 0)
	}
	return b
}

// S7SetupCommunication appends the Setup Communication job or its ack.
func S7SetupCommunication(b []byte, rosctr byte, ref uint16) []byte {
	b = appendS7Header(b, rosctr, ref, 8, 0)
	b = append(b, S7SetupComm, 0, 0, 1, 0, 1)
	return binary.BigEndian.AppendUint16(b, 480)
}

// S7ReadVarRequest appends a Read Var job for n data-block byte ranges of
// size bytes each, starting at DB db.
func S7ReadVarRequest(b []byte, ref uint16, db uint16, n, size int) []byte {
	b = appendS7Header(b, S7Job, ref, 2+12*n, 0)
	b = append(b, S7ReadVar, byte(n))
	for i := range n {
		b = append(b, 0x12, 0x0a, 0x10, 0x02) // S7ANY, transport size BYTE
		b = binary.BigEndian.AppendUint16(b, uint16(size))
		b = binary.BigEndian.AppendUint16(b, db)
		addr := uint32(i*size) << 3 // bit address
		b = append(b, 0x84, byte(addr>>16), byte(addr>>8), byte(addr))
	}
	return b
}

// S7ReadVarResponse appends the ack of a Read Var job for n items of size
// bytes each.
func S7ReadVarResponse(b []byte, ref uint16, n, size int, seed uint32) []byte {
	data := 0
	for i := range n {
		data += 4 + size
		if size%2 != 0 && i < n-1 {
			data++ // items but the last are padded to even length
		}
	}
	b = appendS7Header(b, S7AckData, ref, 2, data)
	b = append(b, S7ReadVar, byte(n))
	for i := range n {
		b = append(b, 0xff, 0x04) // success, BYTE/WORD/DWORD data
		b = binary.BigEndian.AppendUint16(b, uint16(size*8))
		for j := range size {
			b = append(b, byte(seed+uint32(i*size+j)))
		}
		if size%2 != 0 && i < n-1 {
			b = append(b, 0)
		}
	}
	return b
}

// S7PLCStopRequest appends a PLC Stop job.
func S7PLCStopRequest(b []byte, ref uint16) []byte {
	const svc = "P_PROGRAM"
	b = appendS7Header(b, S7Job, ref, 7+len(svc), 0)
	b = append(b, S7PLCStop, 0, 0, 0, 0, 0, byte(len(svc)))
	return append(b, svc...)
}

// S7PLCStopResponse appends the ack of a PLC Stop job.
func S7PLCStopResponse(b []byte, ref uint16) []byte {
	b = appendS7Header(b, S7AckData, ref, 1, 0)
	return append(b, S7PLCStop)
}

// S7 block upload functions (the engineering workstation reading a
// program block out of the PLC).
const (
	S7StartUpload = 0x1d
	S7Upload      = 0x1e
	S7EndUpload   = 0x1f
)

// s7BlockName is the file name of a block in the passive file system:
// "_", block type (0A = DB, 08 = OB, 0C = FC, 0E = FB), five-digit number,
// "P".
func s7BlockName(b []byte, typ byte, num uint16) []byte {
	const hexDigits = "0123456789ABCDEF"
	b = append(b, '_', hexDigits[typ>>4], hexDigits[typ&0x0f])
	for d := uint16(10000); d > 0; d /= 10 {
		b = append(b, byte('0'+num/d%10))
	}
	return append(b, 'P')
}

// S7StartUploadRequest appends a Start Upload job for a block.
func S7StartUploadRequest(b []byte, ref uint16, typ byte, num uint16) []byte {
	b = appendS7Header(b, S7Job, ref, 18, 0)
	b = append(b, S7StartUpload, 0, 0, 0, 0, 0, 0, 0, 9)
	return s7BlockName(b, typ, num)
}

// S7StartUploadResponse appends its ack with the upload id and the block
// length as seven ASCII digits.
func S7StartUploadResponse(b []byte, ref uint16, id uint32, length int) []byte {
	b = appendS7Header(b, S7AckData, ref, 16, 0)
	b = append(b, S7StartUpload, 0, 1, 0)
	b = binary.BigEndian.AppendUint32(b, id)
	b = append(b, 7)
	for d := 1000000; d > 0; d /= 10 {
		b = append(b, byte('0'+length/d%10))
	}
	return b
}

// S7UploadRequest appends an Upload job for the next part of a block.
func S7UploadRequest(b []byte, ref uint16, id uint32) []byte {
	b = appendS7Header(b, S7Job, ref, 8, 0)
	b = append(b, S7Upload, 0, 0, 0)
	return binary.BigEndian.AppendUint32(b, id)
}

// S7UploadResponse appends the ack carrying n bytes of the block; more
// tells that further parts follow.
func S7UploadResponse(b []byte, ref uint16, n int, more bool, seed uint32) []byte {
	b = appendS7Header(b, S7AckData, ref, 2, 4+n)
	status := byte(0)
	if more {
		status = 1
	}
	b = append(b, S7Upload, status)
	b = binary.BigEndian.AppendUint16(b, uint16(n))
	b = append(b, 0x00, 0xfb)
	for i := range n {
		b = append(b, byte(seed+uint32(i)*13))
	}
	return b
}

// S7EndUploadRequest appends an End Upload job.
func S7EndUploadRequest(b []byte, ref uint16, id uint32) []byte {
	b = appendS7Header(b, S7Job, ref, 8, 0)
	b = append(b, S7EndUpload, 0, 0, 0)
	return binary.BigEndian.AppendUint32(b, id)
}

// S7EndUploadResponse appends the ack of End Upload.
func S7EndUploadResponse(b []byte, ref uint16) []byte {
	b = appendS7Header(b, S7AckData, ref, 1, 0)
	return append(b, S7EndUpload)
}

package wire

import (
	"encoding/binary"
	"math"
)

// OPC UA Binary (IEC 62541-6) connection protocol and secure conversation
// framing, security policy None.

const uaPolicyNone = "http://opcfoundation.org/UA/SecurityPolicy#None"

// Binary encoding node ids of the services the generator uses.
const (
	UAOpenSecureChannelRequest  = 446
	UAOpenSecureChannelResponse = 449
	UAReadRequest               = 631
	UAReadResponse              = 634
)

func uaString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func uaNull(b []byte) []byte { return append(b, 0xff, 0xff, 0xff, 0xff) }

// uaNodeID appends a numeric node id of namespace 0 in the four-byte form
// (or two-byte form when it fits).
func uaNodeID(b []byte, id uint16) []byte {
	if id < 256 {
		return append(b, 0x00, byte(id))
	}
	return binary.LittleEndian.AppendUint16(append(b, 0x01, 0x00), id)
}

func uaFinish(b []byte, start int) []byte {
	binary.LittleEndian.PutUint32(b[start+4:], uint32(len(b)-start))
	return b
}

// UAHello appends a HEL message.
func UAHello(b []byte, url string) []byte {
	start := len(b)
	b = append(b, 'H', 'E', 'L', 'F', 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, 0)     // protocol version
	b = binary.LittleEndian.AppendUint32(b, 65536) // receive buffer
	b = binary.LittleEndian.AppendUint32(b, 65536) // send buffer
	b = binary.LittleEndian.AppendUint32(b, 0)     // max message size
	b = binary.LittleEndian.AppendUint32(b, 0)     // max chunk count
	return uaFinish(uaString(b, url), start)
}

// UAAck appends an ACK message.
func UAAck(b []byte) []byte {
	start := len(b)
	b = append(b, 'A', 'C', 'K', 'F', 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 65536)
	b = binary.LittleEndian.AppendUint32(b, 65536)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 0)
	return uaFinish(b, start)
}

// uaDateTime converts nanoseconds since the Unix epoch to 100 ns ticks since
// 1601-01-01.
func uaDateTime(unixNS int64) uint64 { return uint64(unixNS/100 + 116444736000000000) }

func uaRequestHeader(b []byte, now int64, handle uint32) []byte {
	b = append(b, 0x00, 0x00) // authentication token: null node id
	b = binary.LittleEndian.AppendUint64(b, uaDateTime(now))
	b = binary.LittleEndian.AppendUint32(b, handle)
	b = binary.LittleEndian.AppendUint32(b, 0) // return diagnostics
	b = uaNull(b)                              // audit entry id
	b = binary.LittleEndian.AppendUint32(b, 10000)
	return append(b, 0x00, 0x00, 0x00) // additional header: empty extension object
}

func uaResponseHeader(b []byte, now int64, handle uint32) []byte {
	b = binary.LittleEndian.AppendUint64(b, uaDateTime(now))
	b = binary.LittleEndian.AppendUint32(b, handle)
	b = binary.LittleEndian.AppendUint32(b, 0) // service result Good
	b = append(b, 0x00)                        // diagnostic info: none
	b = uaNull(b)                              // string table
	return append(b, 0x00, 0x00, 0x00)
}

// UAOpenRequest appends an OPN message with an OpenSecureChannelRequest.
func UAOpenRequest(b []byte, now int64, seq, reqID uint32) []byte {
	start := len(b)
	b = append(b, 'O', 'P', 'N', 'F', 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, 0) // secure channel id
	b = uaString(b, uaPolicyNone)
	b = uaNull(uaNull(b)) // sender certificate, receiver thumbprint
	b = binary.LittleEndian.AppendUint32(b, seq)
	b = binary.LittleEndian.AppendUint32(b, reqID)
	b = uaNodeID(b, UAOpenSecureChannelRequest)
	b = uaRequestHeader(b, now, reqID)
	b = binary.LittleEndian.AppendUint32(b, 0) // client protocol version
	b = binary.LittleEndian.AppendUint32(b, 0) // issue
	b = binary.LittleEndian.AppendUint32(b, 1) // security mode None
	b = binary.LittleEndian.AppendUint32(b, 0) // client nonce: empty
	b = binary.LittleEndian.AppendUint32(b, 3600000)
	return uaFinish(b, start)
}

// UAOpenResponse appends the OPN answer.
func UAOpenResponse(b []byte, now int64, channel, seq, reqID uint32) []byte {
	start := len(b)
	b = append(b, 'O', 'P', 'N', 'F', 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, channel)
	b = uaString(b, uaPolicyNone)
	b = uaNull(uaNull(b))
	b = binary.LittleEndian.AppendUint32(b, seq)
	b = binary.LittleEndian.AppendUint32(b, reqID)
	b = uaNodeID(b, UAOpenSecureChannelResponse)
	b = uaResponseHeader(b, now, reqID)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, channel)
	b = binary.LittleEndian.AppendUint32(b, 1) // token id
	b = binary.LittleEndian.AppendUint64(b, uaDateTime(now))
	b = binary.LittleEndian.AppendUint32(b, 3600000)
	b = binary.LittleEndian.AppendUint32(b, 0) // server nonce: empty
	return uaFinish(b, start)
}

func appendUAMsgHeader(b []byte, channel, seq, reqID uint32) []byte {
	b = append(b, 'M', 'S', 'G', 'F', 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, channel)
	b = binary.LittleEndian.AppendUint32(b, 1) // token id
	b = binary.LittleEndian.AppendUint32(b, seq)
	return binary.LittleEndian.AppendUint32(b, reqID)
}

// UAReadRequestMsg appends a MSG with a ReadRequest for the Value of n
// numeric nodes of namespace 2.
func UAReadRequestMsg(b []byte, now int64, channel, seq, reqID uint32, n int) []byte {
	start := len(b)
	b = appendUAMsgHeader(b, channel, seq, reqID)
	b = uaNodeID(b, UAReadRequest)
	b = uaRequestHeader(b, now, reqID)
	b = binary.LittleEndian.AppendUint64(b, 0) // max age
	b = binary.LittleEndian.AppendUint32(b, 3) // timestamps: neither
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	for i := range n {
		b = append(b, 0x01, 0x02) // four-byte node id, namespace 2
		b = binary.LittleEndian.AppendUint16(b, uint16(1000+i))
		b = binary.LittleEndian.AppendUint32(b, 13) // Value attribute
		b = uaNull(b)                               // index range
		b = append(b, 0, 0)                         // data encoding: namespace 0
		b = uaNull(b)                               // and null name
	}
	return uaFinish(b, start)
}

// UAReadResponseMsg appends the ReadResponse with n Double values.
func UAReadResponseMsg(b []byte, now int64, channel, seq, reqID uint32, n int, seed uint32) []byte {
	start := len(b)
	b = appendUAMsgHeader(b, channel, seq, reqID)
	b = uaNodeID(b, UAReadResponse)
	b = uaResponseHeader(b, now, reqID)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	for i := range n {
		b = append(b, 0x01, 11) // DataValue with a Variant of Double
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(float64(seed%1000)+float64(i)/8))
	}
	b = uaNull(b) // diagnostic infos
	return uaFinish(b, start)
}

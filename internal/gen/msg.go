package gen

import (
	"github.com/otsight/otsight/internal/gen/wire"
)

// otInfo is how the sensor reports a message as an ot row: the canonical
// protocol name, function code and name, and direction.
type otInfo struct {
	protocol, code, function, dir string
	// swap: the sender is the responder (an Ethernet response names the
	// requester it answers first).
	swap bool
}

// Msg is one application message: its encoder and, for industrial
// protocols, the ot row it counts in. An encoder's output length must not
// depend on the cycle number or time, so that the record output knows
// every payload size without encoding.
type Msg struct {
	Enc func(b []byte, x *msgCtx) []byte
	OT  *otInfo
	// Kind counts the message in the generator's protocol statistics
	// ("modbus/3", "dns/0"…), which the tshark test compares.
	Kind string
	// app computes the application records the sensor writes for the
	// message (dns, dhcp, nbns, …), for the record output.
	app func(*appCtx)
	// connID is an identity report the sensor's parser writes once per
	// minute and direction of a connection (CC-Link cyclic frames).
	connID func(*appCtx, uint8)
	// perMinute: the sensor writes the record once per minute only
	// (announcements that repeat unchanged).
	perMinute bool
	// sent counts the messages of this kind a run produced; each model
	// owns its messages, so a counter here keeps map hashing off the
	// per-packet path.
	sent uint64
}

// msgCtx is what an encoder may vary on: the conversation, the cycle
// number (transaction ids, values) and the time.
type msgCtx struct {
	c   *conv
	n   uint32
	ts  int64
	dir uint8
}

func ot(protocol, code, function, dir string) *otInfo {
	return &otInfo{protocol: protocol, code: code, function: function, dir: dir}
}

const (
	dirReq  = "request"
	dirResp = "response"
	dirInd  = "indication"
)

// Modbus/TCP: a poll of qty holding registers.
func modbusPoll(unit uint8, addr, qty uint16) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "modbus/3", OT: ot("modbus", "3", "Read Holding Registers", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.ModbusReadRequest(b, uint16(x.n), unit, addr, qty) }}},
		{dir: 1, msg: &Msg{Kind: "modbus/3", OT: ot("modbus", "3", "Read Holding Registers", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte {
				return wire.ModbusReadResponse(b, uint16(x.n), unit, qty, x.n*31+uint32(addr))
			}}},
	}
}

func modbusWrite(unit uint8, addr, value uint16) []step {
	enc := func(b []byte, x *msgCtx) []byte {
		return wire.ModbusWriteSingle(b, uint16(x.n+0x4000), unit, addr, value)
	}
	return []step{
		{dir: 0, msg: &Msg{Kind: "modbus/6", OT: ot("modbus", "6", "Write Single Register", dirReq), Enc: enc}},
		{dir: 1, msg: &Msg{Kind: "modbus/6", OT: ot("modbus", "6", "Write Single Register", dirResp), Enc: enc}},
	}
}

// S7comm: COTP connection and Setup Communication, then Read Var polls.
func s7Setup(srcRef uint16) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "cotp/cr", Enc: func(b []byte, _ *msgCtx) []byte { return wire.COTPConnect(b, true, srcRef, 0x0100, 0x0102) }}},
		{dir: 1, msg: &Msg{Kind: "cotp/cc", Enc: func(b []byte, _ *msgCtx) []byte { return wire.COTPConnect(b, false, 0x0001, 0x0100, 0x0102) }}},
		{dir: 0, msg: &Msg{Kind: "s7comm/1/f0", OT: ot("s7comm", "1/f0", "Setup communication", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7SetupCommunication(b, wire.S7Job, 1) }}},
		{dir: 1, msg: &Msg{Kind: "s7comm/3/f0", OT: ot("s7comm", "3/f0", "Setup communication", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7SetupCommunication(b, wire.S7AckData, 1) }}},
	}
}

func s7Poll(db uint16, items, size int) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "s7comm/1/04", OT: ot("s7comm", "1/04", "Read Var", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.S7ReadVarRequest(b, uint16(x.n+2), db, items, size) }}},
		{dir: 1, msg: &Msg{Kind: "s7comm/3/04", OT: ot("s7comm", "3/04", "Read Var", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.S7ReadVarResponse(b, uint16(x.n+2), items, size, x.n) }}},
	}
}

func s7Stop() []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "s7comm/1/29", OT: ot("s7comm", "1/29", "PLC Stop", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7PLCStopRequest(b, 0x7f00) }}},
		{dir: 1, msg: &Msg{Kind: "s7comm/3/29", OT: ot("s7comm", "3/29", "PLC Stop", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7PLCStopResponse(b, 0x7f00) }}},
	}
}

// EtherNet/IP: RegisterSession, then CIP Get_Attribute_Single polls of an
// assembly through SendRRData.
func enipSetup(session uint32) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "enip/65", OT: ot("enip", "65", "RegisterSession", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.ENIPRegister(b, 0) }}},
		{dir: 1, msg: &Msg{Kind: "enip/65", OT: ot("enip", "65", "RegisterSession", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.ENIPRegister(b, session) }}},
	}
}

func enipPoll(session uint32, inst uint8, size int) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "enip/6f/0e", OT: ot("enip", "6f/0e", "Get_Attribute_Single", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.ENIPGetAttrRequest(b, session, uint64(x.n), inst) }}},
		{dir: 1, msg: &Msg{Kind: "enip/6f/0e", OT: ot("enip", "6f/0e", "Get_Attribute_Single", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte {
				return wire.ENIPGetAttrResponse(b, session, uint64(x.n), size, x.n)
			}}},
	}
}

// SLMP 3E binary batch reads and remote stop.
func slmpPoll(head uint32, n uint16) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "slmp/0401", OT: ot("slmp", "0401/0000", "Device Read (batch)", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.SLMPReadRequest(b, head, n) }}},
		{dir: 1, msg: &Msg{Kind: "slmp/0401", OT: ot("slmp", "0401/0000", "Device Read (batch)", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.SLMPReadResponse(b, n, x.n) }}},
	}
}

func slmpStop() []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "slmp/1002", OT: ot("slmp", "1002/0000", "Remote Stop", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.SLMPRemoteStopRequest(b) }}},
		{dir: 1, msg: &Msg{Kind: "slmp/1002", OT: ot("slmp", "1002/0000", "Remote Stop", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.SLMPEmptyResponse(b) }}},
	}
}

// Omron FINS over UDP.
func finsPoll(dst, src uint8, addr, n uint16) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "fins/0101", OT: ot("fins", "0101", "memory_area_read", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.FINSReadRequest(b, dst, src, uint8(x.n), addr, n) }}},
		{dir: 1, msg: &Msg{Kind: "fins/0101", OT: ot("fins", "0101", "memory_area_read", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.FINSReadResponse(b, src, dst, uint8(x.n), n, x.n) }}},
	}
}

// CC-Link IE Field Basic cyclic exchange with one slave.
func cclinkCycle(master, slave wire.IPv4) []step {
	slaves := []wire.IPv4{slave}
	id := cclinkID(master, slave)
	return []step{
		{dir: 0, msg: &Msg{Kind: "cclink_ief_basic/0e70", OT: ot("cclink_ief_basic", "0e70", "cyclic", dirReq), connID: id,
			Enc: func(b []byte, x *msgCtx) []byte { return wire.CCLinkCyclicRequest(b, master, uint16(x.n), slaves) }}},
		{dir: 1, msg: &Msg{Kind: "cclink_ief_basic/0e70", OT: ot("cclink_ief_basic", "0e70", "cyclic", dirResp), connID: id,
			Enc: func(b []byte, x *msgCtx) []byte { return wire.CCLinkCyclicResponse(b, slave, uint16(x.n)) }}},
	}
}

// BACnet/IP ReadProperty of an analog input's present value.
func bacnetPoll(inst uint32) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "bacnet/0/12", OT: ot("bacnet", "0/12", "readProperty", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte {
				return wire.BACnetReadProperty(b, uint8(x.n), wire.BACnetAnalogInput, inst)
			}}},
		{dir: 1, msg: &Msg{Kind: "bacnet/3/12", OT: ot("bacnet", "3/12", "readProperty", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte {
				return wire.BACnetReadPropertyAck(b, uint8(x.n), wire.BACnetAnalogInput, inst, 20+float32(x.n%50)/10)
			}}},
	}
}

func bacnetWhoIs() *Msg {
	return &Msg{Kind: "bacnet/1/8", OT: ot("bacnet", "1/8", "who-Is", dirReq),
		Enc: func(b []byte, _ *msgCtx) []byte { return wire.BACnetWhoIs(b) }}
}

func bacnetIAm(inst uint32, vendor uint8) *Msg {
	return &Msg{Kind: "bacnet/1/0", OT: ot("bacnet", "1/0", "i-Am", dirInd), app: bacnetIAmID(inst, bacnetVendors[vendor]),
		Enc: func(b []byte, _ *msgCtx) []byte { return wire.BACnetIAm(b, inst, vendor) }}
}

// OPC UA: HEL/ACK, OPN, then ReadRequest polls.
func opcuaSetup(url string, channel uint32) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "opcua/HEL", OT: ot("opcua", "HEL", "Hello", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.UAHello(b, url) }}},
		{dir: 1, msg: &Msg{Kind: "opcua/ACK", OT: ot("opcua", "ACK", "Acknowledge", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.UAAck(b) }}},
		{dir: 0, msg: &Msg{Kind: "opcua/446", OT: ot("opcua", "OPN/446", "OpenSecureChannelRequest", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.UAOpenRequest(b, x.ts, 1, 1) }}},
		{dir: 1, msg: &Msg{Kind: "opcua/449", OT: ot("opcua", "OPN/449", "OpenSecureChannelResponse", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.UAOpenResponse(b, x.ts, channel, 1, 1) }}},
	}
}

func opcuaPoll(channel uint32, n int) []step {
	return []step{
		{dir: 0, msg: &Msg{Kind: "opcua/631", OT: ot("opcua", "MSG/631", "ReadRequest", dirReq),
			Enc: func(b []byte, x *msgCtx) []byte { return wire.UAReadRequestMsg(b, x.ts, channel, x.n+2, x.n+2, n) }}},
		{dir: 1, msg: &Msg{Kind: "opcua/634", OT: ot("opcua", "MSG/634", "ReadResponse", dirResp),
			Enc: func(b []byte, x *msgCtx) []byte {
				return wire.UAReadResponseMsg(b, x.ts, channel, x.n+2, x.n+2, n, x.n)
			}}},
	}
}

// bacnetVendors names the BACnet vendor identifiers the generator uses.
var bacnetVendors = map[uint8]string{17: "Honeywell"}

// s7BlockUpload is the engineering workstation reading one program block
// (a DB, type 0A) of size bytes in parts of 200 bytes.
func s7BlockUpload(num uint16, size int) []step {
	const part = 200
	id := uint32(num)<<8 | 7
	steps := []step{
		{dir: 0, msg: &Msg{Kind: "s7comm/1/1d", OT: ot("s7comm", "1/1d", "Start upload", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7StartUploadRequest(b, 0x0400, 0x0a, num) }}},
		{dir: 1, msg: &Msg{Kind: "s7comm/3/1d", OT: ot("s7comm", "3/1d", "Start upload", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7StartUploadResponse(b, 0x0400, id, size) }}},
	}
	for off := 0; off < size; off += part {
		n, more := min(part, size-off), off+part < size
		ref := uint16(0x0401 + off/part)
		steps = append(steps,
			step{dir: 0, msg: &Msg{Kind: "s7comm/1/1e", OT: ot("s7comm", "1/1e", "Upload", dirReq),
				Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7UploadRequest(b, ref, id) }}},
			step{dir: 1, msg: &Msg{Kind: "s7comm/3/1e", OT: ot("s7comm", "3/1e", "Upload", dirResp),
				Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7UploadResponse(b, ref, n, more, uint32(off)) }}})
	}
	return append(steps,
		step{dir: 0, msg: &Msg{Kind: "s7comm/1/1f", OT: ot("s7comm", "1/1f", "End upload", dirReq),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7EndUploadRequest(b, 0x04ff, id) }}},
		step{dir: 1, msg: &Msg{Kind: "s7comm/3/1f", OT: ot("s7comm", "3/1f", "End upload", dirResp),
			Enc: func(b []byte, _ *msgCtx) []byte { return wire.S7EndUploadResponse(b, 0x04ff) }}})
}

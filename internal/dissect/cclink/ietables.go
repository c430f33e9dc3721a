package cclink

import "github.com/otsight/otsight/internal/dissect"

// header says which header layout a CC-Link IE frame type uses.
type header uint8

const (
	hdrField   header = iota + 1 // node id at 2–3, protocol version type at 8
	hdrControl                   // priority, scan number; always CC-Link IE Control
	hdrTSN                       // CC-Link IE TSN frame (C0–C5)
)

// Which bytes of a field-type header carry what, by frame type.
const (
	hasNodeID   = 1 << iota // node id at 2–3 (big-endian)
	hasNodeType             // node type at 5
	hasConnInfo             // connection info at 4
)

// frameType describes one CC-Link IE frame type (byte 0 of the frame).
type frameType struct {
	name   string
	dir    dissect.MsgDir
	hdr    header
	fields uint8
}

// frameTypes maps byte 0 of an Ethertype 0x890F frame to its pdu type. Names
// are those of the OsecT CC-Link IE parser (camel case, as logged there).
var frameTypes = [256]frameType{
	// Control-type frames (CC-Link IE Control network).
	0x00: {"connect", dissect.Request, hdrControl, 0},
	0x01: {"connectAck", dissect.Response, hdrControl, 0},
	0x02: {"scan", dissect.Indication, hdrControl, 0},
	0x03: {"collect", dissect.Indication, hdrControl, 0},
	0x04: {"select", dissect.Indication, hdrControl, 0},
	0x05: {"launch", dissect.Indication, hdrControl, 0},
	0x06: {"token", dissect.Indication, hdrControl, 0},
	0x24: {"dummy", dissect.Indication, hdrControl, 0},
	0x2F: {"nTNTest", dissect.Request, hdrControl, 0},
	0x80: {"cyclicDataW", dissect.Indication, hdrControl, 0},
	0x81: {"cyclicDataB", dissect.Indication, hdrControl, 0},
	0x8C: {"cyclicDataOut1", dissect.Indication, hdrControl, 0},
	0x8D: {"cyclicDataOut2", dissect.Indication, hdrControl, 0},
	0x8E: {"cyclicDataIn1", dissect.Indication, hdrControl, 0},
	0x8F: {"cyclicDataIn2", dissect.Indication, hdrControl, 0},

	// Field-type frames (CC-Link IE Field; Control when version type is 0).
	0x10: {"persuasion", dissect.Indication, hdrField, hasNodeType},
	0x11: {"testData", dissect.Request, hdrField, hasNodeType},
	0x12: {"testDataAck", dissect.Response, hdrField, hasNodeType},
	0x13: {"setup", dissect.Request, hdrField, hasNodeID},
	0x14: {"setupAck", dissect.Response, hdrField, 0},
	0x15: {"tokenM", dissect.Indication, hdrField, hasNodeID},
	0x1C: {"timer", dissect.Indication, hdrField, 0},
	0x20: {"myStatus", dissect.Indication, hdrField, hasNodeID | hasNodeType},
	0x22: {"transient1", dissect.Request, hdrField, hasNodeID | hasConnInfo},
	0x23: {"transientAck", dissect.Response, hdrField, hasNodeID | hasConnInfo},
	0x25: {"transient2", dissect.Request, hdrField, hasNodeID | hasConnInfo},
	0x26: {"ipTransient", dissect.Indication, hdrField, hasNodeID | hasConnInfo},
	0x28: {"paramCheck", dissect.Request, hdrField, hasNodeID | hasConnInfo},
	0x29: {"parameter", dissect.Indication, hdrField, hasNodeID | hasConnInfo},
	0x40: {"measure", dissect.Request, hdrField, hasNodeID},
	0x41: {"measureAck", dissect.Response, hdrField, hasNodeID},
	0x42: {"offset", dissect.Indication, hdrField, hasNodeID},
	0x43: {"update", dissect.Indication, hdrField, hasNodeID},
	0x82: {"cyclicDataRWw", dissect.Indication, hdrField, hasNodeID},
	0x83: {"cyclicDataRY", dissect.Indication, hdrField, hasNodeID},
	0x84: {"cyclicDataRWr", dissect.Indication, hdrField, hasNodeID},
	0x85: {"cyclicDataRX", dissect.Indication, hdrField, hasNodeID},

	// CC-Link IE TSN frames.
	0xC0: {"acyclicPriority", dissect.Indication, hdrTSN, 0},
	0xC1: {"acyclicDetection", dissect.Request, hdrTSN, 0},
	0xC2: {"acyclicDetectionAck", dissect.Response, hdrTSN, 0},
	0xC3: {"acyclicData", dissect.Indication, hdrTSN, 0},
	0xC4: {"cyclicM", dissect.Indication, hdrTSN, 0},
	0xC5: {"cyclicS", dissect.Indication, hdrTSN, 0},
}

// Node types at byte 5 of field-type headers.
var (
	fieldNodeTypes = map[byte]string{
		0x30: "master node", 0x32: "local node", 0x33: "intelligent device node",
		0x34: "remote device node", 0x35: "remote I/O node",
	}
	controlNodeTypes = map[byte]string{
		0x00: "management node", 0x02: "normal node", 0x21: "master node in the node-to-node test",
	}
)

// tsnStationTypes maps byte 2 of a TSN acyclicDetectionAck (the high bit is
// ignored) to the station type.
var tsnStationTypes = [5]string{"master station", "slave station", "managed switch", "use prohibited", "sub-master station"}

// deviceTypes maps the CC-Link family device type code (TSN
// acyclicDetectionAck bytes 128–129) to its category, after the CLPA
// device-type list as used by nttcom/zeek-parser-CCLinkIENoIP (49 codes).
var deviceTypes = map[uint16]string{
	0x0000: "not applicable", 0x0001: "PLC", 0x0002: "personal computer",
	0x0003: "digital I/O", 0x0004: "analog I/O", 0x0005: "positioning controller",
	0x0006: "temperature controller", 0x0007: "HMI", 0x0008: "ID",
	0x0009: "serial conversion module", 0x001D: "CC-Link to CC-Link/LT bridge",
	0x001F: "service converter module", 0x0020: "inverter", 0x0021: "servo",
	0x0022: "CNC", 0x0023: "robot", 0x0024: "power distribution control device",
	0x0030: "sensor", 0x0031: "actuator", 0x0032: "barcode reader",
	0x0033: "indicator (weight)", 0x0034: "high-speed counter", 0x0035: "switch",
	0x0036: "service analyzer", 0x0037: "space transmission module",
	0x0038: "transport control module", 0x0039: "power supply control module",
	0x003B: "gas detector", 0x003C: "solenoid valve", 0x003D: "robot (general-purpose)",
	0x003E: "printer control module", 0x003F: "motor control module", 0x0040: "vacuum pump",
	0x0041: "multi-axis controller", 0x0042: "general-purpose VME board",
	0x0043: "mass flow power supply module", 0x0044: "mass flow controller",
	0x0045: "received power distribution device", 0x0046: "control center",
	0x0047: "welding control module", 0x0048: "indicator (general-purpose)",
	0x0049: "PID control module", 0x004A: "vacuum meter", 0x004B: "wireless module",
	0x004C: "digital/analog I/O", 0x004D: "vacuum valve", 0x004E: "tension controller",
	0x004F: "measuring machine", 0x007F: "generic device",
}

// Transient commands. transient1 frames carry a 16-byte message header at
// 14–29; its data type (byte 1 of the frame) selects where the command is.
var (
	transient1SLMP = map[byte]string{0x30: "slmpTransmitRequest", 0xB0: "slmpTransmitResponse"} // data type 05, byte 52
	transient1Cmd7 = map[byte][2]string{                                                        // data type 07, command at 30, subcommand at 31 (00 request, 80 response)
		0x01: {"deliverNodeInformationRequest", "deliverNodeInformationResponse"},
		0x03: {"getStatisticalInformationRequest", "getStatisticalInformationResponse"},
		0x04: {"acquiresDetailedNodeInformationRequest", "acquiresDetailedNodeInformationResponse"},
		0x0A: {"acquiresOptionalInformationRequest", "acquiresOptionalInformationResponse"},
	}
	transient1Cmd8 = map[byte][2]string{ // data type 08, same layout
		0x01: {"communicationCycleSettingRequest", "communicationCycleSettingResponse"},
		0x02: {"objectReadRequest", "objectReadResponse"},
		0x03: {"objectWriteRequest", "objectWriteResponse"},
	}
	// transient2 command type at byte 36; messageTransfer exists in Field only.
	transient2Cmd = map[byte]string{
		0x04: "getMemoryAccessInfo", 0x08: "run", 0x09: "stop", 0x10: "readMemory",
		0x12: "writeMemory", 0x20: "messageTransfer",
	}
)

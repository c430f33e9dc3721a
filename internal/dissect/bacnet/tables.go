package bacnet

// BVLC functions (ASHRAE 135, annex J.2).
var bvlcNames = [...]string{
	0x00: "BVLC-Result",
	0x01: "Write-Broadcast-Distribution-Table",
	0x02: "Read-Broadcast-Distribution-Table",
	0x03: "Read-Broadcast-Distribution-Table-Ack",
	0x04: "Forwarded-NPDU",
	0x05: "Register-Foreign-Device",
	0x06: "Read-Foreign-Device-Table",
	0x07: "Read-Foreign-Device-Table-Ack",
	0x08: "Delete-Foreign-Device-Table-Entry",
	0x09: "Distribute-Broadcast-To-Network",
	0x0a: "Original-Unicast-NPDU",
	0x0b: "Original-Broadcast-NPDU",
	0x0c: "Secure-BVLL",
}

// Network layer message types (ASHRAE 135, 6.2.4).
var networkNames = [...]string{
	0x00: "Who-Is-Router-To-Network",
	0x01: "I-Am-Router-To-Network",
	0x02: "I-Could-Be-Router-To-Network",
	0x03: "Reject-Message-To-Network",
	0x04: "Router-Busy-To-Network",
	0x05: "Router-Available-To-Network",
	0x06: "Initialize-Routing-Table",
	0x07: "Initialize-Routing-Table-Ack",
	0x08: "Establish-Connection-To-Network",
	0x09: "Disconnect-Connection-To-Network",
	0x0a: "Challenge-Request",
	0x0b: "Security-Payload",
	0x0c: "Security-Response",
	0x0d: "Request-Key-Update",
	0x0e: "Update-Key-Set",
	0x0f: "Update-Distribution-Key",
	0x10: "Request-Master-Key",
	0x11: "Set-Master-Key",
	0x12: "What-Is-Network-Number",
	0x13: "Network-Number-Is",
}

// APDU types (ASHRAE 135, 20.1).
const (
	apduConfirmed   = 0
	apduUnconfirmed = 1
	apduSimpleAck   = 2
	apduComplexAck  = 3
	apduSegmentAck  = 4
	apduError       = 5
	apduReject      = 6
	apduAbort       = 7
)

var apduNames = [8]string{
	"Confirmed-Request", "Unconfirmed-Request", "SimpleACK", "ComplexACK",
	"SegmentACK", "Error", "Reject", "Abort",
}

// Confirmed service choices (ASHRAE 135, 21).
var confirmedNames = [...]string{
	0:  "acknowledgeAlarm",
	1:  "confirmedCOVNotification",
	2:  "confirmedEventNotification",
	3:  "getAlarmSummary",
	4:  "getEnrollmentSummary",
	5:  "subscribeCOV",
	6:  "atomicReadFile",
	7:  "atomicWriteFile",
	8:  "addListElement",
	9:  "removeListElement",
	10: "createObject",
	11: "deleteObject",
	12: "readProperty",
	13: "readPropertyConditional",
	14: "readPropertyMultiple",
	15: "writeProperty",
	16: "writePropertyMultiple",
	17: "deviceCommunicationControl",
	18: "confirmedPrivateTransfer",
	19: "confirmedTextMessage",
	20: "reinitializeDevice",
	21: "vtOpen",
	22: "vtClose",
	23: "vtData",
	24: "authenticate",
	25: "requestKey",
	26: "readRange",
	27: "lifeSafetyOperation",
	28: "subscribeCOVProperty",
	29: "getEventInformation",
	30: "subscribeCOVPropertyMultiple",
	31: "confirmedCOVNotificationMultiple",
	32: "confirmedAuditNotification",
	33: "auditLogQuery",
}

// Unconfirmed service choices (ASHRAE 135, 21).
var unconfirmedNames = [...]string{
	0:  "i-Am",
	1:  "i-Have",
	2:  "unconfirmedCOVNotification",
	3:  "unconfirmedEventNotification",
	4:  "unconfirmedPrivateTransfer",
	5:  "unconfirmedTextMessage",
	6:  "timeSynchronization",
	7:  "who-Has",
	8:  "who-Is",
	9:  "utcTimeSynchronization",
	10: "writeGroup",
	11: "unconfirmedCOVNotificationMultiple",
	12: "unconfirmedAuditNotification",
	13: "who-Am-I",
	14: "you-Are",
}

// objectTypes names the standard object types (ASHRAE 135, 21,
// BACnetObjectType).
var objectTypes = [...]string{
	0: "analog-input", 1: "analog-output", 2: "analog-value", 3: "binary-input",
	4: "binary-output", 5: "binary-value", 6: "calendar", 7: "command", 8: "device",
	9: "event-enrollment", 10: "file", 11: "group", 12: "loop", 13: "multi-state-input",
	14: "multi-state-output", 15: "notification-class", 16: "program", 17: "schedule",
	18: "averaging", 19: "multi-state-value", 20: "trend-log", 21: "life-safety-point",
	22: "life-safety-zone", 23: "accumulator", 24: "pulse-converter", 25: "event-log",
	26: "global-group", 27: "trend-log-multiple", 28: "load-control", 29: "structured-view",
	30: "access-door", 31: "timer", 32: "access-credential", 33: "access-point",
	34: "access-rights", 35: "access-user", 36: "access-zone", 37: "credential-data-input",
	38: "network-security", 39: "bitstring-value", 40: "characterstring-value",
	41: "date-pattern-value", 42: "date-value", 43: "datetime-pattern-value",
	44: "datetime-value", 45: "integer-value", 46: "large-analog-value",
	47: "octetstring-value", 48: "positive-integer-value", 49: "time-pattern-value",
	50: "time-value", 51: "notification-forwarder", 52: "alert-enrollment", 53: "channel",
	54: "lighting-output", 55: "binary-lighting-output", 56: "network-port",
	57: "elevator-group", 58: "escalator", 59: "lift", 60: "staging", 61: "audit-log",
	62: "audit-reporter", 63: "color", 64: "color-temperature",
}

const objectDevice = 8

// Device object properties that identify the device (ASHRAE 135, 12.11).
const (
	propAppSoftwareVersion = 12
	propFirmwareRevision   = 44
	propModelName          = 70
	propObjectName         = 77
	propVendorName         = 121
)

// vendorNames maps ASHRAE-assigned BACnet vendor identifiers to names, for
// the vendors common in buildings and plants (ASHRAE's public vendor ID
// list). Unknown ids are reported as "vendor N".
var vendorNames = map[uint16]string{
	0:   "ASHRAE",
	1:   "NIST",
	2:   "Trane",
	3:   "McQuay International",
	4:   "PolarSoft",
	5:   "Johnson Controls",
	6:   "American Auto-Matrix",
	7:   "Siemens Schweiz (Landis & Staefa)",
	8:   "Delta Controls",
	9:   "Siemens Schweiz",
	10:  "Schneider Electric",
	11:  "TAC",
	12:  "Orion Analysis",
	13:  "Teletrol Systems",
	14:  "Cimetrics Technology",
	15:  "Cornell University",
	16:  "Carrier (United Technologies)",
	17:  "Honeywell",
	18:  "Alerton / Honeywell",
	19:  "TAC AB",
	20:  "Hewlett-Packard",
	22:  "Siemens Schweiz (Cerberus)",
	23:  "York Controls Group",
	24:  "Automated Logic",
	25:  "CSI Control Systems International",
	26:  "Phoenix Controls",
	28:  "KMC Controls",
	32:  "Simplex",
	34:  "Notifier",
	35:  "Reliable Controls",
	36:  "Tridium",
	37:  "Sierra Monitor / FieldServer",
	39:  "Kieback & Peter",
	42:  "Acuity Brands Lighting",
	51:  "SAMSON",
	53:  "Daikin Industries",
	56:  "Liebert",
	62:  "TSI",
	65:  "Reliance Electric",
	74:  "KNX Association",
	77:  "Carel",
	80:  "Fr. Sauter",
	82:  "Mitsubishi Electric (Inazawa Works)",
	83:  "Mitsubishi Heavy Industries",
	85:  "Yamatake Building Systems (Azbil)",
	89:  "Saia-Burgess Controls",
	90:  "Hitachi",
	91:  "Trend Control Systems",
	98:  "Toshiba",
	99:  "Mitsubishi Electric (Air-Conditioning & Refrigeration Systems Works)",
	105: "Priva",
	112: "Fujitsu",
	113: "Emerson Network Power",
	123: "Scada Engine",
	127: "ABB",
	138: "PowerCold Comfort Air Solutions",
	140: "Viconics Electronics",
	141: "Yaskawa America",
	150: "Advantech",
	154: "Unitec",
	160: "Rockwell Automation",
	165: "Smart Temp Australia",
	167: "Duksan Mecasys",
	171: "Cylon Controls",
	176: "Lutron Electronics",
	178: "LOYTEC Electronics",
	187: "Softing",
	189: "Schneider Toshiba Inverter Europe",
	190: "Danfoss Drives",
	191: "Eaton",
	196: "Yokogawa Electric",
	211: "VIPA",
	215: "Lighting Control & Design",
	212: "Impact Facility Solutions",
	219: "Aircuity",
	220: "Control Techniques",
	222: "WAGO",
	226: "Phoenix Contact",
	227: "Grundfos",
	233: "Red Lion Controls",
	234: "Digital Electronics (Pro-face)",
	237: "LS Industrial Systems",
	238: "Square D",
	245: "Contemporary Controls",
	246: "Intesis Software",
	251: "WILO",
	255: "Lennox International",
	260: "BACnet Stack at SourceForge",
	264: "Regin",
	274: "Baldor Electric",
	287: "Parker Hannifin",
	294: "Legrand",
	303: "Real Time Automation",
	313: "Siemens Energy & Automation",
	329: "TROX",
	332: "Distech Controls SAS",
	335: "Schneider Electric",
	364: "Distech Controls",
	366: "ICONICS",
	388: "Carlo Gavazzi Controls",
	389: "Chipkin Automation Systems",
	407: "Fatek Automation",
	415: "Beckhoff Automation",
	423: "Belimo Automation",
	432: "LG Electronics",
	434: "Mitsubishi Electric (Nagoya Works)",
	435: "Delta Electronics",
}

package enip

import "strconv"

// Encapsulation commands (CIP Vol. 2, chapter 2).
const (
	cmdNOP            = 0x00
	cmdListTargets    = 0x01
	cmdListServices   = 0x04
	cmdListIdentity   = 0x63
	cmdListInterfaces = 0x64
	cmdRegister       = 0x65
	cmdUnregister     = 0x66
	cmdSendRRData     = 0x6f
	cmdSendUnitData   = 0x70
	cmdIndicateStatus = 0x72
	cmdCancel         = 0x73
)

// commandNames names the encapsulation commands; the empty string marks a
// command outside the public set.
var commandNames = [256]string{
	cmdNOP:            "NOP",
	cmdListTargets:    "ListTargets",
	cmdListServices:   "ListServices",
	cmdListIdentity:   "ListIdentity",
	cmdListInterfaces: "ListInterfaces",
	cmdRegister:       "RegisterSession",
	cmdUnregister:     "UnRegisterSession",
	cmdSendRRData:     "SendRRData",
	cmdSendUnitData:   "SendUnitData",
	cmdIndicateStatus: "IndicateStatus",
	cmdCancel:         "Cancel",
}

// CIP object classes whose object-specific services get their own names.
const (
	classMessageRouter = 0x02
	classConnManager   = 0x06
	classPCCC          = 0x67
	classSymbol        = 0x6b
	classTemplate      = 0x6c
)

// CIP services used for unwrapping.
const (
	svcMultiple        = 0x0a
	svcUnconnectedSend = 0x52
)

// commonServices names the CIP common services (CIP Vol. 1, appendix A).
var commonServices = [128]string{
	0x01: "Get_Attributes_All",
	0x02: "Set_Attributes_All",
	0x03: "Get_Attribute_List",
	0x04: "Set_Attribute_List",
	0x05: "Reset",
	0x06: "Start",
	0x07: "Stop",
	0x08: "Create",
	0x09: "Delete",
	0x0a: "Multiple_Service_Packet",
	0x0d: "Apply_Attributes",
	0x0e: "Get_Attribute_Single",
	0x10: "Set_Attribute_Single",
	0x11: "Find_Next_Object_Instance",
	0x14: "Error_Response",
	0x15: "Restore",
	0x16: "Save",
	0x17: "No_Operation",
	0x18: "Get_Member",
	0x19: "Set_Member",
	0x1a: "Insert_Member",
	0x1b: "Remove_Member",
	0x1c: "GroupSync",
}

// connManagerServices are the Connection Manager object's services.
var connManagerServices = map[uint8]string{
	0x4e: "Forward_Close",
	0x52: "Unconnected_Send",
	0x54: "Forward_Open",
	0x56: "Get_Connection_Data",
	0x57: "Search_Connection_Data",
	0x5a: "Get_Connection_Owner",
	0x5b: "Large_Forward_Open",
}

// logixServices are the Logix controllers' tag services on the Symbol and
// Template objects or on a symbolic path (Rockwell publication 1756-PM020).
var logixServices = map[uint8]string{
	0x4c: "Read_Tag",
	0x4d: "Write_Tag",
	0x4e: "Read_Modify_Write_Tag",
	0x52: "Read_Tag_Fragmented",
	0x53: "Write_Tag_Fragmented",
	0x55: "Get_Instance_Attribute_List",
}

// pcccServices are the PCCC object's services.
var pcccServices = map[uint8]string{
	0x4b: "Execute_PCCC",
	0x4c: "Execute_DH+",
	0x4d: "Execute_Local_PCCC",
}

// serviceName names a CIP service addressed to class (0 when unknown;
// symbolic when the path named a tag).
func serviceName(svc uint8, class uint16, symbolic bool) string {
	svc &= 0x7f
	if n := commonServices[svc]; n != "" {
		return n
	}
	var n string
	switch {
	case symbolic || class == classSymbol || class == classTemplate:
		n = logixServices[svc]
	case class == classConnManager:
		n = connManagerServices[svc]
	case class == classPCCC:
		n = pcccServices[svc]
	}
	if n != "" {
		return n
	}
	if svc >= 0x4b && svc <= 0x63 {
		return "Object_Specific_Service"
	}
	return "Unknown_Service"
}

// hexCodes holds "00".."ff" and cipCodes "6f/00".."70/7f": codes are looked
// up, never formatted per message.
var (
	hexCodes [256]string
	cipCodes [2][128]string
)

func init() {
	for i := range hexCodes {
		hexCodes[i] = hex2(uint8(i))
	}
	for i := range 128 {
		cipCodes[0][i] = "6f/" + hex2(uint8(i))
		cipCodes[1][i] = "70/" + hex2(uint8(i))
	}
}

func hex2(v uint8) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[v>>4], digits[v&0xf]})
}

// cipCode returns the code of a CIP service carried by an encapsulation
// command.
func cipCode(cmd uint16, svc uint8) string {
	if cmd == cmdSendUnitData {
		return cipCodes[1][svc&0x7f]
	}
	return cipCodes[0][svc&0x7f]
}

// vendorNames maps ODVA-assigned CIP vendor ids to vendor names, for the
// vendors common in plants (public ODVA vendor list, as also published by
// Wireshark and Nmap). Unknown ids are reported as "vendor 0xNNNN".
var vendorNames = map[uint16]string{
	1:   "Rockwell Automation/Allen-Bradley",
	2:   "Namco Controls",
	3:   "Honeywell",
	4:   "Parker Hannifin",
	5:   "Rockwell Automation/Reliance Electric",
	7:   "SMC Corporation",
	8:   "Molex",
	10:  "Advanced Micro Controls (AMCI)",
	11:  "ASCO Pneumatic Controls",
	12:  "Banner Engineering",
	13:  "Belden",
	16:  "Woodhead Connectivity",
	26:  "Festo",
	34:  "Hohner",
	36:  "MKS Instruments",
	37:  "Yaskawa Electric America (Magnetek Drives)",
	40:  "WAGO",
	42:  "IMI Norgren",
	43:  "Balluff",
	44:  "Yaskawa Electric America",
	45:  "Eurotherm Controls",
	46:  "ABB Industrial Systems",
	47:  "Omron",
	48:  "Turck",
	50:  "Real Time Automation",
	52:  "Numatics",
	56:  "Softing",
	57:  "Pepperl+Fuchs",
	58:  "Spectrum Controls",
	68:  "Eaton Electrical",
	71:  "Toshiba International",
	74:  "Hitachi",
	75:  "ABB Robotics",
	77:  "Rockwell Software",
	81:  "IXXAT Automation",
	82:  "Mitsubishi Electric Automation",
	83:  "Opto 22",
	86:  "Horner Electric",
	87:  "Bürkert",
	90:  "HMS Industrial Networks",
	94:  "Advantech",
	95:  "Square D",
	96:  "Digital Electronics Corp. (Pro-face)",
	97:  "Danfoss",
	100: "Bosch Rexroth (Pneumatics)",
	108: "Beckhoff Automation",
	109: "National Instruments",
	119: "EXOR Electronic R&D",
	121: "KUKA Roboter",
	127: "ABB (Entrelec)",
	143: "GE Industrial Systems",
	145: "Siemens Energy & Automation/Drives",
	153: "Watlow",
	159: "IDEC",
	161: "Mitsubishi Electric",
	170: "Pyramid Solutions",
	171: "Denso Wave",
	176: "Red Lion Controls",
	181: "Pilz",
	187: "Oriental Motor",
	201: "CKD",
	208: "Moog",
	209: "Contemporary Controls",
	243: "Schneider Automation",
	246: "Brooks Instrument (Emerson)",
	248: "Moeller",
	250: "Yokogawa Electric",
	252: "Omron Software",
	255: "Bosch Rexroth",
	256: "Turck",
	257: "Control Techniques",
	258: "Hardy Instruments",
	259: "LS Industrial Systems",
	265: "Baldor Electric",
	272: "Deutschmann Automation",
	279: "Adept Technology",
	283: "Hilscher",
	287: "Bosch Rexroth (Indramat)",
	309: "ProSoft Technology",
	315: "SEW-Eurodrive",
	319: "Fuji Electric",
	322: "ifm efector",
	326: "GE Fanuc Automation",
	327: "Panasonic (Matsushita Electric)",
	334: "KEBA",
	345: "Endress+Hauser",
	351: "Kawasaki Robotics",
	354: "FRABA Posital",
	356: "Fanuc Robotics America",
	361: "Wonderware",
	367: "Keyence",
}

// vendorName names a CIP vendor id.
func vendorName(id uint16) string {
	if n, ok := vendorNames[id]; ok {
		return n
	}
	return "vendor 0x" + hex2(uint8(id>>8)) + hex2(uint8(id))
}

// deviceTypes names the CIP device profiles (CIP Vol. 1, chapter 6).
var deviceTypes = map[uint16]string{
	0x00: "Generic Device (deprecated)",
	0x02: "AC Drive",
	0x03: "Motor Overload",
	0x04: "Limit Switch",
	0x05: "Inductive Proximity Switch",
	0x06: "Photoelectric Sensor",
	0x07: "General Purpose Discrete I/O",
	0x09: "Resolver",
	0x0c: "Communications Adapter",
	0x0e: "Programmable Logic Controller",
	0x10: "Position Controller",
	0x13: "DC Drive",
	0x15: "Contactor",
	0x16: "Motor Starter",
	0x17: "Soft Start",
	0x18: "Human-Machine Interface",
	0x1a: "Mass Flow Controller",
	0x1b: "Pneumatic Valve",
	0x1c: "Vacuum Pressure Gauge",
	0x1d: "Process Control Value",
	0x1e: "Residual Gas Analyzer",
	0x1f: "DC Power Generator",
	0x20: "RF Power Generator",
	0x21: "Turbomolecular Vacuum Pump",
	0x22: "Encoder",
	0x23: "Safety Discrete I/O Device",
	0x24: "Fluid Flow Controller",
	0x25: "CIP Motion Drive",
	0x26: "CompoNet Repeater",
	0x27: "Mass Flow Controller, Enhanced",
	0x28: "CIP Modbus Device",
	0x29: "CIP Modbus Translator",
	0x2a: "Safety Analog I/O Device",
	0x2b: "Generic Device (keyable)",
	0x2c: "Managed Switch",
	0x3b: "ControlNet Physical Layer Component",
}

// deviceRoles maps device profiles to the asset roles of records.
var deviceRoles = map[uint16]string{
	0x02: "drive", 0x13: "drive", 0x25: "drive",
	0x07: "I/O", 0x23: "I/O", 0x2a: "I/O",
	0x0c: "communications adapter",
	0x0e: "PLC",
	0x18: "HMI",
	0x2c: "switch",
}

// deviceType names a CIP device type.
func deviceType(t uint16) string {
	if n, ok := deviceTypes[t]; ok {
		return n
	}
	return "device type " + strconv.Itoa(int(t))
}

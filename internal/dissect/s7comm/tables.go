package s7comm

import "strconv"

// Code scheme (all hex, lower case):
//
//	job and ack-data:  ROSCTR/function    "1/04" read var job, "3/04" its ack-data
//	ack:               ROSCTR             "2"
//	userdata:          7/group/subfunction "7/4/01" read SZL (request, response
//	                   and push share the code; Dir tells them apart)
//	other ROSCTR:      ROSCTR             e.g. "8"
//	no parameter:      ROSCTR             e.g. "3" for an ack-data that only
//	                   carries an error
//	malformed:         "malformed"
//
// S7comm-plus: opcode/function, e.g. "31/054c" GetMultiVariables request,
// "32/054c" its response, "33" notification (no function code).

var (
	// rosctrCode and rosctrName name a PDU by ROSCTR alone.
	rosctrCode [16]string
	rosctrName = [16]string{
		rosctrJob: "Job", rosctrAck: "Ack", rosctrAckData: "Ack_Data", rosctrUserData: "Userdata",
	}
	// jobCodes[0] are job codes, jobCodes[1] ack-data codes, by function.
	jobCodes [2][256]string
	// udCodes are userdata codes by function group and subfunction.
	udCodes [16][256]string
)

func init() {
	for i := range rosctrCode {
		rosctrCode[i] = strconv.FormatUint(uint64(i), 16)
	}
	for f := range 256 {
		h := hex2(byte(f))
		jobCodes[0][f] = "1/" + h
		jobCodes[1][f] = "3/" + h
		for g := range 16 {
			udCodes[g][f] = "7/" + strconv.FormatUint(uint64(g), 16) + "/" + h
		}
	}
}

func hex2(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&0xf]})
}

// funcNames are job/ack-data function names.
var funcNames = [256]string{
	fnCPUServices: "CPU services",
	fnReadVar:     "Read Var",
	fnWriteVar:    "Write Var",
	0x1a:          "Request download",
	0x1b:          "Download block",
	0x1c:          "Download ended",
	0x1d:          "Start upload",
	0x1e:          "Upload",
	0x1f:          "End upload",
	fnPLCControl:  "PLC Control",
	fnPLCStop:     "PLC Stop",
	fnSetup:       "Setup communication",
}

// Userdata function groups.
const (
	udGroupModeTrans = 0x0
	udGroupProg      = 0x1
	udGroupCyclic    = 0x2
	udGroupBlock     = 0x3
	udGroupCPU       = 0x4
	udGroupSecurity  = 0x5
	udGroupPBC       = 0x6
	udGroupTime      = 0x7
	udGroupNCProg    = 0xf
)

// udReadSZL is the CPU-functions subfunction "read SZL".
const udReadSZL = 0x01

var udGroupNames = [16]string{
	udGroupModeTrans: "Mode-transition",
	udGroupProg:      "Programmer commands",
	udGroupCyclic:    "Cyclic services",
	udGroupBlock:     "Block functions",
	udGroupCPU:       "CPU functions",
	udGroupSecurity:  "Security",
	udGroupPBC:       "PBC BSEND/BRECV",
	udGroupTime:      "Time functions",
	udGroupNCProg:    "NC programming",
}

var udSubNames = [16]map[byte]string{
	udGroupProg: {
		0x01: "Block status", 0x02: "Variable status", 0x03: "Output ISTACK",
		0x04: "Output BSTACK", 0x05: "Output LSTACK", 0x06: "Time measurement",
		0x07: "Force selection", 0x08: "Modify variable", 0x09: "Force",
		0x0a: "Breakpoint", 0x0b: "Exit HOLD", 0x0c: "Memory reset",
		0x0d: "Disable job", 0x0e: "Enable job", 0x0f: "Delete job",
		0x10: "Read job list", 0x11: "Read job", 0x12: "Replace job",
		0x13: "Block status v2", 0x16: "Flash LED",
	},
	udGroupCyclic: {
		0x01: "Cyclic transfer", 0x04: "Unsubscribe", 0x05: "Change driven transfer",
		0x07: "Change driven transfer modify", 0x08: "RDREC",
	},
	udGroupBlock: {0x01: "List blocks", 0x02: "List blocks of type", 0x03: "Get block info"},
	udGroupCPU: {
		udReadSZL: "Read SZL", 0x02: "Message service", 0x03: "Diagnostic message",
		0x05: "ALARM_8 indication", 0x06: "NOTIFY indication", 0x07: "ALARM_8 lock",
		0x08: "ALARM_8 unlock", 0x09: "SCAN indication", 0x0b: "ALARM ack",
		0x0c: "ALARM ack indication", 0x0d: "ALARM lock indication",
		0x0e: "ALARM unlock indication", 0x11: "ALARM_SQ indication",
		0x12: "ALARM_S indication", 0x13: "ALARM query", 0x16: "NOTIFY_8 indication",
	},
	udGroupSecurity: {0x01: "PLC password", 0x02: "Clear PLC password"},
	udGroupTime:     {0x01: "Read clock", 0x02: "Set clock", 0x03: "Read clock (following)", 0x04: "Set clock"},
	udGroupNCProg: {
		0x01: "Request download", 0x02: "Download block", 0x03: "Continue download",
		0x04: "Download ended", 0x06: "Start upload", 0x07: "Upload", 0x08: "Continue upload",
	},
}

// udName is the subfunction's name, or its group's name when the
// subfunction is unknown (mode transitions carry the new mode there).
func udName(group, sub byte) string {
	if n, ok := udSubNames[group][sub]; ok {
		return n
	}
	return udGroupNames[group]
}

// S7ANY memory areas.
const (
	areaDB = 0x84
	areaDI = 0x85
)

var areaNames = [256]string{
	0x03: "SI", 0x05: "SF", 0x06: "AI", 0x07: "AQ", 0x1c: "C", 0x1d: "T",
	0x1e: "IEC_C", 0x1f: "IEC_T", 0x80: "P", 0x81: "I", 0x82: "Q", 0x83: "M",
	areaDB: "DB", areaDI: "DI", 0x86: "L", 0x87: "V",
}

// piServices are the PLC control (PI) services of S7-300/400 (program
// invocation names as sent by STEP 7 and TIA Portal).
var piServices = []string{
	"_INSE", "_DELE", "P_PROGRAM", "_MODU", "_GARB", "_N_LOGIN_", "_N_LOGOUT",
	"_N_CANCEL", "_N_DASAVE", "_N_DIGIOF", "_N_DIGION", "_N_DZERO_",
	"_N_ENDEXT", "_N_F_OPER", "_N_OST_OF", "_N_OST_ON", "_N_SCALE_",
	"_N_SETUFR", "_N_STRTLK", "_N_STRULK", "_N_TMRASS", "_N_TMRMV_",
	"_N_TSEARC", "_N_F_DELE", "_N_F_COPY", "_N_F_PROR", "_N_F_PROT",
	"_N_F_RENA", "_N_FINDBL", "_N_IBN_SS", "_N_MMCSEM", "_N_NCKMOD",
	"_N_NEWPWD", "_N_SEL_BL", "_N_SETTST", "_N_TMAWCO", "_N_TMCRTC",
	"_N_TMCRTO", "_N_TMFDPL", "_N_TMFPBP", "_N_TMGETT", "_N_TMMVTL",
	"_N_TMPCIT", "_N_TMPOSM", "_N_TRESMO",
}

// maxDetails bounds the per-connection cache of area detail strings.
const maxDetails = 256

// detailCache keeps the detail strings of one connection so that a
// repeated area/DB costs no allocation.
type detailCache struct {
	m map[uint32]string
}

// area returns "DB 12" style detail for an S7ANY area and DB number: the
// area's name, with the DB number for DB and DI, or the area code in hex.
func (c *detailCache) area(area byte, db uint16) string {
	name := areaNames[area]
	if name != "" && area != areaDB && area != areaDI {
		return name
	}
	k := uint32(area)<<16 | uint32(db)
	if s, ok := c.m[k]; ok {
		return s
	}
	var s string
	switch {
	case name == "":
		s = "0x" + hex2(area)
	default:
		s = name + " " + strconv.Itoa(int(db))
	}
	if c.m == nil {
		c.m = make(map[uint32]string)
	}
	if len(c.m) < maxDetails {
		c.m[k] = s
	}
	return s
}

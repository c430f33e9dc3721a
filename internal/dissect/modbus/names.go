package modbus

// Function names as the Modbus Application Protocol Specification V1.1b3
// (modbus.org) spells them, indexed by function code without the exception
// bit. Codes the specification leaves unassigned read "Unknown"; its
// user-defined ranges 65–72 and 100–110 read "User Defined".
var funcNames = func() [128]string {
	var t [128]string
	for i := range t {
		t[i] = "Unknown"
	}
	for i := 65; i <= 72; i++ {
		t[i] = "User Defined"
	}
	for i := 100; i <= 110; i++ {
		t[i] = "User Defined"
	}
	t[1] = "Read Coils"
	t[2] = "Read Discrete Inputs"
	t[3] = "Read Holding Registers"
	t[4] = "Read Input Registers"
	t[5] = "Write Single Coil"
	t[6] = "Write Single Register"
	t[7] = "Read Exception Status"
	t[8] = "Diagnostics"
	t[11] = "Get Comm Event Counter"
	t[12] = "Get Comm Event Log"
	t[15] = "Write Multiple Coils"
	t[16] = "Write Multiple Registers"
	t[17] = "Report Server ID"
	t[20] = "Read File Record"
	t[21] = "Write File Record"
	t[22] = "Mask Write Register"
	t[23] = "Read/Write Multiple Registers"
	t[24] = "Read FIFO Queue"
	t[43] = "Encapsulated Interface Transport"
	// Not in the public specification, but Schneider Electric's UMAS
	// engineering protocol (program download, run/stop) rides on it and
	// is what a monitor most wants to see named.
	t[90] = "UMAS"
	return t
}()

// codes are the decimal code strings of function codes 0–127, so that a
// message costs no formatting.
var codes = func() [128]string {
	var t [128]string
	for i := range t {
		t[i] = itoa(i)
	}
	return t
}()

// diagNames name the Diagnostics (8) sub-functions, prefixed with their
// function so that the ot row says both.
var diagNames = map[uint16]string{
	0:  "Diagnostics: Return Query Data",
	1:  "Diagnostics: Restart Communications Option",
	2:  "Diagnostics: Return Diagnostic Register",
	3:  "Diagnostics: Change ASCII Input Delimiter",
	4:  "Diagnostics: Force Listen Only Mode",
	10: "Diagnostics: Clear Counters and Diagnostic Register",
	11: "Diagnostics: Return Bus Message Count",
	12: "Diagnostics: Return Bus Communication Error Count",
	13: "Diagnostics: Return Bus Exception Error Count",
	14: "Diagnostics: Return Server Message Count",
	15: "Diagnostics: Return Server No Response Count",
	16: "Diagnostics: Return Server NAK Count",
	17: "Diagnostics: Return Server Busy Count",
	18: "Diagnostics: Return Bus Character Overrun Count",
	20: "Diagnostics: Clear Overrun Counter and Flag",
}

// MEI types of Encapsulated Interface Transport (43).
const (
	meiCANopen  = 13
	meiDeviceID = 14
)

// meiNames name the MEI types of function 43.
var meiNames = map[uint8]string{
	meiCANopen:  "CANopen General Reference Request and Response PDU",
	meiDeviceID: "Read Device Identification",
}

// functionName returns the name for a function code (exception bit
// cleared) and its sub-code: the Diagnostics sub-function or the MEI type.
func functionName(fc uint8, sub uint16, hasSub bool) string {
	if hasSub {
		switch fc {
		case 8:
			if n, ok := diagNames[sub]; ok {
				return n
			}
		case 43:
			if n, ok := meiNames[uint8(sub)]; ok {
				return n
			}
		}
	}
	return funcNames[fc&0x7f]
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

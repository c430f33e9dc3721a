package dnp3

// funcNames are the application-layer function codes of IEEE 1815-2012
// (DNP3), table 4-2 (requests 0–33) and 4-3 (responses 129–131).
var funcNames = func() [256]string {
	var t [256]string
	for i := range t {
		t[i] = "unknown"
	}
	for fc, n := range map[int]string{
		0: "CONFIRM", 1: "READ", 2: "WRITE", 3: "SELECT", 4: "OPERATE", 5: "DIRECT_OPERATE",
		6: "DIRECT_OPERATE_NR", 7: "IMMED_FREEZE", 8: "IMMED_FREEZE_NR", 9: "FREEZE_CLEAR",
		10: "FREEZE_CLEAR_NR", 11: "FREEZE_AT_TIME", 12: "FREEZE_AT_TIME_NR", 13: "COLD_RESTART",
		14: "WARM_RESTART", 15: "INITIALIZE_DATA", 16: "INITIALIZE_APPL", 17: "START_APPL",
		18: "STOP_APPL", 19: "SAVE_CONFIG", 20: "ENABLE_UNSOLICITED", 21: "DISABLE_UNSOLICITED",
		22: "ASSIGN_CLASS", 23: "DELAY_MEASURE", 24: "RECORD_CURRENT_TIME", 25: "OPEN_FILE",
		26: "CLOSE_FILE", 27: "DELETE_FILE", 28: "GET_FILE_INFO", 29: "AUTHENTICATE_FILE",
		30: "ABORT_FILE", 31: "ACTIVATE_CONFIG", 32: "AUTHENTICATE_REQ", 33: "AUTH_REQ_NO_ACK",
		129: "RESPONSE", 130: "UNSOLICITED_RESPONSE", 131: "AUTHENTICATE_RESP",
	} {
		t[fc] = n
	}
	return t
}()

// Application function codes the parser treats specially.
const (
	fcResponse     = 129
	fcUnsolicited  = 130
	fcAuthResponse = 131
)

// funcCodes are the decimal code strings of the function codes.
var funcCodes = func() [256]string {
	var t [256]string
	for i := range t {
		t[i] = itoa(i)
	}
	return t
}()

// Link-layer control octet (IEEE 1815, 9.2.4.1.3): DIR 0x80, PRM 0x40,
// FCB 0x20, FCV/DFC 0x10, function code in the low nibble.
const (
	ctlPRM  = 0x40
	ctlFunc = 0x0f
	// Primary functions that carry user data.
	linkConfirmedData   = 3
	linkUnconfirmedData = 4
	// Secondary functions that reject.
	linkNACK         = 1
	linkNotSupported = 15
)

// linkNames name the link functions by PRM bit and function (ctl & 0x4f).
var linkNames = func() [0x50]string {
	var t [0x50]string
	for i := range t {
		t[i] = "unknown"
	}
	t[ctlPRM|0] = "RESET_LINK_STATES"
	t[ctlPRM|1] = "RESET_USER_PROCESS"
	t[ctlPRM|2] = "TEST_LINK_STATES"
	t[ctlPRM|3] = "CONFIRMED_USER_DATA"
	t[ctlPRM|4] = "UNCONFIRMED_USER_DATA"
	t[ctlPRM|9] = "REQUEST_LINK_STATUS"
	t[0] = "ACK"
	t[1] = "NACK"
	t[11] = "LINK_STATUS"
	t[15] = "NOT_SUPPORTED"
	return t
}()

// linkCodes are "link/<hex>" for ctl & 0x4f.
var linkCodes = func() [0x50]string {
	var t [0x50]string
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = "link/" + string([]byte{digits[i>>4], digits[i&15]})
	}
	return t
}()

// IIN2 bits that say the request was refused (IEEE 1815, 4.2.2.7.2).
const (
	iinNoFuncCodeSupport = 0x01
	iinObjectUnknown     = 0x02
	iinParameterError    = 0x04
	iinRequestErrors     = iinNoFuncCodeSupport | iinObjectUnknown | iinParameterError
)

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

package iec104

// typeNames are the ASDU type identifications of IEC 60870-5-101 (7.2.1.1)
// and IEC 60870-5-104 (type 107 and the types with time tag CP56Time2a),
// by their standard mnemonics. Unassigned ids read "unknown".
var typeNames = func() [256]string {
	var t [256]string
	for i := range t {
		t[i] = "unknown"
	}
	for id, n := range map[int]string{
		// Process information in monitor direction.
		1: "M_SP_NA_1", 2: "M_SP_TA_1", 3: "M_DP_NA_1", 4: "M_DP_TA_1", 5: "M_ST_NA_1",
		6: "M_ST_TA_1", 7: "M_BO_NA_1", 8: "M_BO_TA_1", 9: "M_ME_NA_1", 10: "M_ME_TA_1",
		11: "M_ME_NB_1", 12: "M_ME_TB_1", 13: "M_ME_NC_1", 14: "M_ME_TC_1", 15: "M_IT_NA_1",
		16: "M_IT_TA_1", 17: "M_EP_TA_1", 18: "M_EP_TB_1", 19: "M_EP_TC_1", 20: "M_PS_NA_1",
		21: "M_ME_ND_1", 30: "M_SP_TB_1", 31: "M_DP_TB_1", 32: "M_ST_TB_1", 33: "M_BO_TB_1",
		34: "M_ME_TD_1", 35: "M_ME_TE_1", 36: "M_ME_TF_1", 37: "M_IT_TB_1", 38: "M_EP_TD_1",
		39: "M_EP_TE_1", 40: "M_EP_TF_1",
		// Process information in control direction.
		45: "C_SC_NA_1", 46: "C_DC_NA_1", 47: "C_RC_NA_1", 48: "C_SE_NA_1", 49: "C_SE_NB_1",
		50: "C_SE_NC_1", 51: "C_BO_NA_1", 58: "C_SC_TA_1", 59: "C_DC_TA_1", 60: "C_RC_TA_1",
		61: "C_SE_TA_1", 62: "C_SE_TB_1", 63: "C_SE_TC_1", 64: "C_BO_TA_1",
		// System information in monitor direction.
		70: "M_EI_NA_1",
		// System information in control direction.
		100: "C_IC_NA_1", 101: "C_CI_NA_1", 102: "C_RD_NA_1", 103: "C_CS_NA_1", 104: "C_TS_NA_1",
		105: "C_RP_NA_1", 106: "C_CD_NA_1", 107: "C_TS_TA_1",
		// Parameters in control direction.
		110: "P_ME_NA_1", 111: "P_ME_NB_1", 112: "P_ME_NC_1", 113: "P_AC_NA_1",
		// File transfer.
		120: "F_FR_NA_1", 121: "F_SR_NA_1", 122: "F_SC_NA_1", 123: "F_LS_NA_1", 124: "F_AF_NA_1",
		125: "F_SG_NA_1", 126: "F_DR_TA_1", 127: "F_SC_NB_1",
	} {
		t[id] = n
	}
	return t
}()

// typeCodes are the decimal code strings of the type ids.
var typeCodes = func() [256]string {
	var t [256]string
	for i := range t {
		t[i] = itoa(i)
	}
	return t
}()

// Causes of transmission (IEC 60870-5-101, 7.2.3) that matter here.
const (
	cotPerCyc    = 1
	cotBack      = 2
	cotSpont     = 3
	cotInit      = 4
	cotReq       = 5
	cotAct       = 6
	cotActCon    = 7
	cotDeact     = 8
	cotDeactCon  = 9
	cotActTerm   = 10
	cotFile      = 13
	cotUnknownLo = 44 // unknown type identification
	cotUnknownHi = 47 // unknown information object address
)

// cotNames are the standard abbreviations of the causes of transmission.
var cotNames = func() [64]string {
	var t [64]string
	for i := range t {
		t[i] = "cot" + itoa(i)
	}
	for c, n := range map[int]string{
		1: "per/cyc", 2: "back", 3: "spont", 4: "init", 5: "req", 6: "act", 7: "actcon",
		8: "deact", 9: "deactcon", 10: "actterm", 11: "retrem", 12: "retloc", 13: "file",
		20: "inrogen", 37: "reqcogen", 44: "unknown type", 45: "unknown cause",
		46: "unknown common address", 47: "unknown object address",
	} {
		t[c] = n
	}
	for g := 1; g <= 16; g++ {
		t[20+g] = "inro" + itoa(g)
	}
	for g := 1; g <= 4; g++ {
		t[37+g] = "reqco" + itoa(g)
	}
	return t
}()

// U-format functions: the first control octet (IEC 60870-5-104, 5.3).
const (
	uStartAct = 0x07
	uStartCon = 0x0b
	uStopAct  = 0x13
	uStopCon  = 0x23
	uTestAct  = 0x43
	uTestCon  = 0x83
)

// uNames and uCodes name and code the valid U-format control octets; any
// other U-format octet is coded by its hex value with Function "unknown".
var uNames = map[byte]string{
	uStartAct: "STARTDT act", uStartCon: "STARTDT con",
	uStopAct: "STOPDT act", uStopCon: "STOPDT con",
	uTestAct: "TESTFR act", uTestCon: "TESTFR con",
}

var uCodes = func() [256]string {
	var t [256]string
	const digits = "0123456789abcdef"
	for i := range t {
		t[i] = "U/" + string([]byte{digits[i>>4], digits[i&15]})
	}
	return t
}()

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

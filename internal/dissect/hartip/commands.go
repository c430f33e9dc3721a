package hartip

// cmdNames names the HART universal commands (0–22, 38, 48) and the common
// practice commands seen in the field (HCF_SPEC-127 universal command
// specification, HCF_SPEC-151 common practice command specification).
// Commands 128–253 are device-specific.
var cmdNames = [256]string{
	0:   "Read Unique Identifier",
	1:   "Read Primary Variable",
	2:   "Read Loop Current And Percent Of Range",
	3:   "Read Dynamic Variables And Loop Current",
	6:   "Write Polling Address",
	7:   "Read Loop Configuration",
	8:   "Read Dynamic Variable Classifications",
	9:   "Read Device Variables With Status",
	11:  "Read Unique Identifier Associated With Tag",
	12:  "Read Message",
	13:  "Read Tag, Descriptor, Date",
	14:  "Read Primary Variable Transducer Information",
	15:  "Read Device Information",
	16:  "Read Final Assembly Number",
	17:  "Write Message",
	18:  "Write Tag, Descriptor, Date",
	19:  "Write Final Assembly Number",
	20:  "Read Long Tag",
	21:  "Read Unique Identifier Associated With Long Tag",
	22:  "Write Long Tag",
	31:  "Extended Command",
	33:  "Read Device Variables",
	34:  "Write Primary Variable Damping Value",
	35:  "Write Primary Variable Range Values",
	36:  "Set Primary Variable Upper Range Value",
	37:  "Set Primary Variable Lower Range Value",
	38:  "Reset Configuration Changed Flag",
	39:  "EEPROM Control",
	40:  "Enter/Exit Fixed Current Mode",
	41:  "Perform Self Test",
	42:  "Perform Device Reset",
	43:  "Set Primary Variable Zero",
	44:  "Write Primary Variable Units",
	45:  "Trim Loop Current Zero",
	46:  "Trim Loop Current Gain",
	47:  "Write Primary Variable Transfer Function",
	48:  "Read Additional Device Status",
	49:  "Write Primary Variable Transducer Serial Number",
	50:  "Read Dynamic Variable Assignments",
	51:  "Write Dynamic Variable Assignments",
	52:  "Set Device Variable Zero",
	53:  "Write Device Variable Units",
	54:  "Read Device Variable Information",
	59:  "Write Number Of Response Preambles",
	79:  "Write Device Variable",
	95:  "Read Device Communications Statistics",
	103: "Write Burst Period",
	104: "Write Burst Trigger",
	105: "Read Burst Mode Configuration",
	106: "Flush Delayed Responses",
	107: "Write Burst Device Variables",
	108: "Write Burst Mode Command Number",
	109: "Burst Mode Control",
}

// cmdName returns the name of a HART command for the Function column.
func cmdName(cmd byte) string {
	if n := cmdNames[cmd]; n != "" {
		return n
	}
	if cmd >= 128 && cmd <= 253 {
		return "Device-Specific Command"
	}
	return "Common Practice Command"
}

package slmp

// command names one SLMP command (SH-080956ENG, chapter "Commands"; SH-080008
// lists the same codes for the MC protocol 3E/4E frames). Names are the
// manual's, grouped by its sections, whose titles are given below.
type command struct {
	name string
	// device says the request data starts with a device specification
	// (head device number and device code) worth reporting as Detail.
	device bool
}

var commands = map[uint16]command{
	// Device access ("Device").
	0x0401: {"Device Read (batch)", true},
	0x1401: {"Device Write (batch)", true},
	0x0403: {"Device Read Random", false},
	0x1402: {"Device Write Random", false},
	0x0801: {"Device Entry Monitor", false},
	0x0802: {"Device Execute Monitor", false},
	0x0406: {"Device Read Block", false},
	0x1406: {"Device Write Block", false},
	// Label access ("Label").
	0x041A: {"Array Label Read", false},
	0x141A: {"Array Label Write", false},
	0x041C: {"Label Read Random", false},
	0x141B: {"Label Write Random", false},
	// Buffer memory and intelligent function modules ("Memory", "Extend Unit").
	0x0613: {"Memory Read", false},
	0x1613: {"Memory Write", false},
	0x0601: {"Extend Unit Read", false},
	0x1601: {"Extend Unit Write", false},
	// Remote control ("Remote Control").
	0x1001: {"Remote Run", false},
	0x1002: {"Remote Stop", false},
	0x1003: {"Remote Pause", false},
	0x1005: {"Remote Latch Clear", false},
	0x1006: {"Remote Reset", false},
	0x0101: {"Read Type Name", false},
	// Remote password ("Remote Password").
	0x1630: {"Remote Password Unlock", false},
	0x1631: {"Remote Password Lock", false},
	// File control ("File").
	0x1810: {"File Read Directory/File", false},
	0x1811: {"File Search Directory/File", false},
	0x1820: {"File New File", false},
	0x1822: {"File Delete File", false},
	0x1824: {"File Copy File", false},
	0x1825: {"File Change File State", false},
	0x1826: {"File Change File Date", false},
	0x1827: {"File Open File", false},
	0x1828: {"File Read File", false},
	0x1829: {"File Write File", false},
	0x182A: {"File Close File", false},
	// Self test, error clear, on-demand ("Self Test", "Clear Error", "Ondemand").
	0x0619: {"Self Test (loopback)", false},
	0x1617: {"Clear Error", false},
	0x2101: {"Ondemand", false},
	// SLMP-compatible device management ("Node Search", "IP Address Set").
	0x0E30: {"Node Search", false},
	0x0E31: {"IP Address Set", false},
}

// Binary device codes of the Q/L device specification (1 byte; manual section
// "Devices") and, for iQ-R subcommands 0002/0003/0082/0083, the same code in
// 2 bytes. hexDevices are numbered in hex in Mitsubishi notation.
var binaryDevices = map[uint16]string{
	0x9C: "X", 0x9D: "Y", 0x90: "M", 0x92: "L", 0x93: "F", 0x94: "V", 0xA0: "B",
	0xA8: "D", 0xB4: "W", 0xC1: "TS", 0xC0: "TC", 0xC2: "TN", 0xC7: "STS", 0xC6: "STC",
	0xC8: "STN", 0xC4: "CS", 0xC3: "CC", 0xC5: "CN", 0xA1: "SB", 0xB5: "SW", 0x98: "S",
	0xA2: "DX", 0xA3: "DY", 0xCC: "Z", 0xAF: "R", 0xB0: "ZR", 0x91: "SM", 0xA9: "SD",
	0x51: "LTS", 0x50: "LTC", 0x52: "LTN", 0x59: "LSTS", 0x58: "LSTC", 0x5A: "LSTN",
	0x55: "LCS", 0x54: "LCC", 0x56: "LCN", 0x62: "LZ", 0x2C: "RD",
}

var hexDevices = map[string]bool{"X": true, "Y": true, "B": true, "W": true, "SB": true, "SW": true, "DX": true, "DY": true}

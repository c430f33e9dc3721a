package inventory

import (
	"strings"
	"unicode"
)

// opClass is the criticality class of an OT operation, one bit each so a
// peer relation can hold several.
type opClass uint8

const (
	classOther   opClass = 1 << iota // session, discovery, diagnostics, unknown
	classRead                        // reads, identification
	classCyclic                      // cyclic I/O data, GOOSE, sampled values
	classWrite                       // writes, commands, set
	classControl                     // run/stop, reset, restart, mode change
	classProgram                     // program or block upload/download, firmware, files
)

var classNames = map[opClass]string{
	classOther: "other", classRead: "read", classCyclic: "cyclic",
	classWrite: "write", classControl: "control", classProgram: "program",
}

func (c opClass) String() string { return classNames[c] }

// weight is the class's edge weight for the importance score.
func (c opClass) weight() float64 {
	switch c {
	case classProgram, classControl:
		return WeightManage
	case classWrite:
		return WeightWrite
	}
	return WeightRead
}

// Words of function names, by class. Function names differ per protocol
// ("Write Multiple Coils", "PLC Stop", "cyclicDataRWr", "C_SC_NA_1"), so they
// are split into lower-case words and matched word by word.
var (
	programWords = words("download upload program programs firmware eeprom install file format")
	controlWords = words("stop start run reset restart reboot pause resume kill reinitialize reinitializedevice coldstart warmstart factoryreset")
	writeWords   = words("write set select operate force insert delete create modify assign mask command add remove clear erase put")
	readWords    = words("read get list browse fetch query poll identify inquiry who")
	cyclicWords  = words("cyclic")
	// Session, link and discovery services: words that would otherwise
	// read as control or write ("CreateSessionRequest", "STARTDT act").
	sessionWords = words("startdt stopdt testfr session sessions subscription subscriptions monitored channel login logout hello conclude initiate forward")
)

func words(s string) map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// cyclicProtocols carry cyclic process data.
var cyclicProtocols = map[string]bool{
	"goose": true, "sv": true, "ethercat": true,
}

// classify sorts an OT operation into its criticality class.
func classifyOp(protocol, function, code string) opClass {
	if cyclicProtocols[protocol] || code == "io" {
		return classCyclic
	}
	if protocol == "profinet_rt" { // RT_CLASS_x cyclic data; alarms and PTCP time sync are not I/O
		if strings.Contains(function, "cyclic") {
			return classCyclic
		}
		return classOther
	}
	if strings.HasPrefix(code, "link/") { // DNP3 link-layer functions
		return classOther
	}
	if protocol == "iec104" && strings.HasPrefix(function, "C_") {
		return iec104Command(function)
	}
	ws := splitWords(function)
	has := func(set map[string]bool) bool {
		for _, w := range ws {
			if set[w] {
				return true
			}
		}
		return false
	}
	switch {
	case has(programWords):
		return classProgram
	case has(sessionWords):
		return classOther
	case has(controlWords):
		return classControl
	case hasBoth(ws, "mode", "change"), hasBoth(ws, "communication", "control"), hasBoth(ws, "plc", "control"):
		return classControl
	case has(writeWords):
		return classWrite
	case has(cyclicWords):
		return classCyclic
	case has(readWords):
		return classRead
	}
	return classOther
}

// hasBoth reports whether ws has both words ("Safety Run Mode Change",
// "deviceCommunicationControl").
func hasBoth(ws []string, a, b string) bool {
	var hasA, hasB bool
	for _, w := range ws {
		hasA = hasA || w == a
		hasB = hasB || w == b
	}
	return hasA && hasB
}

// iec104Command classes IEC 60870-5-104 command type identifiers
// (C_xx_yy_n): interrogations and read commands read, reset process
// controls, every other command writes (single, double, set point, …).
func iec104Command(typeID string) opClass {
	switch {
	case strings.HasPrefix(typeID, "C_IC_"), strings.HasPrefix(typeID, "C_CI_"), strings.HasPrefix(typeID, "C_RD_"):
		return classRead
	case strings.HasPrefix(typeID, "C_RP_"):
		return classControl
	}
	return classWrite
}

// splitWords splits on spaces, underscores, dashes and lower→upper case
// changes, lower-casing: "cyclicDataRWr" → cyclic data r wr.
func splitWords(s string) []string {
	var out []string
	start := -1
	prevLower := false
	for i, r := range s {
		sep := !unicode.IsLetter(r) && !unicode.IsDigit(r)
		if sep || (prevLower && unicode.IsUpper(r)) {
			if start >= 0 {
				out = append(out, strings.ToLower(s[start:i]))
			}
			start = -1
			if sep {
				prevLower = false
				continue
			}
		}
		if start < 0 {
			start = i
		}
		prevLower = unicode.IsLower(r)
	}
	if start >= 0 {
		out = append(out, strings.ToLower(s[start:]))
	}
	return out
}

// opName is what classifyOp depends on.
type opName struct{ protocol, function, code string }

// maxCached bounds the classification and service-name caches.
const maxCached = 4096

// classCache remembers classifications: a minute's rows repeat the same
// few functions, and splitting their names allocates.
type classCache map[opName]opClass

func (c classCache) classify(protocol, function, code string) opClass {
	k := opName{protocol, function, code}
	if v, ok := c[k]; ok {
		return v
	}
	v := classifyOp(protocol, function, code)
	if len(c) < maxCached {
		c[k] = v
	}
	return v
}

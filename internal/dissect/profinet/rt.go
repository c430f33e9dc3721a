package profinet

import (
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
)

// FrameID classes of IEC 61158-6-10 (the FrameID table of the PROFINET RT
// layer); the code strings are what profinet_rt messages report.
const (
	codeRTClass3  = "rt_class3"  // 0x0100–0x7FFF isochronous cyclic (IRT)
	codeRTClass2  = "rt_class2"  // 0x8000–0xBFFF cyclic
	codeRTClass1  = "rt_class1"  // 0xC000–0xFBFF cyclic (also RT_CLASS_UDP)
	codeAlarmHigh = "alarm_high" // 0xFC01 acyclic high-priority alarm (RTA)
	codeAlarmLow  = "alarm_low"  // 0xFE01 acyclic low-priority alarm (RTA)
	codeAcyclic   = "acyclic"    // other 0xFCxx / 0xFE02–0xFEFB acyclic frames
	codePTCP      = "ptcp"       // 0x0000–0x00FF, 0xFF00–0xFF7F time synchronisation
	codeFragment  = "fragment"   // 0xFF80–0xFF8F RT fragmentation
	codeReserved  = "reserved"   // everything else
)

// rtFunction names the class for the Function column.
var rtFunction = map[string]string{
	codeRTClass3:  "RT_CLASS_3 cyclic",
	codeRTClass2:  "RT_CLASS_2 cyclic",
	codeRTClass1:  "RT_CLASS_1 cyclic",
	codeAlarmHigh: "Alarm high",
	codeAlarmLow:  "Alarm low",
	codeAcyclic:   "Acyclic",
	codePTCP:      "PTCP",
	codeFragment:  "Fragment",
	codeReserved:  "Reserved",
}

// frameClass returns the code of a non-DCP FrameID.
func frameClass(id uint16) string {
	switch {
	case id <= 0x00FF:
		return codePTCP
	case id <= 0x7FFF:
		return codeRTClass3
	case id <= 0xBFFF:
		return codeRTClass2
	case id <= 0xFBFF:
		return codeRTClass1
	case id == 0xFC01:
		return codeAlarmHigh
	case id == 0xFE01:
		return codeAlarmLow
	case id >= 0xFC00 && id <= 0xFCFF, id >= 0xFE00 && id <= 0xFEFB:
		return codeAcyclic
	case id >= 0xFF00 && id <= 0xFF7F:
		return codePTCP
	case id >= 0xFF80 && id <= 0xFF8F:
		return codeFragment
	}
	return codeReserved
}

// rtaTypeErr is the RTA PDU type (low nibble of PDUType) of ERR-RTA-PDU,
// which aborts an alarm channel.
const rtaTypeErr = 4

// maxDetails bounds the FrameID detail cache; FrameIDs are few per network,
// but a hostile sender could spray them.
const maxDetails = 1024

// rtState caches FrameID detail strings so that cyclic frames do not
// allocate.
type rtState struct {
	details map[uint16]string
}

func (s *rtState) detail(id uint16) string {
	if d, ok := s.details[id]; ok {
		return d
	}
	if len(s.details) >= maxDetails {
		return ""
	}
	d := "0x" + leftPad4(strconv.FormatUint(uint64(id), 16))
	s.details[id] = d
	return d
}

func leftPad4(s string) string {
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

// parseRT reports one non-DCP frame; body follows the FrameID.
func (p *etherParser) parseRT(ctx *dissect.Context, id uint16, body []byte) {
	code := frameClass(id)
	p.msg = dissect.Message{Protocol: dissect.NamePNRT, Code: code, Function: rtFunction[code],
		Dir: dissect.Indication, Detail: p.rt.detail(id)}
	if code == codeAlarmHigh || code == codeAlarmLow {
		// RTA header: AlarmDstEndpoint(2) AlarmSrcEndpoint(2) PDUType(1) …
		if len(body) < 5 {
			p.msg.Error = true
		} else if body[4]&0x0F == rtaTypeErr {
			p.msg.Error = true
		}
	}
	ctx.Out.Message(ctx, &p.msg)
}

package cclink

import (
	"encoding/binary"

	"github.com/otsight/otsight/internal/dissect"
)

// SpecTSN handles the IP and time-synchronisation parts of CC-Link IE TSN:
// SLMP network management datagrams on UDP 45238/45239 and PTP frames on
// Ethertype 0x88F7.
//
// Ethertype 0x88F7 is generic IEEE 1588 / IEEE 802.1AS (gPTP), also used by
// IEC 61850-9-3, AVB and telecom networks. The sensor has no canonical PTP
// name, so, as the OsecT sensor does, every PTP frame is reported as
// cclink_ie_tsn; Detail carries the PTP transport-specific (major SdoId)
// nibble so that gPTP (1) can be told from plain IEEE 1588 (0).
var SpecTSN = &dissect.Spec{
	Name:       dissect.NameCCLinkIETSN,
	UDPPorts:   []uint16{45238, 45239},
	EtherTypes: []uint16{0x88F7},
	Detect:     detectTSNSLMP,
	New:        func() dissect.Parser { return &tsnParser{} },
}

// CC-Link IE TSN SLMP datagrams: subheader 0x6800 (request) or 0xE800
// (response), a data length at 14–15 (little-endian, bytes from 16 on),
// command at 18–19 and subcommand at 20–21 (little-endian).
const (
	tsnReqSub   = 0x6800
	tsnRespSub  = 0xE800
	tsnSLMPMin  = 22
	tsnOffLen   = 14
	tsnOffCmd   = 18
	ptpHeader   = 34 // IEEE 1588-2008 common header
	ptpVersion2 = 2
)

// detectTSNSLMP accepts a TSN SLMP datagram whose length field matches.
func detectTSNSLMP(_ dissect.Dir, p []byte) bool {
	if len(p) < tsnSLMPMin {
		return false
	}
	sub := binary.BigEndian.Uint16(p)
	return (sub == tsnReqSub || sub == tsnRespSub) &&
		int(binary.LittleEndian.Uint16(p[tsnOffLen:])) == len(p)-16
}

type tsnParser struct{ msg dissect.Message }

// Parse handles one SLMP datagram or one PTP frame.
func (p *tsnParser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameCCLinkIETSN}
	if ctx.Ep.Transport == dissect.Ether {
		p.ptp(ctx, data)
		return
	}
	if !detectTSNSLMP(ctx.Dir, data) {
		m.Code, m.Function, m.Error, m.Dir = "malformed", "malformed", true, dissect.Indication
		ctx.Out.Message(ctx, m)
		return
	}
	m.Dir = dissect.Request
	if binary.BigEndian.Uint16(data) == tsnRespSub {
		m.Dir = dissect.Response
	}
	cmd := tsnCommand{binary.LittleEndian.Uint16(data[tsnOffCmd:]), binary.LittleEndian.Uint16(data[tsnOffCmd+2:])}
	if n, ok := tsnCommands[cmd]; ok {
		m.Code, m.Function = n.code, n.name
	} else {
		m.Code, m.Function = hex2[data[tsnOffCmd+1]]+hex2[data[tsnOffCmd]]+"/"+hex2[data[tsnOffCmd+3]]+hex2[data[tsnOffCmd+2]], "unknown"
	}
	ctx.Out.Message(ctx, m)
}

type tsnCommand struct{ cmd, sub uint16 }

type codeName struct{ code, name string }

// tsnCommands are the CC-Link IE TSN network-management SLMP commands the
// OsecT parser knows (its pdu_type names).
var tsnCommands = map[tsnCommand]codeName{
	{0x0E90, 0x0000}: {"0e90/0000", "slmp-networkConfigMain"},
	{0x0E90, 0x0001}: {"0e90/0001", "slmp-networkConfigTslt"},
	{0x0E91, 0x0000}: {"0e91/0000", "slmp-masterConfig"},
	{0x0E92, 0x0000}: {"0e92/0000", "slmp-slaveConfig"},
	{0x0E93, 0x0000}: {"0e93/0000", "slmp-cyclicConfigMain"},
	{0x0E93, 0x0001}: {"0e93/0001", "slmp-cyclicConfigTrnSubPayload"},
	{0x0E93, 0x0002}: {"0e93/0002", "slmp-cyclicConfigRcvSubPayload"},
	{0x0E93, 0x0003}: {"0e93/0003", "slmp-cyclicConfigRcvSrcInfo"},
	{0x0E94, 0x0000}: {"0e94/0000", "slmp-notification"},
}

// ptpTypes names the PTP messageType (low nibble of byte 0). Codes are
// "ptp/" and the type in two hex digits, apart from the 0x890F frame types.
var ptpTypes = [16]struct {
	code, name string
	dir        dissect.MsgDir
}{
	0x0: {"ptp/00", "ptpSync", dissect.Indication},
	0x1: {"ptp/01", "ptpDelayReq", dissect.Request},
	0x2: {"ptp/02", "ptpPdelayReq", dissect.Request},
	0x3: {"ptp/03", "ptpPdelayResp", dissect.Response},
	0x8: {"ptp/08", "ptpFollowUp", dissect.Indication},
	0x9: {"ptp/09", "ptpDelayResp", dissect.Response},
	0xA: {"ptp/0a", "ptpPdelayRespFollowUp", dissect.Response},
	0xB: {"ptp/0b", "ptpAnnounce", dissect.Indication},
	0xC: {"ptp/0c", "ptpSignaling", dissect.Indication},
	0xD: {"ptp/0d", "ptpManagement", dissect.Request},
}

var sdoNames = [16]string{"sdo=0", "sdo=1", "sdo=2", "sdo=3", "sdo=4", "sdo=5", "sdo=6", "sdo=7",
	"sdo=8", "sdo=9", "sdo=a", "sdo=b", "sdo=c", "sdo=d", "sdo=e", "sdo=f"}

// ptp reports one PTP frame; a frame shorter than the PTPv2 header or of
// another PTP version is "malformed".
func (p *tsnParser) ptp(ctx *dissect.Context, data []byte) {
	m := &p.msg
	if len(data) < ptpHeader || data[1]&0x0F != ptpVersion2 {
		m.Code, m.Function, m.Error, m.Dir = "malformed", "malformed", true, dissect.Indication
		ctx.Out.Message(ctx, m)
		return
	}
	t := &ptpTypes[data[0]&0x0F]
	m.Code, m.Function, m.Dir = t.code, t.name, t.dir
	if t.code == "" {
		m.Code, m.Function, m.Dir = "ptp/"+hex2[data[0]&0x0F], "unknown", dissect.Indication
	}
	m.Detail = sdoNames[data[0]>>4]
	ctx.Out.Message(ctx, m)
}

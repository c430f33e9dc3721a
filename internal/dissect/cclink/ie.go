package cclink

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// SpecIE handles every Ethertype 0x890F frame: CC-Link IE Field and Control
// frames are reported as dissect.NameCCLinkIE, CC-Link IE TSN frames (types
// C0–C5, and test data 11/12 with protocol version type 2 or 3) as
// dissect.NameCCLinkIETSN.
var SpecIE = &dissect.Spec{
	Name:       dissect.NameCCLinkIE,
	EtherTypes: []uint16{0x890F},
	New:        func() dissect.Parser { return newIEParser() },
}

const (
	ieHeaderLen  = 14 // field/control header incl. the HEC at 10–13
	ieOffVerType = 8  // protocol version type of field-type headers
	// Offsets in TSN acyclicDetectionAck frames.
	tsnOffStation = 2
	tsnOffDevType = 128
	// Bounds of the parser's caches (Ethernet parsers see a whole segment).
	maxDetails = 4096
	maxIDs     = 1024
)

// detailKey identifies one Detail string, so that it is formatted once.
type detailKey struct {
	ver      byte // protocol version type, 0xFF for control-type headers
	nodeID   int32
	nodeType string
	conn     int16
	cmd      string
}

type idKey struct {
	mac  record.MAC
	role string
}

type ieParser struct {
	msg     dissect.Message
	details map[detailKey]string
	ids     map[idKey]record.Micros // last minute an identity was reported
}

func newIEParser() *ieParser {
	return &ieParser{details: map[detailKey]string{}, ids: map[idKey]record.Micros{}}
}

// Parse handles one frame payload. Code is the frame type in two hex digits;
// "malformed" for a frame too short for its header.
func (p *ieParser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameCCLinkIE}
	if len(data) == 0 {
		p.malformed(ctx)
		return
	}
	ft := &frameTypes[data[0]]
	m.Code, m.Function, m.Dir = hex2[data[0]], ft.name, ft.dir
	switch ft.hdr {
	case hdrTSN:
		p.tsnFrame(ctx, data)
		return
	case 0:
		m.Function, m.Dir = "unknown", dissect.Indication
	}
	if len(data) < ieHeaderLen {
		p.malformed(ctx)
		return
	}
	if ft.hdr == hdrControl {
		m.Detail = p.detail(detailKey{ver: 0xFF, nodeID: -1, conn: -1})
		ctx.Out.Message(ctx, m)
		return
	}
	ver := data[ieOffVerType]
	if (data[0] == 0x11 || data[0] == 0x12) && (ver == 2 || ver == 3) {
		// TSN test data shares the field-type layout (version type 2: TSN,
		// 3: TSN and Field); it is always sent by the master station.
		m.Protocol = dissect.NameCCLinkIETSN
		m.Function = "acyclicTestData"
		if data[0] == 0x12 {
			m.Function = "acyclicTestDataAck"
		}
		m.Detail = "master station"
		ctx.Out.Message(ctx, m)
		return
	}
	k := detailKey{ver: ver, nodeID: -1, conn: -1}
	if ft.fields&hasNodeID != 0 {
		k.nodeID = int32(binary.BigEndian.Uint16(data[2:]))
	}
	if ft.fields&hasConnInfo != 0 {
		k.conn = int16(data[4])
	}
	if ft.fields&hasNodeType != 0 {
		k.nodeType = nodeTypeName(ver, data[5])
	}
	switch data[0] {
	case 0x22:
		k.cmd = transient1Name(data)
	case 0x25:
		if len(data) > 36 {
			if n, ok := transient2Cmd[data[36]]; ok && (n != "messageTransfer" || ver == 1) {
				k.cmd = n
			}
		}
	}
	m.Detail = p.detail(k)
	ctx.Out.Message(ctx, m)
	if k.nodeType != "" && k.nodeType != unknownNodeTypes[data[5]] {
		p.identity(ctx, dissect.NameCCLinkIE, ft.name, k.nodeType, "")
	}
}

// tsnFrame reports a CC-Link IE TSN frame (types C0–C5).
func (p *ieParser) tsnFrame(ctx *dissect.Context, data []byte) {
	m := &p.msg
	m.Protocol = dissect.NameCCLinkIETSN
	switch data[0] {
	case 0xC1: // version at byte 4
		if len(data) > 4 && data[4] <= 1 {
			m.Detail = verNames[data[4]]
		}
	case 0xC2: // version at byte 3; identity of the answering station
		if len(data) > 3 && data[3] <= 1 {
			m.Detail = verNames[data[3]]
		}
		if len(data) > tsnOffStation {
			station := ""
			if st := data[tsnOffStation] & 0x7F; int(st) < len(tsnStationTypes) {
				station = tsnStationTypes[st]
			}
			device := ""
			if len(data) >= tsnOffDevType+2 {
				device = deviceTypes[binary.BigEndian.Uint16(data[tsnOffDevType:])]
			}
			if station != "" || device != "" {
				p.identity(ctx, dissect.NameCCLinkIETSN, "acyclicDetectionAck", station, device)
			}
		}
	}
	ctx.Out.Message(ctx, m)
}

var verNames = [2]string{"ver=0", "ver=1"}

func (p *ieParser) malformed(ctx *dissect.Context) {
	m := &p.msg
	m.Code, m.Function, m.Error, m.Dir, m.Detail = "malformed", "malformed", true, dissect.Indication, ""
	ctx.Out.Message(ctx, m)
}

// nodeTypeName names byte 5 of a field-type header for the network the
// version type selects.
func nodeTypeName(ver, b byte) string {
	var n string
	switch ver {
	case 0:
		n = controlNodeTypes[b]
	case 1:
		n = fieldNodeTypes[b]
	default:
		return ""
	}
	if n == "" {
		return unknownNodeTypes[b]
	}
	return n
}

// unknownNodeTypes spells node type bytes missing from the tables.
var unknownNodeTypes = func() (t [256]string) {
	for i := range t {
		t[i] = "nodetype=" + hex2[i]
	}
	return t
}()

// transient1Name names the command of a transient1 frame from its data type.
func transient1Name(data []byte) string {
	switch data[1] {
	case 0x05:
		if len(data) > 52 {
			return transient1SLMP[data[52]]
		}
	case 0x07, 0x08:
		if len(data) <= 31 {
			return ""
		}
		tbl := transient1Cmd7
		if data[1] == 0x08 {
			tbl = transient1Cmd8
		}
		names, ok := tbl[data[30]]
		switch {
		case !ok:
		case data[31] == 0x00:
			return names[0]
		case data[31] == 0x80:
			return names[1]
		}
	}
	return ""
}

// detail returns the Detail string for k, formatting it on first use.
func (p *ieParser) detail(k detailKey) string {
	if s, ok := p.details[k]; ok {
		return s
	}
	var b strings.Builder
	switch k.ver {
	case 0xFF, 0:
		b.WriteString("control")
	case 1:
		b.WriteString("field")
	default:
		b.WriteString("ver=" + hex2[k.ver])
	}
	if k.nodeID >= 0 {
		b.WriteString(" node=" + strconv.Itoa(int(k.nodeID)))
	}
	if k.nodeType != "" {
		b.WriteString(" " + k.nodeType)
	}
	if k.conn >= 0 {
		b.WriteString(" conn=" + hex2[byte(k.conn)])
	}
	if k.cmd != "" {
		b.WriteString(" " + k.cmd)
	}
	s := b.String()
	if len(p.details) < maxDetails {
		p.details[k] = s
	}
	return s
}

// identity reports what a frame reveals about its sender (source MAC), at
// most once a minute per sender and role.
func (p *ieParser) identity(ctx *dissect.Context, proto, msg, station, device string) {
	role := station
	if device != "" && device != "not applicable" {
		role = device
	}
	k := idKey{mac: ctx.Ep.OrigMAC, role: role}
	minute := ctx.TS / 60_000_000
	if last, ok := p.ids[k]; ok && last == minute {
		return
	}
	if len(p.ids) >= maxIDs {
		clear(p.ids)
	}
	p.ids[k] = minute
	if station != "" && station != role {
		msg += " (" + station + ")"
	}
	ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: ctx.Ep.OrigMAC, VLAN: ctx.Ep.VLAN,
		Protocol: proto, Message: msg, Role: role})
}

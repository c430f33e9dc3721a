package cclink

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// CC-Link IE Field Basic frames are SLMP 3E binary frames: a two-byte
// subheader, network no, station no, module I/O (2), multidrop, data length
// (2, little-endian, bytes after itself) and, in requests, the command and
// subcommand; responses carry an end code instead. Offsets below are from the
// start of the UDP payload.
const (
	basicReqSub    = 0x5000 // cyclic data request (master → slaves)
	basicRespSub   = 0xD000 // cyclic data response (slave → master)
	basicHeaderLen = 11     // up to and including the SLMP end code / timer
	basicCmdCyclic = 0x0E70

	basicOffCommand   = 11 // request: command (LE)
	basicOffMasterID  = 47 // request: master station IPv4 (LE)
	basicOffSlaveN    = 61 // request: total occupied stations (LE)
	basicOffCyclicEnd = 13 // response: cyclic end code (LE)
	basicOffSlaveID   = 51 // response: slave station IPv4 (LE)
)

// SpecFieldBasic recognises CC-Link IE Field Basic on its registered UDP
// ports only: its framing is that of SLMP, so a heuristic on other ports
// would compete with the slmp dissector.
var SpecFieldBasic = &dissect.Spec{
	Name:     dissect.NameCCLinkIEFBasic,
	UDPPorts: []uint16{61450, 61451},
	Detect:   detectBasic,
	New:      func() dissect.Parser { return &basicParser{} },
}

// detectBasic accepts a datagram with a cyclic subheader whose data length
// field matches the datagram size.
func detectBasic(_ dissect.Dir, p []byte) bool {
	if len(p) < basicHeaderLen+4 {
		return false
	}
	sub := binary.BigEndian.Uint16(p)
	if sub != basicReqSub && sub != basicRespSub {
		return false
	}
	if int(binary.LittleEndian.Uint16(p[7:])) != len(p)-9 {
		return false
	}
	return sub == basicRespSub || binary.LittleEndian.Uint16(p[basicOffCommand:]) == basicCmdCyclic
}

type basicParser struct {
	msg     dissect.Message
	idMin   [2]record.Micros // last minute an identity was reported, per direction
	idValid [2]bool
}

// Parse handles one datagram. Codes: "0e70" (cyclic) for requests and their
// responses, the command in hex for other requests, "malformed" for a
// datagram too short or with an unknown subheader.
func (p *basicParser) Parse(ctx *dissect.Context, data []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NameCCLinkIEFBasic}
	if len(data) < basicHeaderLen+4 {
		p.malformed(ctx)
		return
	}
	switch binary.BigEndian.Uint16(data) {
	case basicReqSub:
		m.Dir = dissect.Request
		cmd := binary.LittleEndian.Uint16(data[basicOffCommand:])
		if cmd != basicCmdCyclic {
			m.Code, m.Function = basicUnknownCode(data[basicOffCommand:]), "unknown"
			ctx.Out.Message(ctx, m)
			return
		}
		m.Code, m.Function = "0e70", "cyclic"
		if len(data) >= basicOffSlaveN+2 {
			m.Detail = stationsDetail(binary.LittleEndian.Uint16(data[basicOffSlaveN:]))
		}
		ctx.Out.Message(ctx, m)
		if len(data) >= basicOffMasterID+4 {
			p.identity(ctx, data[basicOffMasterID:], "master station", "cyclicDataReq")
		}
	case basicRespSub:
		m.Dir = dissect.Response
		m.Code, m.Function = "0e70", "cyclic"
		// The SLMP end code (9–10) and the cyclic end code (13–14; 0000
		// normal, CF80 cyclic stopped) both say whether the slave answered.
		if binary.LittleEndian.Uint16(data[9:]) != 0 || binary.LittleEndian.Uint16(data[basicOffCyclicEnd:]) != 0 {
			m.Error = true
		}
		ctx.Out.Message(ctx, m)
		if len(data) >= basicOffSlaveID+4 {
			p.identity(ctx, data[basicOffSlaveID:], "slave station", "cyclicDataRes")
		}
	default:
		p.malformed(ctx)
	}
}

func (p *basicParser) malformed(ctx *dissect.Context) {
	m := &p.msg
	m.Code, m.Function, m.Error, m.Dir = "malformed", "malformed", true, dissect.Indication
	ctx.Out.Message(ctx, m)
}

// identity reports the sender's station role and the IPv4 address it gives
// as its station ID, once a minute per direction of the flow.
func (p *basicParser) identity(ctx *dissect.Context, id []byte, role, msg string) {
	minute := ctx.TS / 60_000_000
	if p.idValid[ctx.Dir] && p.idMin[ctx.Dir] == minute {
		return
	}
	p.idValid[ctx.Dir], p.idMin[ctx.Dir] = true, minute
	mac, ip := ctx.Ep.OrigMAC, ctx.Ep.OrigH
	if ctx.Dir == dissect.FromResp {
		mac, ip = ctx.Ep.RespMAC, ctx.Ep.RespH
	}
	if a := netip.AddrFrom4([4]byte{id[3], id[2], id[1], id[0]}); a.IsValid() && !a.IsUnspecified() {
		ip = a
	}
	ctx.Out.Record(ctx, &record.AssetID{TS: ctx.TS, MAC: mac, IP: ip, VLAN: ctx.Ep.VLAN,
		Protocol: dissect.NameCCLinkIEFBasic, Message: msg, Role: role})
}

// stationsDetail names the number of occupied slave stations a cyclic
// request addresses (1–64 in the specification; larger values are bucketed
// to keep the detail bounded).
func stationsDetail(n uint16) string {
	if n > 64 {
		return "stations>64"
	}
	return stationsNames[n]
}

var stationsNames = func() (t [65]string) {
	for i := range t {
		t[i] = "stations=" + strconv.Itoa(i)
	}
	return t
}()

func basicUnknownCode(b []byte) string { return hex2[b[1]] + hex2[b[0]] }

package profinet

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// DCP service IDs (IEC 61158-6-10, DCP service identifiers).
const (
	dcpGet      = 3
	dcpSet      = 4
	dcpIdentify = 5
	dcpHello    = 6
)

// DCP service type bits: bit 0 marks a response, bit 2 "request not
// supported" (so 0 request, 1 response success, 5 not supported).
const (
	dcpTypeResponse    = 0x01
	dcpTypeUnsupported = 0x04
)

// dcpHeaderLen is ServiceID(1) ServiceType(1) Xid(4) ResponseDelay(2)
// DCPDataLength(2), after the FrameID.
const dcpHeaderLen = 10

var dcpServiceName = [16]string{
	dcpGet: "Get", dcpSet: "Set", dcpIdentify: "Identify", dcpHello: "Hello",
}

// dcpCodes holds "id/type" in hex for ids and types below 16, built once so
// that messages do not allocate.
var dcpCodes = func() (c [16][16]string) {
	for id := range c {
		for t := range c[id] {
			c[id][t] = strconv.FormatUint(uint64(id), 16) + "/" + strconv.FormatUint(uint64(t), 16)
		}
	}
	return c
}()

// DCP block options and suboptions used below.
const (
	optIP      = 1
	optDevice  = 2
	optDHCP    = 3
	optControl = 5
	optInit    = 6
	optAll     = 0xFF

	subIPParameter   = 2
	subVendorValue   = 1
	subNameOfStation = 2
	subDeviceID      = 3
	subDeviceRole    = 4
	subCtlStart      = 1
	subCtlStop       = 2
	subCtlResponse   = 4
)

// blockName names an option/suboption for Detail: which property a Set
// changes, a Get reads or an Identify filters on.
func blockName(opt, sub byte) string {
	switch opt {
	case optIP:
		switch sub {
		case 1:
			return "MACAddress"
		case 2:
			return "IPParameter"
		case 3:
			return "FullIPSuite"
		}
		return "IP"
	case optDevice:
		switch sub {
		case 1:
			return "DeviceVendorValue"
		case 2:
			return "NameOfStation"
		case 3:
			return "DeviceID"
		case 4:
			return "DeviceRole"
		case 5:
			return "DeviceOptions"
		case 6:
			return "AliasName"
		case 7:
			return "DeviceInstance"
		case 8:
			return "OEMDeviceID"
		}
		return "DeviceProperties"
	case optDHCP:
		return "DHCP"
	case optControl:
		switch sub {
		case 1:
			return "Start"
		case 2:
			return "Stop"
		case 3:
			return "Signal"
		case 4:
			return "Response"
		case 5:
			return "FactoryReset"
		case 6:
			return "ResetToFactory"
		}
		return "Control"
	case optInit:
		return "DeviceInitiative"
	case optAll:
		return "All"
	}
	return "other"
}

// roleNames maps the four DeviceRole bits (IO-Device, IO-Controller,
// IO-Multidevice, IO-Supervisor) to a Role string, built once.
var roleNames = func() (r [16]string) {
	names := [4]string{"IO-Device", "IO-Controller", "IO-Multidevice", "IO-Supervisor"}
	for v := range r {
		for bit, n := range names {
			if v&(1<<bit) != 0 {
				if r[v] != "" {
					r[v] += "+"
				}
				r[v] += n
			}
		}
	}
	return r
}()

// dcpBlock is one option block.
type dcpBlock struct {
	opt, sub byte
	data     []byte
}

// nextBlock cuts the first block off b. ok is false when b is truncated.
func nextBlock(b []byte) (blk dcpBlock, rest []byte, ok bool) {
	if len(b) < 4 {
		return blk, nil, false
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if 4+n > len(b) {
		return blk, nil, false
	}
	blk = dcpBlock{opt: b[0], sub: b[1], data: b[4 : 4+n]}
	end := 4 + n + n&1 // blocks are padded to an even length
	if end > len(b) {
		end = len(b)
	}
	return blk, b[end:], true
}

// parseDCP reports one DCP frame; body follows the FrameID.
func (p *etherParser) parseDCP(ctx *dissect.Context, frameID uint16, body []byte) {
	m := &p.msg
	*m = dissect.Message{Protocol: dissect.NamePNDCP}
	if len(body) < dcpHeaderLen {
		m.Code, m.Function, m.Dir, m.Error = codeMalformed, codeMalformed, dissect.Indication, true
		ctx.Out.Message(ctx, m)
		return
	}
	id, typ := body[0], body[1]
	if id < 16 && typ < 16 {
		m.Code = dcpCodes[id][typ]
		m.Function = dcpServiceName[id]
	}
	if m.Code == "" {
		m.Code = codeReserved
	}
	if m.Function == "" {
		m.Function = "Reserved"
	}
	response := typ&dcpTypeResponse != 0
	switch {
	case id == dcpHello || frameID == 0xFEFC:
		m.Dir = dissect.Indication
	case response:
		// On Ethernet the frame's source is the orig; a response travels
		// from the responder, so the requester is the destination.
		m.Dir, m.Swap = dissect.Response, true
	default:
		m.Dir = dissect.Request
	}
	m.Error = typ&dcpTypeUnsupported != 0
	n := int(binary.BigEndian.Uint16(body[8:]))
	blocks := body[dcpHeaderLen:]
	if n > len(blocks) {
		m.Error = true // DCPDataLength runs past the frame
	} else {
		blocks = blocks[:n]
	}
	if id == dcpGet && !response {
		// A Get request lists option/suboption pairs without lengths.
		if len(blocks) >= 2 {
			m.Detail = blockName(blocks[0], blocks[1])
		}
		ctx.Out.Message(ctx, m)
		return
	}
	var asset assetInfo
	identity := id == dcpHello || (response && (id == dcpIdentify || id == dcpGet))
	for len(blocks) > 0 {
		blk, rest, ok := nextBlock(blocks)
		if !ok {
			m.Error = true
			break
		}
		blocks = rest
		inspectBlock(m, &asset, blk, id, response)
	}
	ctx.Out.Message(ctx, m)
	if identity && !m.Error && asset.any() {
		emitAsset(ctx, &asset, m.Function)
	}
}

// inspectBlock inspects one block: Detail for requests, errors in Set responses,
// identity in Identify/Get responses and Hello.
func inspectBlock(m *dissect.Message, a *assetInfo, blk dcpBlock, id byte, response bool) {
	switch {
	case blk.opt == optControl && blk.sub == subCtlResponse:
		// Control/Response: Option(1) Suboption(1) BlockError(1).
		if len(blk.data) >= 3 && blk.data[2] != 0 {
			m.Error = true
		}
		return
	case !response && m.Detail == "":
		if id == dcpSet && blk.opt == optControl && (blk.sub == subCtlStart || blk.sub == subCtlStop) {
			return // the transaction brackets say nothing about what is set
		}
		m.Detail = blockName(blk.opt, blk.sub)
	}
	if !response && id != dcpHello {
		return
	}
	// Responses and Hello carry BlockInfo(2) before the value.
	if len(blk.data) < 2 {
		return
	}
	v := blk.data[2:]
	switch {
	case blk.opt == optDevice && blk.sub == subVendorValue:
		a.vendorValue = v
	case blk.opt == optDevice && blk.sub == subNameOfStation:
		a.name = v
	case blk.opt == optDevice && blk.sub == subDeviceID && len(v) >= 4:
		a.vendorID, a.deviceID, a.hasID = binary.BigEndian.Uint16(v), binary.BigEndian.Uint16(v[2:]), true
	case blk.opt == optDevice && blk.sub == subDeviceRole && len(v) >= 1:
		a.role = roleNames[v[0]&0x0F]
	case blk.opt == optIP && blk.sub == subIPParameter && len(v) >= 4:
		a.ip = netip.AddrFrom4([4]byte(v[:4]))
	}
}

// assetInfo collects identity blocks of one DCP frame; slices point into
// the frame.
type assetInfo struct {
	vendorValue, name  []byte
	vendorID, deviceID uint16
	hasID              bool
	role               string
	ip                 netip.Addr
}

func (a *assetInfo) any() bool {
	return len(a.vendorValue) > 0 || len(a.name) > 0 || a.hasID || a.role != ""
}

// emitAsset reports the identity a device announced about itself (the
// frame's source) in an Identify or Get response or a Hello.
func emitAsset(ctx *dissect.Context, a *assetInfo, service string) {
	rec := &record.AssetID{
		TS: ctx.TS, MAC: ctx.Ep.OrigMAC, Protocol: dissect.NamePNDCP, Message: service,
		Product: printable(a.vendorValue), Name: printable(a.name), Role: a.role, VLAN: ctx.Ep.VLAN,
	}
	if a.ip.IsValid() && !a.ip.IsUnspecified() {
		rec.IP = a.ip
	}
	if a.hasID {
		rec.Model = "vendor 0x" + hex4(a.vendorID) + " device 0x" + hex4(a.deviceID)
	}
	ctx.Out.Record(ctx, rec)
}

func hex4(v uint16) string { return leftPad4(strconv.FormatUint(uint64(v), 16)) }

// printable returns b as a string with trailing NULs and spaces dropped and
// any non-printable byte replaced, so that a device cannot inject control
// characters into records.
func printable(b []byte) string {
	for len(b) > 0 && (b[len(b)-1] == 0 || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	clean := true
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			clean = false
			break
		}
	}
	if clean {
		return string(b)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7E {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

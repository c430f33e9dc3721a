package enip

import (
	"encoding/binary"
	"strconv"

	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// classIdentity is the CIP Identity object.
const classIdentity = 0x01

// identity holds the Identity object's instance attributes 1–7 as
// ListIdentity and Get_Attributes_All report them.
type identity struct {
	vendor, devType, product uint16
	major, minor             uint8
	serial                   uint32
	name                     []byte
}

// parseIdentity reads vendor id, device type, product code, revision,
// status, serial number and product name (a SHORT_STRING).
func parseIdentity(b []byte) (id identity, ok bool) {
	if len(b) < 15 {
		return id, false
	}
	id.vendor = binary.LittleEndian.Uint16(b)
	id.devType = binary.LittleEndian.Uint16(b[2:])
	id.product = binary.LittleEndian.Uint16(b[4:])
	id.major, id.minor = b[6], b[7]
	id.serial = binary.LittleEndian.Uint32(b[10:])
	n := int(b[14])
	if 15+n > len(b) {
		return id, false
	}
	id.name = b[15 : 15+n]
	return id, true
}

// listIdentity reports the CIP Identity items of a ListIdentity reply:
// item count, then items whose identity body starts with the encapsulation
// version and a 16-byte socket address.
func (p *Parser) listIdentity(data []byte) {
	if len(data) < 2 {
		return
	}
	count := int(binary.LittleEndian.Uint16(data))
	items := data[2:]
	for range count {
		if len(items) < 4 {
			return
		}
		typ := binary.LittleEndian.Uint16(items)
		l := int(binary.LittleEndian.Uint16(items[2:]))
		if 4+l > len(items) {
			return
		}
		if body := items[4 : 4+l]; typ == itemIdentity && len(body) > 18 {
			if id, ok := parseIdentity(body[18:]); ok {
				p.report(&id, "ListIdentity", 0xffff)
			}
		}
		items = items[4+l:]
	}
}

// identityAttributes reports a Get_Attributes_All reply of the Identity
// object. route is the first hop of the request's Unconnected_Send
// (0xffff: none): the module answered from behind the responding adapter,
// e.g. from a backplane slot, and is named "route 1/2".
func (p *Parser) identityAttributes(data []byte, route uint16) {
	if id, ok := parseIdentity(data); ok {
		p.report(&id, "Get_Attributes_All", route)
	}
}

func (p *Parser) report(id *identity, msg string, route uint16) {
	ctx := p.ctx
	mac, ip := ctx.Ep.OrigMAC, ctx.Ep.OrigH
	if ctx.Dir == dissect.FromResp {
		mac, ip = ctx.Ep.RespMAC, ctx.Ep.RespH
	}
	role := deviceRoles[id.devType]
	if role == "" {
		role = deviceType(id.devType)
	}
	rec := &record.AssetID{
		TS: ctx.TS, MAC: mac, IP: ip, Protocol: dissect.NameENIP, Message: msg,
		Vendor:   vendorName(id.vendor),
		Product:  printable(id.name, 64),
		Model:    deviceType(id.devType) + ", product code " + strconv.Itoa(int(id.product)),
		Firmware: strconv.Itoa(int(id.major)) + "." + strconv.Itoa(int(id.minor)),
		Serial:   "0x" + hex2(uint8(id.serial>>24)) + hex2(uint8(id.serial>>16)) + hex2(uint8(id.serial>>8)) + hex2(uint8(id.serial)),
		Role:     role,
		VLAN:     ctx.Ep.VLAN,
	}
	if route != 0xffff {
		rec.Name = "route " + routeText(route)
	}
	ctx.Out.Record(ctx, rec)
}

package modbus

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/record"
)

// Read Device Identification object ids (Modbus Application Protocol
// Specification V1.1b3, 6.21).
const (
	objVendorName          = 0
	objProductCode         = 1
	objMajorMinorRevision  = 2
	objVendorURL           = 3
	objProductName         = 4
	objModelName           = 5
	objUserApplicationName = 6
)

// identityMessage names the message in asset_id records.
const identityMessage = "Read Device Identification"

// identity reports the objects of a Read Device Identification (43/14)
// response as an asset_id record of the responding device: VendorName →
// Vendor, ProductName → Product, ModelName → Model, MajorMinorRevision →
// Firmware, UserApplicationName → Name. ProductCode (the catalogue number)
// stands in for the product or else the model when the device does not
// send those; VendorUrl has no field and is not kept. A response in
// several parts ("more follows") gives one record per part.
func (p *parser) identity(ctx *dissect.Context, pdu []byte) {
	// function, MEI type, read device id code, conformity level, more
	// follows, next object id, number of objects.
	const hdr = 7
	if len(pdu) < hdr {
		return
	}
	var vals [objUserApplicationName + 1][]byte
	found := false
	objs := pdu[hdr:]
	for n := int(pdu[6]); n > 0 && len(objs) >= 2; n-- {
		id, l := objs[0], int(objs[1])
		if 2+l > len(objs) {
			break
		}
		if int(id) < len(vals) && l > 0 {
			vals[id] = objs[2 : 2+l]
			found = true
		}
		objs = objs[2+l:]
	}
	if !found {
		return
	}
	ep := ctx.Ep
	r := &record.AssetID{TS: ctx.TS, MAC: ep.RespMAC, IP: ep.RespH, Protocol: dissect.NameModbus,
		Message: identityMessage, VLAN: ep.VLAN}
	if ctx.Dir == dissect.FromOrig {
		r.MAC, r.IP = ep.OrigMAC, ep.OrigH
	}
	r.Vendor = text(vals[objVendorName])
	r.Product = text(vals[objProductName])
	r.Model = text(vals[objModelName])
	r.Firmware = text(vals[objMajorMinorRevision])
	r.Name = text(vals[objUserApplicationName])
	if code := text(vals[objProductCode]); code != "" {
		switch {
		case r.Product == "":
			r.Product = code
		case r.Model == "":
			r.Model = code
		}
	}
	ctx.Out.Record(ctx, r)
}

// text turns an identification object into printable text: control bytes
// and non-ASCII bytes become '?', surrounding blanks and NULs go.
func text(b []byte) string {
	for len(b) > 0 && (b[len(b)-1] == 0 || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	for len(b) > 0 && (b[0] == 0 || b[0] == ' ') {
		b = b[1:]
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}

// Package lldp dissects IEEE 802.1AB Link Layer Discovery Protocol frames
// (Ethertype 0x88CC).
//
// Unit: one LLDPDU per frame. Code "lldp" (function "LLDPDU", an
// indication) for a frame whose mandatory Chassis ID, Port ID and TTL TLVs
// and every following TLV header fit the frame; code "malformed" (an error)
// otherwise. LLDP is plant IT, not OT: its messages reach the analyze
// summary but no ot rows. Each distinct announcement of a source in a UTC
// minute becomes one record.LLDP and one record.AssetID.
package lldp

import "github.com/otsight/otsight/internal/dissect"

// EtherType is LLDP's Ethertype.
const EtherType = 0x88cc

// Spec is the LLDP dissector.
var Spec = &dissect.Spec{
	Name:       dissect.NameLLDP,
	EtherTypes: []uint16{EtherType},
	New:        func() dissect.Parser { return NewParser() },
}

// Codes and the function name.
const (
	CodeLLDP      = "lldp"
	CodeMalformed = "malformed"
	FunctionLLDP  = "LLDPDU"
)

// TLV types (IEEE 802.1AB-2016 clause 8.4).
const (
	tlvEnd        = 0
	tlvChassisID  = 1
	tlvPortID     = 2
	tlvTTL        = 3
	tlvPortDesc   = 4
	tlvSystemName = 5
	tlvSystemDesc = 6
	tlvCaps       = 7
	tlvMgmtAddr   = 8
)

// Subtype kinds that decide how an ID value is shown.
const (
	valText = iota
	valMAC
	valAddr
	valHex
)

// idSubtype names one Chassis ID or Port ID subtype and says how its value
// is shown.
type idSubtype struct {
	name string
	kind int
}

// chassisSubtypes and portSubtypes are indexed by subtype (802.1AB 8.5.2.2,
// 8.5.3.2); entity/component values are text in practice (ifAlias,
// entPhysicalAlias), locally assigned ones are text by definition.
var chassisSubtypes = [8]idSubtype{
	1: {"chassis_component", valText}, 2: {"interface_alias", valText}, 3: {"port_component", valText},
	4: {"mac", valMAC}, 5: {"network_address", valAddr}, 6: {"interface_name", valText}, 7: {"local", valText},
}

var portSubtypes = [8]idSubtype{
	1: {"interface_alias", valText}, 2: {"port_component", valText}, 3: {"mac", valMAC},
	4: {"network_address", valAddr}, 5: {"interface_name", valText}, 6: {"agent_circuit_id", valHex}, 7: {"local", valText},
}

// capNames are the system capability bits, bit 0 first (802.1AB 8.5.8.1).
var capNames = [...]string{"other", "repeater", "bridge", "wlan_ap", "router", "telephone", "docsis", "station", "cvlan", "svlan", "tpmr"}

// Bounds.
const (
	maxText  = 255 // longest string kept from a TLV
	maxAddrs = 4   // management addresses kept
)

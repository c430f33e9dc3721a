// Package cdp dissects Cisco Discovery Protocol frames: 802.3 LLC/SNAP
// frames to 01:00:0c:cc:cc:cc with SNAP OUI 00:00:0c and PID 0x2000. The
// parser is handed the payload after the SNAP header.
//
// Unit: one CDP PDU per frame. Code "cdp" (function "CDP", an indication)
// for a frame with a version 1 or 2 header whose TLVs all fit the frame;
// code "malformed" (an error) otherwise. CDP is plant IT, not OT: its
// messages reach the analyze summary but no ot rows. Each distinct
// announcement of a source in a UTC minute becomes one record.CDP and one
// record.AssetID.
//
// CDP has no Ethertype: the sensor routes frames to it by SNAP OUI and PID
// (dissect.Spec.SNAP).
package cdp

import "github.com/otsight/otsight/internal/dissect"

// SNAP identification of CDP.
const (
	SNAPOUI = 0x00000c
	SNAPPID = 0x2000
)

// Spec is the CDP dissector, reached by SNAP OUI and PID.
var Spec = &dissect.Spec{
	Name: dissect.NameCDP,
	SNAP: []dissect.SNAPID{{OUI: SNAPOUI, PID: SNAPPID}},
	New:  func() dissect.Parser { return NewParser() },
}

// Codes and the function name.
const (
	CodeCDP       = "cdp"
	CodeMalformed = "malformed"
	FunctionCDP   = "CDP"
)

// TLV types.
const (
	tlvDeviceID   = 0x0001
	tlvAddresses  = 0x0002
	tlvPortID     = 0x0003
	tlvCaps       = 0x0004
	tlvSoftware   = 0x0005
	tlvPlatform   = 0x0006
	tlvVTPDomain  = 0x0009
	tlvNativeVLAN = 0x000a
	tlvDuplex     = 0x000b
	tlvMgmtAddrs  = 0x0016
)

// capNames are the capability bits, bit 0 first.
var capNames = [...]string{"router", "trans_bridge", "srcroute_bridge", "switch", "host", "igmp", "repeater", "phone", "remote", "cvta", "tpmr"}

// Bounds.
const (
	headerLen = 4   // version, TTL, checksum
	maxText   = 255 // longest string kept from a TLV
	maxAddrs  = 4   // addresses kept per list
)

// Package table is the one table of protocol dissectors: every dissector
// package's Spec is listed here and nowhere else.
package table

import (
	"github.com/otsight/otsight/internal/dissect"
	"github.com/otsight/otsight/internal/dissect/cclink"
	"github.com/otsight/otsight/internal/dissect/fins"
	"github.com/otsight/otsight/internal/dissect/slmp"
)

// Specs lists every dissector, in recognition priority order: on a shared
// port the earlier Spec whose Detect accepts the payload wins, and heuristic
// (any-port) dissectors are tried in this order too, so the stricter
// heuristics come first.
func Specs() []*dissect.Spec {
	return []*dissect.Spec{
		// Mitsubishi / CC-Link family. Field Basic owns UDP 61450 before the
		// generic SLMP heuristic could look at it.
		cclink.SpecFieldBasic,
		cclink.SpecIE,
		cclink.SpecTSN,
		slmp.SpecMELSOFT,
		slmp.Spec,
		// Omron.
		fins.Spec,
	}
}

// Registry builds the registry of all dissectors.
func Registry() (*dissect.Registry, error) { return dissect.NewRegistry(Specs()...) }

// Package table is the one table of protocol dissectors: every dissector
// package's Spec is listed here and nowhere else.
package table

import (
	"github.com/otsight/otsight/internal/dissect"
)

// Specs lists every dissector, in recognition priority order (earlier wins
// when two claim the same port and both accept the payload).
func Specs() []*dissect.Spec {
	return []*dissect.Spec{}
}

// Registry builds the registry of all dissectors.
func Registry() (*dissect.Registry, error) { return dissect.NewRegistry(Specs()...) }

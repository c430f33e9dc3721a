package tcpfp

import (
	_ "embed"
	"sync"
)

// SourceBuiltin and SourceP0F name the two kinds of signature sets in
// matches and records.
const (
	SourceBuiltin = "otsight"
	SourceP0F     = "p0f.fp"
)

//go:embed builtin.fp
var builtinFP []byte

var builtin = sync.OnceValue(func() *Set {
	s, err := Parse("builtin.fp", builtinFP, SourceBuiltin)
	if err != nil {
		panic(err) // the embedded file is tested; a parse error is a build defect
	}
	return s
})

// Builtin returns the embedded signature set (shared; do not modify).
func Builtin() *Set { return builtin() }

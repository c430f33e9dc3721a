//go:build !cgo

package main

import (
	"fmt"
	"io"
)

// The server, its admin commands and the demo need the embedded store
// (DuckDB, through cgo). A cgo-free build (`make sensor-static`) is the
// sensor's: it keeps analyze, sensor, gen and version and says so for the
// rest.
func withoutStore(name string) func([]string, io.Writer, io.Writer) int {
	return func(_ []string, _, stderr io.Writer) int {
		fmt.Fprintf(stderr, "otsight %s: this binary was built without cgo (the sensor-only build); "+
			"the server, admin and demo commands need the full build (make build)\n", name)
		return 2
	}
}

var (
	runServer = withoutStore("server")
	runAdmin  = withoutStore("admin")
	runDemo   = withoutStore("demo")
)

//go:build !unix

package server

// withUmask runs fn; systems without umask rely on the data directory's
// permissions.
func withUmask(_ int, fn func()) { fn() }

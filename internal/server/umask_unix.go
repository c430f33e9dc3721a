//go:build unix

package server

import "syscall"

// withUmask runs fn with the process umask set to mask, so that files fn
// creates never exist with wider permissions.
func withUmask(mask int, fn func()) {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	fn()
}

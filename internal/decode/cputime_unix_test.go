//go:build unix

package decode

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used so far. Benchmarks
// report it per packet beside wall time, which other load on a shared
// machine inflates.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

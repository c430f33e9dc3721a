//go:build unix

package sensor

import "golang.org/x/sys/unix"

// diskFree returns the bytes available to this process on the file system
// holding dir.
func diskFree(dir string) (uint64, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}

//go:build unix

package bot

import (
	"errors"
	"syscall"
)

// processExists reports whether a process with the pid exists on this host
// (signal 0 checks without sending anything; EPERM means it exists but is
// someone else's).
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

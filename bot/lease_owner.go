package bot

import (
	"os"
	"strconv"
	"strings"
)

// ownerDead reports whether the process named by a lease owner (see
// newOwnerID) is certainly gone: it ran on this host, and either had this
// process's pid (a container restarted: we are its next incarnation) or its
// pid no longer exists. An owner on another host is never known dead: its
// leases run out instead.
func ownerDead(owner, self string) bool {
	if owner == self {
		return false
	}
	host, rest, ok := strings.Cut(owner, "/")
	if !ok {
		return false
	}
	pidText, _, ok := strings.Cut(rest, "/")
	pid, err := strconv.Atoi(pidText)
	if me, _ := os.Hostname(); !ok || err != nil || host != me || pid <= 0 {
		return false
	}
	return pid == os.Getpid() || !processExists(pid)
}

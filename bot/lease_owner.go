package bot

import (
	"os"
	"strconv"
	"strings"
)

// ownerDead reports whether the process named by a lease owner (see
// newOwnerID) is certainly gone: it ran on this host and its pid no longer
// exists. An owner on another host, or whose pid is alive (this very
// process included: replicas in containers can share a hostname and pid 1),
// is never known dead: its leases run out instead.
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
	return !processExists(pid)
}

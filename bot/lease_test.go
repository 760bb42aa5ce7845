package bot

import (
	"fmt"
	"os"
	"testing"
)

func TestOwnerDead(t *testing.T) {
	host, _ := os.Hostname()
	self := newOwnerID()
	tests := []struct {
		name  string
		owner string
		want  bool
	}{
		{"this process", self, false},
		{"another process with this pid (a replica sharing hostname and pid)", fmt.Sprintf("%s/%d/abc", host, os.Getpid()), false},
		{"a pid that does not exist on this host", fmt.Sprintf("%s/%d/abc", host, 1<<30), true},
		{"another host", fmt.Sprintf("elsewhere-%s/%d/abc", host, 1<<30), false},
		{"not an owner ID", "garbage", false},
	}
	for _, tt := range tests {
		if got := ownerDead(tt.owner, self); got != tt.want {
			t.Errorf("%s: ownerDead(%q) = %v, want %v", tt.name, tt.owner, got, tt.want)
		}
	}
}

package bench

import (
	"fmt"
	"sync"
	"testing"
)

// fakeTB lets slackfake.New, which is written for tests, run in a command:
// it implements the methods New calls (Helper, Fatalf, Cleanup). Any other
// method would panic on the nil testing.TB it embeds.
type fakeTB struct {
	testing.TB

	mu       sync.Mutex
	cleanups []func()
}

// Helper implements testing.TB.
func (t *fakeTB) Helper() {}

// Fatalf implements testing.TB: a fake Slack that cannot start is fatal to the run.
func (t *fakeTB) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// Cleanup implements testing.TB.
func (t *fakeTB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

// close runs the cleanups, last first.
func (t *fakeTB) close() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}

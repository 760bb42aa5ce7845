package scheduler

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// mustLoad loads a zone or fails the test.
func mustLoad(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatalf("load location %q: %v", name, err)
	}
	return loc
}

// mustParse parses spec in loc or fails the test.
func mustParse(tb testing.TB, spec string, loc *time.Location) Schedule {
	tb.Helper()
	s, err := Parse(spec, loc)
	if err != nil {
		tb.Fatalf("Parse(%q): %v", spec, err)
	}
	return s
}

// logBuffer is a concurrency-safe log sink that signals every write.
type logBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes chan struct{}
}

// newLogger returns a logger writing text records at Info and above to a
// fresh logBuffer.
func newLogger() (*slog.Logger, *logBuffer) {
	b := &logBuffer{writes: make(chan struct{}, 1)}
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelInfo})), b
}

// Write implements io.Writer.
func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case b.writes <- struct{}{}:
	default:
	}
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines containing all of subs.
func (b *logBuffer) lines(subs ...string) []string {
	var out []string
	for _, line := range strings.Split(b.String(), "\n") {
		ok := line != ""
		for _, s := range subs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// waitFor waits until a log line contains all of subs, or fails the test
// after a bounded deadline.
func (b *logBuffer) waitFor(tb testing.TB, subs ...string) string {
	tb.Helper()
	deadline := time.After(5 * time.Second)
	for {
		if l := b.lines(subs...); len(l) > 0 {
			return l[0]
		}
		select {
		case <-b.writes:
		case <-deadline:
			tb.Fatalf("no log line with %q after 5s; log:\n%s", subs, b.String())
		}
	}
}

// receive waits for a value on ch, or fails the test after 5s.
func receive[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		tb.Fatalf("timed out after 5s waiting for %s", what)
		panic("unreachable")
	}
}

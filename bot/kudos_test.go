package bot

import (
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestCompareTS(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1700000000.000100", "1700000000.000100", 0},
		{"1700000000.000100", "1700000000.000200", -1},
		{"1700000001.000000", "1700000000.999999", 1},
		{"999999999.999999", "1000000000.000000", -1},
		{"1700000000.1", "1700000000.05", 1},
		{"1700000000.5", "1700000000.500000", 0},
		{"1700000000", "1700000000.000001", -1},
		{"01700000000.2", "1700000000.2", 0},
	}
	for _, tt := range tests {
		if got := compareTS(tt.a, tt.b); got != tt.want {
			t.Errorf("compareTS(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := compareTS(tt.b, tt.a); got != -tt.want {
			t.Errorf("compareTS(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestReactionOrderDropsOlderEvents(t *testing.T) {
	var o reactionOrder
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	s := o.acquire("k", now)
	if s.stale("1700000000.000200") {
		t.Error("the first event of a key is stale")
	}
	s.applied("1700000000.000200")
	o.release(s, now)

	s = o.acquire("k", now)
	for ts, want := range map[string]bool{"1700000000.000100": true, "1700000000.000200": true, "1700000000.000300": false, "": false} {
		if got := s.stale(ts); got != want {
			t.Errorf("stale(%q) after 0.000200: got %v, want %v", ts, got, want)
		}
	}
	s.applied("1700000000.000100") // never moves back
	if got, want := s.last, "1700000000.000200"; got != want {
		t.Errorf("last: got %q, want %q", got, want)
	}
	o.release(s, now)

	if other := o.acquire("other", now); other.stale("1700000000.000100") {
		t.Error("keys share their order")
	} else {
		o.release(other, now)
	}
}

func TestReactionOrderForgetsIdleKeys(t *testing.T) {
	var o reactionOrder
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, k := range []string{"a", "b"} {
		s := o.acquire(k, t0)
		s.applied("1700000000.000100")
		o.release(s, t0)
	}
	busy := o.acquire("busy", t0) // held across the sweep
	later := t0.Add(reactionOrderTTL + time.Minute)
	s := o.acquire("c", later)
	o.release(s, later)
	if got, want := o.size(), 2; got != want { // "busy" and "c"
		t.Errorf("keys after the sweep: got %d, want %d", got, want)
	}
	if busy.stale("1700000000.000100") {
		t.Error("a held key lost its order")
	}
	o.release(busy, later)
}

func TestReactionOrderSerializesAKey(t *testing.T) {
	var o reactionOrder
	now := time.Now()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		inside  int
		maxSeen int
	)
	for range 20 {
		wg.Go(func() {
			s := o.acquire("k", now)
			mu.Lock()
			inside++
			maxSeen = max(maxSeen, inside)
			mu.Unlock()
			runtime.Gosched() // let the others try to get in
			mu.Lock()
			inside--
			mu.Unlock()
			o.release(s, now)
		})
	}
	wg.Wait()
	if maxSeen != 1 {
		t.Errorf("handlers of one key at once: got %d, want 1", maxSeen)
	}
	if got := o.size(); got != 1 {
		t.Errorf("keys: got %d, want 1", got)
	}
}

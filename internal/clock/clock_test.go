package clock

import (
	"testing"
	"time"
)

// fired reports whether ch has a value ready, and the value.
func fired(ch <-chan time.Time) (time.Time, bool) {
	select {
	case t := <-ch:
		return t, true
	default:
		return time.Time{}, false
	}
}

func TestFakeAfter(t *testing.T) {
	t0 := time.Date(2024, 3, 4, 9, 59, 0, 0, time.UTC)
	f := NewFake(t0)
	if got := f.Now(); !got.Equal(t0) {
		t.Fatalf("Now = %v, want %v", got, t0)
	}
	minute, hour := f.After(time.Minute), f.At(t0.Add(time.Hour))
	if at, ok := fired(f.At(t0)); !ok || !at.Equal(t0) {
		t.Errorf("At(now): fired %v at %v, want at once at %v", ok, at, t0)
	}
	if _, ok := fired(f.At(t0.Add(-time.Hour))); !ok {
		t.Error("At(an hour ago) did not fire at once")
	}

	f.Advance(59 * time.Second)
	if _, ok := fired(minute); ok {
		t.Error("After(1m) fired 59s in")
	}
	f.Advance(time.Second)
	if at, ok := fired(minute); !ok || !at.Equal(t0.Add(time.Minute)) {
		t.Errorf("After(1m) after a minute: fired %v at %v", ok, at)
	}
	if _, ok := fired(hour); ok {
		t.Error("At(+1h) fired a minute in")
	}

	// One move past several waits wakes them all, with the time moved to.
	later := f.After(2 * time.Hour)
	f.Set(t0.Add(3 * time.Hour))
	for name, ch := range map[string]<-chan time.Time{"1h": hour, "2h": later} {
		if at, ok := fired(ch); !ok || !at.Equal(t0.Add(3*time.Hour)) {
			t.Errorf("After(%s) after 3h: fired %v at %v", name, ok, at)
		}
	}
	if n := len(f.waiters); n != 0 {
		t.Errorf("%d waits still pending, want none", n)
	}
}

func TestSystemClock(t *testing.T) {
	c := System()
	before := time.Now()
	if now := c.Now(); now.Before(before) {
		t.Errorf("System().Now() = %v, before time.Now() %v", now, before)
	}
	select {
	case <-c.At(time.Now().Add(time.Millisecond)):
	case <-time.After(5 * time.Second):
		t.Fatal("System().At(in 1ms) did not fire within 5s")
	}
}

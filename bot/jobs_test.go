package bot

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile/scheduler"
)

func TestPromptNeverRepeatsTwoWeeksRunning(t *testing.T) {
	for _, tc := range []struct{ spec, zone string }{
		{"0 10 * * MON", "Europe/Berlin"},
		{"0 9 * * SUN", "America/New_York"}, // Sunday ends the ISO week
		{"@weekly", "UTC"},
		{"0 0 * * MON,THU", "Pacific/Auckland"}, // twice a week: a new text each new week
	} {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		s, err := scheduler.Parse(tc.spec, loc)
		if err != nil {
			t.Fatal(err)
		}
		var prevText string
		prevWeek := -1
		for at := s.Next(time.Date(2025, 12, 1, 0, 0, 0, 0, loc)); at.Year() < 2028; at = s.Next(at) {
			raw, err := json.Marshal(promptFor(at, loc, 3))
			if err != nil {
				t.Fatal(err)
			}
			week := scheduler.WeekIndex(at, loc)
			if week != prevWeek && string(raw) == prevText {
				t.Fatalf("%s in %s: the prompt of %s reads as the week before's", tc.spec, tc.zone, at)
			}
			if week != prevWeek {
				prevText, prevWeek = string(raw), week
			}
		}
	}
}

func TestPacerSpacesPosts(t *testing.T) {
	var p postPacer
	const interval = 20 * time.Millisecond
	ctx := context.Background()
	var mu sync.Mutex
	var turns []time.Time
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() {
			if !p.wait(ctx, interval) {
				t.Error("wait returned false with a live context")
			}
			mu.Lock()
			turns = append(turns, time.Now())
			mu.Unlock()
		})
	}
	wg.Wait()
	first, last := turns[0], turns[0]
	for _, at := range turns {
		if at.Before(first) {
			first = at
		}
		if at.After(last) {
			last = at
		}
	}
	if got, want := last.Sub(first), 4*interval; got < want-time.Millisecond {
		t.Errorf("5 posts spread over %v, want at least %v", got, want)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	p.wait(ctx, time.Hour) // the next turn is an hour away
	start := time.Now()
	if p.wait(cancelled, time.Hour) {
		t.Error("wait returned true with a cancelled context")
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("wait on a cancelled context took %v", d)
	}
}

func TestGraceContext(t *testing.T) {
	t.Parallel()
	ctx, stop := context.WithCancel(context.Background())
	gctx, cancel := graceContext(ctx, defaultPostGrace)
	stop()
	if err := gctx.Err(); err != nil {
		t.Fatalf("the post's context ended with the job's: %v", err)
	}
	select {
	case <-gctx.Done():
	case <-time.After(defaultPostGrace + 5*time.Second):
		t.Fatalf("the post's context did not end %v after the job's", defaultPostGrace)
	}
	cancel()

	gctx, cancel = graceContext(context.Background(), defaultPostGrace)
	cancel()
	if gctx.Err() == nil {
		t.Error("cancel did not end the post's context")
	}
}

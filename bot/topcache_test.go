package bot

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestTopCacheReadsOncePerPeriodAndTTL(t *testing.T) {
	var c topCache
	var loads atomic.Int64
	load := func(context.Context) ([]extramile.Tally, error) {
		n := loads.Add(1)
		return []extramile.Tally{{User: "U1", Stories: int(n)}}, nil
	}
	ctx := context.Background()
	t0 := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			got, err := c.get(ctx, "week", t0, load)
			if err != nil || len(got) != 1 || got[0].Stories != 1 {
				t.Errorf("concurrent get: %v, %v; want the first load's board", got, err)
			}
		})
	}
	wg.Wait()
	if n := loads.Load(); n != 1 {
		t.Fatalf("loads for 50 concurrent asks: got %d, want 1", n)
	}
	if got, _ := c.get(ctx, "month", t0, load); got[0].Stories != 2 {
		t.Errorf("another period: got load %d, want its own (2)", got[0].Stories)
	}
	if got, _ := c.get(ctx, "week", t0.Add(topTTL-time.Second), load); got[0].Stories != 1 {
		t.Errorf("within the TTL: got load %d, want the cached 1", got[0].Stories)
	}
	if got, _ := c.get(ctx, "week", t0.Add(topTTL), load); got[0].Stories != 3 {
		t.Errorf("after the TTL: got load %d, want a fresh read (3)", got[0].Stories)
	}
}

func TestTopCacheKeepsNoErrorAndGivesUpWithTheContext(t *testing.T) {
	var c topCache
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	boom := errors.New("database is busy")
	if _, err := c.get(ctx, "all", now, func(context.Context) ([]extramile.Tally, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("failed load: got %v, want %v", err, boom)
	}
	ok := func(context.Context) ([]extramile.Tally, error) { return []extramile.Tally{{User: "U1"}}, nil }
	if got, err := c.get(ctx, "all", now, ok); err != nil || len(got) != 1 {
		t.Fatalf("load after a failure: %v, %v; want a fresh read", got, err)
	}

	// A reader waiting for another's load gives up with its context.
	release := make(chan struct{})
	started := make(chan struct{})
	go func() {
		_, _ = c.get(ctx, "week", now, func(context.Context) ([]extramile.Tally, error) {
			close(started)
			<-release
			return nil, nil
		})
	}()
	<-started
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := c.get(short, "week", now, ok); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("waiting past the deadline: got %v, want it", err)
	}
	close(release)
}

// removals is a Store whose removing methods do nothing.
type removals struct{ Store }

func (removals) UpdateStory(context.Context, *extramile.Story) error { return nil }
func (removals) DeleteStory(context.Context, int64) error            { return nil }
func (removals) ForgetUser(context.Context, string) (int, int, error) {
	return 0, 0, nil
}
func (removals) RemoveKudos(context.Context, extramile.KudosTakeBack) (int, bool, error) {
	return 0, false, nil
}

func TestTopCacheIsClearedByWhatTakesCountsAway(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for name, change := range map[string]func(Store) error{
		"edit":      func(s Store) error { return s.UpdateStory(ctx, &extramile.Story{}) },
		"delete":    func(s Store) error { return s.DeleteStory(ctx, 1) },
		"forget-me": func(s Store) error { _, _, err := s.ForgetUser(ctx, "U1"); return err },
		"kudos removed": func(s Store) error {
			_, _, err := s.RemoveKudos(ctx, extramile.KudosTakeBack{Giver: "U1", Channel: "C1", MessageTS: "1.2", Emoji: "clap"})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			var c topCache
			var loads atomic.Int64
			load := func(context.Context) ([]extramile.Tally, error) { loads.Add(1); return nil, nil }
			store := topInvalidator{Store: removals{}, tops: &c}
			_, _ = c.get(ctx, "all", now, load)
			_, _ = c.get(ctx, "all", now, load) // cached
			if err := change(store); err != nil {
				t.Fatal(err)
			}
			_, _ = c.get(ctx, "all", now, load)
			if n := loads.Load(); n != 2 {
				t.Errorf("loads: got %d, want 2 (one before, one after the change)", n)
			}
		})
	}
}

package bot

import (
	"context"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// ledgerFake is a Store whose run ledger and once-only keys are recorded in
// memory; every other method is nil (the tests below call none).
type ledgerFake struct {
	Store
	lastRun      time.Time
	prunedBefore time.Time
}

func (f *ledgerFake) LastRun(context.Context, string, extramile.RunSubject) (time.Time, error) {
	return f.lastRun, nil
}

func (f *ledgerFake) PruneOnce(_ context.Context, before time.Time) (int, error) {
	f.prunedBefore = before
	return 0, nil
}

// TestKudosWindowReadsTheLedger: a person's summary window starts where the
// run ledger says their last summary was (the rule itself: rules_test.go).
func TestKudosWindowReadsTheLedger(t *testing.T) {
	ny, _ := time.LoadLocation("America/New_York")
	first := time.Date(2026, 11, 23, 17, 0, 0, 0, ny)
	f := &ledgerFake{lastRun: first}
	b := New(Options{Store: f, Location: ny})
	from, ok, err := b.kudosWindow(context.Background(), "U1", first.Add(-24*time.Hour), first.Add(24*time.Hour))
	if err != nil || !ok || !from.Equal(first) {
		t.Errorf("the next day: got %v, %v, %v; want %v", from, ok, err, first)
	}
	if _, ok, _ := b.kudosWindow(context.Background(), "U1", first, first.Add(time.Hour)); ok {
		t.Error("later the same day: a second summary")
	}
}

// TestPruneOnceKeepsRecentKeys: the once-only keys older than the retention
// are pruned, and none younger.
func TestPruneOnceKeepsRecentKeys(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	f := &ledgerFake{}
	b := New(Options{Store: f, Now: func() time.Time { return now }})
	b.pruneOnce(context.Background())
	if want := now.Add(-onceRetention); !f.prunedBefore.Equal(want) {
		t.Errorf("pruned before %v, want %v (30 days)", f.prunedBefore, want)
	}
	if onceRetention < 7*24*time.Hour {
		t.Errorf("once-only keys kept %v: shorter than a resumed shoutout can be old", onceRetention)
	}
}

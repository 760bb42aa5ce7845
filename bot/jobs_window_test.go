package bot

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/extramile/extramile/storage"
)

func TestKudosWindowOneADayFromTheLastSummary(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ny, _ := time.LoadLocation("America/New_York")
	b := New(Options{Store: db, Location: ny})

	first := time.Date(2026, 11, 23, 17, 0, 0, 0, ny)
	fallback := first.Add(-24 * time.Hour)
	from, ok, err := b.kudosWindow(ctx, "U1", fallback, first)
	if err != nil || !ok || !from.Equal(fallback) {
		t.Fatalf("never told: got %v, %v, %v; want the fallback %v", from, ok, err, fallback)
	}
	if _, err := db.ClaimRun(ctx, JobKudosDM, "U1", first); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishRun(ctx, JobKudosDM, "U1", first, nil); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		to       time.Time
		wantOK   bool
		wantFrom time.Time
	}{
		{"later the same day", first.Add(6 * time.Hour), false, time.Time{}},                        // 23:00 NY
		{"just after midnight", first.Add(7*time.Hour + time.Minute), true, first},                  // 00:01 NY next day
		{"the next day", first.Add(24 * time.Hour), true, first},                                    // kudos since the last DM
		{"after a long pause", first.Add(10 * 24 * time.Hour), true, first.Add(3 * 24 * time.Hour)}, // capped at a week
	}
	for _, tt := range tests {
		from, ok, err := b.kudosWindow(ctx, "U1", tt.to.Add(-24*time.Hour), tt.to)
		if err != nil || ok != tt.wantOK || (ok && !from.Equal(tt.wantFrom)) {
			t.Errorf("%s: got %v, %v, %v; want %v, %v", tt.name, from, ok, err, tt.wantFrom, tt.wantOK)
		}
	}
}

func TestPruneOnceKeepsRecentKeys(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now.Add(-31 * 24 * time.Hour) }
	if _, err := db.Once(ctx, "event:old"); err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return now.Add(-time.Hour) }
	if _, err := db.Once(ctx, "event:recent"); err != nil {
		t.Fatal(err)
	}
	b := New(Options{Store: db, Now: func() time.Time { return now }})
	b.pruneOnce(ctx)
	for key, wantFirst := range map[string]bool{"event:old": true, "event:recent": false} {
		first, err := db.Once(ctx, key)
		if err != nil || first != wantFirst {
			t.Errorf("Once(%s) after pruning: got %v, %v; want first=%v", key, first, err, wantFirst)
		}
	}
}

package storage

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// queued is how many writers wait for the gate, by class.
func queued(g *writeGate) (urgent, other int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.waiters[0]), len(g.waiters[1])
}

func TestWriteGateServesUrgentWritersFirstInOrder(t *testing.T) {
	var g writeGate
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	enter := func(name string, ctx context.Context, urgent, other int) {
		wg.Go(func() {
			if err := g.acquire(ctx); err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			g.release()
		})
		waitUntil(t, name+" queued", func() bool { u, o := queued(&g); return u == urgent && o == other })
	}
	deadline, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	enter("background 1", context.Background(), 0, 1)
	enter("urgent 1", deadline, 1, 1)
	enter("background 2", context.Background(), 1, 2)
	enter("urgent 2", deadline, 2, 2)
	g.release()
	wg.Wait()
	want := []string{"urgent 1", "urgent 2", "background 1", "background 2"}
	if len(order) != len(want) {
		t.Fatalf("order: got %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("order: got %v, want %v", order, want)
		}
	}
	if err := g.acquire(context.Background()); err != nil { // free again
		t.Fatal(err)
	}
}

func TestWriteGateGivesUpWithTheContext(t *testing.T) {
	var g writeGate
	if err := g.acquire(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.acquire(ctx); err != context.DeadlineExceeded {
		t.Fatalf("acquire while held: got %v, want the deadline", err)
	}
	if u, o := queued(&g); u+o != 0 {
		t.Fatalf("a writer that gave up is still queued: %d urgent, %d other", u, o)
	}
	g.release()
	if err := g.acquire(context.Background()); err != nil {
		t.Fatalf("acquire after the release: %v", err)
	}
}

// TestWritesAreServedWhileTheGateIsContended runs many writers at once,
// some with deadlines: every write lands, and the gate ends up free.
func TestWritesAreServedWhileTheGateIsContended(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			c := ctx
			if i%2 == 0 {
				var cancel context.CancelFunc
				c, cancel = context.WithTimeout(ctx, time.Minute)
				defer cancel()
			}
			s := &extramile.Story{Author: "U1", Recognized: []string{"U2"}, Audience: extramile.AudienceCustomer, Text: "Noticed the onboarding doc was out of date.", Channel: "C1"}
			if err := db.CreateStory(c, s); err != nil {
				t.Error(err)
			}
			if _, err := db.Once(c, s.Author+string(rune('a'+i))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	e, err := db.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Stories) != 40 {
		t.Errorf("stories: got %d, want 40", len(e.Stories))
	}
	if db.holder.Load() != nil {
		t.Error("a transaction still holds the write gate")
	}
	if err := db.gate.acquire(ctx); err != nil {
		t.Fatalf("the gate is not free: %v", err)
	}
	db.gate.release()
}

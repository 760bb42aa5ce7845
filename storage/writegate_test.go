package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// queued is how many writers wait for the gate, in order and promoted.
func queued(g *writeGate) int {
	n, _ := waiting(g)
	return n
}

func waiting(g *writeGate) (inOrder, promoted int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue), len(g.urgent)
}

func TestWriteGateServesWritersInOrder(t *testing.T) {
	var g writeGate
	if err := g.acquire(context.Background(), defaultPromoteBefore); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		order []int
		wg    sync.WaitGroup
	)
	deadline, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 6 {
		ctx := context.Background()
		if i%2 == 1 {
			ctx = deadline
		}
		wg.Go(func() {
			if err := g.acquire(ctx, defaultPromoteBefore); err != nil {
				t.Errorf("writer %d: %v", i, err)
				return
			}
			mu.Lock()
			order = append(order, i)
			mu.Unlock()
			g.release()
		})
		waitUntil(t, fmt.Sprintf("writer %d queued", i), func() bool { return queued(&g) == i+1 })
	}
	g.release()
	wg.Wait()
	if want := []int{0, 1, 2, 3, 4, 5}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("order: got %v, want %v", order, want)
	}
	if err := g.acquire(context.Background(), defaultPromoteBefore); err != nil { // free again
		t.Fatal(err)
	}
}

func TestWriteGatePromotesWritersNearTheirDeadline(t *testing.T) {
	var g writeGate
	if err := g.acquire(context.Background(), defaultPromoteBefore); err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	enter := func(name string, ctx context.Context, inOrder, promoted int) {
		wg.Go(func() {
			if err := g.acquire(ctx, defaultPromoteBefore); err != nil {
				t.Errorf("%s: %v", name, err)
				return
			}
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			g.release()
		})
		waitUntil(t, name+" waiting", func() bool { n, p := waiting(&g); return n == inOrder && p == promoted })
	}
	far, cancelFar := context.WithTimeout(context.Background(), time.Minute)
	defer cancelFar()
	near, cancelNear := context.WithTimeout(context.Background(), defaultPromoteBefore-time.Millisecond)
	defer cancelNear()
	enter("background", context.Background(), 1, 0)
	enter("far deadline", far, 2, 0)   // waits its turn
	enter("near deadline", near, 2, 1) // promoted at once
	g.release()
	wg.Wait()
	if want := []string{"near deadline", "background", "far deadline"}; fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("order: got %v, want %v", order, want)
	}
}

func TestWriteGateGivesUpWithTheContext(t *testing.T) {
	var g writeGate
	if err := g.acquire(context.Background(), defaultPromoteBefore); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := g.acquire(ctx, defaultPromoteBefore); err != context.DeadlineExceeded {
		t.Fatalf("acquire while held: got %v, want the deadline", err)
	}
	if n, p := waiting(&g); n+p != 0 {
		t.Fatalf("a writer that gave up is still waiting: %d in order, %d promoted", n, p)
	}
	g.release()
	if err := g.acquire(context.Background(), defaultPromoteBefore); err != nil {
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
	if err := db.gate.acquire(ctx, defaultPromoteBefore); err != nil {
		t.Fatalf("the gate is not free: %v", err)
	}
	db.gate.release()
}

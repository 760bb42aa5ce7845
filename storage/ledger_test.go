package storage

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestOnce(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	check := func(key string, want bool) {
		t.Helper()
		got, err := db.Once(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("Once(%q): got %v, want %v", key, got, want)
		}
	}
	setClock(db, t0)
	check("event:Ev1", true)
	check("event:Ev1", false)
	check("event:Ev2", true)
	if err := db.ForgetOnce(ctx, "event:Ev1"); err != nil {
		t.Fatal(err)
	}
	if err := db.ForgetOnce(ctx, "never:seen"); err != nil {
		t.Fatalf("forget an unknown key: %v", err)
	}
	check("event:Ev1", true)

	setClock(db, t0.Add(48*time.Hour))
	check("event:Ev3", true)
	n, err := db.PruneOnce(ctx, t0.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("pruned: got %d, want 2", n)
	}
	check("event:Ev2", true) // pruned: new again
	check("event:Ev3", false)
}

func TestOnce_Concurrent(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/once.db"
	dbs := []*DB{mustOpenPath(t, path), mustOpenPath(t, path)}
	var wg sync.WaitGroup
	firsts := make(chan bool, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			first, err := dbs[i%2].Once(ctx, "notice:U1:2025-03-10")
			if err != nil {
				t.Error(err)
			}
			firsts <- first
		}()
	}
	wg.Wait()
	close(firsts)
	n := 0
	for f := range firsts {
		if f {
			n++
		}
	}
	if n != 1 {
		t.Errorf("first: got %d callers, want 1", n)
	}
}

func TestQuiet(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for i, step := range []struct {
		set, want bool
	}{{true, true}, {true, true}, {false, false}, {false, false}, {true, true}} {
		if err := db.SetQuiet(ctx, "U1", step.set); err != nil {
			t.Fatal(err)
		}
		got, err := db.Quiet(ctx, "U1")
		if err != nil {
			t.Fatal(err)
		}
		if got != step.want {
			t.Errorf("step %d: got %v, want %v", i, got, step.want)
		}
	}
	if got, err := db.Quiet(ctx, "U2"); err != nil || got {
		t.Errorf("another user: got %v, %v; want false, nil", got, err)
	}
}

func TestSubscriptions(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	for _, c := range []struct {
		channel string
		want    bool
	}{{"C2", true}, {"C1", true}, {"C2", false}} {
		added, err := db.Subscribe(ctx, c.channel, "UADMIN")
		if err != nil {
			t.Fatal(err)
		}
		if added != c.want {
			t.Errorf("subscribe %s: got %v, want %v", c.channel, added, c.want)
		}
	}
	got, err := db.Subscriptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"C1", "C2"}; !reflect.DeepEqual(got, want) {
		t.Errorf("subscriptions: got %v, want %v", got, want)
	}
	for _, c := range []struct {
		channel string
		want    bool
	}{{"C2", true}, {"C2", false}, {"C9", false}} {
		removed, err := db.Unsubscribe(ctx, c.channel)
		if err != nil {
			t.Fatal(err)
		}
		if removed != c.want {
			t.Errorf("unsubscribe %s: got %v, want %v", c.channel, removed, c.want)
		}
	}
	got, err = db.Subscriptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"C1"}; !reflect.DeepEqual(got, want) {
		t.Errorf("subscriptions: got %v, want %v", got, want)
	}
}

func TestRunLedger(t *testing.T) {
	ctx := context.Background()
	c1 := extramile.ChannelRun("C1")
	path := t.TempDir() + "/runs.db"
	a, b := mustOpenPath(t, path), mustOpenPath(t, path) // two processes
	week1 := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	week2 := week1.AddDate(0, 0, 7)

	owners := map[*DB]string{a: "host/1/a", b: "host/2/b"}
	claim := func(db *DB, job string, subject extramile.RunSubject, at time.Time, want bool) {
		t.Helper()
		got, err := db.ClaimRun(ctx, job, subject, at, owners[db], time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if got.Claimed != want {
			t.Errorf("claim %s %s %v: got %v, want %v", job, subject, at, got.Claimed, want)
		}
	}
	last := func(job string, subject extramile.RunSubject, want time.Time) {
		t.Helper()
		got, err := b.LastRun(ctx, job, subject)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(want) {
			t.Errorf("last run %s %s: got %v, want %v", job, subject, got, want)
		}
	}

	last("prompt", c1, time.Time{})
	claim(a, "prompt", c1, week1, true)
	claim(a, "prompt", c1, week1, false)                        // running here
	claim(b, "prompt", c1, week1, false)                        // running elsewhere
	claim(b, "prompt", extramile.ChannelRun("C2"), week1, true) // another channel
	claim(b, "roundup", c1, week1, true)                        // another job
	last("prompt", c1, time.Time{})                             // running is not done

	if err := a.FinishRun(ctx, "prompt", c1, week1, nil); err != nil {
		t.Fatal(err)
	}
	claim(b, "prompt", c1, week1, false) // done
	last("prompt", c1, week1)

	claim(a, "prompt", c1, week2, true)
	if err := a.FinishRun(ctx, "prompt", c1, week2, errors.New("slack: channel_not_found")); err != nil {
		t.Fatal(err)
	}
	last("prompt", c1, week1)           // failed is not done
	claim(b, "prompt", c1, week2, true) // take over a failed run
	claim(a, "prompt", c1, week2, false)
	if err := b.FinishRun(ctx, "prompt", c1, week2, nil); err != nil {
		t.Fatal(err)
	}
	last("prompt", c1, week2)

	wantCode(t, a.FinishRun(ctx, "digest", c1, week1, nil), extramile.ENOTFOUND)

	// The subject is a kind and an ID: the workspace's run of a job and each
	// person's are runs of their own.
	ws, alice := extramile.WorkspaceRun(), extramile.PersonRun("UALICE")
	claim(a, "kudos_dm", ws, week1, true)
	claim(b, "kudos_dm", alice, week1, true)
	claim(b, "kudos_dm", extramile.PersonRun("WBOB"), week1, true)
	claim(b, "kudos_dm", ws, week1, false)
	if err := a.FinishRun(ctx, "kudos_dm", ws, week1, nil); err != nil {
		t.Fatal(err)
	}
	last("kudos_dm", ws, week1)
	last("kudos_dm", alice, time.Time{}) // still running
	if err := b.FinishRun(ctx, "kudos_dm", alice, week1, nil); err != nil {
		t.Fatal(err)
	}
	last("kudos_dm", alice, week1)
	last("kudos_dm", extramile.ChannelRun("UALICE"), time.Time{})

	// A subject that names nothing is refused before it reaches the table.
	for _, bad := range []extramile.RunSubject{{}, extramile.ChannelRun(""), extramile.PersonRun(""),
		{Kind: extramile.SubjectWorkspace, ID: "*"}, {Kind: "team", ID: "T1"}} {
		_, err := a.ClaimRun(ctx, "prompt", bad, week1, owners[a], time.Hour)
		wantCode(t, err, extramile.EINVALID)
		_, err = a.LastRun(ctx, "prompt", bad)
		wantCode(t, err, extramile.EINVALID)
	}
}

func TestClaimRun_Race(t *testing.T) {
	ctx := context.Background()
	c1 := extramile.ChannelRun("C1")
	path := t.TempDir() + "/runs.db"
	dbs := []*DB{mustOpenPath(t, path), mustOpenPath(t, path)}
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		owners []string
	)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dbs[i%2].ClaimRun(ctx, "digest", c1, at, fmt.Sprint("host/", i), time.Hour)
			if err != nil {
				t.Error(err)
				return
			}
			if c.Claimed {
				mu.Lock()
				owners = append(owners, fmt.Sprint(i))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(owners) != 1 {
		t.Errorf("owners: got %v, want exactly one", owners)
	}
}

// TestRunTakeover: a run claimed by a process that died is taken over once
// its lease ran out, or at once when BreakLeases ends it, and the process
// taking it over learns when a post of it first went out.
func TestRunTakeover(t *testing.T) {
	ctx := context.Background()
	c1 := extramile.ChannelRun("C1")
	db := MustOpenDB(t)
	setClock(db, t0)
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	claim := func(owner string) extramile.RunClaim {
		t.Helper()
		c, err := db.ClaimRun(ctx, "prompt", c1, at, owner, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := claim("dead"); !c.Claimed || !c.PostStarted.IsZero() {
		t.Fatalf("first claim: %+v", c)
	}
	setClock(db, t0.Add(time.Second))
	first, err := db.MarkRunPosting(ctx, "prompt", c1, at)
	if err != nil || !first.Equal(t0.Add(time.Second)) {
		t.Fatalf("mark posting: %v, %v", first, err)
	}
	setClock(db, t0.Add(2*time.Second))
	if again, err := db.MarkRunPosting(ctx, "prompt", c1, at); err != nil || !again.Equal(first) {
		t.Errorf("mark posting again: got %v, %v; want the first time %v", again, err, first)
	}
	if c := claim("alive"); c.Claimed {
		t.Fatal("claimed a run whose lease is live")
	}
	holders, err := db.LeaseHolders(ctx)
	if err != nil || !reflect.DeepEqual(holders, []string{"dead"}) {
		t.Fatalf("lease holders: %v, %v", holders, err)
	}
	if n, err := db.BreakLeases(ctx, "dead"); err != nil || n != 1 {
		t.Fatalf("break leases: %d, %v", n, err)
	}
	c := claim("alive")
	if !c.Claimed || !c.PostStarted.Equal(first) {
		t.Fatalf("takeover: %+v, want claimed with the post started at %v", c, first)
	}
	if err := db.FinishRun(ctx, "prompt", c1, at, nil); err != nil {
		t.Fatal(err)
	}
	if holders, _ := db.LeaseHolders(ctx); len(holders) != 0 {
		t.Errorf("lease holders after the run finished: %v", holders)
	}

	// A lease that runs out is taken over without BreakLeases.
	week2 := at.AddDate(0, 0, 7)
	if c, _ := db.ClaimRun(ctx, "prompt", c1, week2, "dead", time.Minute); !c.Claimed {
		t.Fatal("claim week 2")
	}
	setClock(db, t0.Add(time.Hour))
	if c, _ := db.ClaimRun(ctx, "prompt", c1, week2, "alive", time.Minute); !c.Claimed || !c.PostStarted.IsZero() {
		t.Errorf("takeover after the lease ran out: %+v, want claimed, nothing posted yet", c)
	}
	_, err = db.MarkRunPosting(ctx, "prompt", extramile.ChannelRun("C9"), week2)
	wantCode(t, err, extramile.ENOTFOUND)
}

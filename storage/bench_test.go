package storage

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

var (
	benchStories = flag.Int("storage.stories", 20000, "stories in the benchmark database (kudos: 5 times as many)")
	benchFile    = flag.String("storage.seeded", "", "keep the seeded benchmark database at this path and reuse it if it exists")
)

// Benchmark data shape.
const (
	benchUsers    = 20000
	benchChannels = 1000
	benchPrivate  = 100 // channels C0000…C0099 are private
	benchKudosPer = 5   // kudos per story
)

// benchEnd is when the seeded data ends; it spans the two years before.
var (
	benchEnd   = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	benchStart = benchEnd.AddDate(-2, 0, 0)
)

func benchUser(i int) string    { return fmt.Sprintf("U%05d", i) }
func benchChannel(i int) string { return fmt.Sprintf("C%04d", i) }

// seedOnce builds one seeded database file per test binary run; benchmarks
// that write work on copies of it.
var seedOnce struct {
	sync.Once
	dir, path string
	err       error
}

// TestMain removes the seeded benchmark database when the binary ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if seedOnce.dir != "" {
		os.RemoveAll(seedOnce.dir)
	}
	os.Exit(code)
}

// seededPath returns the path of the seeded database (do not write to it).
func seededPath(b *testing.B) string {
	b.Helper()
	seedOnce.Do(func() {
		if seedOnce.path = *benchFile; seedOnce.path != "" {
			if _, err := os.Stat(seedOnce.path); err == nil {
				return
			}
		} else {
			seedOnce.dir, seedOnce.err = os.MkdirTemp("", "extramile-bench-")
			if seedOnce.err != nil {
				return
			}
			seedOnce.path = filepath.Join(seedOnce.dir, "seeded.db")
		}
		start := time.Now()
		seedOnce.err = seedFile(seedOnce.path, *benchStories)
		b.Logf("seeded %d stories, %d kudos in %v", *benchStories, *benchStories*benchKudosPer, time.Since(start).Round(time.Millisecond))
	})
	if seedOnce.err != nil {
		b.Fatalf("seed: %v", seedOnce.err)
	}
	return seedOnce.path
}

// seedFile creates a database at path with n stories and 5n kudos spread
// evenly over [benchStart, benchEnd), in one transaction with prepared
// statements. Channels below benchPrivate are private; a third of the kudos
// are reactions to a recent story's shoutout.
func seedFile(path string, n int) error {
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))

	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// A large page cache keeps the random inserts into indexes in memory.
	if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -1000000`); err != nil {
		return err
	}
	storyStmt, err := tx.PrepareContext(ctx, `INSERT INTO stories
		(id, author, audience, way, text, channel, private, shoutout_state, shoutout_ts, permalink, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'posted', ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	recStmt, err := tx.PrepareContext(ctx, `INSERT INTO story_recognized
		(story_id, user_id, position, created_at, private, channel) VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	kudosStmt, err := tx.PrepareContext(ctx, `INSERT INTO kudos
		(giver, receiver, channel, message_ts, emoji, story_id, private, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}

	span := benchEnd.Sub(benchStart)
	audiences := []string{"", string(extramile.AudienceCustomer), string(extramile.AudienceCoworker)}
	type storyRef struct {
		channel string
		private int64
		users   []string
	}
	stories := make([]storyRef, n+1)
	kudosN := n * benchKudosPer
	k := 0
	addKudos := func(upTo int) error { // kudos due before story upTo
		for ; k < kudosN && k/benchKudosPer < upTo; k++ {
			at := benchStart.Add(time.Duration(float64(span) * float64(k) / float64(kudosN)))
			giver := benchUser(rng.IntN(benchUsers))
			var (
				receiver, channel string
				storyID           any
				private           int64
			)
			if sid := k/benchKudosPer - rng.IntN(50); k%3 == 0 && sid >= 1 {
				s := stories[sid]
				receiver, channel, storyID, private = s.users[rng.IntN(len(s.users))], s.channel, int64(sid), s.private
			} else {
				c := rng.IntN(benchChannels)
				receiver, channel = benchUser(rng.IntN(benchUsers)), benchChannel(c)
				if c < benchPrivate {
					private = 1
				}
			}
			ts := fmt.Sprintf("%d.%06d", at.Unix(), k%1000000)
			if _, err := kudosStmt.ExecContext(ctx, giver, receiver, channel, ts, "tada", storyID, private, nanos(at)); err != nil {
				return fmt.Errorf("kudos %d: %w", k, err)
			}
		}
		return nil
	}
	for i := 1; i <= n; i++ {
		if err := addKudos(i); err != nil {
			return err
		}
		at := nanos(benchStart.Add(time.Duration(float64(span) * float64(i-1) / float64(n))))
		c := rng.IntN(benchChannels)
		var private int64
		if c < benchPrivate {
			private = 1
		}
		way := ""
		if r := rng.IntN(10); r < len(extramile.Ways) {
			way = string(extramile.Ways[r])
		}
		ts := fmt.Sprintf("%d.%06d", at/1e9, i%1000000)
		if _, err := storyStmt.ExecContext(ctx, i, benchUser(rng.IntN(benchUsers)), audiences[rng.IntN(3)], way,
			"Stayed late on a Friday to get the customer's data migrated before the Monday launch.",
			benchChannel(c), private, ts, "https://example.slack.com/archives/x/p1", at, at); err != nil {
			return fmt.Errorf("story %d: %w", i, err)
		}
		users := make([]string, 1+rng.IntN(2))
		for j := range users {
			users[j] = benchUser(rng.IntN(benchUsers))
		}
		users = uniq(users)
		for j, u := range users {
			if _, err := recStmt.ExecContext(ctx, i, u, j, at, private, benchChannel(c)); err != nil {
				return fmt.Errorf("story %d recognized: %w", i, err)
			}
		}
		stories[i] = storyRef{channel: benchChannel(c), private: private, users: users}
	}
	if err := addKudos(n + 1); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.db.ExecContext(ctx, `ANALYZE`); err != nil {
		return err
	}
	return db.Close()
}

// benchDB opens the seeded database read-only by convention (for queries),
// or a private copy of it when write is true.
func benchDB(b *testing.B, write bool) *DB {
	b.Helper()
	path := seededPath(b)
	if write {
		dst := filepath.Join(b.TempDir(), "copy.db")
		if err := copyFile(path, dst); err != nil {
			b.Fatal(err)
		}
		path = dst
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// lastMonth is the seeded data's last calendar month.
var lastMonth = struct{ from, to, prev time.Time }{
	from: benchEnd.AddDate(0, -1, 0), to: benchEnd, prev: benchEnd.AddDate(0, -2, 0),
}

// benchStory is the i-th story the insert benchmarks write.
func benchStory(i int) *extramile.Story {
	return &extramile.Story{
		Author:     benchUser(i % benchUsers),
		Recognized: []string{benchUser((i + 1) % benchUsers), benchUser((i + 2) % benchUsers)},
		Audience:   extramile.AudienceCustomer,
		Way:        extramile.WayNoticeNeed,
		Text:       "Noticed the onboarding doc was out of date and rewrote it overnight.",
		Channel:    benchChannel(i % benchChannels),
	}
}

func BenchmarkCreateStory(b *testing.B) {
	db := benchDB(b, true)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if err := db.CreateStory(ctx, benchStory(i)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddKudos(b *testing.B) {
	db := benchDB(b, true)
	ctx := context.Background()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r, err := db.AddKudos(ctx, extramile.KudosGift{
			Giver:     benchUser(i % benchUsers),
			Receivers: []string{benchUser((i + 7) % benchUsers)},
			Channel:   benchChannel(i % benchChannels),
			MessageTS: fmt.Sprintf("1900000000.%06d", i),
			Emoji:     "tada",
			DailyMax:  1000,
			DayStart:  day,
			DayEnd:    day.Add(24 * time.Hour),
		})
		if err != nil {
			b.Fatal(err)
		}
		if r.Added != 1 {
			b.Fatalf("added: got %d, want 1 (%+v)", r.Added, r)
		}
	}
}

func BenchmarkTop(b *testing.B) {
	db := benchDB(b, false)
	ctx := context.Background()
	for _, bb := range []struct {
		name     string
		from, to time.Time
	}{
		{"week", benchEnd.AddDate(0, 0, -7), benchEnd},
		{"month", lastMonth.from, lastMonth.to},
		{"year", benchEnd.AddDate(-1, 0, 0), benchEnd},
		{"all", time.Time{}, time.Time{}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			for b.Loop() {
				t, err := db.Top(ctx, bb.from, bb.to, 10)
				if err != nil {
					b.Fatal(err)
				}
				if len(t) == 0 {
					b.Fatal("no tallies")
				}
			}
		})
	}
}

func BenchmarkStoriesFor(b *testing.B) {
	db := benchDB(b, false)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		if _, _, err := db.StoriesFor(ctx, benchUser(i*7919%benchUsers), 0, 10); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDigest(b *testing.B) {
	db := benchDB(b, false)
	ctx := context.Background()
	for _, scope := range []string{"", benchChannel(7)} {
		name := "public"
		if scope != "" {
			name = "scoped"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				d, err := db.Digest(ctx, extramile.DigestQuery{From: lastMonth.from, To: lastMonth.to, PrevFrom: lastMonth.prev, Visibility: extramile.SeenIn(scope), TopN: 5})
				if err != nil {
					b.Fatal(err)
				}
				if d.Stories == 0 || d.Previous == nil {
					b.Fatalf("empty digest: %+v", d)
				}
			}
		})
	}
}

package storage

import (
	"context"
	"fmt"
	"github.com/extramile/extramile"
	"math/rand/v2"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// scaleMonth is a month after the seeded data (which ends at benchEnd).
var scaleMonth = struct{ from, to, prev time.Time }{
	from: benchEnd.AddDate(0, 1, 0), to: benchEnd.AddDate(0, 2, 0), prev: benchEnd,
}

// BenchmarkDigestMonthRows measures the monthly digest of a month holding
// rows stories (and five kudos each) in a database holding nothing else, and
// the same month added to the seeded database (-storage.stories): the
// digest's cost follows the month's rows, not the table's.
func BenchmarkDigestMonthRows(b *testing.B) {
	ctx := context.Background()
	for _, bb := range []struct {
		name   string
		rows   int
		seeded bool
	}{
		{"month=1000/table=month_only", 1000, false},
		{"month=10000/table=month_only", 10000, false},
		{"month=1000/table=seeded", 1000, true},
		{"month=10000/table=seeded", 10000, true},
	} {
		b.Run(bb.name, func(b *testing.B) {
			var db *DB
			if bb.seeded {
				db = benchDB(b, true)
			} else {
				var err error
				if db, err = Open(ctx, filepath.Join(b.TempDir(), "month.db")); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { db.Close() })
			}
			if err := addMonth(ctx, db, scaleMonth.from, scaleMonth.to, bb.rows); err != nil {
				b.Fatal(err)
			}
			for _, scope := range []string{"", benchChannel(7)} {
				name := "public"
				if scope != "" {
					name = "scoped"
				}
				b.Run(name, func(b *testing.B) {
					for b.Loop() {
						d, err := db.Digest(ctx, extramile.DigestQuery{From: scaleMonth.from, To: scaleMonth.to, PrevFrom: scaleMonth.prev, Visibility: extramile.SeenIn(scope), TopN: 5})
						if err != nil {
							b.Fatal(err)
						}
						if d.Stories == 0 {
							b.Fatal("empty digest")
						}
					}
				})
			}
		})
	}
}

// addMonth adds n stories, each recognizing one or two people, and five
// kudos per story spread over [from, to), in one transaction, shaped as the
// seeded data (channels below benchPrivate are private).
func addMonth(ctx context.Context, db *DB, from, to time.Time, n int) error {
	rng := rand.New(rand.NewPCG(3, 4))
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return err
	}
	defer db.rollback(tx)
	var firstID int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) + 1 FROM stories`).Scan(&firstID); err != nil {
		return err
	}
	span := to.Sub(from)
	for i := range n {
		at := nanos(from.Add(time.Duration(float64(span) * float64(i) / float64(n))))
		id, c := firstID+int64(i), rng.IntN(benchChannels)
		private := boolInt(c < benchPrivate)
		ts := fmt.Sprintf("%d.%06d", at/1e9, i%1000000)
		if _, err := tx.ExecContext(ctx, `INSERT INTO stories
			(id, author, audience, way, text, channel, private, shoutout_state, shoutout_ts, permalink, created_at, updated_at)
			VALUES (?, ?, 'customer', 'notice_need', 'Stayed late to fix the import.', ?, ?, 'posted', ?, '', ?, ?)`,
			id, benchUser(rng.IntN(benchUsers)), benchChannel(c), private, ts, at, at); err != nil {
			return err
		}
		users := uniq([]string{benchUser(rng.IntN(benchUsers)), benchUser(rng.IntN(benchUsers))}[:1+rng.IntN(2)])
		for j, u := range users {
			if _, err := tx.ExecContext(ctx, `INSERT INTO story_recognized (story_id, user_id, position, created_at, private, channel)
				VALUES (?, ?, ?, ?, ?, ?)`, id, u, j, at, private, benchChannel(c)); err != nil {
				return err
			}
		}
		giver := rng.IntN(benchUsers)
		for k := range benchKudosPer {
			if _, err := tx.ExecContext(ctx, `INSERT INTO kudos (giver, receiver, channel, message_ts, emoji, story_id, private, created_at)
				VALUES (?, ?, ?, ?, 'tada', ?, ?, ?)`, benchUser((giver+k*7919)%benchUsers), users[k%len(users)], benchChannel(c), ts, id, private, at+int64(k)); err != nil {
				return err
			}
		}
	}
	return db.commit(tx)
}

// BenchmarkInsertConcurrent measures the insert rate with writers at work at
// once, as under load (each write its own transaction, as the bot does):
// their commits share fsyncs (see durable.go).
func BenchmarkInsertConcurrent(b *testing.B) {
	db := benchDB(b, true)
	ctx := context.Background()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	var seq atomic.Int64
	b.Run("story", func(b *testing.B) {
		b.SetParallelism(4) // 4 × GOMAXPROCS writers
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(seq.Add(1))
				if err := db.CreateStory(ctx, benchStory(i)); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("kudos", func(b *testing.B) {
		b.SetParallelism(4)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				i := int(seq.Add(1))
				if _, err := db.AddKudos(ctx, extramile.KudosGift{
					Giver: benchUser(i % benchUsers), Receivers: []string{benchUser((i + 7) % benchUsers)},
					Channel: benchChannel(i % benchChannels), MessageTS: fmt.Sprintf("1900000001.%06d", i%1000000),
					Emoji: "tada", DailyMax: 1000, DayStart: day, DayEnd: day.Add(24 * time.Hour),
				}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

package storage

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

func TestTop(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	may := func(d int) time.Time { return time.Date(2025, 5, d, 12, 0, 0, 0, time.UTC) }
	s1 := mustCreateStory(t, db, may(1), extramile.Story{Author: "UA", Recognized: []string{"UB", "UC"}})
	mustCreateStory(t, db, may(2), extramile.Story{Author: "UA", Recognized: []string{"UC"}})
	mustCreateStory(t, db, may(3), extramile.Story{Author: "UA", Recognized: []string{"UD"}, Channel: "CPRIV", Private: true})
	mustCreateStory(t, db, may(20), extramile.Story{Author: "UA", Recognized: []string{"UE"}})
	mustAddKudos(t, db, may(2), extramile.KudosGift{Giver: "UX", Receivers: []string{"UB", "UC"}, MessageTS: "1.1", StoryID: s1.ID})
	mustAddKudos(t, db, may(2), extramile.KudosGift{Giver: "UY", Receivers: []string{"UB"}, MessageTS: "2.2"})
	mustAddKudos(t, db, may(2), extramile.KudosGift{Giver: "UY", Receivers: []string{"UD"}, Channel: "CPRIV", MessageTS: "3.3", Private: true})
	mustAddKudos(t, db, may(21), extramile.KudosGift{Giver: "UY", Receivers: []string{"UF"}, MessageTS: "4.4"})

	for _, tt := range []struct {
		name     string
		from, to time.Time
		limit    int
		want     []extramile.Tally
	}{
		{"all time", time.Time{}, time.Time{}, 0, []extramile.Tally{
			{User: "UC", Stories: 2, Kudos: 1}, // 3, more stories than UB
			{User: "UB", Stories: 1, Kudos: 2}, // 3
			{User: "UE", Stories: 1},           // 1, then by user
			{User: "UF", Kudos: 1},
		}},
		{"limit", time.Time{}, time.Time{}, 2, []extramile.Tally{
			{User: "UC", Stories: 2, Kudos: 1},
			{User: "UB", Stories: 1, Kudos: 2},
		}},
		{"period", may(2), may(21), 0, []extramile.Tally{
			{User: "UC", Stories: 1, Kudos: 1}, // ties UB, more stories
			{User: "UB", Kudos: 2},
			{User: "UE", Stories: 1},
		}},
		{"from only", may(20), time.Time{}, 0, []extramile.Tally{{User: "UE", Stories: 1}, {User: "UF", Kudos: 1}}},
		{"nothing", may(25), time.Time{}, 0, []extramile.Tally{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := db.Top(ctx, tt.from, tt.to, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDigest(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	from := time.Date(2025, 5, 1, 0, 0, 0, 0, ny)
	to := time.Date(2025, 6, 1, 0, 0, 0, 0, ny)
	prev := time.Date(2025, 4, 1, 0, 0, 0, 0, ny)
	in := func(d int) time.Time { return time.Date(2025, 5, d, 12, 0, 0, 0, ny) }

	// The previous month: one story.
	mustCreateStory(t, db, time.Date(2025, 4, 30, 23, 0, 0, 0, ny), extramile.Story{Author: "UA", Recognized: []string{"UB"}, Way: extramile.WayGiveExtra})
	// This month.
	s1 := mustCreateStory(t, db, time.Date(2025, 5, 1, 0, 0, 0, 0, ny), extramile.Story{Author: "UA", Recognized: []string{"UB", "UC"},
		Audience: extramile.AudienceCustomer, Way: extramile.WayNoticeNeed})
	s2 := mustCreateStory(t, db, in(2), extramile.Story{Author: "UB", Recognized: []string{"UC"}, Audience: extramile.AudienceCoworker, Way: extramile.WayNoticeNeed})
	s3 := mustCreateStory(t, db, in(3), extramile.Story{Author: "UA", Recognized: []string{"UD"}, Audience: extramile.AudienceCustomer, Way: extramile.WaySayThankYou})
	priv := mustCreateStory(t, db, in(4), extramile.Story{Author: "UP", Recognized: []string{"UQ"}, Channel: "CPRIV", Private: true,
		Audience: extramile.AudienceCustomer, Way: extramile.WayShowRespect})
	gone := mustCreateStory(t, db, in(5), extramile.Story{Author: "UZ", Recognized: []string{"UZZ"}, Way: extramile.WayKeepInLoop})
	mustCreateStory(t, db, time.Date(2025, 6, 1, 0, 0, 0, 0, ny), extramile.Story{Author: "UA", Recognized: []string{"UB"}}) // next month
	// Kudos: s2 and s3 tie with 2; s2 is earlier.
	mustAddKudos(t, db, in(6), extramile.KudosGift{Giver: "UX", Receivers: []string{"UC"}, MessageTS: "2.1", StoryID: s2.ID})
	mustAddKudos(t, db, in(6), extramile.KudosGift{Giver: "UY", Receivers: []string{"UC"}, MessageTS: "2.1", StoryID: s2.ID})
	mustAddKudos(t, db, in(7), extramile.KudosGift{Giver: "UX", Receivers: []string{"UD"}, MessageTS: "3.1", StoryID: s3.ID})
	mustAddKudos(t, db, in(7), extramile.KudosGift{Giver: "UY", Receivers: []string{"UD"}, MessageTS: "3.1", StoryID: s3.ID})
	mustAddKudos(t, db, in(8), extramile.KudosGift{Giver: "UX", Receivers: []string{"UQ", "UP"}, Channel: "CPRIV", MessageTS: "4.1", StoryID: priv.ID, Private: true})
	mustAddKudos(t, db, in(8), extramile.KudosGift{Giver: "UX", Receivers: []string{"UZZ"}, MessageTS: "5.1", StoryID: gone.ID})
	mustAddKudos(t, db, in(8), extramile.KudosGift{Giver: "UX", Receivers: []string{"UE"}, MessageTS: "9.9"})
	if err := db.DeleteStory(ctx, gone.ID); err != nil {
		t.Fatal(err)
	}
	_ = s1

	ways := func(counts map[extramile.Way]int) []extramile.WayCount {
		out := make([]extramile.WayCount, len(extramile.Ways))
		for i, w := range extramile.Ways {
			out[i] = extramile.WayCount{Way: w, Count: counts[w]}
		}
		sort.SliceStable(out, func(i, j int) bool { return out[i].Count > out[j].Count })
		return out
	}
	s2found, _ := db.FindStory(ctx, s2.ID)
	privFound, _ := db.FindStory(ctx, priv.ID)
	public := &extramile.Digest{
		From: from, To: to,
		Stories: 3, Recognized: 3, Sharers: 2, Kudos: 5, Customer: 2, Coworker: 1,
		ByWay:       ways(map[extramile.Way]int{extramile.WayNoticeNeed: 2, extramile.WaySayThankYou: 1}),
		Top:         []extramile.Tally{{User: "UC", Stories: 2, Kudos: 2}, {User: "UD", Stories: 1, Kudos: 2}},
		MostKudosed: s2found, MostKudosedN: 2,
		Previous: &extramile.Digest{
			From: prev, To: from, Stories: 1, Recognized: 1, Sharers: 1,
			ByWay: ways(map[extramile.Way]int{extramile.WayGiveExtra: 1}),
			Top:   []extramile.Tally{{User: "UB", Stories: 1}},
		},
	}
	got, err := db.Digest(ctx, extramile.DigestQuery{From: from, To: to, PrevFrom: prev, TopN: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, public) {
		t.Errorf("public digest:\n got %s\nwant %s", fmtDigest(got), fmtDigest(public))
	}

	scoped := *public
	scoped.Stories, scoped.Recognized, scoped.Sharers, scoped.Kudos, scoped.Customer = 4, 4, 3, 7, 3
	scoped.ByWay = ways(map[extramile.Way]int{extramile.WayNoticeNeed: 2, extramile.WaySayThankYou: 1, extramile.WayShowRespect: 1})
	scoped.Top = []extramile.Tally{{User: "UC", Stories: 2, Kudos: 2}, {User: "UD", Stories: 1, Kudos: 2}, {User: "UQ", Stories: 1, Kudos: 1},
		{User: "UB", Stories: 1}, {User: "UE", Kudos: 1}, {User: "UP", Kudos: 1}}
	scoped.Previous = nil
	got, err = db.Digest(ctx, extramile.DigestQuery{From: from, To: to, Visibility: extramile.SeenIn("CPRIV")})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, &scoped) {
		t.Errorf("scoped digest:\n got %s\nwant %s", fmtDigest(got), fmtDigest(&scoped))
	}
	_ = privFound

	empty, err := db.Digest(ctx, extramile.DigestQuery{From: time.Date(2030, 1, 1, 0, 0, 0, 0, ny), To: time.Date(2030, 2, 1, 0, 0, 0, 0, ny)})
	if err != nil {
		t.Fatal(err)
	}
	if empty.Stories != 0 || empty.MostKudosed != nil || len(empty.ByWay) != 9 || empty.Top == nil || len(empty.Top) != 0 {
		t.Errorf("empty digest: got %s", fmtDigest(empty))
	}
}

func fmtDigest(d *extramile.Digest) string {
	if d == nil {
		return "nil"
	}
	mk := "nil"
	if d.MostKudosed != nil {
		mk = fmt.Sprintf("story %d", d.MostKudosed.ID)
	}
	return fmt.Sprintf("{%v..%v stories=%d recognized=%d sharers=%d kudos=%d customer=%d coworker=%d byWay=%v top=%+v most=%s(%d) prev=%s}",
		d.From, d.To, d.Stories, d.Recognized, d.Sharers, d.Kudos, d.Customer, d.Coworker, d.ByWay, d.Top, mk, d.MostKudosedN, fmtDigest(d.Previous))
}

// TestPeriods_MatchRawRows checks the rollups against counting the raw rows
// in Go, for random data (with updates, deletes and removals) and periods of
// every shape: local months in odd time zones, arbitrary ranges, open ends.
func TestPeriods_MatchRawRows(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	rng := rand.New(rand.NewPCG(7, 8))
	// Over two years and more, so that whole years are read from the rollups.
	start := time.Date(2023, 11, 1, 0, 0, 0, 0, time.UTC)
	span := 800 * 24 * time.Hour
	// Times cluster around month starts, where the edges are.
	randTime := func() time.Time {
		if rng.IntN(3) == 0 {
			m := start.AddDate(0, rng.IntN(27), 0)
			return m.Add(time.Duration(rng.Int64N(int64(30*time.Hour))) - 15*time.Hour)
		}
		return start.Add(time.Duration(rng.Int64N(int64(span))))
	}
	users := []string{"U1", "U2", "U3", "U4", "U5", "U6", "U7", "U8"}
	channels := []struct {
		id      string
		private bool
	}{{"C1", false}, {"C2", false}, {"P1", true}, {"P2", true}}
	pick := func(n int) []string {
		var out []string
		for _, i := range rng.Perm(len(users))[:n] {
			out = append(out, users[i])
		}
		return out
	}
	var stories []*extramile.Story
	audiences := []extramile.Audience{"", extramile.AudienceCustomer, extramile.AudienceCoworker}
	for i := 0; i < 100; i++ {
		c := channels[rng.IntN(len(channels))]
		way := extramile.Way("")
		if rng.IntN(4) > 0 {
			way = extramile.Ways[rng.IntN(len(extramile.Ways))]
		}
		stories = append(stories, mustCreateStory(t, db, randTime(), extramile.Story{
			Author: users[rng.IntN(len(users))], Recognized: pick(1 + rng.IntN(3)), Channel: c.id, Private: c.private,
			Audience: audiences[rng.IntN(3)], Way: way,
		}))
	}
	for i := 0; i < 250; i++ {
		g := extramile.KudosGift{Giver: users[rng.IntN(len(users))], Receivers: pick(1 + rng.IntN(2)), MessageTS: fmt.Sprint(i), Emoji: "tada"}
		if rng.IntN(2) == 0 {
			s := stories[rng.IntN(len(stories))]
			g.Channel, g.Private, g.StoryID, g.Receivers = s.Channel, s.Private, s.ID, s.Recognized
		} else {
			c := channels[rng.IntN(len(channels))]
			g.Channel, g.Private = c.id, c.private
		}
		mustAddKudos(t, db, randTime(), g)
	}
	// Change things.
	for i := 0; i < 20; i++ {
		s := *stories[rng.IntN(len(stories))]
		s.Recognized, s.Audience, s.Way = pick(1+rng.IntN(3)), audiences[rng.IntN(3)], extramile.Ways[rng.IntN(9)]
		if err := db.UpdateStory(ctx, &s); err != nil && extramile.ErrorCode(err) != extramile.ENOTFOUND {
			t.Fatal(err)
		}
		if err := db.DeleteStory(ctx, stories[rng.IntN(len(stories))].ID); err != nil && extramile.ErrorCode(err) != extramile.ENOTFOUND {
			t.Fatal(err)
		}
		if _, _, err := db.RemoveKudos(ctx, extramile.KudosTakeBack{Giver: users[rng.IntN(len(users))], Channel: channels[rng.IntN(4)].id, MessageTS: fmt.Sprint(rng.IntN(250)), Emoji: "tada"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := db.ForgetUser(ctx, "U8"); err != nil {
		t.Fatal(err)
	}

	raw := loadRaw(t, db)
	var periods [][2]time.Time
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Logf("skipping %s: %v", zone, err)
			continue
		}
		for _, m := range []int{0, 2, 13, 25} {
			f := time.Date(2023, 11+time.Month(m), 1, 0, 0, 0, 0, loc)
			periods = append(periods, [2]time.Time{f, f.AddDate(0, 1, 0)}, [2]time.Time{f, f.AddDate(0, 0, 7)},
				[2]time.Time{f, f.AddDate(0, 2, 0)}, [2]time.Time{f, f.AddDate(1, 0, 0)}, [2]time.Time{f, f.AddDate(1, 3, 0)})
		}
		y := time.Date(2024, 1, 1, 0, 0, 0, 0, loc)
		periods = append(periods, [2]time.Time{y, y.AddDate(1, 0, 0)}, [2]time.Time{y, {}}, [2]time.Time{{}, y.AddDate(1, 0, 0)})
	}
	for i := 0; i < 20; i++ {
		a, b := randTime(), randTime()
		if b.Before(a) {
			a, b = b, a
		}
		periods = append(periods, [2]time.Time{a, b})
	}
	periods = append(periods, [2]time.Time{}, [2]time.Time{{}, start.AddDate(0, 2, 3)}, [2]time.Time{start.AddDate(0, 1, 0), {}},
		[2]time.Time{start.AddDate(0, 0, 20), {}}, [2]time.Time{{}, start.AddDate(1, 4, 10)}, [2]time.Time{start.AddDate(0, 5, 0), {}},
		[2]time.Time{start.AddDate(-1, 0, 0), start.AddDate(5, 0, 0)}, [2]time.Time{start.AddDate(4, 0, 0), {}})

	first, last, ok := mustRollupMonths(t, db)
	used := map[string]bool{} // the bucket spans and signs the plans read
	if raceEnabled {          // the race detector does not check arithmetic: sample
		var sample [][2]time.Time
		for i := 0; i < len(periods); i += 4 {
			sample = append(sample, periods[i])
		}
		periods = sample
	}
	for _, p := range periods {
		for _, b := range planPeriod(p[0], p[1], "", first, last, ok).tallies {
			used[fmt.Sprintf("%s%+d", b.span, b.sign)] = true
		}
		for _, scope := range []string{"", "C1", "P1"} {
			want := raw.digest(p[0], p[1], scope)
			got, err := db.Digest(ctx, extramile.DigestQuery{From: p[0], To: p[1], Visibility: extramile.SeenIn(scope)})
			if err != nil {
				t.Fatal(err)
			}
			if got.MostKudosed != nil {
				got.MostKudosed = &extramile.Story{ID: got.MostKudosed.ID}
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("digest [%v, %v) scope %q:\n got %s\nwant %s", p[0], p[1], scope, fmtDigest(got), fmtDigest(want))
			}
			if scope == "" {
				top, err := db.Top(ctx, p[0], p[1], 0)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(top, want.Top) {
					t.Fatalf("top [%v, %v):\n got %+v\nwant %+v", p[0], p[1], top, want.Top)
				}
			}
		}
	}
	for _, want := range []string{"month+1", "year+1", "all+1", "month-1"} {
		if !used[want] {
			t.Errorf("no period read %s buckets (read: %v)", want, used)
		}
	}
	t.Logf("checked %d periods × 3 scopes over %d stories, %d recognized, %d kudos", len(periods), len(raw.stories), len(raw.recognized), len(raw.kudos))
}

// rawRows are the stories, recognized rows and kudos as stored.
type rawRows struct {
	stories    []rawStory
	recognized []rawRow
	kudos      []rawRow
}

type rawStory struct {
	id, created     int64
	author, channel string
	audience, way   string
	private         bool
	kudos           int
}

type rawRow struct {
	user, channel string
	private       bool
	created       int64
	storyID       int64
}

func loadRaw(t *testing.T, db *DB) *rawRows {
	t.Helper()
	var r rawRows
	rows, err := db.db.Query(`SELECT id, created_at, author, channel, audience, way, private FROM stories`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s rawStory
		if err := rows.Scan(&s.id, &s.created, &s.author, &s.channel, &s.audience, &s.way, &s.private); err != nil {
			t.Fatal(err)
		}
		r.stories = append(r.stories, s)
	}
	rows.Close()
	for _, q := range []struct {
		query string
		dst   *[]rawRow
	}{
		{`SELECT r.user_id, s.channel, s.private, s.created_at, s.id FROM story_recognized r JOIN stories s ON s.id = r.story_id`, &r.recognized},
		{`SELECT receiver, channel, private, created_at, coalesce(story_id, 0) FROM kudos`, &r.kudos},
	} {
		rows, err := db.db.Query(q.query)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var x rawRow
			if err := rows.Scan(&x.user, &x.channel, &x.private, &x.created, &x.storyID); err != nil {
				t.Fatal(err)
			}
			*q.dst = append(*q.dst, x)
		}
		rows.Close()
	}
	for i := range r.stories {
		for _, k := range r.kudos {
			if k.storyID == r.stories[i].id {
				r.stories[i].kudos++
			}
		}
	}
	return &r
}

// digest computes a digest the slow way (without Previous; MostKudosed has only its ID).
func (r *rawRows) digest(from, to time.Time, scope string) *extramile.Digest {
	in := func(created int64, channel string, private bool) bool {
		return created >= lower(from) && created < upper(to) && (!private || channel == scope)
	}
	d := &extramile.Digest{From: from, To: to}
	sharers, recognized := map[string]bool{}, map[string]bool{}
	ways := map[extramile.Way]int{}
	tally := map[string]*extramile.Tally{}
	get := func(u string) *extramile.Tally {
		if tally[u] == nil {
			tally[u] = &extramile.Tally{User: u}
		}
		return tally[u]
	}
	var most *rawStory
	for i, s := range r.stories {
		if !in(s.created, s.channel, s.private) {
			continue
		}
		d.Stories++
		sharers[s.author] = true
		switch extramile.Audience(s.audience) {
		case extramile.AudienceCustomer:
			d.Customer++
		case extramile.AudienceCoworker:
			d.Coworker++
		}
		if s.way != "" {
			ways[extramile.Way(s.way)]++
		}
		if s.kudos > 0 && (most == nil || s.kudos > most.kudos || s.kudos == most.kudos && (s.created < most.created || s.created == most.created && s.id < most.id)) {
			most = &r.stories[i]
		}
	}
	for _, x := range r.recognized {
		if in(x.created, x.channel, x.private) {
			recognized[x.user] = true
			get(x.user).Stories++
		}
	}
	for _, x := range r.kudos {
		if in(x.created, x.channel, x.private) {
			d.Kudos++
			get(x.user).Kudos++
		}
	}
	d.Sharers, d.Recognized = len(sharers), len(recognized)
	d.ByWay = make([]extramile.WayCount, len(extramile.Ways))
	for i, w := range extramile.Ways {
		d.ByWay[i] = extramile.WayCount{Way: w, Count: ways[w]}
	}
	sort.SliceStable(d.ByWay, func(i, j int) bool { return d.ByWay[i].Count > d.ByWay[j].Count })
	d.Top = []extramile.Tally{}
	for _, t := range tally {
		d.Top = append(d.Top, *t)
	}
	sortTallies(d.Top)
	if most != nil {
		d.MostKudosed, d.MostKudosedN = &extramile.Story{ID: most.id}, most.kudos
	}
	return d
}

func mustRollupMonths(t *testing.T, db *DB) (first, last int64, ok bool) {
	t.Helper()
	tx, err := db.beginRead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	first, last, ok, err = rollupMonths(context.Background(), tx)
	if err != nil {
		t.Fatal(err)
	}
	return first, last, ok
}

package storage

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/extramile/extramile"
)

// TestDigestWeeks: with a Location, the digest counts the stories of each
// week of the month and of the month before (days 1–7, 8–14, … in that
// zone), public ones plus the scope channel's private ones, like the rest of
// the digest.
func TestDigestWeeks(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	at := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, berlin) }
	from, to, prev := at(11, 1, 0), at(12, 1, 0), at(10, 1, 0)

	for _, c := range []struct {
		at      time.Time
		channel string
		private bool
	}{
		{at(10, 31, 23), "CPUB", false}, // October's last week (29–31); 23:00 in Berlin is 22:00 UTC
		{at(10, 26, 3), "CPUB", false},  // October 22–28, on the night the clocks went back
		{at(11, 1, 0), "CPUB", false},   // the first instant of November
		{at(11, 7, 23), "CPUB", false},  // still week 1
		{at(11, 8, 0), "CPUB", false},   // week 2
		{at(11, 8, 1), "CPRIV", true},   // week 2, private: only in CPRIV's digest
		{at(11, 8, 2), "COTHER", true},  // private elsewhere: never here
		{at(11, 30, 23), "CPUB", false}, // week 5 (29–30)
		{at(12, 1, 0), "CPUB", false},   // December: neither month
	} {
		mustCreateStory(t, db, c.at, extramile.Story{Channel: c.channel, Private: c.private})
	}

	counts := func(weeks []extramile.WeekCount) []int {
		var out []int
		for _, w := range weeks {
			out = append(out, w.Stories)
		}
		return out
	}
	for _, tc := range []struct {
		scope          string
		want, wantPrev []int
	}{
		{"", []int{2, 1, 0, 0, 1}, []int{0, 0, 0, 1, 1}},
		{"CPRIV", []int{2, 2, 0, 0, 1}, []int{0, 0, 0, 1, 1}},
	} {
		d, err := db.Digest(ctx, extramile.DigestQuery{From: from, To: to, PrevFrom: prev, Visibility: extramile.SeenIn(tc.scope), Location: berlin})
		if err != nil {
			t.Fatal(err)
		}
		if got := counts(d.Weeks); !slices.Equal(got, tc.want) {
			t.Errorf("scope %q: weeks = %v, want %v", tc.scope, got, tc.want)
		}
		if got := counts(d.Previous.Weeks); !slices.Equal(got, tc.wantPrev) {
			t.Errorf("scope %q: previous weeks = %v, want %v", tc.scope, got, tc.wantPrev)
		}
		if sum := sumInts(counts(d.Weeks)); sum != d.Stories {
			t.Errorf("scope %q: weeks add up to %d, the digest counts %d stories", tc.scope, sum, d.Stories)
		}
		if w := d.Weeks[1]; !w.From.Equal(at(11, 8, 0)) || !w.To.Equal(at(11, 15, 0)) {
			t.Errorf("second week = [%v, %v), want November 8–14 in Berlin", w.From, w.To)
		}
	}

	d, err := db.Digest(ctx, extramile.DigestQuery{From: from, To: to, PrevFrom: prev})
	if err != nil {
		t.Fatal(err)
	}
	if d.Weeks != nil || d.Previous.Weeks != nil {
		t.Errorf("weeks without a Location: %v, %v; want none", d.Weeks, d.Previous.Weeks)
	}
}

func sumInts(xs []int) int {
	n := 0
	for _, x := range xs {
		n += x
	}
	return n
}

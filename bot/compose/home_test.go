package compose

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile"
)

// busyHome is the Home of someone with many stories both ways, on a middle
// page, in a team where some ways are not documented this month.
func busyHome() HomeView {
	var about, shared []*extramile.Story
	for i := range HomePageSize {
		s := story()
		s.ID = int64(100 + i)
		s.Author = "U0BOB00001"
		s.Recognized = []string{"U0ANN00001"}
		s.Text = strings.Repeat("Stayed late to help the customer. ", 20)
		s.CreatedAt = t0.Add(-time.Duration(i) * 24 * time.Hour)
		about = append(about, s)
		m := story()
		m.ID = int64(200 + i)
		m.Author = "U0ANN00001"
		m.CreatedAt = s.CreatedAt
		shared = append(shared, m)
	}
	month := &extramile.Digest{Stories: 14, Recognized: 9}
	for i, w := range extramile.Ways {
		month.ByWay = append(month.ByWay, extramile.WayCount{Way: w, Count: max(5-i, 0)})
	}
	var channels []string
	for i := range 60 {
		channels = append(channels, fmt.Sprintf("C0CHAN%04d", i))
	}
	return HomeView{
		User: "U0ANN00001", About: about, AboutTotal: 37, AboutOffset: 5,
		Shared: shared, SharedTotal: 12, SharedOffset: 0,
		WroteThisWeek: true, Month: month, Quiet: true,
		Habit:         HomeHabit{Streak: 3, Nudges: true, Checkins: 4},
		KudosChannels: channels, KudosChannelsKnown: true,
	}
}

func newHome() HomeView {
	month := &extramile.Digest{}
	for _, w := range extramile.Ways {
		month.ByWay = append(month.ByWay, extramile.WayCount{Way: w})
	}
	return HomeView{User: "U0NEW00001", Month: month, KudosChannels: []string{"C0WINS0001"}, KudosChannelsKnown: true,
		Habit: HomeHabit{Nudges: true}}
}

// snoozedHome is the Home of someone who snoozed their nudge, with a
// streak of one week and no story this week.
func snoozedHome() HomeView {
	v := busyHome()
	v.WroteThisWeek, v.Quiet = false, false
	v.Habit = HomeHabit{Streak: 1, Nudges: true, SnoozedUntil: time.Date(2026, 12, 21, 12, 0, 0, 0, time.UTC), Loc: time.UTC}
	return v
}

// guestHome is a guest's Home where the admins keep the weekly nudge to
// members.
func guestHome() HomeView {
	v := newHome()
	v.Habit = HomeHabit{Nudges: true, GuestNotNudged: true, Loc: time.UTC}
	return v
}

func TestHomeWithinLimits(t *testing.T) {
	v := busyHome()
	// Far more than a page, and absurdly long: still within the limits.
	for range 50 {
		v.About = append(v.About, v.About[0])
	}
	for _, h := range []HomeView{v, newHome(), snoozedHome(), guestHome(), {}} {
		if err := CheckHome(Home(h)); err != nil {
			t.Errorf("CheckHome: %v", err)
		}
	}
}

// homeButtons lists the Home's buttons as "action_id=value".
func homeButtons(h HomeView) []string {
	var out []string
	add := func(e slack.BlockElement) {
		if b, ok := e.(*slack.ButtonBlockElement); ok {
			out = append(out, b.ActionID+"="+b.Value)
		}
	}
	for _, b := range Home(h).Blocks.BlockSet {
		switch b := b.(type) {
		case *slack.ActionBlock:
			for _, e := range b.Elements.ElementSet {
				add(e)
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				add(b.Accessory.ButtonElement)
			}
		}
	}
	return out
}

func TestHomeButtons(t *testing.T) {
	got := homeButtons(busyHome())
	want := []string{
		ActionShareStory + "=",
		ActionHomeAboutPage + "=0:0", ActionHomeAboutPage + "=10:0", // newer and older stories about you
		ActionHomeSharedPage + "=5:5", // older stories you shared
		ActionHomeQuiet + "=off",      // quiet now: turn DMs on
		ActionHomeNudges + "=off",     // nudges on: turn them off (and the snooze menu)
	}
	if !slices.Equal(got, want) {
		t.Errorf("buttons %v, want %v", got, want)
	}
	if got := homeButtons(newHome()); !slices.Equal(got, []string{ActionShareStory + "=", ActionHomeQuiet + "=on", ActionHomeNudges + "=off"}) {
		t.Errorf("a newcomer's buttons: %v", got)
	}
	if got := homeButtons(snoozedHome()); !slices.Contains(got, ActionHomeNudges+"=on") {
		t.Errorf("a snoozed person's buttons: %v, want Resume", got)
	}
	off := newHome()
	off.Habit.Off = true
	if got := homeButtons(off); !slices.Contains(got, ActionHomeNudges+"=on") {
		t.Errorf("buttons with nudges off: %v, want Turn on", got)
	}
	if got, want := HomePages(-3, 7), "0:7"; got != want {
		t.Errorf("HomePages = %q, want %q", got, want)
	}
	if a, s := ParseHomePages("10:5"); a != 10 || s != 5 {
		t.Errorf("ParseHomePages = %d, %d", a, s)
	}
	if a, s := ParseHomePages("junk"); a != 0 || s != 0 {
		t.Errorf("ParseHomePages(junk) = %d, %d", a, s)
	}
}

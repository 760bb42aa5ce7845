package kudos

import (
	"context"
	"fmt"
	"github.com/extramile/extramile"
	"sync"
	"testing"
	"time"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// giver is a person whose Slack time zone reads hour o'clock at now.
func giver(h *apptest.Harness, id string, hour int) string {
	h.Slack.AddUser(slackfake.User{ID: id, Name: "dana", RealName: "Dana Diaz", TZ: zoneAt(hour)})
	return id
}

// TestDailyLimitUnderConcurrentReactions: with a limit of 5, eight kudos
// reactions arriving at once keep exactly 5, and the giver is told once,
// ephemerally. Removing a refused reaction takes nothing away; removing a
// counted one frees a kudos for the day.
func TestDailyLimitUnderConcurrentReactions(t *testing.T) {
	t.Parallel()
	h := start(t, func(c *config.Config) { c.KudosDailyLimit = 5 })
	dana := giver(h, "UDANA", 12) // noon for Dana: her day does not end during the test

	var msgs []slackfake.Message
	var payloads []map[string]any
	for i := range 8 {
		author := []string{apptest.Bob, apptest.Carol}[i%2]
		m := post(h, author, apptest.General, fmt.Sprintf("Good deed number %d", i))
		msgs = append(msgs, m)
		payloads = append(payloads, react(h, added, dana, "raised_hands", m))
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(payloads))
	for _, p := range payloads {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), apptest.Timeout)
			defer cancel()
			id, err := h.Slack.Send(ctx, slackfake.TypeEventsAPI, p)
			if err == nil {
				_, err = h.Slack.WaitAck(ctx, id)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range payloads {
		waitHandled(h, eventID(p), 1)
	}

	counted := map[string]bool{}
	for _, k := range exported(h) {
		if k.Giver != dana {
			t.Errorf("unexpected kudos %v", k)
		}
		counted[k.TS] = true
	}
	if len(counted) != 5 {
		t.Fatalf("Dana's kudos kept: got %d, want 5 (the limit): %v", len(counted), exported(h))
	}
	if n := len(limitNotices(h, dana)); n != 1 {
		t.Fatalf("limit notices to Dana: got %d, want 1", n)
	}
	if n := limitNotices(h, dana)[0]; n.Channel != apptest.General {
		t.Errorf("the limit notice went to %s, want the channel of the reaction", n.Channel)
	}
	var refused, kept slackfake.Message
	for _, m := range msgs {
		if counted[m.TS] {
			kept = m
		} else {
			refused = m
		}
	}
	five := exported(h)

	deliver(h, react(h, removed, dana, "raised_hands", refused))
	wantKudos(h, "after removing a refused reaction", five...)
	deliver(h, react(h, added, dana, "clap", kept)) // a sixth, refused again
	wantKudos(h, "after a sixth kudos", five...)
	if n := len(limitNotices(h, dana)); n != 1 {
		t.Errorf("limit notices to Dana after another refusal: got %d, want still 1", n)
	}

	deliver(h, react(h, removed, dana, "raised_hands", kept))
	if got := len(exported(h)); got != 4 {
		t.Fatalf("after taking one back: %d kudos, want 4", got)
	}
	deliver(h, react(h, added, dana, "raised_hands", refused))
	if got := len(exported(h)); got != 5 {
		t.Errorf("after giving the freed kudos: %d kudos, want 5", got)
	}
}

// TestDailyLimitIsTheGiversDay: the limit counts the kudos given since
// midnight in the giver's own Slack time zone, not in the bot's zone.
func TestDailyLimitIsTheGiversDay(t *testing.T) {
	t.Parallel()
	noon, err := time.LoadLocation(zoneAt(12))
	if err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, func(c *config.Config) {
		c.KudosDailyLimit = 2
		c.Timezone = config.Zone{Location: noon} // the bot's day: 4 hours ago was today
	})
	early := giver(h, "UEARLY", 3) // 03:xx for her: 4 hours ago was yesterday
	late := giver(h, "ULATE", 11)  // 11:xx for him: 4 hours ago was today

	// Each gave 2 kudos 4 hours ago.
	db, err := storage.Open(h.Ctx(), h.Config.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return now.Add(-4 * time.Hour) }
	for _, g := range []string{early, late} {
		for i := range 2 {
			if _, err := db.AddKudos(h.Ctx(), extramile.KudosGift{Giver: g, Receivers: []string{apptest.Bob}, Channel: apptest.General,
				MessageTS: fmt.Sprintf("1600000000.00000%d", i), Emoji: "raised_hands"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	h.Start()

	m := post(h, apptest.Bob, apptest.General, "Helped a customer migrate")
	deliver(h, react(h, added, early, "raised_hands", m))
	deliver(h, react(h, added, late, "raised_hands", m))
	var todays []string
	for _, k := range exported(h) {
		if k.TS == m.TS {
			todays = append(todays, k.Giver)
		}
	}
	if len(todays) != 1 || todays[0] != early {
		t.Errorf("today's kudos came from %v, want only %s (whose day began after the earlier kudos)", todays, early)
	}
	if len(limitNotices(h, late)) != 1 || len(limitNotices(h, early)) != 0 {
		t.Errorf("limit notices: %s got %d, %s got %d; want 1 and 0", late, len(limitNotices(h, late)), early, len(limitNotices(h, early)))
	}
}

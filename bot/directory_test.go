package bot

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile/internal/slackfake"
)

// TestFillUsersPagesAndWaitsOutRateLimits: fillUsers lists a 450-person
// workspace with users.list, 200 a page (3 pages), asks a page Slack
// rate-limited again after its Retry-After, and caches everyone: the
// look-ups that follow make no call.
func TestFillUsersPagesAndWaitsOutRateLimits(t *testing.T) {
	srv := slackfake.New(t)
	var ids []string
	for i := range 450 {
		id := fmt.Sprintf("U%04d", i)
		ids = append(ids, id)
		srv.AddUser(slackfake.User{ID: id, TZ: "UTC"})
	}
	// No retry config: slack-go hands the bot the *slack.RateLimitedError.
	d := newDirectory(slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL())), time.Now)
	if got := d.stale(ids); got != 450 {
		t.Fatalf("stale before = %d", got)
	}
	srv.RateLimitNext("users.list", 2, 0)
	n, err := d.fillUsers(context.Background(), 0)
	if err != nil || n != 452 { // and the bot and Slackbot
		t.Fatalf("fillUsers = %d, %v; want 452", n, err)
	}
	// The fake records a call just after answering it.
	calls := srv.Calls("users.list")
	for deadline := time.Now().Add(5 * time.Second); len(calls) < 5 && time.Now().Before(deadline); calls = srv.Calls("users.list") {
		time.Sleep(time.Millisecond)
	}
	if len(calls) != 5 { // 2 rate-limited, then 3 pages
		t.Errorf("users.list calls = %d, want 5", len(calls))
	}
	for _, c := range calls {
		if c.Params.Get("limit") != "200" {
			t.Errorf("limit = %q, want 200", c.Params.Get("limit"))
		}
	}
	if got := d.stale(ids); got != 0 {
		t.Errorf("stale after = %d", got)
	}
	if _, err := d.user(context.Background(), "U0449"); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Calls("users.info")); n != 0 {
		t.Errorf("users.info calls after the listing: %d", n)
	}

	srv.RateLimitNext("users.list", usersListTries+1, 0)
	if _, err := d.fillUsers(context.Background(), 0); err == nil {
		t.Errorf("a page rate-limited past the tries: %v, want an error", err)
	}
}

// TestFillUsersStopsAtMaxPages: a listing bounded to two pages reads two
// pages of 200, whatever the workspace's size.
func TestFillUsersStopsAtMaxPages(t *testing.T) {
	srv := slackfake.New(t)
	for i := range 1000 {
		srv.AddUser(slackfake.User{ID: fmt.Sprintf("U%04d", i), TZ: "UTC"})
	}
	d := newDirectory(slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL())), time.Now)
	n, err := d.fillUsers(context.Background(), 2)
	if err != nil || n != 400 {
		t.Fatalf("fillUsers = %d, %v; want the 400 people of two pages", n, err)
	}
}

package slackfake

import (
	"context"
	"encoding/base64"
	"fmt"
	"testing"

	"github.com/slack-go/slack"
)

// TestUsersListPages: users.list pages by limit, with an opaque
// response_metadata.next_cursor that is "" on the last page; every user is
// listed once (deactivated people, bots and guests with their flags), a
// cursor the fake did not issue answers invalid_cursor, and no limit lists
// everyone at once.
func TestUsersListPages(t *testing.T) {
	srv := New(t)
	for i := range 5 {
		srv.AddUser(User{ID: fmt.Sprintf("U%d", i), Name: fmt.Sprintf("u%d", i), TZ: "Europe/Berlin"})
	}
	srv.AddUser(User{ID: "UGONE", Deleted: true})
	srv.AddUser(User{ID: "UGUEST", IsRestricted: true})
	srv.AddUser(User{ID: "USINGLE", IsUltraRestricted: true})
	ctx := context.Background()
	api := newAPI(srv)

	seen := map[string]slack.User{}
	p := api.GetUsersPaginated(slack.GetUsersOptionLimit(3))
	pages := 0
	for {
		next, err := p.Next(ctx)
		if p.Done(err) {
			break
		}
		if err != nil {
			t.Fatalf("page %d: %v", pages+1, err)
		}
		p = next
		pages++
		if len(p.Users) > 3 {
			t.Errorf("page %d has %d users, over the limit", pages, len(p.Users))
		}
		for _, u := range p.Users {
			if _, dup := seen[u.ID]; dup {
				t.Errorf("%s listed twice", u.ID)
			}
			seen[u.ID] = u
		}
	}
	// 8 added, the bot and Slackbot.
	if len(seen) != 10 || pages != 4 {
		t.Errorf("listed %d users in %d pages, want 10 in 4", len(seen), pages)
	}
	if u := seen["UGONE"]; !u.Deleted {
		t.Errorf("deactivated user listed as %+v", u)
	}
	if u := seen["UGUEST"]; !u.IsRestricted || u.IsUltraRestricted {
		t.Errorf("multi-channel guest listed as %+v", u)
	}
	if u := seen["USINGLE"]; !u.IsRestricted || !u.IsUltraRestricted {
		t.Errorf("single-channel guest listed as %+v", u)
	}
	if u := seen["U1"]; u.TZ != "Europe/Berlin" {
		t.Errorf("tz = %q", u.TZ)
	}
	if u := seen["UBOT"]; !u.IsBot {
		t.Errorf("the bot listed as %+v", u)
	}

	calls := srv.Calls("users.list")
	for i, c := range calls {
		if i > 0 {
			raw, err := base64.StdEncoding.DecodeString(c.Params.Get("cursor"))
			if err != nil || len(raw) < 6 || string(raw[:5]) != "user:" {
				t.Errorf("call %d: cursor %q is not the documented shape (base64 of user:ID)", i, c.Params.Get("cursor"))
			}
		}
	}

	for _, bad := range []string{"junk", base64.StdEncoding.EncodeToString([]byte("user:UNOPE"))} {
		pg := api.GetUsersPaginated(slack.GetUsersOptionLimit(3))
		pg.Cursor = bad
		if _, err := pg.Next(ctx); slackCode(err) != "invalid_cursor" {
			t.Errorf("cursor %q: %v, want invalid_cursor", bad, err)
		}
	}
	if all, err := api.GetUsersContext(ctx, slack.GetUsersOptionLimit(0)); err != nil || len(all) != 10 {
		t.Errorf("no limit: %d users, %v; want all 10", len(all), err)
	}
}

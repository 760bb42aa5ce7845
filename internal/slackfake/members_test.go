package slackfake

import (
	"slices"
	"testing"

	"github.com/slack-go/slack"
)

func TestConversationsMembers(t *testing.T) {
	srv := New(t)
	api := newAPI(srv)
	ctx := testCtx(t)
	srv.AddUser(User{ID: "UGUEST", IsUltraRestricted: true})
	srv.AddChannel(Channel{ID: "CMEM", Name: "mem", BotIsMember: true, Members: []string{"UA", "UB", "UC"}})
	srv.AddChannel(Channel{ID: "GHIDDEN", Name: "hidden", IsPrivate: true, Members: []string{"UA"}})

	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		ids, next, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "CMEM", Limit: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids...)
		if next == "" {
			break
		}
		if pages > 3 {
			t.Fatal("paging does not end")
		}
		cursor = next
	}
	if want := []string{"UA", "UB", "UC", srv.cfg.botUserID}; !slices.Equal(got, want) {
		t.Errorf("members = %v, want %v", got, want)
	}
	if _, _, err := api.GetUsersInConversationContext(ctx, &slack.GetUsersInConversationParameters{ChannelID: "GHIDDEN"}); err == nil || err.Error() != "channel_not_found" {
		t.Errorf("private channel without the bot: err = %v, want channel_not_found", err)
	}
	u, err := api.GetUserInfoContext(ctx, "UGUEST")
	if err != nil {
		t.Fatal(err)
	}
	if !u.IsRestricted || !u.IsUltraRestricted {
		t.Errorf("single-channel guest: is_restricted %v, is_ultra_restricted %v; want both", u.IsRestricted, u.IsUltraRestricted)
	}
}

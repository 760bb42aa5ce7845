package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/slack-go/slack"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestEphemeralTooBigForAnAckIsPostedInstead: Slack drops socket acks of
// 20 KB or more, so a large reply goes out with chat.postEphemeral and the
// ack carries nothing; a small one rides in the ack.
func TestEphemeralTooBigForAnAckIsPostedInstead(t *testing.T) {
	srv := slackfake.New(t)
	srv.AddUser(slackfake.User{ID: "UALICE", Name: "alice"})
	srv.AddChannel(slackfake.Channel{ID: "CGENERAL", Name: "general", BotIsMember: true})
	b := New(Options{API: slack.New("xoxb-test", slack.OptionAPIURL(srv.APIURL()))})
	ctx := context.Background()

	small := compose.Error("short and sweet")
	if got := b.ephemeral(ctx, "CGENERAL", "UALICE", small); got == nil {
		t.Fatal("a small reply should ride in the ack")
	}
	if n := len(srv.Calls("chat.postEphemeral")); n != 0 {
		t.Fatalf("a small reply was also posted (%d calls)", n)
	}

	var blocks []slack.Block
	for i := 0; i < 12; i++ { // 12 sections of 2,500 characters: about 30 KB
		blocks = append(blocks, slack.NewSectionBlock(slack.NewTextBlockObject(slack.MarkdownType, strings.Repeat("x", 2500), false, false), nil, nil))
	}
	big := compose.Message{Text: "a long list", Blocks: blocks}
	if got := b.ephemeral(ctx, "CGENERAL", "UALICE", big); got != nil {
		t.Fatal("a reply over the ack limit rode in the ack")
	}
	if err := b.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	calls := srv.Calls("chat.postEphemeral")
	if len(calls) != 1 || calls[0].Params.Get("user") != "UALICE" || calls[0].Params.Get("channel") != "CGENERAL" {
		t.Fatalf("chat.postEphemeral calls: got %+v, want one to UALICE in CGENERAL", calls)
	}
}

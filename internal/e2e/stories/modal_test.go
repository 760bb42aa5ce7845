package stories

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// modalView is the part of a modal the tests read.
type modalView struct {
	Title struct {
		Text string `json:"text"`
	} `json:"title"`
	PrivateMetadata string       `json:"private_metadata"`
	Blocks          []modalBlock `json:"blocks"`
}

type modalBlock struct {
	Type     string `json:"type"`
	BlockID  string `json:"block_id"`
	Optional bool   `json:"optional"`
	Element  struct {
		Type                string   `json:"type"`
		ActionID            string   `json:"action_id"`
		Multiline           bool     `json:"multiline"`
		MaxLength           int      `json:"max_length"`
		InitialValue        string   `json:"initial_value"`
		InitialUsers        []string `json:"initial_users"`
		InitialConversation string   `json:"initial_conversation"`
		Placeholder         struct {
			Text string `json:"text"`
		} `json:"placeholder"`
		Options []struct {
			Value string `json:"value"`
		} `json:"options"`
		InitialOption *struct {
			Value string `json:"value"`
		} `json:"initial_option"`
	} `json:"element"`
}

func decodeModal(t *testing.T, v slackfake.View) (modalView, map[string]modalBlock) {
	t.Helper()
	var m modalView
	if err := json.Unmarshal(v.JSON, &m); err != nil {
		t.Fatalf("view %s: %v", v.JSON, err)
	}
	byID := map[string]modalBlock{}
	for _, b := range m.Blocks {
		if b.BlockID != "" {
			byID[b.BlockID] = b
		}
	}
	return m, byID
}

// TestSlashCommandOpensTheStoryModal checks that /extramile alone opens the
// modal with the command's own trigger_id before the ack, with every input
// the issue asks for and the channel it was typed in as the default.
func TestSlashCommandOpensTheStoryModal(t *testing.T) {
	t.Parallel()
	h := start(t)
	cmd := h.Slack.SlashCommand(apptest.Alice, apptest.General, "")
	ack := h.Send(slackfake.TypeSlashCommands, cmd)
	if p := apptest.AckPayload(t, ack); p != nil {
		t.Errorf("ack payload: got %v, want none", p)
	}
	calls := h.Slack.Calls("views.open")
	if len(calls) != 1 {
		t.Fatalf("views.open calls: got %d, want 1", len(calls))
	}
	if got, want := calls[0].Params.Get("trigger_id"), cmd["trigger_id"]; got != want {
		t.Errorf("views.open trigger_id: got %q, want the command's %q", got, want)
	}
	if calls[0].Error != "" {
		t.Fatalf("views.open failed: %s", calls[0].Error)
	}
	views := h.Slack.Views()
	if len(views) != 1 {
		t.Fatalf("views: got %d, want 1", len(views))
	}
	m, blocks := decodeModal(t, views[0])
	if !strings.Contains(strings.ToLower(m.Title.Text), "story") {
		t.Errorf("title %q does not say it is for sharing a story", m.Title.Text)
	}

	who := blocks[compose.BlockWho]
	if who.Element.Type != "multi_users_select" || who.Optional {
		t.Errorf("who: got %s (optional %v), want a required multi_users_select", who.Element.Type, who.Optional)
	}
	what := blocks[compose.BlockWhat]
	if what.Element.Type != "plain_text_input" || !what.Element.Multiline || what.Optional {
		t.Errorf("what: got %s multiline=%v optional=%v, want a required multiline plain_text_input", what.Element.Type, what.Element.Multiline, what.Optional)
	}
	if what.Element.MaxLength != extramile.MaxStoryLength {
		t.Errorf("what max_length: got %d, want %d", what.Element.MaxLength, extramile.MaxStoryLength)
	}
	if what.Element.Placeholder.Text == "" {
		t.Error("what has no coaching placeholder")
	}
	audience := blocks[compose.BlockAudience]
	if got := len(audience.Element.Options); audience.Element.Type != "radio_buttons" || got != 2 {
		t.Errorf("audience: got %s with %d options, want radio_buttons customer/coworker", audience.Element.Type, got)
	}
	way := blocks[compose.BlockWay]
	if way.Element.Type != "static_select" || !way.Optional || len(way.Element.Options) != len(extramile.Ways) {
		t.Errorf("way: got %s optional=%v with %d options, want an optional static_select of the nine ways", way.Element.Type, way.Optional, len(way.Element.Options))
	}
	ch := blocks[compose.BlockChannel]
	if ch.Element.Type != "conversations_select" || ch.Element.InitialConversation != apptest.General {
		t.Errorf("channel: got %s defaulting to %q, want a conversations_select defaulting to %s", ch.Element.Type, ch.Element.InitialConversation, apptest.General)
	}
}

// TestSubmitSharesTheStory submits the modal as Slack sends it and checks the
// whole path: kept before the ack, one public shoutout that thanks, shows the
// story, its way and who shared it; one DM per recognized person with a link
// to the shoutout; an ephemeral confirmation for the author with the link.
func TestSubmitSharesTheStory(t *testing.T) {
	t.Parallel()
	h := start(t)
	v := openModal(t, h, apptest.Alice, apptest.General)
	f := goodForm()
	f.Who = []string{apptest.Bob, apptest.Carol}
	if p := submit(t, h, v.ID, f); p != nil {
		t.Fatalf("submission answered %v, want a plain ack", p)
	}
	// Kept before the ack: the export sees it at once.
	stories := h.Export().Stories
	if len(stories) != 1 {
		t.Fatalf("stories kept right after the ack: got %d, want 1", len(stories))
	}
	s := stories[0]
	if s.Author != apptest.Alice || s.Text != storyText || s.Channel != apptest.General || s.Category != string(extramile.WayNoticeNeed) || s.Audience != "customer" {
		t.Errorf("story kept: %+v", s)
	}
	if got := strings.Join(s.Recognized, ","); got != apptest.Bob+","+apptest.Carol {
		t.Errorf("recognized: got %s, want Bob and Carol", got)
	}

	h.Eventually("the confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })
	posts := shoutouts(h, apptest.General)
	if len(posts) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(posts))
	}
	so := posts[0]
	if len(so.Blocks) == 0 || so.Text == "" {
		t.Errorf("shoutout needs blocks and a plain-text fallback: text %q, blocks %s", so.Text, so.Blocks)
	}
	text := apptest.Text(so)
	for _, want := range []string{"Thank you", "<@" + apptest.Bob + ">", "<@" + apptest.Carol + ">", "Noticed the customer's import failing", extramile.WayNoticeNeed.Title(), "a customer", "Shared by <@" + apptest.Alice + ">"} {
		if !strings.Contains(text, want) {
			t.Errorf("shoutout lacks %q:\n%s", want, text)
		}
	}
	for _, u := range []string{apptest.Bob, apptest.Carol} {
		if !strings.Contains(so.Text, "<@"+u+">") {
			t.Errorf("the shoutout's fallback text does not mention %s: %q", u, so.Text)
		}
	}

	link := h.Export().Stories[0].Permalink
	if link == "" {
		t.Fatal("no permalink kept for the shoutout")
	}
	for _, u := range []string{apptest.Bob, apptest.Carol} {
		dms := thanks(h, u)
		if len(dms) != 1 {
			t.Fatalf("thank-you DMs to %s: got %d, want 1", u, len(dms))
		}
		dm := apptest.Text(dms[0])
		for _, want := range []string{"Thank you", "Noticed the customer's import failing", link, "<@" + apptest.Alice + ">"} {
			if !strings.Contains(dm, want) {
				t.Errorf("DM to %s lacks %q:\n%s", u, want, dm)
			}
		}
	}
	if n := len(h.Posts(apptest.Alice)); n != 0 {
		t.Errorf("the author got %d DMs, want none (the confirmation is ephemeral)", n)
	}
	conf := confirmations(h, apptest.Alice)[0]
	if conf.Channel != apptest.General || !strings.Contains(apptest.Text(conf), link) {
		t.Errorf("confirmation in %s without the link %s:\n%s", conf.Channel, link, apptest.Text(conf))
	}
	if calls := h.Slack.Calls("chat.getPermalink"); len(calls) != 1 {
		t.Errorf("chat.getPermalink calls: got %d, want 1", len(calls))
	}
}

// TestSubmitterMayNameThemselves checks that naming yourself is accepted and
// thanked kindly, without a DM to yourself.
func TestSubmitterMayNameThemselves(t *testing.T) {
	t.Parallel()
	h := start(t)
	f := goodForm()
	f.Who = []string{apptest.Alice}
	share(t, h, apptest.Alice, apptest.General, f)
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	if text := apptest.Text(so[0]); !strings.Contains(text, "<@"+apptest.Alice+">") || !strings.Contains(text, "own") {
		t.Errorf("a story about yourself should thank you and say it is your own:\n%s", text)
	}
	if n := len(h.Posts(apptest.Alice)); n != 0 {
		t.Errorf("DMs to the author: got %d, want 0", n)
	}
}

// TestSubmitErrors checks each invalid submission is answered with
// response_action errors on the right input, and that nothing is kept.
func TestSubmitErrors(t *testing.T) {
	t.Parallel()
	h := start(t)
	tests := []struct {
		name  string
		edit  func(*form)
		block string
		says  string
	}{
		{"blank story", func(f *form) { f.What = "" }, compose.BlockWhat, "blank"},
		{"whitespace story", func(f *form) { f.What = " \n\t  \n " }, compose.BlockWhat, "blank"},
		{"too short", func(f *form) { f.What = "did great" }, compose.BlockWhat, "at least"},
		{"too short after trimming", func(f *form) { f.What = "     thanks!      \n\n\n        " }, compose.BlockWhat, "at least"},
		{"nobody named", func(f *form) { f.Who = nil }, compose.BlockWho, "at least one person"},
		{"a bot named", func(f *form) { f.Who = []string{apptest.Bob, apptest.OtherBot} }, compose.BlockWho, "app"},
		{"this bot named", func(f *form) { f.Who = []string{apptest.BotUser} }, compose.BlockWho, "app"},
		{"a deactivated user", func(f *form) { f.Who = []string{apptest.Deactivated} }, compose.BlockWho, "deactivated"},
		{"an unknown user", func(f *form) { f.Who = []string{"UNOBODY01"} }, compose.BlockWho, "can't find"},
		{"no audience", func(f *form) { f.Audience = "" }, compose.BlockAudience, "customer"},
		{"no channel", func(f *form) { f.Channel = "" }, compose.BlockChannel, "channel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := openModal(t, h, apptest.Alice, apptest.General)
			f := goodForm()
			tt.edit(&f)
			errs := ackErrors(t, submit(t, h, v.ID, f))
			msg, ok := errs[tt.block]
			if !ok {
				t.Fatalf("errors %v: nothing on %s", errs, tt.block)
			}
			if !strings.Contains(strings.ToLower(msg), tt.says) {
				t.Errorf("error on %s: got %q, want it to say %q", tt.block, msg, tt.says)
			}
			if len(errs) != 1 {
				t.Errorf("errors: got %v, want only %s", errs, tt.block)
			}
		})
	}
	if n := len(h.Export().Stories); n != 0 {
		t.Errorf("stories kept after invalid submissions: got %d, want 0", n)
	}
	if n := len(h.Slack.Calls("chat.postMessage")); n != 0 {
		t.Errorf("posts after invalid submissions: got %d, want 0", n)
	}
}

// TestSubmitErrorsBothInputs checks that a form wrong in two places names both.
func TestSubmitErrorsBothInputs(t *testing.T) {
	t.Parallel()
	h := start(t)
	v := openModal(t, h, apptest.Alice, apptest.General)
	f := goodForm()
	f.Who, f.What = []string{apptest.Deactivated}, "   "
	errs := ackErrors(t, submit(t, h, v.ID, f))
	if errs[compose.BlockWho] == "" || errs[compose.BlockWhat] == "" {
		t.Errorf("errors: got %v, want both who and what", errs)
	}
}

// TestCommandInADirectMessage checks /extramile typed in the bot's DM: the
// modal opens without a default channel, the channel must be chosen, and the
// story is shared where chosen.
func TestCommandInADirectMessage(t *testing.T) {
	t.Parallel()
	h := start(t)
	dm := "D" + apptest.Alice
	v := openModal(t, h, apptest.Alice, dm)
	_, blocks := decodeModal(t, v)
	if got := blocks[compose.BlockChannel].Element.InitialConversation; got != "" {
		t.Errorf("default channel from a DM: got %q, want none", got)
	}
	f := goodForm()
	f.Channel = ""
	errs := ackErrors(t, submit(t, h, v.ID, f))
	if errs[compose.BlockChannel] == "" {
		t.Fatalf("errors: got %v, want one on the channel", errs)
	}
	f.Channel = apptest.General
	if p := submit(t, h, v.ID, f); p != nil {
		t.Fatalf("second submission answered %v, want a plain ack", p)
	}
	h.Eventually("the shoutout", func() bool { return len(shoutouts(h, apptest.General)) == 1 })
	h.Eventually("the confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })

	// Quick share needs a channel to post in: from a DM it explains.
	text := ackText(t, h.Command(apptest.Alice, dm, "<@"+apptest.Bob+"|bob> "+storyText))
	if !strings.Contains(text, "channel") {
		t.Errorf("quick share in a DM: got %q, want advice to run it in a channel", text)
	}
	if n := len(h.Export().Stories); n != 1 {
		t.Errorf("stories: got %d, want 1", n)
	}
}

// TestSlowSlackDoesNotDelayTheAck rate-limits views.open and users.info with
// a long Retry-After: the command still answers in time with a clear error
// instead of a modal that can no longer open, and a submission is still
// acked in time, keeping the story (the person is accepted unchecked).
func TestSlowSlackDoesNotDelayTheAck(t *testing.T) {
	t.Parallel()
	h := start(t)
	h.Slack.RateLimitNext("views.open", 1, 20)
	ack := h.Command(apptest.Alice, apptest.General, "")
	if lat := ack.Received.Sub(ack.Sent); lat > 3*time.Second {
		t.Errorf("ack after %v; Slack gives up after 3 s", lat)
	}
	if text := ackText(t, ack); !strings.Contains(text, "try again") {
		t.Errorf("reply: got %q, want a clear error asking to try again", text)
	}

	v := openModal(t, h, apptest.Alice, apptest.General)
	h.Slack.RateLimitNext("users.info", 1, 20)
	h.Slack.RateLimitNext("conversations.info", 1, 20)
	p, err := h.Slack.ViewSubmissionFor(v.ID, goodForm().values())
	if err != nil {
		t.Fatal(err)
	}
	ack = h.Send(slackfake.TypeInteractive, p)
	if lat := ack.Received.Sub(ack.Sent); lat > 3*time.Second {
		t.Errorf("submission acked after %v; Slack gives up after 3 s", lat)
	}
	if p := apptest.AckPayload(t, ack); p != nil {
		t.Errorf("submission answered %v, want a plain ack", p)
	}
	if n := len(h.Export().Stories); n != 1 {
		t.Errorf("stories: got %d, want 1", n)
	}
}

// TestModalDefaultsOnlyWhereItCanPost checks the channel the command was
// typed in is the default only when the bot can post there: a public channel
// it is not in yet (it joins), a private one it was invited to; not a private
// one it was not invited to, nor an archived one.
func TestModalDefaultsOnlyWhereItCanPost(t *testing.T) {
	t.Parallel()
	h := start(t)
	for _, tt := range []struct {
		channel, want string
	}{
		{apptest.Random, apptest.Random},
		{apptest.Team, apptest.Team},
		{apptest.Secret, ""},
		{apptest.Archived, ""},
	} {
		v := openModal(t, h, apptest.Alice, tt.channel)
		_, blocks := decodeModal(t, v)
		if got := blocks[compose.BlockChannel].Element.InitialConversation; got != tt.want {
			t.Errorf("typed in %s: default %q, want %q", tt.channel, got, tt.want)
		}
		if strings.Contains(string(v.JSON), "default_to_current_conversation") != (tt.want != "") {
			t.Errorf("typed in %s: default_to_current_conversation set wrongly: %s", tt.channel, v.Blocks)
		}
	}
}

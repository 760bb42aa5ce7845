package stories

import (
	"strings"
	"testing"

	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// TestMessageShortcutPrefillsAndLinksBack picks "Share as a story" on a
// thread reply Bob wrote: the modal opens before the ack with Bob as the
// person recognized and the message's text (unescaped) as the story; the
// story keeps the message's permalink and the shoutout links to it.
func TestMessageShortcutPrefillsAndLinksBack(t *testing.T) {
	t.Parallel()
	h := start(t)
	parent := h.Slack.AddMessage(slackfake.Message{Channel: apptest.General, User: apptest.Carol, Text: "Anyone free to help with the import?"})
	reply := h.Slack.AddMessage(slackfake.Message{
		Channel: apptest.General, User: apptest.Bob, ThreadTS: parent.TS,
		Text: "On it with <@" + apptest.Carol + ">: fixed the &lt;import&gt; for the customer &amp; wrote them a how-to so it never happens again.",
	})

	before := len(h.Slack.Views())
	p := h.Slack.MessageShortcutPayload(apptest.Alice, apptest.General, reply.TS, compose.CallbackShareMessage)
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("ack payload %v, want a plain ack", ack)
	}
	views := h.Slack.Views()
	if len(views) != before+1 {
		t.Fatalf("views: got %d, want %d: the shortcut opened no modal before the ack", len(views), before+1)
	}
	v := views[len(views)-1]
	if v.UserID != apptest.Alice || v.CallbackID != compose.CallbackStory {
		t.Fatalf("opened %q for %s, want the story modal for Alice", v.CallbackID, v.UserID)
	}
	_, blocks := decodeModal(t, v)
	if got := blocks[compose.BlockWho].Element.InitialUsers; len(got) != 1 || got[0] != apptest.Bob {
		t.Errorf("who prefilled with %v, want [%s]", got, apptest.Bob)
	}
	// The form is plain text: a mention reads as the person's name there,
	// not as Slack's raw <@U…> (her display name, as Slack shows it).
	wantText := "On it with @carol: fixed the <import> for the customer & wrote them a how-to so it never happens again."
	if got := blocks[compose.BlockWhat].Element.InitialValue; got != wantText {
		t.Errorf("what prefilled with %q, want %q", got, wantText)
	}
	if got := blocks[compose.BlockChannel].Element.InitialConversation; got != apptest.General {
		t.Errorf("channel prefilled with %q, want %s", got, apptest.General)
	}

	f := goodForm()
	f.What = wantText
	if ack := submit(t, h, v.ID, f); ack != nil {
		t.Fatalf("submission answered %v, want a plain ack", ack)
	}
	h.Eventually("the author's confirmation", func() bool { return len(confirmations(h, apptest.Alice)) > 0 })

	stories := h.Export().Stories
	if len(stories) != 1 {
		t.Fatalf("stories: got %d, want 1", len(stories))
	}
	link := stories[0].SourceLink
	if !strings.Contains(link, "/archives/"+apptest.General+"/p"+strings.Replace(reply.TS, ".", "", 1)) || !strings.Contains(link, "thread_ts="+parent.TS) {
		t.Errorf("source link %q does not point at the thread reply", link)
	}
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	if !strings.Contains(apptest.Text(so[0]), link) {
		t.Errorf("shoutout does not link to the message %s: %s", link, so[0].Blocks)
	}
}

// TestMessageShortcutRefusesBotMessages picks the shortcut on the bot's own
// shoutout: no modal opens, and the person is told why, only to them.
func TestMessageShortcutRefusesBotMessages(t *testing.T) {
	t.Parallel()
	h := start(t)
	share(t, h, apptest.Alice, apptest.General, goodForm())
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	before, answered := len(h.Slack.Views()), len(h.Slack.Calls("response_url"))
	p := h.Slack.MessageShortcutPayload(apptest.Carol, apptest.General, so[0].TS, compose.CallbackShareMessage)
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("ack payload %v, want a plain ack", ack)
	}
	h.Eventually("the reason", func() bool { return len(h.Slack.Calls("response_url")) > answered })
	if got := len(h.Slack.Views()); got != before {
		t.Errorf("views: got %d, want %d: a modal opened for a bot's message", got, before)
	}
	rs := responses(t, h)
	last := rs[len(rs)-1]
	if last["response_type"] != "ephemeral" || !strings.Contains(responseText(last), "posted by an app") {
		t.Errorf("reply %v, want an ephemeral reason saying the message is an app's", last)
	}
	if n := len(h.Export().Stories); n != 1 {
		t.Errorf("stories: got %d, want 1", n)
	}
}

// TestGlobalShortcutOpensTheModal picks the global shortcut: the story
// modal opens with its trigger, with no channel chosen.
func TestGlobalShortcutOpensTheModal(t *testing.T) {
	t.Parallel()
	h := start(t)
	p := h.Slack.GlobalShortcutPayload(apptest.Alice, compose.CallbackShareGlobal)
	if ack := apptest.AckPayload(t, h.Interact(p)); ack != nil {
		t.Fatalf("ack payload %v, want a plain ack", ack)
	}
	calls := h.Slack.Calls("views.open")
	if len(calls) != 1 || calls[0].Error != "" || calls[0].Params.Get("trigger_id") != p["trigger_id"] {
		t.Fatalf("views.open: got %+v, want one with the shortcut's trigger_id", calls)
	}
	views := h.Slack.Views()
	_, blocks := decodeModal(t, views[len(views)-1])
	if got := blocks[compose.BlockChannel].Element.InitialConversation; got != "" {
		t.Errorf("channel prefilled with %q, want none", got)
	}
	if _, ok := blocks[compose.BlockWho]; !ok {
		t.Error("the modal has no who input")
	}
}

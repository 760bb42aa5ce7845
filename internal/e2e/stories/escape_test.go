package stories

import (
	"regexp"
	"strings"
	"testing"

	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// pingStory is a story made of every form that could ping people or break a
// message, plus a real mention that must keep working.
const pingStory = "<!channel> <!here> <!everyone> <!subteam^S0TEAM1|@support> <!date^1392734382^{date}|Feb 18> " +
	"<http://evil.example|click me> & &amp; < > <@UBOB> thanked by <@UCAROL|carol> in <#CGENERAL|general>"

// pinging matches what makes Slack notify or link: broadcasts, user groups,
// links and dates, written as Slack's special <…> forms.
var pinging = regexp.MustCompile(`<(!|http|mailto)`)

// botLink is a link the bot writes to a message (the fake's permalinks).
var botLink = regexp.MustCompile(`<https://fake\.slack\.test/archives/[A-Z0-9]+/p\d+\|[^<>|]*>`)

// entity is an escaped "&", "<" or ">".
var entity = regexp.MustCompile(`&(amp|lt|gt);`)

// checkSafe fails when m, in its text or any of its blocks, holds a form
// that pings or links, or an unescaped "&" that is not an entity.
func checkSafe(t *testing.T, what string, m slackfake.Message) {
	t.Helper()
	text := apptest.Text(m)
	// The bot's own links to the shoutout are fine.
	cleaned := botLink.ReplaceAllString(text, "")
	if loc := pinging.FindStringIndex(cleaned); loc != nil {
		t.Errorf("%s holds %q, which pings or links:\n%s", what, cleaned[loc[0]:min(loc[1]+20, len(cleaned))], text)
	}
	if strings.Contains(entity.ReplaceAllString(cleaned, ""), "&") {
		t.Errorf("%s holds an unescaped \"&\":\n%s", what, text)
	}
}

// TestStoryTextIsEscapedEverywhere shares a story made of every ping form and
// checks the shoutout, the DMs and the confirmation: nothing pings, nothing
// breaks, the text reads as typed and real mentions still work.
func TestStoryTextIsEscapedEverywhere(t *testing.T) {
	t.Parallel()
	h := start(t)
	f := goodForm()
	f.What = pingStory
	share(t, h, apptest.Alice, apptest.General, f)

	if got := h.Export().Stories[0].Text; got != pingStory {
		t.Errorf("kept text: got %q, want it exactly as typed", got)
	}
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	checkSafe(t, "shoutout", so[0])
	text := apptest.Text(so[0])
	for _, want := range []string{"&lt;!channel&gt;", "&lt;!here&gt;", "&lt;!everyone&gt;", "&lt;!subteam^S0TEAM1|@support&gt;", "&amp; &amp;amp; &lt; &gt;", "<@UBOB>", "<@UCAROL>", "<#CGENERAL>"} {
		if !strings.Contains(text, want) {
			t.Errorf("shoutout lacks %q:\n%s", want, text)
		}
	}
	h.Eventually("the DM", func() bool { return len(thanks(h, apptest.Bob)) == 1 })
	checkSafe(t, "thank-you DM", thanks(h, apptest.Bob)[0])
	checkSafe(t, "confirmation", confirmations(h, apptest.Alice)[0])
}

// TestQuickShareIsEscaped checks a quick share typed with every ping form, as
// Slack sends it with should_escape (broadcasts as <!here>, "<" as "&lt;"),
// shows them as typed without pinging.
func TestQuickShareIsEscaped(t *testing.T) {
	t.Parallel()
	h := start(t)
	// What a person typed: "@Bob covered for @here and @channel & wrote <!everyone> on the board for the team"
	text := "<@UBOB|bob> covered for <!here> and <!channel> &amp; wrote &lt;!everyone&gt; and &lt;!subteam^S1|x&gt; on the board for <!subteam^S0TEAM1|@support>"
	if p := apptest.AckPayload(t, h.Command(apptest.Alice, apptest.General, text)); p != nil {
		t.Fatalf("quick share answered %v, want a plain ack", p)
	}
	h.Eventually("the confirmation", func() bool { return len(confirmations(h, apptest.Alice)) == 1 })
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	checkSafe(t, "shoutout", so[0])
	got := apptest.Text(so[0])
	for _, want := range []string{"@here", "@channel", "&amp;", "&lt;!everyone&gt;", "&lt;!subteam^S1|x&gt;", "@support"} {
		if !strings.Contains(got, want) {
			t.Errorf("shoutout lacks %q:\n%s", want, got)
		}
	}
	h.Eventually("the DM", func() bool { return len(thanks(h, apptest.Bob)) == 1 })
	checkSafe(t, "thank-you DM", thanks(h, apptest.Bob)[0])
}

package stories

import (
	"fmt"
	"strings"
	"testing"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot/compose"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/slackfake"
)

// shared shares a story by Alice about Bob in General and returns it with its shoutout.
func shared(t *testing.T, h *apptest.Harness) (extramile.ExportStory, slackfake.Message) {
	t.Helper()
	s := share(t, h, apptest.Alice, apptest.General, goodForm())
	so := shoutouts(h, apptest.General)
	if len(so) != 1 {
		t.Fatalf("shoutouts: got %d, want 1", len(so))
	}
	return s, so[len(so)-1]
}

// editAs opens the edit modal from the shoutout's menu as user, submits it
// with f and returns the ack payload.
func editAs(t *testing.T, h *apptest.Harness, user string, so slackfake.Message, id int64, f form) map[string]any {
	t.Helper()
	before := len(h.Slack.Views())
	if p := apptest.AckPayload(t, menu(h, user, so, compose.MenuEdit, id)); p != nil {
		t.Fatalf("menu ack: got %v, want a plain ack", p)
	}
	views := h.Slack.Views()
	if len(views) != before+1 {
		t.Fatalf("views: got %d, want %d (the edit modal)", len(views), before+1)
	}
	v := views[len(views)-1]
	_, blocks := decodeModal(t, v)
	if got := blocks[compose.BlockWhat].Element.InitialValue; got != storyText {
		t.Errorf("edit modal prefilled with %q, want the story", got)
	}
	if got := blocks[compose.BlockWho].Element.InitialUsers; len(got) != 1 || got[0] != apptest.Bob {
		t.Errorf("edit modal prefilled with people %v, want Bob", got)
	}
	if got := blocks[compose.BlockWay].Element.InitialOption; got == nil || got.Value != string(extramile.WayNoticeNeed) {
		t.Errorf("edit modal prefilled with way %v, want %s", got, extramile.WayNoticeNeed)
	}
	if _, ok := blocks[compose.BlockChannel]; ok {
		t.Error("the edit modal asks for a channel; the story stays where it was shared")
	}
	f.noChan = true
	return submit(t, h, v.ID, f)
}

// TestAuthorEditsStory edits a story from its shoutout: the modal reopens
// prefilled, the story and the shoutout change, and a person added by the
// edit is thanked (once), while those already thanked are not thanked again.
func TestAuthorEditsStory(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	f := goodForm()
	f.Who = []string{apptest.Bob, apptest.Carol}
	f.What = "Fixed the customer's import at 2am and wrote a how-to; Carol reviewed it before breakfast."
	f.Way = extramile.WayMakeItRight
	if p := editAs(t, h, apptest.Alice, so, s.ID, f); p != nil {
		t.Fatalf("edit submission answered %v, want a plain ack", p)
	}
	got := h.Export().Stories[0]
	if got.Text != f.What || strings.Join(got.Recognized, ",") != "UBOB,UCAROL" || got.Category != string(extramile.WayMakeItRight) {
		t.Errorf("edited story: %+v", got)
	}
	h.Eventually("the shoutout updated", func() bool {
		m := shoutouts(h, apptest.General)[0]
		return m.Edited && strings.Contains(apptest.Text(m), "Carol reviewed it")
	})
	text := apptest.Text(shoutouts(h, apptest.General)[0])
	for _, want := range []string{"<@UCAROL>", "(edited)", extramile.WayMakeItRight.Title()} {
		if !strings.Contains(text, want) {
			t.Errorf("updated shoutout lacks %q:\n%s", want, text)
		}
	}
	h.Eventually("Carol's thank-you DM", func() bool { return len(thanks(h, apptest.Carol)) == 1 })
	if n := len(thanks(h, apptest.Bob)); n != 1 {
		t.Errorf("thank-you DMs to Bob: got %d, want 1 (not again for an edit)", n)
	}
	if n := len(shoutouts(h, apptest.General)); n != 1 {
		t.Errorf("shoutouts: got %d, want 1 (updated, not posted again)", n)
	}
}

// TestOthersCannotEditOrDelete checks that someone who neither shared the
// story nor is an admin is refused, clearly and ephemerally, from the menu
// and even with a forged submission, and that the story stays as it was.
func TestOthersCannotEditOrDelete(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	for _, verb := range []string{compose.MenuEdit, compose.MenuDelete} {
		before := len(h.Ephemerals(apptest.Bob))
		if p := apptest.AckPayload(t, menu(h, apptest.Bob, so, verb, s.ID)); p != nil {
			t.Errorf("%s: ack %v, want a plain ack", verb, p)
		}
		h.Eventually("Bob's refusal", func() bool { return len(h.Ephemerals(apptest.Bob)) > before })
		msg := apptest.Text(h.Ephemerals(apptest.Bob)[before])
		if !strings.Contains(msg, "Only the person who shared this story") {
			t.Errorf("%s refusal: got %q", verb, msg)
		}
	}
	if n := len(h.Slack.Views()); n != 1 { // the share modal only
		t.Errorf("views: got %d, want 1: no edit modal for Bob", n)
	}
	// A submission Bob forged for Alice's story is refused too.
	meta := compose.ModalMetadata{StoryID: s.ID}.Encode()
	f := goodForm()
	f.What, f.noChan = "Bob rewrote Alice's story to say something else entirely.", true
	p := h.Slack.ViewSubmissionPayload(apptest.Bob, compose.CallbackStory, meta, f.values())
	errs := ackErrors(t, apptest.AckPayload(t, h.Interact(p)))
	if !strings.Contains(strings.Join(values(errs), " "), "Only the person who shared this story") {
		t.Errorf("forged edit: got %v, want a refusal", errs)
	}
	// Nor can Bob confirm a deletion he was never offered.
	click(h, apptest.Bob, apptest.General, compose.ActionDeleteConfirm, fmt.Sprint(s.ID))
	h.Eventually("Bob's third refusal", func() bool { return len(h.Ephemerals(apptest.Bob)) == 3 })
	if got := h.Export().Stories; len(got) != 1 || got[0].Text != storyText {
		t.Errorf("story after refusals: %+v, want it unchanged", got)
	}
	if m := shoutouts(h, apptest.General)[0]; m.Edited {
		t.Error("the shoutout was changed")
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestAuthorDeletesStory deletes from the shoutout's menu: a confirmation
// first ("Keep it" keeps it), then the story is gone from every count and
// the shoutout says it was removed.
func TestAuthorDeletesStory(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	if text := ackText(t, h.Command(apptest.Carol, apptest.General, "top all")); !strings.Contains(text, "<@UBOB>") {
		t.Fatalf("top before deleting: %q, want Bob", text)
	}

	menu(h, apptest.Alice, so, compose.MenuDelete, s.ID)
	h.Eventually("the delete confirmation", func() bool { return len(h.Ephemerals(apptest.Alice)) == 2 })
	confirm := h.Ephemerals(apptest.Alice)[1]
	if !strings.Contains(string(confirm.Blocks), compose.ActionDeleteConfirm) || !strings.Contains(string(confirm.Blocks), compose.ActionDeleteCancel) {
		t.Fatalf("delete confirmation has no buttons: %s", confirm.Blocks)
	}
	click(h, apptest.Alice, apptest.General, compose.ActionDeleteCancel, fmt.Sprint(s.ID))
	h.Eventually("the answer to Keep it", func() bool { return len(h.Slack.Calls("response_url")) == 1 })
	if r := responses(t, h)[0]; r["replace_original"] != true || !strings.Contains(responseText(r), "Kept") {
		t.Errorf("keep it answered %v", r)
	}
	if n := len(h.Export().Stories); n != 1 {
		t.Fatalf("stories after Keep it: got %d, want 1", n)
	}

	click(h, apptest.Alice, apptest.General, compose.ActionDeleteConfirm, fmt.Sprint(s.ID))
	if n := len(h.Export().Stories); n != 0 {
		t.Errorf("stories after deleting: got %d, want 0", n)
	}
	h.Eventually("the shoutout updated", func() bool { return message(t, h, so.Channel, so.TS).Edited })
	text := apptest.Text(message(t, h, so.Channel, so.TS))
	if strings.Contains(text, "Noticed the customer") || !strings.Contains(text, "removed") {
		t.Errorf("shoutout after deleting:\n%s", text)
	}
	h.Eventually("the answer to Delete", func() bool { return len(h.Slack.Calls("response_url")) == 2 })
	if r := responses(t, h)[1]; !strings.Contains(responseText(r), "deleted") {
		t.Errorf("delete answered %v", r)
	}
	if text := ackText(t, h.Command(apptest.Carol, apptest.General, "top all")); strings.Contains(text, "<@UBOB>") {
		t.Errorf("top after deleting still counts the story:\n%s", text)
	}
	// The menu of a deleted story says so.
	menu(h, apptest.Alice, so, compose.MenuEdit, s.ID)
	h.Eventually("an answer about the deleted story", func() bool { return len(h.Ephemerals(apptest.Alice)) == 3 })
	if msg := apptest.Text(h.Ephemerals(apptest.Alice)[2]); !strings.Contains(msg, "no longer exists") {
		t.Errorf("edit of a deleted story: got %q", msg)
	}
}

// TestAdminMayEditAndDelete checks an admin (EXTRAMILE_ADMINS) may edit and
// delete someone else's story, and the shoutout does not blame the author.
func TestAdminMayEditAndDelete(t *testing.T) {
	t.Parallel()
	h := start(t)
	s, so := shared(t, h)
	f := goodForm()
	f.What = "Fixed the customer's import at 2am (the admin fixed a typo in this story)."
	if p := editAs(t, h, apptest.Admin, so, s.ID, f); p != nil {
		t.Fatalf("admin edit answered %v", p)
	}
	if got := h.Export().Stories[0]; got.Text != f.What || got.Author != apptest.Alice {
		t.Errorf("after the admin's edit: %+v, want the new text and Alice still the author", got)
	}
	menu(h, apptest.Owner, so, compose.MenuDelete, s.ID) // a workspace owner
	h.Eventually("the owner's delete confirmation", func() bool { return len(h.Ephemerals(apptest.Owner)) == 1 })
	click(h, apptest.Owner, apptest.General, compose.ActionDeleteConfirm, fmt.Sprint(s.ID))
	if n := len(h.Export().Stories); n != 0 {
		t.Fatalf("stories after the owner deleted: got %d, want 0", n)
	}
	h.Eventually("the shoutout updated", func() bool {
		return strings.Contains(apptest.Text(message(t, h, so.Channel, so.TS)), "removed")
	})
	if text := apptest.Text(message(t, h, so.Channel, so.TS)); strings.Contains(text, "removed by the person who shared it") {
		t.Errorf("the shoutout says the author removed it, but an admin did:\n%s", text)
	}
}

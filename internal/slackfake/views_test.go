package slackfake

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// modal is a story-like modal with n input blocks.
func modal(title string, n int) slack.ModalViewRequest {
	blocks := make([]slack.Block, n)
	for i := range blocks {
		blocks[i] = slack.NewInputBlock(fmt.Sprint("b", i),
			slack.NewTextBlockObject(slack.PlainTextType, "What happened?", false, false), nil,
			slack.NewPlainTextInputBlockElement(nil, fmt.Sprint("a", i)))
	}
	return slack.ModalViewRequest{
		Type:            slack.VTModal,
		Title:           slack.NewTextBlockObject(slack.PlainTextType, title, false, false),
		Submit:          slack.NewTextBlockObject(slack.PlainTextType, "Share", false, false),
		Blocks:          slack.Blocks{BlockSet: blocks},
		CallbackID:      "story",
		PrivateMetadata: `{"channel":"C1"}`,
	}
}

func TestViewsOpenTriggers(t *testing.T) {
	clock := newFakeClock()
	srv := withDirectory(New(t, WithClock(clock.Now)))
	api := newAPI(srv)
	ctx := testCtx(t)

	trigger := srv.SlashCommand("U1", "C1", "")["trigger_id"].(string)
	resp, err := api.OpenViewContext(ctx, trigger, modal("Share a story", 2))
	if err != nil {
		t.Fatal(err)
	}
	if resp.View.ID == "" || resp.View.CallbackID != "story" || resp.View.RootViewID != resp.View.ID || resp.View.Hash == "" || len(resp.View.Blocks.BlockSet) != 2 {
		t.Errorf("view: got %+v", resp.View)
	}
	views := srv.Views()
	if len(views) != 1 || views[0].ID != resp.View.ID || views[0].UserID != "U1" || views[0].PrivateMetadata != `{"channel":"C1"}` {
		t.Errorf("Views: got %+v", views)
	}

	if _, err := api.OpenViewContext(ctx, trigger, modal("Again", 1)); slackCode(err) != "exchanged_trigger_id" {
		t.Errorf("reused trigger: got %v, want exchanged_trigger_id", err)
	}
	if _, err := api.OpenViewContext(ctx, "111.222.made-up", modal("Made up", 1)); slackCode(err) != "invalid_trigger_id" {
		t.Errorf("trigger never issued: got %v, want invalid_trigger_id", err)
	}
	late := srv.IssueTriggerID("U1")
	clock.Advance(3*time.Second + time.Millisecond)
	if _, err := api.OpenViewContext(ctx, late, modal("Late", 1)); slackCode(err) != "expired_trigger_id" {
		t.Errorf("trigger older than 3 s: got %v, want expired_trigger_id", err)
	}
}

func TestTriggerLifeStartsWhenTheEnvelopeIsSent(t *testing.T) {
	clock := newFakeClock()
	srv := withDirectory(New(t, WithClock(clock.Now)))
	startSocket(t, srv)
	ctx := testCtx(t)
	p := srv.SlashCommand("U1", "C1", "")
	clock.Advance(time.Minute) // built long before it is sent
	if _, err := srv.Send(ctx, TypeSlashCommands, p); err != nil {
		t.Fatal(err)
	}
	clock.Advance(2 * time.Second)
	if _, err := newAPI(srv).OpenViewContext(ctx, p["trigger_id"].(string), modal("On time", 1)); err != nil {
		t.Errorf("trigger used 2 s after its envelope: %v", err)
	}
}

func TestViewsOpenValidation(t *testing.T) {
	srv := withDirectory(New(t, WithTriggerTTL(0)))
	api := newAPI(srv)
	ctx := testCtx(t)
	long := modal("Share a story", 1)
	long.PrivateMetadata = strings.Repeat("m", 3001)
	noTitle := modal("x", 1)
	noTitle.Title = nil
	for _, tc := range []struct {
		name    string
		view    slack.ModalViewRequest
		wantMsg string
	}{
		{"101 blocks", modal("Many", 101), "no more than 100 items allowed [json-pointer:/view/blocks]"},
		{"long title", modal(strings.Repeat("t", 25), 1), "must be less than 25 characters [json-pointer:/view/title/text]"},
		{"no title", noTitle, "[json-pointer:/view/title]"},
		{"long metadata", long, "[json-pointer:/view/private_metadata]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := api.OpenViewContext(ctx, srv.IssueTriggerID("U1"), tc.view)
			var e slack.SlackErrorResponse
			if !errors.As(err, &e) || e.Err != "invalid_arguments" {
				t.Fatalf("got %v, want invalid_arguments", err)
			}
			if !strings.Contains(strings.Join(e.ResponseMetadata.Messages, "\n"), tc.wantMsg) {
				t.Errorf("messages: got %q, want one containing %q", e.ResponseMetadata.Messages, tc.wantMsg)
			}
		})
	}
	if _, err := api.OpenViewContext(ctx, srv.IssueTriggerID("U1"), modal("Exactly one hundred", 100)); err != nil {
		t.Errorf("100 blocks: %v", err)
	}
}

func TestViewsUpdatePushSubmit(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	opened, err := api.OpenViewContext(ctx, srv.IssueTriggerID("U1"), modal("Share a story", 1))
	if err != nil {
		t.Fatal(err)
	}
	id, hash := opened.View.ID, opened.View.Hash

	updated, err := api.UpdateViewContext(ctx, modal("Edited", 2), "", hash, id)
	if err != nil || updated.View.ID != id || updated.View.Title.Text != "Edited" {
		t.Fatalf("update: got %+v %v", updated, err)
	}
	if _, err := api.UpdateViewContext(ctx, modal("Stale", 1), "", hash, id); slackCode(err) != "hash_conflict" {
		t.Errorf("stale hash: got %v, want hash_conflict", err)
	}
	if _, err := api.UpdateViewContext(ctx, modal("Gone", 1), "", "", "VNOPE"); slackCode(err) != "not_found" {
		t.Errorf("unknown view: got %v, want not_found", err)
	}

	p, err := srv.ViewBlockActionsPayload(id, []map[string]any{ButtonAction("more", "b", "")})
	if err != nil {
		t.Fatal(err)
	}
	pushed, err := api.PushViewContext(ctx, p["trigger_id"].(string), modal("Second", 1))
	if err != nil || pushed.View.PreviousViewID != id || pushed.View.RootViewID != id {
		t.Errorf("push: got %+v %v, want previous and root %s", pushed, err, id)
	}

	sub, err := srv.ViewSubmissionFor(id, map[string]map[string]any{"b0": {"a0": TextValue("done")}})
	if err != nil {
		t.Fatal(err)
	}
	view := sub["view"].(map[string]any)
	if sub["user"].(map[string]any)["id"] != "U1" || view["id"] != id || view["callback_id"] != "story" {
		t.Errorf("submission: got user %v view %v", sub["user"], view)
	}
	if _, err := srv.ViewSubmissionFor("VNOPE", nil); err == nil {
		t.Error("submission of an unknown view: got nil error")
	}
}

func TestViewsPublish(t *testing.T) {
	srv := withDirectory(New(t))
	api := newAPI(srv)
	ctx := testCtx(t)
	home := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: []slack.Block{slack.NewDividerBlock()}}}
	first, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home})
	if err != nil || first.View.Type != slack.VTHomeTab {
		t.Fatalf("publish: got %+v %v", first, err)
	}
	second, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "U1", View: home})
	if err != nil || second.View.ID != first.View.ID {
		t.Errorf("republish: got %+v %v, want the same view %s", second, err, first.View.ID)
	}
	if _, err := api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: "UNOPE", View: home}); slackCode(err) != "user_not_found" {
		t.Errorf("unknown user: got %v, want user_not_found", err)
	}
}

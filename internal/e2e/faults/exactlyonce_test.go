package faults

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/extramile/extramile"
	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/slackfake"
	"github.com/extramile/extramile/storage"
)

// Slack documents that a call answered with fatal_error or internal_error
// may have taken effect, and so may one whose answer never came (a 5xx, a
// timeout, a dropped connection). The tests below make the fake Slack take
// the post, then fail its answer (PostThenFailNext: a 500; PostThenDropNext:
// the connection closed without an answer), or hold the answer while the
// bot is killed (HoldAnswerNext): every post still arrives exactly once.

// halfSucceeded are the two ways a post's answer is lost in process.
var halfSucceeded = []struct {
	name  string
	fault func(srv *slackfake.Server, method string)
}{
	{"post then 500", func(srv *slackfake.Server, method string) {
		srv.PostThenFailNext(method, 1, http.StatusInternalServerError)
	}},
	{"post then dropped connection", func(srv *slackfake.Server, method string) { srv.PostThenDropNext(method, 1) }},
}

// promptOnStart schedules the weekly prompt so that a firing is due at
// start ("@every 168h" fires at each multiple of a week since the epoch,
// at most 7 days ago, inside the catch-up window).
func promptOnStart(c *config.Config) {
	c.PromptSchedule = "@every 168h"
	c.Catchup = 8 * 24 * time.Hour
}

// prompts returns the weekly prompts the bot posted in channel.
func prompts(h *apptest.Harness, channel string) []slackfake.Message {
	var out []slackfake.Message
	for _, m := range h.Posts(channel) {
		if text := apptest.Text(m); strings.Contains(text, "Last week this channel wrote down") || strings.Contains(text, "Nothing was written down here last week") {
			out = append(out, m)
		}
	}
	return out
}

// promptDone reports whether the prompt's run in channel is done in the
// run ledger (the post made and recorded).
func promptDone(h *apptest.Harness, channel string) bool {
	h.T.Helper()
	ctx := h.Ctx()
	db, err := storage.Open(ctx, h.Config.DBPath)
	if err != nil {
		h.T.Fatalf("open database: %v", err)
	}
	defer db.Close()
	last, err := db.LastRun(ctx, bot.JobPrompt, extramile.ChannelRun(channel))
	if err != nil {
		h.T.Fatalf("last run: %v", err)
	}
	return !last.IsZero()
}

// shoutoutRecorded reports whether the story with token is recorded as
// posted, with a permalink to the message in #general that carries it.
func shoutoutRecorded(h *apptest.Harness, token string) bool {
	var ts string
	for _, m := range h.Posts(apptest.General) {
		if strings.Contains(apptest.Text(m), "["+token+"]") {
			ts = strings.Replace(m.TS, ".", "", 1)
		}
	}
	for _, s := range h.Export().Stories {
		if strings.Contains(s.Text, "["+token+"]") {
			return ts != "" && strings.HasSuffix(s.Permalink, "/p"+ts)
		}
	}
	return false
}

// TestHalfSucceededPostsOnce: Slack takes a post but its answer is lost
// (each of halfSucceeded), and the bot looks before posting again:
//   - shoutout: it looks for the shoutout in #general's history (by its
//     metadata), finds it, and records it: one shoutout, one thank-you DM,
//     one confirmation;
//   - thank-you DM: it finds its DM channel with the person
//     (conversations.open) and looks there: one DM;
//   - prompt: one weekly prompt, and the run is done, so a restart posts
//     nothing more.
func TestHalfSucceededPostsOnce(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(t *testing.T, fault func(srv *slackfake.Server, method string))
	}{
		{"shoutout", func(t *testing.T, fault func(srv *slackfake.Server, method string)) {
			h := apptest.New(t)
			h.Start()
			fault(h.Slack, "chat.postMessage")
			const tok = "fonce-1"
			if errs := fieldErrors(t, submitStory(h, tok, apptest.Bob)); errs != nil {
				t.Fatalf("story refused: %v", errs)
			}
			h.Eventually("the confirmation and the thank-you DM", func() bool {
				return len(h.Ephemerals(apptest.Alice)) == 1 && tokensIn(h.Posts(apptest.Bob))[tok] == 1
			})
			if err := h.Stop(); err != nil { // nothing more can come
				t.Fatal(err)
			}
			if n := tokensIn(h.Posts(apptest.General))[tok]; n != 1 {
				t.Errorf("shoutouts: got %d, want 1", n)
			}
			if !shoutoutRecorded(h, tok) {
				t.Error("the story does not link to the shoutout found in the history")
			}
			if n := len(h.Slack.Calls("conversations.history")); n != 1 {
				t.Errorf("looks in the history: got %d, want 1", n)
			}
			if n := tokensIn(h.Posts(apptest.Bob))[tok]; n != 1 {
				t.Errorf("thank-you DMs: got %d, want 1", n)
			}
			if n := len(h.Posts(apptest.Alice)); n != 0 {
				t.Errorf("DMs to the author: got %d, want 0", n)
			}
		}},
		{"thank-you DM", func(t *testing.T, fault func(srv *slackfake.Server, method string)) {
			h := apptest.New(t)
			h.Start()
			// The first post after the permalink is the thank-you DM.
			h.Slack.Handle("chat.getPermalink", func(w http.ResponseWriter, r *http.Request) {
				fault(h.Slack, "chat.postMessage")
				h.Slack.Handle("chat.getPermalink", nil)
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"ok":true,"channel":"CGENERAL","permalink":"https://fake.slack.test/archives/CGENERAL/p1"}`))
			})
			const tok = "fonce-2"
			if errs := fieldErrors(t, submitStory(h, tok, apptest.Bob)); errs != nil {
				t.Fatalf("story refused: %v", errs)
			}
			h.Eventually("the confirmation", func() bool { return len(h.Ephemerals(apptest.Alice)) == 1 })
			if err := h.Stop(); err != nil {
				t.Fatal(err)
			}
			if n := tokensIn(h.Posts(apptest.Bob))[tok]; n != 1 {
				t.Errorf("thank-you DMs to Bob: got %d, want 1", n)
			}
			looks := h.Slack.Calls("conversations.history")
			if len(looks) != 1 || looks[0].Params.Get("channel") != "D"+apptest.Bob {
				t.Errorf("looks in the history: %d, want 1 in Bob's DM with the bot", len(looks))
			}
			if n := tokensIn(h.Posts(apptest.General))[tok]; n != 1 {
				t.Errorf("shoutouts: got %d, want 1", n)
			}
		}},
		{"prompt", func(t *testing.T, fault func(srv *slackfake.Server, method string)) {
			h := apptest.New(t, promptOnStart)
			fault(h.Slack, "chat.postMessage")
			h.Start()
			h.Eventually("the prompt's run done", func() bool { return promptDone(h, apptest.General) })
			if n := len(prompts(h, apptest.General)); n != 1 {
				t.Errorf("prompts: got %d, want 1", n)
			}
			if n := len(h.Slack.Calls("conversations.history")); n != 1 {
				t.Errorf("looks in the history: got %d, want 1", n)
			}
			h.Restart()
			if err := h.Stop(); err != nil {
				t.Fatal(err)
			}
			if n := len(prompts(h, apptest.General)); n != 1 {
				t.Errorf("prompts after a restart: got %d, want 1", n)
			}
		}},
	}
	for _, sc := range scenarios {
		for _, tc := range halfSucceeded {
			t.Run(sc.name+"/"+tc.name, func(t *testing.T) {
				t.Parallel()
				sc.run(t, tc.fault)
			})
		}
	}
}

// TestKilledBetweenPostAndRecord kills the bot (SIGKILL) after Slack took a
// post and before the bot heard back, so the database never learns of it,
// then starts it again: the new process takes the work over (the shoutout
// pending, the prompt's run left "running" by a dead process), looks for
// the post before posting, finds it and records it. Exactly one shoutout,
// exactly one prompt.
func TestKilledBetweenPostAndRecord(t *testing.T) {
	t.Parallel()
	t.Run("shoutout", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t)
		arrived, release := h.Slack.HoldAnswerNext("chat.postMessage")
		defer release()
		p := startProc(t, h, 1)
		const tok = "fkill-1"
		if errs := fieldErrors(t, submitStory(h, tok, apptest.Bob)); errs != nil {
			t.Fatalf("story refused: %v", errs)
		}
		select {
		case <-arrived:
		case <-waitCtx(t).Done():
			t.Fatal("the shoutout never reached Slack")
		}
		p.kill()
		release()
		p = startProc(t, h, 2)
		h.Eventually("the thank-you DM and the confirmation", func() bool {
			return tokensIn(h.Posts(apptest.Bob))[tok] == 1 && len(h.Ephemerals(apptest.Alice)) == 1
		})
		p.stop()
		if n := tokensIn(h.Posts(apptest.General))[tok]; n != 1 {
			t.Errorf("shoutouts: got %d, want 1", n)
		}
		if !shoutoutRecorded(h, tok) {
			t.Error("the story does not link to the shoutout posted before the kill")
		}
		if n := len(h.Slack.Calls("conversations.history")); n != 1 {
			t.Errorf("looks in the history: got %d, want 1", n)
		}
	})
	t.Run("prompt", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t, promptOnStart)
		arrived, release := h.Slack.HoldAnswerNext("chat.postMessage")
		defer release()
		p := startProc(t, h, 1)
		select {
		case <-arrived:
		case <-waitCtx(t).Done():
			t.Fatal("the prompt never reached Slack")
		}
		p.kill()
		release()
		p = startProc(t, h, 2)
		h.Eventually("the prompt's run done", func() bool { return promptDone(h, apptest.General) })
		p.stop()
		p = startProc(t, h, 3) // a third start has nothing left to do
		p.stop()
		if n := len(prompts(h, apptest.General)); n != 1 {
			t.Errorf("prompts: got %d, want 1", n)
		}
		if n := len(h.Slack.Calls("conversations.history")); n != 1 {
			t.Errorf("looks in the history: got %d, want 1", n)
		}
	})
}

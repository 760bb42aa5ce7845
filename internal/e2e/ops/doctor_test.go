package ops

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/extramile/extramile/bot"
	"github.com/extramile/extramile/internal/apptest"
	"github.com/extramile/extramile/internal/config"
	"github.com/extramile/extramile/internal/doctor"
	"github.com/extramile/extramile/internal/slackfake"
)

// runDoctor runs the checks of `extramile doctor` on the harness's
// configuration while the bot runs, and returns the results and what it
// prints. The output never shows a token.
func runDoctor(t *testing.T, h *apptest.Harness, edit func(*doctor.Options)) ([]doctor.Result, string) {
	t.Helper()
	cfg := h.Config
	o := doctor.Options{
		BotToken: cfg.Slack.BotToken, AppToken: cfg.Slack.AppToken, APIURL: cfg.Slack.APIURL,
		Channel: cfg.Channel, DBPath: cfg.DBPath,
	}
	if edit != nil {
		edit(&o)
	}
	rs := doctor.Run(h.Ctx(), o)
	var out bytes.Buffer
	if err := doctor.Print(&out, rs); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{cfg.Slack.BotToken, cfg.Slack.AppToken, o.BotToken, o.AppToken} {
		if strings.Contains(out.String(), tok) {
			t.Errorf("doctor printed a token (%s…):\n%s", tok[:5], out.String())
		}
	}
	return rs, out.String()
}

// result finds the result whose name starts with prefix.
func result(t *testing.T, rs []doctor.Result, prefix string) doctor.Result {
	t.Helper()
	for _, r := range rs {
		if strings.HasPrefix(r.Name, prefix) {
			return r
		}
	}
	t.Fatalf("no %q result in %+v", prefix, rs)
	return doctor.Result{}
}

// TestDoctorHealthy: every check passes on the harness's setup with the bot
// running, a channel subscribed besides EXTRAMILE_CHANNEL.
func TestDoctorHealthy(t *testing.T) {
	t.Parallel()
	h := apptest.New(t)
	h.Start()
	h.Command(apptest.Admin, apptest.Team, "subscribe")
	rs, out := runDoctor(t, h, nil)
	if doctor.Failed(rs) {
		t.Fatalf("doctor found problems on a healthy setup:\n%s", out)
	}
	for _, want := range []string{
		"ok    bot token: Slack accepts it (xoxb-…): the bot is @extramile (UBOT)",
		"ok    app token:",
		fmt.Sprintf("ok    scopes: all %d the bot needs are granted", len(bot.Scopes())),
		"ok    channel CGENERAL #general (EXTRAMILE_CHANNEL): public, not archived, the bot is a member",
		"ok    channel GTEAM #team (subscribed): private, not archived, the bot is a member",
		"ok    clock:",
		"takes writes (checked and rolled back), schema 0",
		"Everything checked is fine.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
	// The bot kept working meanwhile, and doctor changed nothing it keeps.
	h.Command(apptest.Alice, apptest.General, "<@UBOB|bob> stayed late to fix the customer's import")
	if n := len(h.Export().Stories); n != 1 {
		t.Errorf("stories after doctor: got %d, want 1", n)
	}
}

// TestDoctorBrokenSetups: a scope missing from the install, the bot not in
// its channel, and a bad token are each found, said plainly with the one
// thing to do, and make doctor fail.
func TestDoctorBrokenSetups(t *testing.T) {
	t.Parallel()
	t.Run("missing scope", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t)
		h.Start()
		var scopes []string
		for _, s := range slackfake.DefaultBotScopes() {
			if s != "reactions:read" {
				scopes = append(scopes, s)
			}
		}
		h.Slack.SetBotScopes(scopes...) // installed from an older manifest
		rs, out := runDoctor(t, h, nil)
		r := result(t, rs, "scopes")
		if r.OK || !strings.Contains(r.Problem, "lacks reactions:read (without it Slack sends no reaction events: no kudos are ever counted)") ||
			!strings.Contains(r.Fix, "reinstall the app") {
			t.Errorf("scopes: %+v", r)
		}
		if !doctor.Failed(rs) || !strings.Contains(out, "1 problem found.") {
			t.Errorf("doctor output:\n%s", out)
		}
	})
	t.Run("bot not in the channel", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t, func(c *config.Config) { c.Channel = apptest.Random })
		h.Start()
		rs, out := runDoctor(t, h, nil)
		r := result(t, rs, "channel CRANDOM")
		if r.OK || !strings.Contains(r.Problem, "the bot is not a member of #random") || r.Fix != "run /invite @extramile in #random" {
			t.Errorf("channel: %+v", r)
		}
		if !doctor.Failed(rs) || !strings.Contains(out, "1 problem found.") {
			t.Errorf("doctor output:\n%s", out)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		t.Parallel()
		h := apptest.New(t)
		h.Start()
		rs, out := runDoctor(t, h, func(o *doctor.Options) { o.BotToken = "xoxb-revoked-7f3a" })
		r := result(t, rs, "bot token")
		if r.OK || !strings.Contains(r.Problem, "Slack refused SLACK_BOT_TOKEN (xoxb-…, invalid_auth)") || !strings.Contains(r.Fix, "Bot User OAuth Token") {
			t.Errorf("bot token: %+v", r)
		}
		for _, name := range []string{"scopes", "channel"} {
			if r := result(t, rs, name); !r.Skipped {
				t.Errorf("%s not skipped after a refused token: %+v", name, r)
			}
		}
		if !doctor.Failed(rs) || !strings.Contains(out, "1 problem found.") {
			t.Errorf("doctor output:\n%s", out)
		}
	})
}
